#ifndef ATOLL_ASSERT_H
#define ATOLL_ASSERT_H
#include <stdlib.h>
#define assert(cond) ((cond) ? (void)0 : abort())
#endif
