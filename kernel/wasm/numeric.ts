// The numeric instructions: those that only compute on the top of the value
// stack. Each returns how far the stack pointer moves (0 or -8), or a
// positive trap kind. Values are read and written with their own width;
// i32 and f32 use the low half of a slot.
import {
  TRAP_DIVIDE_BY_ZERO, TRAP_INTEGER_OVERFLOW, TRAP_INVALID_CONVERSION,
} from "./trap";

// @ts-ignore: decorator
@inline export function execute(opcode: i32, sp: usize): i32 {
  switch (opcode) {
    case 0x45: { const a = load<i32>(sp - 8); store<i32>(sp - 8, <i32>(a == 0)); return 0; }
    case 0x46: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a == b)); return -8; }
    case 0x47: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a != b)); return -8; }
    case 0x48: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); return -8; }
    case 0x49: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); return -8; }
    case 0x4a: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); return -8; }
    case 0x4b: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); return -8; }
    case 0x4c: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); return -8; }
    case 0x4d: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); return -8; }
    case 0x4e: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); return -8; }
    case 0x4f: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); return -8; }
    case 0x50: { const a = load<i64>(sp - 8); store<i32>(sp - 8, <i32>(a == 0)); return 0; }
    case 0x51: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a == b)); return -8; }
    case 0x52: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a != b)); return -8; }
    case 0x53: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); return -8; }
    case 0x54: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); return -8; }
    case 0x55: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); return -8; }
    case 0x56: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); return -8; }
    case 0x57: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); return -8; }
    case 0x58: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); return -8; }
    case 0x59: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); return -8; }
    case 0x5a: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); return -8; }
    case 0x5b: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a == b)); return -8; }
    case 0x5c: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a != b)); return -8; }
    case 0x5d: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); return -8; }
    case 0x5e: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); return -8; }
    case 0x5f: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); return -8; }
    case 0x60: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); return -8; }
    case 0x61: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a == b)); return -8; }
    case 0x62: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a != b)); return -8; }
    case 0x63: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); return -8; }
    case 0x64: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); return -8; }
    case 0x65: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); return -8; }
    case 0x66: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); return -8; }
    case 0x67: { const a = load<i32>(sp - 8); store<i32>(sp - 8, clz<i32>(a)); return 0; }
    case 0x68: { const a = load<i32>(sp - 8); store<i32>(sp - 8, ctz<i32>(a)); return 0; }
    case 0x69: { const a = load<i32>(sp - 8); store<i32>(sp - 8, popcnt<i32>(a)); return 0; }
    case 0x6a: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a + b); return -8; }
    case 0x6b: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a - b); return -8; }
    case 0x6c: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a * b); return -8; }
    case 0x6d: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); if (b == 0) return TRAP_DIVIDE_BY_ZERO; if (a == <i32>0x80000000 && b == -1) return TRAP_INTEGER_OVERFLOW; store<i32>(sp - 16, a / b); return -8; }
    case 0x6e: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); if (b == 0) return TRAP_DIVIDE_BY_ZERO; store<u32>(sp - 16, a / b); return -8; }
    case 0x6f: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); if (b == 0) return TRAP_DIVIDE_BY_ZERO; store<i32>(sp - 16, b == -1 ? 0 : a % b); return -8; }
    case 0x70: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); if (b == 0) return TRAP_DIVIDE_BY_ZERO; store<u32>(sp - 16, a % b); return -8; }
    case 0x71: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a & b); return -8; }
    case 0x72: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a | b); return -8; }
    case 0x73: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a ^ b); return -8; }
    case 0x74: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a << b); return -8; }
    case 0x75: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a >> b); return -8; }
    case 0x76: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); store<u32>(sp - 16, a >>> b); return -8; }
    case 0x77: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, rotl<i32>(a, b)); return -8; }
    case 0x78: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, rotr<i32>(a, b)); return -8; }
    case 0x79: { const a = load<i64>(sp - 8); store<i64>(sp - 8, clz<i64>(a)); return 0; }
    case 0x7a: { const a = load<i64>(sp - 8); store<i64>(sp - 8, ctz<i64>(a)); return 0; }
    case 0x7b: { const a = load<i64>(sp - 8); store<i64>(sp - 8, popcnt<i64>(a)); return 0; }
    case 0x7c: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a + b); return -8; }
    case 0x7d: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a - b); return -8; }
    case 0x7e: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a * b); return -8; }
    case 0x7f: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); if (b == 0) return TRAP_DIVIDE_BY_ZERO; if (a == <i64>0x8000000000000000 && b == -1) return TRAP_INTEGER_OVERFLOW; store<i64>(sp - 16, a / b); return -8; }
    case 0x80: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); if (b == 0) return TRAP_DIVIDE_BY_ZERO; store<u64>(sp - 16, a / b); return -8; }
    case 0x81: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); if (b == 0) return TRAP_DIVIDE_BY_ZERO; store<i64>(sp - 16, b == -1 ? 0 : a % b); return -8; }
    case 0x82: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); if (b == 0) return TRAP_DIVIDE_BY_ZERO; store<u64>(sp - 16, a % b); return -8; }
    case 0x83: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a & b); return -8; }
    case 0x84: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a | b); return -8; }
    case 0x85: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a ^ b); return -8; }
    case 0x86: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a << b); return -8; }
    case 0x87: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a >> b); return -8; }
    case 0x88: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); store<u64>(sp - 16, a >>> b); return -8; }
    case 0x89: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, rotl<i64>(a, b)); return -8; }
    case 0x8a: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, rotr<i64>(a, b)); return -8; }
    case 0x8b: { const a = load<f32>(sp - 8); store<f32>(sp - 8, abs<f32>(a)); return 0; }
    case 0x8c: { const a = load<f32>(sp - 8); store<f32>(sp - 8, -a); return 0; }
    case 0x8d: { const a = load<f32>(sp - 8); store<f32>(sp - 8, ceil<f32>(a)); return 0; }
    case 0x8e: { const a = load<f32>(sp - 8); store<f32>(sp - 8, floor<f32>(a)); return 0; }
    case 0x8f: { const a = load<f32>(sp - 8); store<f32>(sp - 8, trunc<f32>(a)); return 0; }
    case 0x90: { const a = load<f32>(sp - 8); store<f32>(sp - 8, nearest<f32>(a)); return 0; }
    case 0x91: { const a = load<f32>(sp - 8); store<f32>(sp - 8, sqrt<f32>(a)); return 0; }
    case 0x92: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, a + b); return -8; }
    case 0x93: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, a - b); return -8; }
    case 0x94: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, a * b); return -8; }
    case 0x95: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, a / b); return -8; }
    case 0x96: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, min<f32>(a, b)); return -8; }
    case 0x97: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, max<f32>(a, b)); return -8; }
    case 0x98: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, copysign<f32>(a, b)); return -8; }
    case 0x99: { const a = load<f64>(sp - 8); store<f64>(sp - 8, abs<f64>(a)); return 0; }
    case 0x9a: { const a = load<f64>(sp - 8); store<f64>(sp - 8, -a); return 0; }
    case 0x9b: { const a = load<f64>(sp - 8); store<f64>(sp - 8, ceil<f64>(a)); return 0; }
    case 0x9c: { const a = load<f64>(sp - 8); store<f64>(sp - 8, floor<f64>(a)); return 0; }
    case 0x9d: { const a = load<f64>(sp - 8); store<f64>(sp - 8, trunc<f64>(a)); return 0; }
    case 0x9e: { const a = load<f64>(sp - 8); store<f64>(sp - 8, nearest<f64>(a)); return 0; }
    case 0x9f: { const a = load<f64>(sp - 8); store<f64>(sp - 8, sqrt<f64>(a)); return 0; }
    case 0xa0: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, a + b); return -8; }
    case 0xa1: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, a - b); return -8; }
    case 0xa2: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, a * b); return -8; }
    case 0xa3: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, a / b); return -8; }
    case 0xa4: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, min<f64>(a, b)); return -8; }
    case 0xa5: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, max<f64>(a, b)); return -8; }
    case 0xa6: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, copysign<f64>(a, b)); return -8; }
    case 0xa7: return 0; // i32.wrap_i64: the low half of the slot already holds the result
    case 0xa8: { const a = load<f32>(sp - 8); if (a != a) return TRAP_INVALID_CONVERSION; if (!(a >= <f32>-2147483648.0 && a < <f32>2147483648.0)) return TRAP_INTEGER_OVERFLOW; store<i32>(sp - 8, <i32>a); return 0; }
    case 0xa9: { const a = load<f32>(sp - 8); if (a != a) return TRAP_INVALID_CONVERSION; if (!(a > <f32>-1.0 && a < <f32>4294967296.0)) return TRAP_INTEGER_OVERFLOW; store<u32>(sp - 8, <u32>a); return 0; }
    case 0xaa: { const a = load<f64>(sp - 8); if (a != a) return TRAP_INVALID_CONVERSION; if (!(a > <f64>-2147483649.0 && a < <f64>2147483648.0)) return TRAP_INTEGER_OVERFLOW; store<i32>(sp - 8, <i32>a); return 0; }
    case 0xab: { const a = load<f64>(sp - 8); if (a != a) return TRAP_INVALID_CONVERSION; if (!(a > <f64>-1.0 && a < <f64>4294967296.0)) return TRAP_INTEGER_OVERFLOW; store<u32>(sp - 8, <u32>a); return 0; }
    case 0xae: { const a = load<f32>(sp - 8); if (a != a) return TRAP_INVALID_CONVERSION; if (!(a >= <f32>-9223372036854775808.0 && a < <f32>9223372036854775808.0)) return TRAP_INTEGER_OVERFLOW; store<i64>(sp - 8, <i64>a); return 0; }
    case 0xaf: { const a = load<f32>(sp - 8); if (a != a) return TRAP_INVALID_CONVERSION; if (!(a > <f32>-1.0 && a < <f32>18446744073709551616.0)) return TRAP_INTEGER_OVERFLOW; store<u64>(sp - 8, <u64>a); return 0; }
    case 0xb0: { const a = load<f64>(sp - 8); if (a != a) return TRAP_INVALID_CONVERSION; if (!(a >= <f64>-9223372036854775808.0 && a < <f64>9223372036854775808.0)) return TRAP_INTEGER_OVERFLOW; store<i64>(sp - 8, <i64>a); return 0; }
    case 0xb1: { const a = load<f64>(sp - 8); if (a != a) return TRAP_INVALID_CONVERSION; if (!(a > <f64>-1.0 && a < <f64>18446744073709551616.0)) return TRAP_INTEGER_OVERFLOW; store<u64>(sp - 8, <u64>a); return 0; }
    case 0xac: { const a = load<i32>(sp - 8); store<i64>(sp - 8, <i64>a); return 0; }
    case 0xad: { const a = load<u32>(sp - 8); store<u64>(sp - 8, <u64>a); return 0; }
    case 0xb2: { const a = load<i32>(sp - 8); store<f32>(sp - 8, <f32>a); return 0; }
    case 0xb3: { const a = load<u32>(sp - 8); store<f32>(sp - 8, <f32>a); return 0; }
    case 0xb4: { const a = load<i64>(sp - 8); store<f32>(sp - 8, <f32>a); return 0; }
    case 0xb5: { const a = load<u64>(sp - 8); store<f32>(sp - 8, <f32>a); return 0; }
    case 0xb6: { const a = load<f64>(sp - 8); store<f32>(sp - 8, <f32>a); return 0; }
    case 0xb7: { const a = load<i32>(sp - 8); store<f64>(sp - 8, <f64>a); return 0; }
    case 0xb8: { const a = load<u32>(sp - 8); store<f64>(sp - 8, <f64>a); return 0; }
    case 0xb9: { const a = load<i64>(sp - 8); store<f64>(sp - 8, <f64>a); return 0; }
    case 0xba: { const a = load<u64>(sp - 8); store<f64>(sp - 8, <f64>a); return 0; }
    case 0xbb: { const a = load<f32>(sp - 8); store<f64>(sp - 8, <f64>a); return 0; }
    case 0xbc: case 0xbd: case 0xbe: case 0xbf: return 0; // reinterpretations: slots hold bits
    case 0xc0: { const a = load<i32>(sp - 8); store<i32>(sp - 8, <i32><i8>a); return 0; }
    case 0xc1: { const a = load<i32>(sp - 8); store<i32>(sp - 8, <i32><i16>a); return 0; }
    case 0xc2: { const a = load<i64>(sp - 8); store<i64>(sp - 8, <i64><i8>a); return 0; }
    case 0xc3: { const a = load<i64>(sp - 8); store<i64>(sp - 8, <i64><i16>a); return 0; }
    case 0xc4: { const a = load<i64>(sp - 8); store<i64>(sp - 8, <i64><i32>a); return 0; }
    case 0xe0: { store<i32>(sp - 8, saturate_f32_i32(load<f32>(sp - 8))); return 0; }
    case 0xe1: { store<u32>(sp - 8, saturate_f32_u32(load<f32>(sp - 8))); return 0; }
    case 0xe2: { store<i32>(sp - 8, saturate_f64_i32(load<f64>(sp - 8))); return 0; }
    case 0xe3: { store<u32>(sp - 8, saturate_f64_u32(load<f64>(sp - 8))); return 0; }
    case 0xe4: { store<i64>(sp - 8, saturate_f32_i64(load<f32>(sp - 8))); return 0; }
    case 0xe5: { store<u64>(sp - 8, saturate_f32_u64(load<f32>(sp - 8))); return 0; }
    case 0xe6: { store<i64>(sp - 8, saturate_f64_i64(load<f64>(sp - 8))); return 0; }
    case 0xe7: { store<u64>(sp - 8, saturate_f64_u64(load<f64>(sp - 8))); return 0; }
  }
  return 0;
}

// Saturating truncations (0xFC 0..7): NaN gives 0, out-of-range values clamp.
function saturate_f32_i32(a: f32): i32 {
  if (a != a) return 0;
  if (a < <f32>-2147483648.0) return i32.MIN_VALUE;
  if (a >= <f32>2147483648.0) return i32.MAX_VALUE;
  return <i32>a;
}

function saturate_f32_u32(a: f32): u32 {
  if (a != a) return 0;
  if (a < <f32>0.0) return 0;
  if (a >= <f32>4294967296.0) return u32.MAX_VALUE;
  return <u32>a;
}

function saturate_f64_i32(a: f64): i32 {
  if (a != a) return 0;
  if (a < <f64>-2147483648.0) return i32.MIN_VALUE;
  if (a >= <f64>2147483648.0) return i32.MAX_VALUE;
  return <i32>a;
}

function saturate_f64_u32(a: f64): u32 {
  if (a != a) return 0;
  if (a < <f64>0.0) return 0;
  if (a >= <f64>4294967296.0) return u32.MAX_VALUE;
  return <u32>a;
}

function saturate_f32_i64(a: f32): i64 {
  if (a != a) return 0;
  if (a < <f32>-9223372036854775808.0) return i64.MIN_VALUE;
  if (a >= <f32>9223372036854775808.0) return i64.MAX_VALUE;
  return <i64>a;
}

function saturate_f32_u64(a: f32): u64 {
  if (a != a) return 0;
  if (a < <f32>0.0) return 0;
  if (a >= <f32>18446744073709551616.0) return u64.MAX_VALUE;
  return <u64>a;
}

function saturate_f64_i64(a: f64): i64 {
  if (a != a) return 0;
  if (a < <f64>-9223372036854775808.0) return i64.MIN_VALUE;
  if (a >= <f64>9223372036854775808.0) return i64.MAX_VALUE;
  return <i64>a;
}

function saturate_f64_u64(a: f64): u64 {
  if (a != a) return 0;
  if (a < <f64>0.0) return 0;
  if (a >= <f64>18446744073709551616.0) return u64.MAX_VALUE;
  return <u64>a;
}
