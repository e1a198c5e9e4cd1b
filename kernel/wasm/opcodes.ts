// Opcodes of the internal code. Instructions without immediates keep their
// binary opcode (0x45..0xC4 and the 0xFC group mapped to 0xE0 + subcode), so
// the compiler copies them through; control flow is rewritten into jumps
// with resolved targets, and a few internal-only opcodes fill unused codes.
// Every instruction is a 32-bit opcode word followed by 32-bit immediates.

export const OP_UNREACHABLE = 0x00;
/** Loop header: charges one unit of fuel and may suspend here. */
export const OP_FUEL = 0x03;
/** [target]: pop i32, jump if zero (the start of `if`). */
export const OP_BR_UNLESS = 0x04;
/** [target, keep, drop]: keep the top values, drop the ones below them, jump. */
export const OP_BR_DROP = 0x06;
/** [target, keep, drop]: as OP_BR_DROP when the popped i32 is non-zero. */
export const OP_BR_IF_DROP = 0x07;
/** [target] */
export const OP_BR = 0x0c;
/** [target] */
export const OP_BR_IF = 0x0d;
/** [count, then count+1 times: target, keep, drop] */
export const OP_BR_TABLE = 0x0e;
/** [result count] */
export const OP_RETURN = 0x0f;
/** [function index] */
export const OP_CALL = 0x10;
/** [type index, table index] */
export const OP_CALL_INDIRECT = 0x11;
export const OP_DROP = 0x1a;
export const OP_SELECT = 0x1b;
/** [slot] */
export const OP_LOCAL_GET = 0x20;
export const OP_LOCAL_SET = 0x21;
export const OP_LOCAL_TEE = 0x22;
/** [global index] */
export const OP_GLOBAL_GET = 0x23;
export const OP_GLOBAL_SET = 0x24;
/** [table index] */
export const OP_TABLE_GET = 0x25;
export const OP_TABLE_SET = 0x26;
// Loads and stores 0x28..0x3E carry [offset].
export const OP_I32_LOAD = 0x28;
export const OP_I64_STORE32 = 0x3e;
export const OP_MEMORY_SIZE = 0x3f;
export const OP_MEMORY_GROW = 0x40;
/** [value] */
export const OP_I32_CONST = 0x41;
/** [low, high] */
export const OP_I64_CONST = 0x42;
export const OP_F32_CONST = 0x43;
export const OP_F64_CONST = 0x44;
export const OP_FIRST_NUMERIC = 0x45;
export const OP_LAST_NUMERIC = 0xc4;
export const OP_REF_NULL = 0xd0;
export const OP_REF_IS_NULL = 0xd1;
/** [function index] */
export const OP_REF_FUNC = 0xd2;
/** The 0xFC group: 0xE0 + subcode. */
export const OP_PREFIX_FC = 0xe0;
export const OP_MEMORY_INIT = 0xe8; // [data index]
export const OP_DATA_DROP = 0xe9; // [data index]
export const OP_MEMORY_COPY = 0xea;
export const OP_MEMORY_FILL = 0xeb;
export const OP_TABLE_INIT = 0xec; // [elem index, table index]
export const OP_ELEM_DROP = 0xed; // [elem index]
export const OP_TABLE_COPY = 0xee; // [dst table, src table]
export const OP_TABLE_GROW = 0xef; // [table index]
export const OP_TABLE_SIZE = 0xf0; // [table index]
export const OP_TABLE_FILL = 0xf1; // [table index]
