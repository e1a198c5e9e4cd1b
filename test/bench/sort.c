// Sorting: quicksort of pseudo-random integers, repeated.
static int data[200000];

static void quicksort(int *a, int lo, int hi) {
  while (lo < hi) {
    int pivot = a[(lo + hi) / 2], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
    else { quicksort(a, i, hi); hi = j; }
  }
}

int run(int n) {
  unsigned seed = 12345;
  int check = 0;
  for (int round = 0; round < n; round++) {
    for (int i = 0; i < 200000; i++) { seed = seed * 1103515245u + 12345u; data[i] = (int)(seed >> 1); }
    quicksort(data, 0, 199999);
    check ^= data[round % 200000] ^ data[100000];
  }
  return check;
}
