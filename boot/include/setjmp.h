/* Only the type: the kernel never unwinds with longjmp. */
#ifndef ATOLL_SETJMP_H
#define ATOLL_SETJMP_H
typedef unsigned long jmp_buf[8];
int setjmp(jmp_buf env);
_Noreturn void longjmp(jmp_buf env, int value);
#endif
