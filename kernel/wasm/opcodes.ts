// Opcodes of the internal code that the dispatch loop handles by hand; the
// simple instructions (loads, stores, numeric and their fused forms) are
// defined once, with their types and semantics, in instructions.table.
// Every instruction is a 32-bit opcode word followed by 32-bit immediates. Operands and results are named by slot: the
// byte offset of a value from the frame pointer (locals first, then the
// operand stack positions, whose heights the compiler knows). Instructions
// that only compute keep their binary opcode (0x45..0xC4, and the 0xFC group
// as 0xE0 + subcode) with immediates [operand slots..., result slot]; control
// flow is rewritten into jumps with resolved targets (byte offsets into the
// module's code). A taken backward branch (the next iteration of a loop)
// uses one unit of fuel. Immediates of each are listed below.

export const OP_UNREACHABLE = 0x00;
/** [condition, target]: jump when the condition is zero (the start of `if`). */
export const OP_BR_UNLESS = 0x04;
/** [target, bytes, from, to]: move branch values, then jump. */
export const OP_BR_MOVE = 0x06;
/** [condition, target, bytes, from, to]: as OP_BR_MOVE when the condition is non-zero. */
export const OP_BR_IF_MOVE = 0x07;
/** [target] */
export const OP_BR = 0x0c;
/** [condition, target] */
export const OP_BR_IF = 0x0d;
/** [index, count, then count+1 times: target, bytes, from, to] */
export const OP_BR_TABLE = 0x0e;
/** [bytes, from]: move the results to the start of the frame and return. */
export const OP_RETURN = 0x0f;
/** [function index, first argument slot] */
export const OP_CALL = 0x10;
/** [type index, table index, element slot, first argument slot] */
export const OP_CALL_INDIRECT = 0x11;
/** [a, b, condition, result] */
export const OP_SELECT = 0x1b;
/** [from, to]: local.set and local.tee, and pending values put in place. */
export const OP_COPY = 0x1d;
/** [global index, result] */
export const OP_GLOBAL_GET = 0x23;
/** [global index, value] */
export const OP_GLOBAL_SET = 0x24;
/** [table index, element, result] */
export const OP_TABLE_GET = 0x25;
/** [table index, element, value] */
export const OP_TABLE_SET = 0x26;
// Loads and stores 0x28..0x3E: see instructions.table.
/** [result] */
export const OP_MEMORY_SIZE = 0x3f;
/** [pages, result] */
export const OP_MEMORY_GROW = 0x40;
/** [result, value] */
export const OP_I32_CONST = 0x41;
/** [result, low, high] */
export const OP_I64_CONST = 0x42;
/** [result, bits] */
export const OP_F32_CONST = 0x43;
/** [result, low, high] */
export const OP_F64_CONST = 0x44;
export const OP_FIRST_NUMERIC = 0x45;
export const OP_LAST_NUMERIC = 0xc4;
/** [a, b, target]: i32.eqz (b unused) or an i32 comparison 0x46..0x4F fused with br_if. */
export const OP_BR_IF_EQZ = 0xc5;
export const OP_BR_IF_COMPARE = 0xc6; // + (comparison opcode - 0x46), up to 0xCF
/** [result] */
export const OP_REF_NULL = 0xd0;
/** [value, result] */
export const OP_REF_IS_NULL = 0xd1;
/** [function index, result] */
export const OP_REF_FUNC = 0xd2;
/**
 * [a, constant, result]: i32 add, sub, mul, and, or, xor, shl, shr_s, shr_u
 * whose second operand is an i32.const, 0xD3..0xDB in that order.
 */
export const OP_I32_BINARY_CONST = 0xd3;
/** [a, constant, target]: as OP_BR_IF_COMPARE with an i32.const second operand, 0xF2..0xFB. */
export const OP_BR_IF_COMPARE_CONST = 0xf2;
/** [a, b, shift, result]: a + (b << shift), an i32.shl by a constant followed by i32.add (array indexing). */
export const OP_I32_ADD_SHIFTED = 0xdc;
/** [a, b, shift, offset, result]: i32.load from a + (b << shift), an OP_I32_ADD_SHIFTED address absorbed. */
export const OP_I32_LOAD_INDEXED = 0xdd;
/** [a, constant, offset, result]: i32.load from a + constant, an i32 add of a constant absorbed. */
export const OP_I32_LOAD_ADDED = 0xde;
/** The 0xFC group: 0xE0 + subcode. */
export const OP_PREFIX_FC = 0xe0;
/** [data index, destination, source, length] */
export const OP_MEMORY_INIT = 0xe8;
/** [data index] */
export const OP_DATA_DROP = 0xe9;
/** [destination, source, length] */
export const OP_MEMORY_COPY = 0xea;
/** [destination, value, length] */
export const OP_MEMORY_FILL = 0xeb;
/** [elem index, table index, destination, source, length] */
export const OP_TABLE_INIT = 0xec;
/** [elem index] */
export const OP_ELEM_DROP = 0xed;
/** [destination table, source table, destination, source, length] */
export const OP_TABLE_COPY = 0xee;
/** [table index, initial value, count, result] */
export const OP_TABLE_GROW = 0xef;
/** [table index, result] */
export const OP_TABLE_SIZE = 0xf0;
/** [table index, start, value, count] */
export const OP_TABLE_FILL = 0xf1;
