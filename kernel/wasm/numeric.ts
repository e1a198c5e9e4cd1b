// Saturating float-to-integer truncation (0xFC 0..7): NaN gives 0 and
// out-of-range values clamp to the integer range.

/** Truncates `a` (f32 or f64) to the integer type I (i32, u32, i64 or u64), saturating. */
export function saturate<F, I>(a: F): I {
  const signed = isSigned<I>();
  const wide = sizeof<I>() == 8;
  // The first float above the range; powers of two are exact in f32 and f64.
  const limit: f64 = wide ? (signed ? 9223372036854775808.0 : 18446744073709551616.0) : (signed ? 2147483648.0 : 4294967296.0);
  const smallest = signed ? <I>(wide ? i64.MIN_VALUE : <i64>i32.MIN_VALUE) : <I>0;
  if (a != a) return <I>0;
  if (a < <F>(signed ? -limit : 0.0)) return smallest;
  if (a >= <F>limit) return ~smallest;
  return <I>a;
}
