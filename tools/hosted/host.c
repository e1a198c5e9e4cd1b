/*
 * The hosted kernel: the kernel's own wasm2c output as a Linux program, with
 * the "hw" primitives answered by this file instead of the machine. Physical
 * memory is a plain array, COM1 is standard output and standard input (a
 * terminal is put in raw mode; received bytes raise IRQ 4 through the 8259
 * PIC when the UART's receive interrupt is on), the PIT runs on the real
 * clock, the CMOS clock reads the host's UTC time, the QEMU exit port and
 * halt end the program.
 *
 *   atoll-hosted <boot image> <info address>
 *   atoll-hosted --probe <script>
 *
 * The boot image (written by tools/hosted/image.ts) is a list of chunks,
 * each a u64 address, a u64 length and the bytes, that are copied into
 * physical memory: the multiboot2 information and the boot modules.
 *
 * --probe instantiates the kernel without running it and calls primitives
 * by name, one "name arg..." line of the script each, printing each result:
 * test/tools/primitives.test.ts runs the same script on the Node simulator.
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"
#include "wasm-rt-impl.h"

#define RAM_BYTES (512ull << 20)
#define IMAGE_START 0x200000ull
/* The same layout as the Node simulator (tools/hosted/machine.ts). */
#define IMAGE_END 0x600000ull
#define PAGE_TABLE_ROOT 0x400000ull
#define ISR_STUBS (IMAGE_START + 0x1000ull)
#define STACK_GUARD 0x3fe000ull
#define DOUBLE_FAULT_FRAME 0x3ff000ull
#define BOOT_MAGIC 0x36d76289u
#define PIT_ONE_SHOT_NS 10000000ull

#define COM1 0x3f8u
#define COM1_IRQ 4u
#define IER_RECEIVE 0x01u
#define LSR_DATA_READY 0x01u
#define LSR_TRANSMIT_EMPTY 0x60u
#define PIC_MASTER_DATA 0x21u

static Z_kernel_instance_t kernel;
static uint8_t *ram;
static uint64_t pit_started_ns;
static int divisor_latch;
static uint32_t cmos_index;

/* The UART's receive side: one byte read ahead from standard input, and
   whether its interrupt was raised (once per byte, like an edge). */
static uint32_t interrupt_enable;
static int received = -1;
static int received_signalled;
static int input_ended;
/* The 8259 master's mask (all masked after reset) and vector base. */
static uint32_t pic_mask = 0xff;
static uint32_t pic_base;

/* Set by SIGUSR1 (`atoll run` once its first module ended): end when idle,
   so what the other modules still had to say gets out first. */
static volatile sig_atomic_t end_when_idle;
static void on_end_when_idle(int signal_number) { (void)signal_number; end_when_idle = 1; }

static struct termios saved_terminal;
static int terminal_raw;

static void restore_terminal(void) {
  if (terminal_raw) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
  terminal_raw = 0;
}

static void restore_and_die(int signal_number) {
  restore_terminal();
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

/* Keys go to the UART unedited and unechoed, as from a serial line; output
   processing and Ctrl-C stay, so lines still break and the user can quit. */
static void raw_terminal(void) {
  if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_terminal) != 0) return;
  struct termios raw = saved_terminal;
  cfmakeraw(&raw);
  raw.c_oflag |= OPOST | ONLCR;
  raw.c_lflag |= ISIG;
  terminal_raw = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
  atexit(restore_terminal);
  int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) signal(signals[i], restore_and_die);
}

/* Whether a received byte waits in the UART; reads ahead when input is there (timeout_ms -1: until it is). */
static int receive_ready(int timeout_ms) {
  if (received >= 0) return 1;
  if (input_ended) return 0;
  struct pollfd input = {STDIN_FILENO, POLLIN, 0};
  if (poll(&input, 1, timeout_ms) <= 0) return 0;
  uint8_t byte;
  if (read(STDIN_FILENO, &byte, 1) == 1) received = byte;
  else input_ended = 1;
  return received >= 0;
}

static uint32_t receive_byte(void) {
  uint32_t byte = receive_ready(0) ? (uint32_t)received : 0;
  received = -1;
  received_signalled = 0;
  return byte;
}

/* Whether the UART can ever raise its interrupt: enabled, unmasked at the PIC, input not ended. */
static int receive_interrupt_on(void) {
  return (interrupt_enable & IER_RECEIVE) && !(pic_mask & (1u << COM1_IRQ)) && pic_base != 0 && !input_ended;
}

/* The CMOS clock from the host's UTC time, binary and 24-hour (status B). */
static uint32_t cmos_read(uint32_t index) {
  time_t now = time(NULL);
  struct tm utc;
  gmtime_r(&now, &utc);
  switch (index) {
    case 0x00: return (uint32_t)utc.tm_sec;
    case 0x02: return (uint32_t)utc.tm_min;
    case 0x04: return (uint32_t)utc.tm_hour;
    case 0x07: return (uint32_t)utc.tm_mday;
    case 0x08: return (uint32_t)utc.tm_mon + 1;
    case 0x09: return (uint32_t)utc.tm_year % 100;
    case 0x0b: return 0x06;
    default: return 0;
  }
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Physical addresses outside the simulated RAM read as all ones and ignore writes. */
static uint8_t *phys(uint64_t address, uint64_t length) {
  if (address > RAM_BYTES || length > RAM_BYTES - address) return NULL;
  return ram + address;
}

static uint8_t *linear(uint32_t offset, uint64_t length) {
  if ((uint64_t)offset + length > kernel.w2c_memory.size) wasm_rt_trap(WASM_RT_TRAP_OOB);
  return kernel.w2c_memory.data + offset;
}

static void finish(int status) {
  fflush(stdout);
  exit(status);
}

void Z_hwZ_outb(struct Z_hw_instance_t *hw, u32 port, u32 value) {
  (void)hw;
  if (port == COM1 + 3) divisor_latch = (value & 0x80) != 0;
  else if (port == COM1 && !divisor_latch) putchar((int)(value & 0xff));
  else if (port == COM1 + 1 && !divisor_latch) interrupt_enable = value;
  else if (port == PIC_MASTER_DATA) pic_mask = value & 0xff;
  else if (port == 0x61) pit_started_ns = now_ns();
  else if (port == 0x70) cmos_index = value & 0x7f;
}
void Z_hwZ_outw(struct Z_hw_instance_t *hw, u32 port, u32 value) { Z_hwZ_outb(hw, port, value); }
void Z_hwZ_outl(struct Z_hw_instance_t *hw, u32 port, u32 value) {
  if (port == 0xf4) finish(value == 0x10 ? 0 : 1);
  Z_hwZ_outb(hw, port, value);
}

u32 Z_hwZ_inb(struct Z_hw_instance_t *hw, u32 port) {
  (void)hw;
  if (port == COM1 + 7) return 0xa5; /* scratch register: a UART is present */
  if (port == COM1 + 5) return LSR_TRANSMIT_EMPTY | (receive_ready(0) ? LSR_DATA_READY : 0);
  if (port == COM1 && !divisor_latch) return receive_byte();
  if (port == COM1 + 1 && !divisor_latch) return interrupt_enable;
  if (port == PIC_MASTER_DATA) return pic_mask;
  if (port == 0x61) return now_ns() - pit_started_ns >= PIT_ONE_SHOT_NS ? 0x20 : 0;
  if (port == 0x71) return cmos_read(cmos_index);
  return 0xff;
}
u32 Z_hwZ_inw(struct Z_hw_instance_t *hw, u32 port) { return Z_hwZ_inb(hw, port); }
u32 Z_hwZ_inl(struct Z_hw_instance_t *hw, u32 port) { return Z_hwZ_inb(hw, port); }

#define PEEK_POKE(bits, ret)                                                   \
  ret Z_hwZ_peek##bits(struct Z_hw_instance_t *hw, u64 address) {              \
    (void)hw;                                                                  \
    uint##bits##_t value = (uint##bits##_t)~0ull;                               \
    uint8_t *at = phys(address, sizeof value);                                 \
    if (at) memcpy(&value, at, sizeof value);                                  \
    return value;                                                              \
  }                                                                            \
  void Z_hwZ_poke##bits(struct Z_hw_instance_t *hw, u64 address, ret value) {  \
    (void)hw;                                                                  \
    uint##bits##_t narrow = (uint##bits##_t)value;                             \
    uint8_t *at = phys(address, sizeof narrow);                                \
    if (at) memcpy(at, &narrow, sizeof narrow);                                \
  }
PEEK_POKE(8, u32)
PEEK_POKE(16, u32)
PEEK_POKE(32, u32)
PEEK_POKE(64, u64)

void Z_hwZ_physFill(struct Z_hw_instance_t *hw, u64 address, u32 value, u64 length) {
  (void)hw;
  uint8_t *at = phys(address, length);
  if (at) memset(at, (int)value, length);
}
void Z_hwZ_physMove(struct Z_hw_instance_t *hw, u64 dst, u64 src, u64 length) {
  (void)hw;
  uint8_t *to = phys(dst, length), *from = phys(src, length);
  if (to && from) memmove(to, from, length);
}
void Z_hwZ_physWrite(struct Z_hw_instance_t *hw, u64 address, u32 src, u32 length) {
  (void)hw;
  uint8_t *to = phys(address, length);
  if (to) memcpy(to, linear(src, length), length);
}
void Z_hwZ_physRead(struct Z_hw_instance_t *hw, u32 dst, u64 address, u32 length) {
  (void)hw;
  uint8_t *from = phys(address, length);
  if (from) memcpy(linear(dst, length), from, length);
  else memset(linear(dst, length), 0xff, length);
}

u64 Z_hwZ_rdtsc(struct Z_hw_instance_t *hw) {
  (void)hw;
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}
void Z_hwZ_cpuid(struct Z_hw_instance_t *hw, u32 leaf, u32 subleaf, u32 out) {
  (void)hw;
  uint32_t *regs = (uint32_t *)linear(out, 16);
  __asm__ volatile("cpuid" : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3]) : "a"(leaf), "c"(subleaf));
}
/* The stock runtime grows linear memory itself, so the page tables are never
   walked; CR3 names an empty table in case something looks. CR2 is 0 until
   the one simulated fault, overflowStack's. */
static uint64_t cr2;
u64 Z_hwZ_readCr(struct Z_hw_instance_t *hw, u32 which) {
  (void)hw;
  return which == 3 ? PAGE_TABLE_ROOT : which == 2 ? cr2 : 0;
}
void Z_hwZ_invalidatePage(struct Z_hw_instance_t *hw, u64 address) { (void)hw; (void)address; }
void Z_hwZ_loadIdt(struct Z_hw_instance_t *hw, u32 table, u32 limit) { (void)hw; (void)table; (void)limit; }
u64 Z_hwZ_isrStub(struct Z_hw_instance_t *hw, u32 vector) { (void)hw; return ISR_STUBS + vector * 16; }
/* Like a CPU without RDRAND: the kernel falls back to TSC jitter. */
/* RDRAND/RDSEED on the hosted machine: the operating system's randomness. */
u32 Z_hwZ_rdrand(struct Z_hw_instance_t *hw, u32 seed, u32 out) {
  (void)hw;
  (void)seed;
  return getrandom(linear(out, 8), 8, 0) == 8;
}
/* The one device interrupt of the hosted machine: COM1's, while a byte waits. */
void Z_hwZ_takeInterrupts(struct Z_hw_instance_t *hw, u32 out) {
  (void)hw;
  uint8_t *pending = linear(out, 32);
  memset(pending, 0, 32);
  if (receive_interrupt_on() && receive_ready(0) && !received_signalled) {
    uint32_t vector = pic_base + COM1_IRQ;
    pending[vector / 8] |= (uint8_t)(1u << (vector % 8));
    received_signalled = 1;
  }
}
/* Without ACPI tables the kernel uses the PICs and names their vector base here. */
void Z_hwZ_setInterruptAck(struct Z_hw_instance_t *hw, u64 eoi_register, u32 base) { (void)hw; (void)eoi_register; pic_base = base; }
/* Sleeps until a byte arrives that has not raised the interrupt yet (a
   byte the guest leaves unread wakes nothing). When no interrupt can ever
   come the machine is idle for good: after the input ended that is a normal
   end, otherwise a hang. After SIGUSR1 the first wait ends the program. */
void Z_hwZ_waitForInterrupt(struct Z_hw_instance_t *hw) {
  (void)hw;
  fflush(stdout);
  while (receive_interrupt_on() && !end_when_idle) {
    if (received_signalled) pause();
    else if (receive_ready(-1)) return;
  }
  finish(input_ended || end_when_idle ? 0 : 1);
}
/* takeInterrupts polls standard input itself, so there is nothing to let in. */
void Z_hwZ_acceptInterrupts(struct Z_hw_instance_t *hw) { (void)hw; }
u64 Z_hwZ_imageStart(struct Z_hw_instance_t *hw) { (void)hw; return IMAGE_START; }
u64 Z_hwZ_imageEnd(struct Z_hw_instance_t *hw) { (void)hw; return IMAGE_END; }
u64 Z_hwZ_linearBase(struct Z_hw_instance_t *hw) { (void)hw; return (u64)(uintptr_t)kernel.w2c_memory.data; }
void Z_hwZ_halt(struct Z_hw_instance_t *hw) { (void)hw; finish(0); }
u64 Z_hwZ_stackGuard(struct Z_hw_instance_t *hw) { (void)hw; return STACK_GUARD; }
/* As the Node simulator does: the recursion reached the guard page, so the
   CPU raises a double fault with a frame (boot/interrupts.S's layout:
   registers, vector, error code, rip, cs, rflags, rsp, ss) on another stack. */
void Z_hwZ_overflowStack(struct Z_hw_instance_t *hw) {
  (void)hw;
  cr2 = STACK_GUARD + 0xff8;
  uint64_t frame[22] = {0};
  uint64_t cpu[7] = {8, 0, IMAGE_START, 8, 2, cr2, 0x10};
  memcpy(frame + 15, cpu, sizeof cpu);
  memcpy(phys(DOUBLE_FAULT_FRAME, sizeof frame), frame, sizeof frame);
  Z_kernelZ_onException(&kernel, DOUBLE_FAULT_FRAME);
}

static void load_image(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  uint64_t header[2];
  while (fread(header, sizeof header, 1, f) == 1) {
    uint8_t *at = phys(header[0], header[1]);
    if (!at || fread(at, 1, header[1], f) != header[1]) {
      fprintf(stderr, "atoll-hosted: %s: bad chunk at 0x%llx\n", path, (unsigned long long)header[0]);
      exit(2);
    }
  }
  fclose(f);
}

#include "hw-probe.generated.h"

static const struct probe_primitive *probe_find(const char *name) {
  for (size_t i = 0; i < sizeof probe_primitives / sizeof probe_primitives[0]; i++)
    if (strcmp(probe_primitives[i].name, name) == 0) return &probe_primitives[i];
  return NULL;
}

/* Runs one "name arg..." line; prints the result, or an error for a bad line. */
static void probe_line(char *line) {
  char *name = strtok(line, " \n");
  if (!name) return;
  const struct probe_primitive *p = probe_find(name);
  u64 args[8] = {0};
  int count = 0;
  for (char *arg; (arg = strtok(NULL, " \n")) && count < 8;) args[count++] = strtoull(arg, NULL, 0);
  if (!p || count != p->arity) {
    printf("error: %s\n", name);
    return;
  }
  printf("%llu\n", (unsigned long long)p->call(args));
}

static int probe(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return 2;
  }
  char line[256];
  while (fgets(line, sizeof line, f)) probe_line(line);
  fclose(f);
  return 0;
}

int main(int argc, char **argv) {
  int probing = argc == 3 && strcmp(argv[1], "--probe") == 0;
  if (argc != 3) {
    fprintf(stderr, "usage: atoll-hosted <boot image> <info address>\n       atoll-hosted --probe <script>\n");
    return 2;
  }
  ram = calloc(1, RAM_BYTES);
  if (!ram) {
    fprintf(stderr, "atoll-hosted: cannot allocate %llu MiB of simulated RAM\n", RAM_BYTES >> 20);
    return 2;
  }
  /* Line by line, so what a module logs shows while it computes and
     survives the kill of a timeout. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!probing) {
    load_image(argv[1]);
    signal(SIGUSR1, on_end_when_idle);
    raw_terminal();
  }
  wasm_rt_init();
  Z_kernel_init_module();
  Z_kernel_instantiate(&kernel, NULL);
  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    fflush(stdout);
    fprintf(stderr, "atoll-hosted: the kernel trapped: %s\n", wasm_rt_strerror(trap));
    return 3;
  }
  if (probing) finish(probe(argv[2]));
  Z_kernelZ_kmain(&kernel, BOOT_MAGIC, strtoull(argv[2], NULL, 0), Z_hwZ_rdtsc(NULL));
  finish(0);
}
