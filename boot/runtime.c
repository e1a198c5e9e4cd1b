/*
 * The wasm2c runtime for the kernel instance, and boot_main.
 *
 * The kernel's linear memory lives at a fixed virtual window (LINEAR_BASE).
 * Its first 2 MiB are a .bss arena mapped with one large page, so the
 * AssemblyScript start code runs before any allocator exists; every later
 * memory.grow asks the kernel's own page mapper (export backLinearMemory) to
 * back the new pages with frames from the physical frame allocator.
 */
#include <stdarg.h>
#include "glue.h"

#define WASM_PAGE 65536u
#define LINEAR_BASE 0x8000000000ull
#define ARENA_SIZE (2u << 20)
#define PTE_PRESENT_WRITABLE 0x3ull
#define PTE_LARGE 0x80ull

Z_kernel_instance_t kernel;
uint32_t wasm_rt_call_stack_depth;

extern uint64_t boot_pml4[512];
static uint64_t linear_pdpt[512] __attribute__((aligned(4096)));
static uint64_t linear_pd[512] __attribute__((aligned(4096)));
static uint8_t arena[ARENA_SIZE] __attribute__((aligned(2 << 20), section(".bss.arena")));

static void serial_raw(const char* s) {
  for (; *s; s++) {
    while (!(Z_hwZ_inb(0, 0x3FD) & 0x20)) {}
    Z_hwZ_outb(0, 0x3F8, (uint8_t)*s);
  }
}

_Noreturn void halt_forever(void) {
  for (;;) __asm__ volatile("cli; hlt");
}

static _Noreturn void boot_fail(const char* message) {
  serial_raw("atoll: boot failed: ");
  serial_raw(message);
  serial_raw("\n");
  halt_forever();
}

void* linear(uint32_t offset, uint64_t length) {
  wasm_rt_memory_t* mem = &kernel.w2c_memory;
  if ((uint64_t)offset + length > mem->size) wasm_rt_trap(WASM_RT_TRAP_OOB);
  return mem->data + offset;
}

/* Nothing to set up: there are no signal handlers on bare metal. */
bool wasm_rt_is_initialized(void) { return true; }

void wasm_rt_allocate_memory(wasm_rt_memory_t* mem, uint32_t initial, uint32_t max) {
  if ((uint64_t)initial * WASM_PAGE > ARENA_SIZE) boot_fail("kernel initial memory exceeds the boot arena");
  boot_pml4[1] = (uint64_t)linear_pdpt | PTE_PRESENT_WRITABLE;
  linear_pdpt[0] = (uint64_t)linear_pd | PTE_PRESENT_WRITABLE;
  linear_pd[0] = (uint64_t)arena | PTE_PRESENT_WRITABLE | PTE_LARGE;
  mem->data = (uint8_t*)LINEAR_BASE;
  mem->pages = initial;
  mem->max_pages = max;
  mem->size = initial * WASM_PAGE;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* mem, uint32_t delta) {
  uint32_t old = mem->pages;
  uint64_t pages = (uint64_t)old + delta;
  if (pages > mem->max_pages) return (uint32_t)-1;
  uint64_t end = pages * WASM_PAGE;
  if (end > ARENA_SIZE) {
    uint64_t start = mem->size > ARENA_SIZE ? mem->size : ARENA_SIZE;
    if (!Z_kernelZ_backLinearMemory(&kernel, LINEAR_BASE + start, LINEAR_BASE + end)) return (uint32_t)-1;
  }
  mem->pages = (uint32_t)pages;
  mem->size = (uint32_t)end;
  return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t* mem) { (void)mem; }

/* The kernel's one table never grows, so a small static pool is enough. */
static wasm_rt_funcref_t table_pool[1024];

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t* table, uint32_t elements, uint32_t max) {
  if (elements > sizeof table_pool / sizeof table_pool[0]) boot_fail("kernel function table too large");
  table->data = table_pool;
  table->size = elements;
  table->max_size = max;
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t* table) { (void)table; }

/* Function types are compared by identity, so equal signatures share an id. */
#define MAX_FUNC_TYPES 256
#define MAX_TYPE_ARITY 16
static struct { uint32_t params, results; wasm_rt_type_t types[MAX_TYPE_ARITY]; } func_types[MAX_FUNC_TYPES];
static uint32_t func_type_count;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  if (params + results > MAX_TYPE_ARITY) boot_fail("kernel function type too large");
  wasm_rt_type_t types[MAX_TYPE_ARITY];
  va_list args;
  va_start(args, results);
  for (uint32_t i = 0; i < params + results; i++) types[i] = (wasm_rt_type_t)va_arg(args, int);
  va_end(args);
  for (uint32_t id = 0; id < func_type_count; id++) {
    if (func_types[id].params != params || func_types[id].results != results) continue;
    if (memcmp(func_types[id].types, types, (params + results) * sizeof types[0]) == 0) return id;
  }
  if (func_type_count == MAX_FUNC_TYPES) boot_fail("too many kernel function types");
  func_types[func_type_count].params = params;
  func_types[func_type_count].results = results;
  memcpy(func_types[func_type_count].types, types, sizeof types);
  return func_type_count++;
}

void wasm_rt_trap(wasm_rt_trap_t code) {
  Z_kernelZ_onTrap(&kernel, code, (uint64_t)__builtin_return_address(0));
  halt_forever();
}

_Noreturn void abort(void) { boot_fail("abort() called in the C glue"); }

/* Called by the exception stubs; a fault while already panicking is
   reported with the bare serial port, since the kernel may be what broke. */
void exception_entry(uint64_t* frame) {
  static int depth;
  if (depth++ > 0) boot_fail("exception while handling an exception");
  Z_kernelZ_onException(&kernel, (uint64_t)frame);
  depth--;
}

void boot_main(uint32_t magic, uint32_t info, uint64_t entry_tsc) {
  Z_kernel_init_module();
  Z_kernel_instantiate(&kernel, 0);
  Z_kernelZ_kmain(&kernel, magic, info, entry_tsc);
  halt_forever();
}
