// Saturating float-to-integer truncations (0xFC 0..7): NaN gives 0 and
// out-of-range values clamp to the integer range.

export function saturate_f32_i32(a: f32): i32 {
  if (a != a) return 0;
  if (a < <f32>-2147483648.0) return i32.MIN_VALUE;
  if (a >= <f32>2147483648.0) return i32.MAX_VALUE;
  return <i32>a;
}

export function saturate_f32_u32(a: f32): u32 {
  if (a != a) return 0;
  if (a < <f32>0.0) return 0;
  if (a >= <f32>4294967296.0) return u32.MAX_VALUE;
  return <u32>a;
}

export function saturate_f64_i32(a: f64): i32 {
  if (a != a) return 0;
  if (a < <f64>-2147483648.0) return i32.MIN_VALUE;
  if (a >= <f64>2147483648.0) return i32.MAX_VALUE;
  return <i32>a;
}

export function saturate_f64_u32(a: f64): u32 {
  if (a != a) return 0;
  if (a < <f64>0.0) return 0;
  if (a >= <f64>4294967296.0) return u32.MAX_VALUE;
  return <u32>a;
}

export function saturate_f32_i64(a: f32): i64 {
  if (a != a) return 0;
  if (a < <f32>-9223372036854775808.0) return i64.MIN_VALUE;
  if (a >= <f32>9223372036854775808.0) return i64.MAX_VALUE;
  return <i64>a;
}

export function saturate_f32_u64(a: f32): u64 {
  if (a != a) return 0;
  if (a < <f32>0.0) return 0;
  if (a >= <f32>18446744073709551616.0) return u64.MAX_VALUE;
  return <u64>a;
}

export function saturate_f64_i64(a: f64): i64 {
  if (a != a) return 0;
  if (a < <f64>-9223372036854775808.0) return i64.MIN_VALUE;
  if (a >= <f64>9223372036854775808.0) return i64.MAX_VALUE;
  return <i64>a;
}

export function saturate_f64_u64(a: f64): u64 {
  if (a != a) return 0;
  if (a < <f64>0.0) return 0;
  if (a >= <f64>18446744073709551616.0) return u64.MAX_VALUE;
  return <u64>a;
}
