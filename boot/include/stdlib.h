#ifndef ATOLL_STDLIB_H
#define ATOLL_STDLIB_H
#include <stddef.h>
_Noreturn void abort(void);
#endif
