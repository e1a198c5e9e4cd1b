// Native driver of a benchmark: calls run(n) and prints the result.
#include <stdio.h>
#include <stdlib.h>

int run(int n);

int main(int argc, char **argv) {
  printf("%d\n", run(argc > 1 ? atoi(argv[1]) : 1));
  return 0;
}
