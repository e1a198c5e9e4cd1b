// Floating point: Mandelbrot set iteration counts over a grid.
int run(int n) {
  int total = 0;
  for (int py = 0; py < n; py++) {
    for (int px = 0; px < n; px++) {
      double cx = -2.0 + 3.0 * px / n, cy = -1.5 + 3.0 * py / n;
      double x = 0, y = 0;
      int it = 0;
      while (it < 200 && x * x + y * y < 4.0) {
        double t = x * x - y * y + cx;
        y = 2 * x * y + cy;
        x = t;
        it++;
      }
      total += it;
    }
  }
  return total;
}
