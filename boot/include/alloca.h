#ifndef ATOLL_ALLOCA_H
#define ATOLL_ALLOCA_H
#define alloca(n) __builtin_alloca(n)
#endif
