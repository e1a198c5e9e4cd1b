/*
 * The hardware primitives the kernel imports (module "hw"): port I/O,
 * physical memory (identity-mapped), CPU instructions. Each is one
 * instruction or one bounded copy; all policy lives in AssemblyScript.
 * Pointers into the kernel's linear memory are bounds-checked by linear().
 */
#include "glue.h"

extern const uint64_t isr_stubs[32];
extern uint8_t irq_stubs[];
extern uint64_t irq_pending[4];
extern uint64_t irq_eoi_register, irq_pic_base;
#define IRQ_STUB_SIZE 16
extern uint8_t kernel_image_start[], kernel_image_end[], boot_stack_guard[];

#define PORT_OUT(name, type, suffix) \
  void Z_hwZ_##name(struct Z_hw_instance_t* hw, u32 port, u32 value) { \
    (void)hw; \
    __asm__ volatile("out" suffix " %0, %w1" : : "a"((type)value), "Nd"((u16)port)); \
  }
#define PORT_IN(name, type, suffix) \
  u32 Z_hwZ_##name(struct Z_hw_instance_t* hw, u32 port) { \
    (void)hw; \
    type value; \
    __asm__ volatile("in" suffix " %w1, %0" : "=a"(value) : "Nd"((u16)port)); \
    return value; \
  }
PORT_OUT(outb, u8, "b")
PORT_OUT(outw, u16, "w")
PORT_OUT(outl, u32, "l")
PORT_IN(inb, u8, "b")
PORT_IN(inw, u16, "w")
PORT_IN(inl, u32, "l")

#define PEEK_POKE(bits, ret) \
  ret Z_hwZ_peek##bits(struct Z_hw_instance_t* hw, u64 address) { \
    (void)hw; \
    return *(volatile uint##bits##_t*)address; \
  } \
  void Z_hwZ_poke##bits(struct Z_hw_instance_t* hw, u64 address, ret value) { \
    (void)hw; \
    *(volatile uint##bits##_t*)address = (uint##bits##_t)value; \
  }
PEEK_POKE(8, u32)
PEEK_POKE(16, u32)
PEEK_POKE(32, u32)
PEEK_POKE(64, u64)

void Z_hwZ_physFill(struct Z_hw_instance_t* hw, u64 address, u32 value, u64 length) {
  (void)hw;
  memset((void*)address, (int)value, length);
}

void Z_hwZ_physMove(struct Z_hw_instance_t* hw, u64 dst, u64 src, u64 length) {
  (void)hw;
  memmove((void*)dst, (const void*)src, length);
}

void Z_hwZ_physWrite(struct Z_hw_instance_t* hw, u64 address, u32 src, u32 length) {
  (void)hw;
  memcpy((void*)address, linear(src, length), length);
}

void Z_hwZ_physRead(struct Z_hw_instance_t* hw, u32 dst, u64 address, u32 length) {
  (void)hw;
  memcpy(linear(dst, length), (const void*)address, length);
}

u64 Z_hwZ_rdtsc(struct Z_hw_instance_t* hw) {
  (void)hw;
  u32 lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((u64)hi << 32) | lo;
}

u32 Z_hwZ_rdrand(struct Z_hw_instance_t* hw, u32 seed, u32 out) {
  (void)hw;
  u64 value;
  u8 ok;
  if (seed) __asm__ volatile("rdseed %0; setc %1" : "=r"(value), "=qm"(ok));
  else __asm__ volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
  if (ok) *(u64*)linear(out, 8) = value;
  return ok;
}

void Z_hwZ_cpuid(struct Z_hw_instance_t* hw, u32 leaf, u32 subleaf, u32 out) {
  (void)hw;
  u32* regs = linear(out, 16);
  __asm__ volatile("cpuid" : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3]) : "a"(leaf), "c"(subleaf));
}

u64 Z_hwZ_readCr(struct Z_hw_instance_t* hw, u32 which) {
  (void)hw;
  u64 value = 0;
  switch (which) {
    case 0: __asm__ volatile("mov %%cr0, %0" : "=r"(value)); break;
    case 2: __asm__ volatile("mov %%cr2, %0" : "=r"(value)); break;
    case 3: __asm__ volatile("mov %%cr3, %0" : "=r"(value)); break;
    case 4: __asm__ volatile("mov %%cr4, %0" : "=r"(value)); break;
    default: wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
  }
  return value;
}

void Z_hwZ_invalidatePage(struct Z_hw_instance_t* hw, u64 address) {
  (void)hw;
  __asm__ volatile("invlpg (%0)" : : "r"(address) : "memory");
}

/* The IDT is built by the kernel in its linear memory; the CPU needs its
   virtual address, which is the linear memory's base plus the offset. */
void Z_hwZ_loadIdt(struct Z_hw_instance_t* hw, u32 table, u32 limit) {
  (void)hw;
  struct __attribute__((packed)) { u16 limit; u64 base; } idtr = {
    (u16)limit, (u64)linear(table, (u64)limit + 1)};
  __asm__ volatile("lidt %0" : : "m"(idtr));
}

/* Exceptions 0-31 have one stub each; vectors 32-255 share irq_common. */
u64 Z_hwZ_isrStub(struct Z_hw_instance_t* hw, u32 vector) {
  (void)hw;
  if (vector >= 256) wasm_rt_trap(WASM_RT_TRAP_OOB);
  return vector < 32 ? isr_stubs[vector] : (u64)irq_stubs + (vector - 32) * IRQ_STUB_SIZE;
}

/* Moves the 256-bit pending bitmap into linear memory, clearing it: each
   64-bit word is swapped atomically, so no interrupt's bit is lost. */
void Z_hwZ_takeInterrupts(struct Z_hw_instance_t* hw, u32 out) {
  (void)hw;
  u64* words = linear(out, sizeof irq_pending);
  for (int i = 0; i < 4; i++) words[i] = __atomic_exchange_n(&irq_pending[i], 0, __ATOMIC_SEQ_CST);
}

void Z_hwZ_setInterruptAck(struct Z_hw_instance_t* hw, u64 eoi_register, u32 pic_base) {
  (void)hw;
  irq_eoi_register = eoi_register;
  irq_pic_base = pic_base;
}

/* Interrupts are enabled only here: sti's one-instruction shadow makes
   "sti; hlt" wait without missing an interrupt that is already pending. */
void Z_hwZ_waitForInterrupt(struct Z_hw_instance_t* hw) {
  (void)hw;
  __asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* Lets interrupts already pending in while the CPU is busy: the one
   instruction after sti runs before any is taken, so the nop makes room. */
void Z_hwZ_acceptInterrupts(struct Z_hw_instance_t* hw) {
  (void)hw;
  __asm__ volatile("sti; nop; cli" ::: "memory");
}

u64 Z_hwZ_imageStart(struct Z_hw_instance_t* hw) { (void)hw; return (u64)kernel_image_start; }
u64 Z_hwZ_imageEnd(struct Z_hw_instance_t* hw) { (void)hw; return (u64)kernel_image_end; }
u64 Z_hwZ_stackGuard(struct Z_hw_instance_t* hw) { (void)hw; return (u64)boot_stack_guard; }

/* fault=stack: 16 bytes of stack a call (the return address and the saved
   frame pointer) until a push lands in the guard page. The volatile depth
   keeps gcc from seeing an endless recursion or turning it into a loop. */
static volatile u64 overflow_depth;
void Z_hwZ_overflowStack(struct Z_hw_instance_t* hw) {
  overflow_depth++;
  if (overflow_depth != 0) Z_hwZ_overflowStack(hw);
  overflow_depth--;
}

u64 Z_hwZ_linearBase(struct Z_hw_instance_t* hw) { (void)hw; return (u64)kernel.w2c_memory.data; }

void Z_hwZ_halt(struct Z_hw_instance_t* hw) {
  (void)hw;
  halt_forever();
}

/* rep movsb/stosb: the compiler cannot turn these back into calls to themselves. */
void* memcpy(void* dst, const void* src, size_t n) {
  void* d = dst;
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  if ((uintptr_t)dst <= (uintptr_t)src || (uintptr_t)dst >= (uintptr_t)src + n) return memcpy(dst, src, n);
  void* d = (uint8_t*)dst + n - 1;
  const void* s = (const uint8_t*)src + n - 1;
  __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  return dst;
}

void* memset(void* dst, int value, size_t n) {
  void* d = dst;
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(value) : "memory");
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const uint8_t *x = a, *y = b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}
