// The traps the spec defines, plus the engine's own reasons to stop an
// instance. The text of each matches the wording the spec tests use.

export const TRAP_NONE = 0;
export const TRAP_UNREACHABLE = 1;
export const TRAP_MEMORY_BOUNDS = 2;
export const TRAP_TABLE_BOUNDS = 3;
export const TRAP_DIVIDE_BY_ZERO = 4;
export const TRAP_INTEGER_OVERFLOW = 5;
export const TRAP_INVALID_CONVERSION = 6;
export const TRAP_INDIRECT_TYPE = 7;
export const TRAP_UNDEFINED_ELEMENT = 8;
export const TRAP_UNINITIALIZED_ELEMENT = 9;
export const TRAP_EXHAUSTION = 10;
export const TRAP_HOST = 11;

export function trapText(kind: i32): string {
  switch (kind) {
    case TRAP_UNREACHABLE: return "unreachable";
    case TRAP_MEMORY_BOUNDS: return "out of bounds memory access";
    case TRAP_TABLE_BOUNDS: return "out of bounds table access";
    case TRAP_DIVIDE_BY_ZERO: return "integer divide by zero";
    case TRAP_INTEGER_OVERFLOW: return "integer overflow";
    case TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case TRAP_INDIRECT_TYPE: return "indirect call type mismatch";
    case TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case TRAP_EXHAUSTION: return "call stack exhausted";
    case TRAP_HOST: return "host function failed";
  }
  return "no trap";
}
