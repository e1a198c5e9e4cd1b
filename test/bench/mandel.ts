// Floating point, in AssemblyScript: the same Mandelbrot computation as
// mandel.c (same operations in the same order, so the same result), to time
// code from the project's own compiler against the C program run natively.
export function run(n: i32): i32 {
  let total = 0;
  for (let py = 0; py < n; py++) {
    for (let px = 0; px < n; px++) {
      const cx = -2.0 + (3.0 * <f64>px) / <f64>n;
      const cy = -1.5 + (3.0 * <f64>py) / <f64>n;
      let x = 0.0;
      let y = 0.0;
      let it = 0;
      while (it < 200 && x * x + y * y < 4.0) {
        const t = x * x - y * y + cx;
        y = 2 * x * y + cy;
        x = t;
        it++;
      }
      total += it;
    }
  }
  return total;
}
