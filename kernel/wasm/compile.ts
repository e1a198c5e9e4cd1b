// Validates one function body and translates it into internal code in the
// same pass. Code that validation proves unreachable is not emitted, so at
// every emitted instruction the operand stack height is exactly known: each
// stack position is a fixed slot of the frame (after the locals), and the
// internal code names its operands and results by slot, like registers.
// local.get emits nothing: the value stays "pending" in its local's slot and
// the instruction that consumes it reads the local directly; pending values
// are copied to their own slots before anything that could change the local
// or that needs the stack in place (control flow and calls).
import { CodeBuffer } from "./codebuffer";
import { FuncBody, Module } from "./module";
import * as ins from "./instructions.generated";
import * as op from "./opcodes";
import { Peephole, constantForm } from "./peephole";
import { Reader } from "./reader";
import { F32, F64, FUNCREF, I32, I64, UNKNOWN, isRefType, readRefType, readValType } from "./types";
import { ControlFrame, Validator } from "./validate";

const BLOCK: u8 = 0x02;
const LOOP: u8 = 0x03;
const IF: u8 = 0x04;
const ELSE: u8 = 0x05;
const NO_TYPES: u8[] = [];

const CANONICAL: i32 = -1;

export class FunctionCompiler {
  v: Validator;
  locals: u8[] = [];
  /** Per stack height: the byte offset of the local whose value is pending there, or CANONICAL. */
  pending: i32[] = [];
  pendingCount: i32 = 0;
  peep: Peephole;

  constructor(public m: Module, public r: Reader, public code: CodeBuffer) {
    this.v = new Validator(r);
    this.peep = new Peephole(code);
  }

  /** Compiles the body of function `index`; the reader spans exactly the body. */
  compile(index: u32): FuncBody | null {
    const type = this.m.funcType(index);
    const body = new FuncBody();
    for (let i = 0; i < type.params.length; i++) this.locals.push(type.params[i]);
    if (!this.readLocals()) return null;
    body.extraLocals = this.locals.length - type.params.length;
    body.entry = this.code.offset;
    const frame = this.v.pushFrame(BLOCK, NO_TYPES, type.results);
    frame.live = true;
    while (this.v.ctrls.length > 0 && !this.r.failed) this.instruction();
    if (this.r.failed) return null;
    if (!this.r.atEnd) {
      this.r.fail("section size mismatch");
      return null;
    }
    body.maxStack = this.v.maxHeight;
    return body;
  }

  private readLocals(): bool {
    const groups = this.r.u32();
    let total: u64 = this.locals.length;
    for (let g: u32 = 0; g < groups && !this.r.failed; g++) {
      const count = this.r.u32();
      const t = readValType(this.r);
      total += count;
      if (total > 50000) {
        this.r.fail("too many locals");
        return false;
      }
      for (let i: u32 = 0; i < count; i++) this.locals.push(t);
    }
    return !this.r.failed;
  }

  /** True when the current instruction can execute, so code must be emitted for it. */
  private get live(): bool {
    const frame = this.v.top;
    return frame.live && !frame.unreachable;
  }

  private emit(word: i32): void {
    if (this.live) this.code.emit(word);
  }

  private emit2(a: i32, b: i32): void {
    this.emit(a);
    this.emit(b);
  }

  // Slots. Heights count operand stack values; slots are byte offsets from the frame pointer.

  /** Where the value at stack height `h` lives once it is in place. */
  private home(h: i32): i32 {
    return (this.locals.length + h) << 3;
  }

  /** Where the value at stack height `h` can be read now. */
  private slot(h: i32): i32 {
    if (h < 0) return this.home(0); // only in unreachable code, where nothing is emitted
    return h < this.pending.length && this.pending[h] != CANONICAL ? this.pending[h] : this.home(h);
  }

  /** Where the value `depth` places below the top (0 is the top) can be read now. */
  private operand(depth: i32): i32 {
    return this.slot(this.v.height - 1 - depth);
  }

  private setPending(h: i32, local: i32): void {
    while (this.pending.length <= h) this.pending.push(CANONICAL);
    const was = this.pending[h];
    if (was != CANONICAL) this.pendingCount--;
    if (local != CANONICAL) this.pendingCount++;
    this.pending[h] = local;
  }

  /** Marks the top of the stack (just pushed by an instruction's result) as being in place. */
  private resultInPlace(resultWord: i32 = -1): void {
    if (!this.live) return;
    this.setPending(this.v.height - 1, CANONICAL);
    this.peep.computed(this.v.height - 1, resultWord);
  }

  /** True when the value on top was computed by the instruction just emitted, into its own slot. */
  private topJustComputed(): bool {
    const top = this.v.height - 1;
    return this.live && this.peep.justComputed(top) && this.slot(top) == this.home(top);
  }

  /** True when the condition on top is an i32 test just emitted, which a branch can absorb. */
  private conditionFusable(): bool {
    return this.topJustComputed() && this.peep.lastIsTest();
  }

  private pendingOn(local: i32): bool {
    if (this.pendingCount == 0) return false;
    for (let h = 0; h < this.pending.length && h < this.v.height; h++) if (this.pending[h] == local) return true;
    return false;
  }

  /** Copies pending values below height `limit` into place; only those of local `local` unless it is CANONICAL. */
  private settle(limit: i32, local: i32): void {
    if (this.pendingCount == 0 || !this.live) return;
    const end = min(limit, this.pending.length);
    for (let h = 0; h < end; h++) {
      const from = this.pending[h];
      if (from == CANONICAL || (local != CANONICAL && from != local)) continue;
      this.code.emit(op.OP_COPY);
      this.code.emit(from);
      this.code.emit(this.home(h));
      this.setPending(h, CANONICAL);
    }
  }

  /** Puts every stack value in place, as control flow and calls need. */
  private settleAll(): void {
    this.settle(this.v.height, CANONICAL);
  }

  private instruction(): void {
    const code = <u32>this.r.u8();
    if (this.r.failed) return;
    this.peep.begin();
    if (code >= <u32>op.OP_FIRST_NUMERIC && code <= <u32>op.OP_LAST_NUMERIC) {
      this.numeric(code, ins.signature(code));
      return;
    }
    if (code <= 0x11) this.control(code);
    else if (code <= 0x26) this.variable(code);
    else if (code <= 0x44) this.memoryOrConst(code);
    else if (code >= 0xd0 && code <= 0xd2) this.reference(code);
    else if (code == 0xfc) this.prefixed();
    else if (code == 0xfd) this.r.fail("unsupported feature: SIMD");
    else this.r.fail("illegal opcode " + code.toString(16));
  }

  /** An instruction reading `inputs` values and pushing one result: [code, operand slots..., result slot]. */
  private compute(code: u32, inputs: i32): void {
    this.emit(code);
    this.computeSlots(inputs);
  }

  /** The operand slots (deepest first) and the result slot of an instruction reading `inputs` values. */
  private computeSlots(inputs: i32): void {
    this.emitOperands(inputs);
    this.emit(this.home(this.v.height - inputs));
  }

  private numeric(code: u32, sig: StaticArray<u8>): void {
    const inputs = sig[1] != 0 ? 2 : 1;
    const withConstant = constantForm(code);
    const last = this.topJustComputed() ? this.peep.last(0) : -1;
    if (withConstant >= 0 && last == op.OP_I32_CONST) {
      // i32.const then the operation: the constant becomes an immediate.
      const constant = this.peep.last(2);
      this.peep.replaceLast();
      this.code.emit(withConstant);
      this.code.emit(this.operand(1));
      this.code.emit(constant);
      this.code.emit(this.home(this.v.height - 2));
    } else if (code == ins.I32_ADD && last == ins.I32_SHL_CONST) {
      // A shift by a constant then an addition: one instruction.
      const shifted = this.peep.last(1);
      const shift = this.peep.last(2);
      this.peep.replaceLast();
      this.code.emit(op.OP_I32_ADD_SHIFTED);
      this.code.emit(this.operand(1));
      this.code.emit(shifted);
      this.code.emit(shift);
      this.code.emit(this.home(this.v.height - 2));
    } else {
      this.compute(code, inputs);
    }
    if (sig[1] != 0) this.v.popExpect(sig[1]);
    this.v.popExpect(sig[0]);
    this.v.push(sig[2]);
    this.resultInPlace();
  }

  private blockType(): ControlFrame | null {
    const first = this.r.u8();
    if (first == 0x40) return new ControlFrame(0, NO_TYPES, NO_TYPES, 0);
    if ((first & 0xc0) == 0x40) {
      // A single value type (one byte, negative as s33).
      this.r.pos--;
      const t = readValType(this.r);
      return new ControlFrame(0, NO_TYPES, [t], 0);
    }
    this.r.pos--;
    const index = this.r.s33();
    if (this.r.failed) return null;
    if (index < 0 || index >= this.m.types.length) {
      this.r.fail("unknown type");
      return null;
    }
    const t = this.m.types[<i32>index];
    return new ControlFrame(0, t.params, t.results, 0);
  }

  private control(code: u32): void {
    const v = this.v;
    switch (code) {
      case 0x00: this.emit(op.OP_UNREACHABLE); v.markUnreachable(); break;
      case 0x01: break;
      case 0x02: case 0x03: case 0x04: this.openBlock(<u8>code); break;
      case 0x05: this.elseBranch(); break;
      case 0x0b: this.endBlock(); break;
      case 0x0c: this.br(); break;
      case 0x0d: this.brIf(); break;
      case 0x0e: this.brTable(); break;
      case 0x0f: this.returnFrom(); break;
      case 0x10: this.call(); break;
      case 0x11: this.callIndirect(); break;
      default: this.r.fail("illegal opcode " + code.toString(16));
    }
  }

  private returnFrom(): void {
    const results = this.v.ctrls[0].results;
    this.settleAll();
    if (this.live) {
      this.code.emit(op.OP_RETURN);
      this.code.emit(results.length << 3);
      this.code.emit(this.home(this.v.height - results.length));
    }
    this.v.popAll(results);
    this.v.markUnreachable();
  }

  private openBlock(code: u8): void {
    const bt = this.blockType();
    if (bt === null) return;
    let condition = 0;
    let fusable = false;
    if (code == IF) {
      condition = this.operand(0);
      fusable = this.conditionFusable();
      this.v.popExpect(I32);
    }
    this.settleAll();
    this.v.popAll(bt.params);
    const live = this.live;
    const frame = this.v.pushFrame(code, bt.params, bt.results);
    frame.live = live;
    if (!live) return;
    if (code == LOOP) {
      // Backward branches land here; nothing before may be fused with what follows.
      frame.loopStart = this.code.offset;
      this.peep.label();
    } else if (code == IF) {
      if (fusable && this.peep.lastEndsHere()) {
        this.peep.fuseBranch(true);
      } else {
        this.code.emit(op.OP_BR_UNLESS);
        this.code.emit(condition);
      }
      frame.elseFixup = <i32>this.code.length;
      this.code.emit(-1);
    }
  }

  private elseBranch(): void {
    const frame = this.v.top;
    if (frame.opcode != IF) {
      this.r.fail("else without if");
      return;
    }
    this.settleAll();
    this.peep.label();
    this.v.popAll(frame.results);
    if (this.v.height != frame.height) this.v.error("type mismatch");
    if (this.live) this.emitJump(op.OP_BR, frame);
    if (frame.live) this.code.set(frame.elseFixup, this.code.offset);
    frame.elseFixup = -1;
    frame.opcode = ELSE;
    frame.unreachable = false;
    this.v.vals.length = frame.height;
    this.v.pushAll(frame.params);
    this.inPlace(frame.height);
  }

  /** Marks the stack values from height `from` up as being in their own slots. */
  private inPlace(from: i32): void {
    if (!this.live) return;
    for (let h = from; h < this.v.height; h++) this.setPending(h, CANONICAL);
  }

  private endBlock(): void {
    this.settleAll();
    this.peep.label();
    const frame = this.v.popFrame();
    if (frame.opcode == IF && !sameTypes(frame.params, frame.results)) this.v.error("type mismatch");
    const here = this.code.offset;
    if (frame.elseFixup >= 0) this.code.set(frame.elseFixup, here);
    let at = frame.fixups;
    while (at >= 0) {
      const next = this.code.get(at);
      this.code.set(at, here);
      at = next;
    }
    if (this.v.ctrls.length == 0) {
      // The end of the function body: every path arrives with exactly the results.
      this.code.emit(op.OP_RETURN);
      this.code.emit(frame.results.length << 3);
      this.code.emit(this.home(frame.height));
      return;
    }
    this.v.pushAll(frame.results);
    this.inPlace(frame.height);
  }

  /** Emits a jump's target word: a known loop start, or a fixup chained into the frame. */
  private emitTarget(frame: ControlFrame): void {
    if (frame.opcode == LOOP) {
      this.code.emit(frame.loopStart);
    } else {
      const at = <i32>this.code.length;
      this.code.emit(frame.fixups);
      frame.fixups = at;
    }
  }

  private emitJump(opcode: i32, frame: ControlFrame): void {
    this.code.emit(opcode);
    this.emitTarget(frame);
  }

  /** The move a branch to `frame` makes, from stack height `height`: [bytes, from, to]; bytes 0 when none. */
  private emitMove(frame: ControlFrame, height: i32): void {
    const keep = frame.labelTypes.length;
    const from = this.home(height - keep);
    const to = this.home(frame.height);
    this.code.emit(from == to ? 0 : keep << 3);
    this.code.emit(from);
    this.code.emit(to);
  }

  private needsMove(frame: ControlFrame, height: i32): bool {
    return frame.height != height - frame.labelTypes.length && frame.labelTypes.length > 0;
  }

  private br(): void {
    const frame = this.v.label(this.r.u32());
    if (frame === null) return;
    this.settleAll();
    if (this.live) {
      if (this.needsMove(frame, this.v.height)) {
        this.emitJump(op.OP_BR_MOVE, frame);
        this.emitMove(frame, this.v.height);
      } else {
        this.emitJump(op.OP_BR, frame);
      }
    }
    const types = frame.labelTypes;
    this.v.popAll(types);
    this.v.pushAll(types);
    this.v.markUnreachable();
  }

  private brIf(): void {
    const frame = this.v.label(this.r.u32());
    if (frame === null) return;
    const condition = this.operand(0);
    const fusable = this.conditionFusable();
    this.v.popExpect(I32);
    this.settleAll();
    if (this.live && fusable && this.peep.lastEndsHere() && !this.needsMove(frame, this.v.height)) {
      this.peep.fuseBranch(false);
      this.emitTarget(frame);
    } else if (this.live) {
      const moves = this.needsMove(frame, this.v.height);
      this.code.emit(moves ? op.OP_BR_IF_MOVE : op.OP_BR_IF);
      this.code.emit(condition);
      this.emitTarget(frame);
      if (moves) this.emitMove(frame, this.v.height);
    }
    const types = frame.labelTypes;
    this.v.popAll(types);
    this.v.pushAll(types);
  }

  private brTable(): void {
    const count = this.r.u32();
    if (<usize>count > this.r.remaining) {
      this.r.fail("unexpected end");
      return;
    }
    const depths = new Array<u32>(count + 1);
    for (let i: u32 = 0; i <= count; i++) depths[i] = this.r.u32();
    if (this.r.failed) return;
    const condition = this.operand(0);
    this.v.popExpect(I32);
    this.settleAll();
    const live = this.live;
    if (live) {
      this.code.emit(op.OP_BR_TABLE);
      this.code.emit(condition);
      this.code.emit(count);
    }
    const fallback = this.v.label(depths[count]);
    if (fallback === null) return;
    const arity = fallback.labelTypes.length;
    for (let i: u32 = 0; i <= count; i++) {
      const frame = this.v.label(depths[i]);
      if (frame === null) return;
      const types = frame.labelTypes;
      if (types.length != arity) {
        this.v.error("type mismatch");
        return;
      }
      if (live) {
        this.emitTarget(frame);
        this.emitMove(frame, this.v.height);
      }
      this.v.popAndRepush(types);
    }
    this.v.popAll(fallback.labelTypes);
    this.v.markUnreachable();
  }

  private call(): void {
    const index = this.r.u32();
    if (index >= <u32>this.m.funcTypes.length) {
      this.r.fail("unknown function");
      return;
    }
    const type = this.m.funcType(index);
    this.settleAll();
    this.emit(op.OP_CALL);
    this.emit2(index, this.home(this.v.height - type.params.length));
    this.v.popAll(type.params);
    this.v.pushAll(type.results);
    this.inPlace(this.v.height - type.results.length);
  }

  private callIndirect(): void {
    const typeIndex = this.r.u32();
    const table = this.r.u32();
    if (this.r.failed) return;
    if (table >= <u32>this.m.tables.length) {
      this.r.fail("unknown table");
      return;
    }
    if (typeIndex >= <u32>this.m.types.length) {
      this.r.fail("unknown type");
      return;
    }
    if (this.m.tables[table].elemType != FUNCREF) this.v.error("type mismatch");
    const type = this.m.types[typeIndex];
    const element = this.operand(0);
    this.v.popExpect(I32);
    this.settleAll();
    this.emit2(op.OP_CALL_INDIRECT, typeIndex);
    this.emit2(table, element);
    this.emit(this.home(this.v.height - type.params.length));
    this.v.popAll(type.params);
    this.v.pushAll(type.results);
    this.inPlace(this.v.height - type.results.length);
  }

  private variable(code: u32): void {
    switch (code) {
      case 0x1a: this.v.pop(); break;
      case 0x1b: this.select(0); break;
      case 0x1c: this.typedSelect(); break;
      case 0x20: case 0x21: case 0x22: this.local(code); break;
      case 0x23: case 0x24: this.global(code); break;
      case 0x25: case 0x26: this.tableAccess(code); break;
      default: this.r.fail("illegal opcode " + code.toString(16));
    }
  }

  /** select; `annotated` is the type given by `select t`, or 0. */
  private select(annotated: u8): void {
    this.compute(op.OP_SELECT, 3);
    if (annotated == 0) {
      this.v.push(this.v.popSelectOperands());
    } else {
      this.v.popExpect(I32);
      this.v.popExpect(annotated);
      this.v.popExpect(annotated);
      this.v.push(annotated);
    }
    this.resultInPlace();
  }

  private typedSelect(): void {
    const count = this.r.u32();
    if (this.r.failed) return;
    if (count != 1) {
      this.r.fail("invalid result arity");
      return;
    }
    const t = readValType(this.r);
    if (!this.r.failed) this.select(t);
  }

  private local(code: u32): void {
    const index = this.r.u32();
    if (this.r.failed) return;
    if (index >= <u32>this.locals.length) {
      this.r.fail("unknown local");
      return;
    }
    const t = this.locals[index];
    const slot = <i32>index << 3;
    if (code == 0x20) {
      this.v.push(t);
      if (this.live) this.setPending(this.v.height - 1, slot);
      return;
    }
    const top = this.v.height - 1;
    const source = this.operand(0);
    const retarget = this.topJustComputed() && !this.pendingOn(slot);
    this.v.popExpect(t);
    if (this.r.failed) return;
    if (retarget) {
      // The instruction that computed the value writes the local directly.
      this.peep.retargetLast(slot);
    } else {
      // Values read from this local earlier must keep the old value.
      this.settle(top, slot);
      if (source != slot) {
        this.emit(op.OP_COPY);
        this.emit2(source, slot);
      }
    }
    if (code == 0x22) {
      this.v.push(t);
      if (this.live) this.setPending(top, slot);
    }
  }

  private global(code: u32): void {
    const index = this.r.u32();
    if (this.r.failed) return;
    if (index >= <u32>this.m.globals.length) {
      this.r.fail("unknown global");
      return;
    }
    const g = this.m.globals[index];
    if (code == 0x23) {
      this.v.push(g.valType);
      this.emit2(code, index);
      this.emit(this.home(this.v.height - 1));
      this.resultInPlace();
    } else {
      if (!g.mutable) this.v.error("global is immutable");
      this.emit2(code, index);
      this.emit(this.operand(0));
      this.v.popExpect(g.valType);
    }
  }

  private tableIndex(): u32 {
    const index = this.r.u32();
    if (!this.r.failed && index >= <u32>this.m.tables.length) this.r.fail("unknown table");
    return index;
  }

  private tableAccess(code: u32): void {
    const index = this.tableIndex();
    if (this.r.failed) return;
    const t = this.m.tables[index].elemType;
    this.emit2(code, index);
    if (code == 0x25) {
      this.computeSlots(1);
      this.v.popExpect(I32);
      this.v.push(t);
      this.resultInPlace();
    } else {
      this.emitOperands(2);
      this.v.popExpect(t);
      this.v.popExpect(I32);
    }
  }

  /** Emits the slots of the top `n` values, deepest first. */
  private emitOperands(n: i32): void {
    if (!this.live) return;
    for (let depth = n - 1; depth >= 0; depth--) this.code.emit(this.operand(depth));
  }

  private requireMemory(): void {
    if (!this.r.failed && this.m.memories.length == 0) this.r.fail("unknown memory");
  }

  private zeroByte(): void {
    if (this.r.u8() != 0 && !this.r.failed) this.r.fail("zero byte expected");
  }

  /** A constant: [code, result slot, value words...]. */
  private constant(code: u32, t: u8, low: i32, high: i32, wide: bool): void {
    this.v.push(t);
    if (!this.live) return;
    this.code.emit(code);
    const resultWord = <i32>this.code.length;
    this.code.emit(this.home(this.v.height - 1));
    this.code.emit(low);
    if (wide) this.code.emit(high);
    this.resultInPlace(resultWord);
  }

  private memoryOrConst(code: u32): void {
    switch (code) {
      case 0x3f: {
        this.zeroByte();
        this.requireMemory();
        this.v.push(I32);
        this.emit2(code, this.home(this.v.height - 1));
        this.resultInPlace();
        return;
      }
      case 0x40: this.zeroByte(); this.requireMemory(); this.numeric(code, [I32, 0, I32]); return;
      case 0x41: this.constant(code, I32, this.r.s32(), 0, false); return;
      case 0x42: {
        const value = this.r.s64();
        this.constant(code, I64, <i32>value, <i32>(value >> 32), true);
        return;
      }
      case 0x43: this.constant(code, F32, this.r.f32bits(), 0, false); return;
      case 0x44: {
        const bits = this.r.f64bits();
        this.constant(code, F64, <i32>bits, <i32>(bits >> 32), true);
        return;
      }
    }
    if (code < 0x28) {
      this.r.fail("illegal opcode " + code.toString(16));
      return;
    }
    this.memoryAccess(code);
  }

  /** Loads: [code, address slot, offset, result slot]; stores: [code, address slot, value slot, offset]. */
  private memoryAccess(code: u32): void {
    const align = this.r.u32();
    const offset = this.r.u32();
    this.requireMemory();
    if (this.r.failed) return;
    if (align > ins.accessLog2(code)) this.v.error("alignment must not be larger than natural");
    const t = ins.accessType(code);
    if (code >= ins.I32_STORE) {
      this.emit(code);
      this.emitOperands(2);
      this.emit(offset);
      this.v.popExpect(t);
      this.v.popExpect(I32);
    } else if (code == ins.I32_LOAD && this.topJustComputed() && this.peep.last(0) == op.OP_I32_ADD_SHIFTED) {
      // An indexed address then i32.load: one instruction.
      const base = this.peep.last(1);
      const index = this.peep.last(2);
      const shift = this.peep.last(3);
      this.peep.replaceLast();
      this.code.emit(op.OP_I32_LOAD_INDEXED);
      this.code.emit(base);
      this.code.emit2(index, shift);
      this.loadRest(offset, t);
    } else if (code == ins.I32_LOAD && this.topJustComputed() && this.peep.last(0) == op.OP_I32_BINARY_CONST) {
      // An address plus a constant (wrapping at 32 bits, unlike the offset) then i32.load: one instruction.
      const base = this.peep.last(1);
      const constant = this.peep.last(2);
      this.peep.replaceLast();
      this.code.emit(op.OP_I32_LOAD_ADDED);
      this.code.emit2(base, constant);
      this.loadRest(offset, t);
    } else {
      this.emit2(code, this.operand(0));
      this.emit2(offset, this.home(this.v.height - 1));
      this.v.popExpect(I32);
      this.v.push(t);
      this.resultInPlace();
    }
  }

  /** Ends a fused load: its offset and result slot, then the typing. */
  private loadRest(offset: u32, t: u8): void {
    this.code.emit2(offset, this.home(this.v.height - 1));
    this.v.popExpect(I32);
    this.v.push(t);
    this.resultInPlace();
  }

  private reference(code: u32): void {
    if (code == 0xd0) {
      const t = readRefType(this.r);
      this.v.push(t);
      this.emit2(op.OP_REF_NULL, this.home(this.v.height - 1));
      this.resultInPlace();
    } else if (code == 0xd1) {
      this.compute(op.OP_REF_IS_NULL, 1);
      const t = this.v.pop();
      if (t != UNKNOWN && !isRefType(t)) this.v.error("type mismatch");
      this.v.push(I32);
      this.resultInPlace();
    } else {
      const index = this.r.u32();
      if (this.r.failed) return;
      if (index >= <u32>this.m.funcTypes.length) {
        this.r.fail("unknown function");
        return;
      }
      if (!this.m.declaredRefs.has(index)) this.v.error("undeclared function reference");
      this.v.push(FUNCREF);
      this.emit2(op.OP_REF_FUNC, index);
      this.emit(this.home(this.v.height - 1));
      this.resultInPlace();
    }
  }

  private prefixed(): void {
    const sub = this.r.u32();
    if (this.r.failed) return;
    if (sub <= 7) {
      this.numeric(op.OP_PREFIX_FC + sub, ins.signature(op.OP_PREFIX_FC + sub));
      return;
    }
    const code = op.OP_PREFIX_FC + sub;
    switch (sub) {
      case 8: this.memoryInit(); break;
      case 9: this.emit2(code, this.dataIndex()); break;
      case 10: this.zeroByte(); this.zeroByte(); this.requireMemory(); this.emit(code); this.bulk3(I32); break;
      case 11: this.zeroByte(); this.requireMemory(); this.emit(code); this.bulk3(I32); break;
      case 12: this.tableInit(); break;
      case 13: this.emit2(code, this.elemIndex()); break;
      case 14: this.tableCopy(); break;
      case 15: case 16: case 17: this.tableSizing(sub); break;
      default: this.r.fail("illegal opcode fc " + sub.toString());
    }
  }

  /** Emits the three operand slots of a bulk operation and pops them (the middle one of type `middle`). */
  private bulk3(middle: u8): void {
    this.emitOperands(3);
    this.v.popExpect(I32);
    this.v.popExpect(middle);
    this.v.popExpect(I32);
  }

  private dataIndex(): u32 {
    const index = this.r.u32();
    if (this.r.failed) return 0;
    if (this.m.dataCount < 0) this.r.fail("data count section required");
    else if (index >= <u32>this.m.dataCount) this.r.fail("unknown data segment");
    return index;
  }

  private elemIndex(): u32 {
    const index = this.r.u32();
    if (!this.r.failed && index >= <u32>this.m.elems.length) this.r.fail("unknown elem segment");
    return index;
  }

  private memoryInit(): void {
    const index = this.dataIndex();
    this.zeroByte();
    this.requireMemory();
    if (this.r.failed) return;
    this.emit2(op.OP_MEMORY_INIT, index);
    this.bulk3(I32);
  }

  private tableInit(): void {
    const elem = this.elemIndex();
    const table = this.tableIndex();
    if (this.r.failed) return;
    if (this.m.elems[elem].elemType != this.m.tables[table].elemType) this.v.error("type mismatch");
    this.emit(op.OP_TABLE_INIT);
    this.emit2(elem, table);
    this.bulk3(I32);
  }

  private tableCopy(): void {
    const dst = this.tableIndex();
    const src = this.tableIndex();
    if (this.r.failed) return;
    if (this.m.tables[dst].elemType != this.m.tables[src].elemType) this.v.error("type mismatch");
    this.emit(op.OP_TABLE_COPY);
    this.emit2(dst, src);
    this.bulk3(I32);
  }

  /** table.grow [index, init slot, n slot, result slot], table.size [index, result slot], table.fill [index, 3 slots]. */
  private tableSizing(sub: u32): void {
    const index = this.tableIndex();
    if (this.r.failed) return;
    const t = this.m.tables[index].elemType;
    this.emit2(op.OP_PREFIX_FC + sub, index);
    if (sub == 15) {
      this.computeSlots(2);
      this.v.popExpect(I32);
      this.v.popExpect(t);
      this.v.push(I32);
      this.resultInPlace();
    } else if (sub == 16) {
      this.v.push(I32);
      this.emit(this.home(this.v.height - 1));
      this.resultInPlace();
    } else {
      this.bulk3(t);
    }
  }
}

function sameTypes(a: u8[], b: u8[]): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
