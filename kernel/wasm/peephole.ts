// The compiler's memory of the instructions it just emitted, so that the
// next instruction can absorb them: fused forms (a constant operand, a
// comparison and its branch, an indexed load) and results written straight
// to a local. Nothing is fused across a label, where a jump may arrive.
import { CodeBuffer } from "./codebuffer";
import * as op from "./opcodes";

export class Peephole {
  /** Where the instruction being compiled starts. */
  start: i32 = 0;
  /** The last instruction that computed a value into a slot: its words, result word and stack height. */
  lastStart: i32 = -1;
  lastEnd: i32 = -1;
  lastResultWord: i32 = -1;
  lastHeight: i32 = -1;
  /** The one before it. */
  previousStart: i32 = -1;
  previousEnd: i32 = -1;
  /** Fusions made so far (absorbed instructions, retargeted results), which tests check. */
  fusions: u32 = 0;

  constructor(public code: CodeBuffer) {}

  /** Starts compiling an instruction. */
  begin(): void {
    this.start = <i32>this.code.length;
  }

  /** The instruction just emitted computed the value at stack height `height` into word `resultWord` (-1: its last). */
  computed(height: i32, resultWord: i32): void {
    this.previousStart = this.lastStart;
    this.previousEnd = this.lastEnd;
    this.lastStart = this.start;
    this.lastEnd = <i32>this.code.length;
    this.lastResultWord = resultWord >= 0 ? resultWord : this.lastEnd - 1;
    this.lastHeight = height;
  }

  /** True when the instruction just emitted computed the value at `height`. */
  justComputed(height: i32): bool {
    return this.lastEndsHere() && this.lastHeight == height;
  }

  /** True when nothing was emitted after the last computing instruction. */
  lastEndsHere(): bool {
    return this.lastEnd == <i32>this.code.length;
  }

  /** Word `i` of the instruction just emitted (0 is its opcode). */
  last(i: i32): i32 {
    return this.code.get(this.lastStart + i);
  }

  /** Removes the instruction just emitted, so that the current one can take its place. */
  replaceLast(): void {
    this.fusions++;
    this.code.truncate(this.lastStart);
    this.start = this.lastStart;
    this.lastStart = this.previousStart;
    this.lastEnd = this.previousEnd;
  }

  /** Makes the instruction just emitted write its result to `slot` instead. */
  retargetLast(slot: i32): void {
    this.fusions++;
    this.code.set(this.lastResultWord, slot);
    this.lastEnd = -1;
  }

  /** Forgets what was emitted: code from here on may be reached by a jump. */
  label(): void {
    this.lastEnd = -1;
    this.previousEnd = -1;
  }

  /** True when the instruction just emitted is an i32 test (eqz or a comparison) that a branch can absorb. */
  lastIsTest(): bool {
    const c = this.last(0);
    return c >= 0x45 && c <= 0x4f;
  }

  /**
   * Rewrites the i32 test just emitted into a compare-and-branch taken when
   * the test holds (or, with `invert`, when it fails); the caller then emits
   * the target.
   */
  fuseBranch(invert: bool): void {
    this.fusions++;
    const start = this.lastStart;
    const c = this.code.get(start);
    const test = c == 0x45 ? c : invert ? invertComparison(c) : c;
    if (c == 0x45) {
      const a = this.code.get(start + 1);
      this.code.set(start, invert ? op.OP_BR_IF : op.OP_BR_IF_EQZ);
      this.code.truncate(start + 2);
      if (!invert) this.code.emit(a);
    } else if (this.comparesWithConstant()) {
      // i32.const then the comparison: the constant becomes an immediate.
      const a = this.code.get(start + 1);
      const constant = this.code.get(this.previousStart + 2);
      this.code.truncate(this.previousStart);
      this.code.emit(op.OP_BR_IF_COMPARE_CONST + test - 0x46);
      this.code.emit2(a, constant);
    } else {
      this.code.set(start, op.OP_BR_IF_COMPARE + test - 0x46);
      this.code.truncate(start + 3);
    }
    this.lastEnd = -1;
  }

  /** True when the comparison just emitted reads, as its second operand, an i32.const emitted right before it. */
  private comparesWithConstant(): bool {
    const from = this.previousStart;
    if (from < 0 || this.previousEnd != this.lastStart || this.code.get(from) != op.OP_I32_CONST) return false;
    const constantSlot = this.code.get(from + 1);
    return this.last(2) == constantSlot && this.last(1) != constantSlot;
  }
}

/** The opcode of i32 operation `code` with a constant second operand, or -1 when there is none. */
export function constantForm(code: u32): i32 {
  switch (code) {
    case 0x6a: return op.OP_I32_BINARY_CONST; // add
    case 0x6b: return op.OP_I32_BINARY_CONST + 1; // sub
    case 0x6c: return op.OP_I32_BINARY_CONST + 2; // mul
    case 0x71: return op.OP_I32_BINARY_CONST + 3; // and
    case 0x72: return op.OP_I32_BINARY_CONST + 4; // or
    case 0x73: return op.OP_I32_BINARY_CONST + 5; // xor
    case 0x74: return op.OP_I32_BINARY_CONST + 6; // shl
    case 0x75: return op.OP_I32_BINARY_CONST + 7; // shr_s
    case 0x76: return op.OP_I32_BINARY_CONST + 8; // shr_u
  }
  return -1;
}

/** The i32 comparison that holds exactly when `c` (0x46..0x4F) does not. */
function invertComparison(c: i32): i32 {
  switch (c) {
    case 0x46: return 0x47; // eq / ne
    case 0x47: return 0x46;
    case 0x48: return 0x4e; // lt_s / ge_s
    case 0x4e: return 0x48;
    case 0x49: return 0x4f; // lt_u / ge_u
    case 0x4f: return 0x49;
    case 0x4a: return 0x4c; // gt_s / le_s
    case 0x4c: return 0x4a;
    case 0x4b: return 0x4d; // gt_u / le_u
  }
  return 0x4b; // le_u / gt_u
}
