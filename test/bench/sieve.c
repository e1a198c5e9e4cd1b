// Memory: sieve of Eratosthenes over a byte array, repeated.
static unsigned char composite[1 << 20];

int run(int n) {
  int count = 0;
  for (int round = 0; round < n; round++) {
    for (int i = 0; i < (1 << 20); i++) composite[i] = 0;
    count = 0;
    for (int i = 2; i < (1 << 20); i++) {
      if (composite[i]) continue;
      count++;
      for (int j = i + i; j < (1 << 20); j += i) composite[j] = 1;
    }
  }
  return count;
}
