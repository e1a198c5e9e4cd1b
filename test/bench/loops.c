// Loops: nested counting loops with a data-dependent accumulator.
int run(int n) {
  unsigned acc = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < 1000; j++) acc = acc * 31 + (unsigned)(i ^ j);
  return (int)acc;
}
