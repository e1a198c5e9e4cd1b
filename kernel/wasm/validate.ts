// The operand and control stacks of the spec's validation algorithm
// (Appendix "Validation Algorithm"). The compiler drives it instruction by
// instruction; the control frames also carry what code generation needs to
// resolve branch targets.
import { Reader } from "./reader";
import { UNKNOWN, isNumType } from "./types";

export class ControlFrame {
  /** Forward-branch fixups still waiting for the end of this block, chained through the code. */
  fixups: i32 = -1;
  /** For `if`: the BR_UNLESS immediate to patch at `else` or `end`. */
  elseFixup: i32 = -1;
  /** For `loop`: where backward branches go. */
  loopStart: i32 = -1;
  unreachable: bool = false;
  /** False inside a block that starts in unreachable code: nothing in it is emitted. */
  live: bool = true;

  constructor(
    public opcode: u8,
    public params: u8[],
    public results: u8[],
    public height: i32,
  ) {}

  /** The types a branch to this frame carries. */
  get labelTypes(): u8[] {
    return this.opcode == 0x03 ? this.params : this.results;
  }
}

export class Validator {
  vals: u8[] = [];
  ctrls: ControlFrame[] = [];
  maxHeight: i32 = 0;

  constructor(public reader: Reader) {}

  error(message: string): void {
    this.reader.fail(message);
  }

  get height(): i32 {
    return this.vals.length;
  }

  get top(): ControlFrame {
    return this.ctrls[this.ctrls.length - 1];
  }

  push(t: u8): void {
    this.vals.push(t);
    if (this.vals.length > this.maxHeight) this.maxHeight = this.vals.length;
  }

  pushAll(types: u8[]): void {
    for (let i = 0; i < types.length; i++) this.push(types[i]);
  }

  pop(): u8 {
    const frame = this.top;
    if (this.vals.length == frame.height) {
      if (!frame.unreachable) this.error("type mismatch");
      return UNKNOWN;
    }
    return this.vals.pop();
  }

  popExpect(expected: u8): u8 {
    const actual = this.pop();
    if (actual != expected && actual != UNKNOWN && expected != UNKNOWN) this.error("type mismatch");
    return actual;
  }

  popAll(types: u8[]): void {
    for (let i = types.length - 1; i >= 0; i--) this.popExpect(types[i]);
  }

  /** Pops values of `types` and pushes back what was popped (unknown stays unknown), as br_table needs. */
  popAndRepush(types: u8[]): void {
    const popped = new Array<u8>(types.length);
    for (let i = types.length - 1; i >= 0; i--) popped[i] = this.popExpect(types[i]);
    this.pushAll(popped);
  }

  pushFrame(opcode: u8, params: u8[], results: u8[]): ControlFrame {
    const frame = new ControlFrame(opcode, params, results, this.vals.length);
    this.ctrls.push(frame);
    this.pushAll(params);
    return frame;
  }

  popFrame(): ControlFrame {
    const frame = this.top;
    this.popAll(frame.results);
    if (this.vals.length != frame.height) this.error("type mismatch");
    this.ctrls.pop();
    return frame;
  }

  /** The frame `depth` labels out, or null (after recording the error) when there is none. */
  label(depth: u32): ControlFrame | null {
    if (depth >= <u32>this.ctrls.length) {
      this.error("unknown label");
      return null;
    }
    return this.ctrls[this.ctrls.length - 1 - <i32>depth];
  }

  markUnreachable(): void {
    const frame = this.top;
    this.vals.length = frame.height;
    frame.unreachable = true;
  }

  /** `select` without a type annotation: both operands must be the same numeric type. */
  popSelectOperands(): u8 {
    this.popExpect(0x7f);
    const t1 = this.pop();
    const t2 = this.pop();
    const numeric1 = t1 == UNKNOWN || isNumType(t1);
    const numeric2 = t2 == UNKNOWN || isNumType(t2);
    if (!numeric1 || !numeric2) this.error("type mismatch");
    if (t1 != t2 && t1 != UNKNOWN && t2 != UNKNOWN) this.error("type mismatch");
    return t1 == UNKNOWN ? t2 : t1;
  }
}
