/* Shared by the C glue: the one kernel instance and its linear memory. */
#ifndef ATOLL_GLUE_H
#define ATOLL_GLUE_H
#include "kernel.h"

extern Z_kernel_instance_t kernel;

/* A pointer into the kernel's linear memory, or a trap when out of bounds. */
void* linear(uint32_t offset, uint64_t length);
_Noreturn void halt_forever(void);
#endif
