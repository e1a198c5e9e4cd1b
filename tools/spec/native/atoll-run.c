/*
 * atoll-run: the engine (kernel/wasm, compiled by asc, lowered by wasm2c)
 * as a Linux program.
 *
 *   atoll-run module.wasm [export] [args...]
 *       instantiates the module, calls the export with decimal arguments and
 *       prints each result in decimal on its own line; errors and traps go
 *       to stderr with a non-zero status: 1 usage, 2 the module cannot be
 *       read or is malformed or invalid, 3 it cannot be linked, 4 it
 *       trapped, 5 the engine itself failed.
 *   atoll-run --batch
 *       reads spec-test commands on stdin, one per line, and answers each
 *       with one line (used by tools/spec to run scripts natively):
 *         module NAME FILE         -> ok | load|link|trap MESSAGE
 *         register NAME AS         -> ok  (AS encoded like FIELD)
 *         invoke NAME FIELD ARGS.. -> ok RESULTS.. | trap MESSAGE
 *         get NAME FIELD           -> ok VALUE
 *       NAME is a module name or "-" for the latest module, FIELD is "x"
 *       then its UTF-8 bytes in hex, values are 64-bit hex slots.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "wasm-rt-impl.h"

#define HOST_DONE 0
#define THREAD_DONE 1
#define THREAD_TRAPPED 2
#define UNLIMITED_FUEL INT64_MAX

static Z_engine_instance_t engine;

static void print_string(FILE *out, u32 ptr);

void Z_envZ_abort(struct Z_env_instance_t *env, u32 msg, u32 file, u32 line, u32 col) {
  (void)env;
  fputs("atoll-run: engine aborted: ", stderr);
  if (msg) print_string(stderr, msg);
  fputs(" at ", stderr);
  if (file) print_string(stderr, file);
  fprintf(stderr, ":%u:%u\n", line, col);
  exit(5);
}

/* Host functions here are the spectest printers: they take arguments and return nothing. */
u32 Z_hostZ_call(struct Z_host_instance_t *host, u32 id, u32 args, u32 thread) {
  (void)host; (void)id; (void)args; (void)thread;
  return HOST_DONE;
}

static u8 *mem(u32 ptr) { return engine.w2c_memory.data + ptr; }

/* Copies bytes into engine memory; the caller frees the pointer. */
static u32 copy_in(const void *bytes, size_t length) {
  u32 ptr = Z_engineZ_alloc(&engine, length ? (u32)length : 1);
  memcpy(mem(ptr), bytes, length);
  return ptr;
}

/* Prints an engine string (UTF-16, length in bytes before it) as ASCII. */
static void print_string(FILE *out, u32 ptr) {
  u32 bytes;
  memcpy(&bytes, mem(ptr - 4), 4);
  for (u32 i = 0; i < bytes; i += 2) {
    u16 c;
    memcpy(&c, mem(ptr + i), 2);
    fputc(c < 0x80 ? (int)c : '?', out);
  }
}

static u8 *read_file(const char *path, size_t *length) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  u8 *buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  *length = n;
  return buf;
}

/*
 * Loads and instantiates; returns the instance, or after printing "KIND
 * message" to `out` the negated exit status (-2 load, -3 link, -4 trap).
 */
static int instantiate_file(const char *path, FILE *out) {
  size_t length;
  u8 *bytes = read_file(path, &length);
  if (!bytes) {
    fprintf(out, "load cannot read %s: %s\n", path, strerror(errno));
    return -2;
  }
  u32 ptr = copy_in(bytes, length);
  free(bytes);
  int module = (int)Z_engineZ_loadModule(&engine, ptr, (u32)length);
  Z_engineZ_free(&engine, ptr);
  if (module < 0) {
    fputs("load ", out);
    print_string(out, Z_engineZ_errorText(&engine));
    fputc('\n', out);
    return -2;
  }
  int instance = (int)Z_engineZ_instantiateModule(&engine, (u32)module);
  if (instance >= 0) return instance;
  int linking = Z_engineZ_errorStatus(&engine) == 1;
  fputs(linking ? "link " : "trap ", out);
  print_string(out, Z_engineZ_errorText(&engine));
  fputc('\n', out);
  return linking ? -3 : -4;
}

/* Runs an export to completion with arguments in `args`; returns the thread status and its handle. */
static u32 call_export(int instance, const char *name, size_t name_length, const u64 *args, u32 nargs, u32 *thread) {
  u32 name_ptr = copy_in(name, name_length);
  u32 args_ptr = copy_in(args, (size_t)nargs * 8);
  *thread = Z_engineZ_threadStart(&engine, (u32)instance, name_ptr, (u32)name_length, args_ptr);
  Z_engineZ_free(&engine, args_ptr);
  Z_engineZ_free(&engine, name_ptr);
  return Z_engineZ_threadRun(&engine, *thread, UNLIMITED_FUEL);
}

/* Type codes of an export: parameters, then results. Returns -1 when it is not a function. */
static int signature(int instance, const char *name, u8 *types, u32 *nparams, u32 *nresults) {
  u32 name_ptr = copy_in(name, strlen(name));
  u32 out = Z_engineZ_alloc(&engine, 512);
  int packed = (int)Z_engineZ_signature(&engine, (u32)instance, name_ptr, (u32)strlen(name), out);
  if (packed >= 0) {
    *nparams = (u32)packed >> 16;
    *nresults = (u32)packed & 0xffff;
    memcpy(types, mem(out), *nparams + *nresults);
  }
  Z_engineZ_free(&engine, out);
  Z_engineZ_free(&engine, name_ptr);
  return packed;
}

static u64 parse_arg(u8 type, const char *text) {
  union { float f; u32 i; } f32;
  union { double f; u64 i; } f64;
  switch (type) {
    case 0x7d: f32.f = strtof(text, NULL); return f32.i;
    case 0x7c: f64.f = strtod(text, NULL); return f64.i;
    case 0x7f: return (u32)strtoll(text, NULL, 0);
    default: return text[0] == '-' ? (u64)strtoll(text, NULL, 0) : strtoull(text, NULL, 0);
  }
}

static void print_value(u8 type, u64 bits) {
  union { float f; u32 i; } f32;
  union { double f; u64 i; } f64;
  switch (type) {
    case 0x7f: printf("%" PRId32 "\n", (int32_t)(u32)bits); break;
    case 0x7e: printf("%" PRId64 "\n", (int64_t)bits); break;
    case 0x7d: f32.i = (u32)bits; printf("%.9g\n", f32.f); break;
    case 0x7c: f64.i = bits; printf("%.17g\n", f64.f); break;
    default: printf("%s\n", bits == 0 ? "null" : "ref"); break;
  }
}

static int run_command_line(int argc, char **argv) {
  int instance = instantiate_file(argv[1], stderr);
  if (instance < 0) return -instance;
  if (argc < 3) return 0;
  u8 types[512];
  u32 nparams, nresults;
  if (signature(instance, argv[2], types, &nparams, &nresults) < 0) {
    fprintf(stderr, "atoll-run: no exported function \"%s\"\n", argv[2]);
    return 1;
  }
  if ((u32)(argc - 3) != nparams) {
    fprintf(stderr, "atoll-run: \"%s\" takes %u arguments, got %d\n", argv[2], nparams, argc - 3);
    return 1;
  }
  u64 args[256];
  for (u32 i = 0; i < nparams; i++) args[i] = parse_arg(types[i], argv[3 + i]);
  u32 thread;
  u32 status = call_export(instance, argv[2], strlen(argv[2]), args, nparams, &thread);
  if (status != THREAD_DONE) {
    fputs("trap ", stderr);
    print_string(stderr, Z_engineZ_threadTrap(&engine, thread));
    fputc('\n', stderr);
    return 4;
  }
  for (u32 i = 0; i < nresults; i++) print_value(types[nparams + i], Z_engineZ_threadResult(&engine, thread, i));
  return 0;
}

/* Batch mode: named instances and hex-encoded fields, see the top of the file. */
#define MAX_NAMES 1024
static char *names[MAX_NAMES];
static int name_instances[MAX_NAMES];
static int name_count = 0;
static int latest = -1;

static int find_instance(const char *name) {
  if (strcmp(name, "-") == 0) return latest;
  for (int i = name_count - 1; i >= 0; i--)
    if (strcmp(names[i], name) == 0) return name_instances[i];
  return -1;
}

static size_t unhex(const char *hex, char *out) {
  size_t n = 0;
  for (; hex[0] && hex[1]; hex += 2) {
    unsigned byte;
    sscanf(hex, "%2x", &byte);
    out[n++] = (char)byte;
  }
  out[n] = 0;
  return n;
}

/*
 * Reads "NAME TEXT" from the start of a command: the instance NAME names and
 * TEXT decoded into `text`. Returns the instance, or -1 after answering.
 */
static int read_target(char *rest, char *text, size_t *text_length) {
  char *name = strtok(rest, " \n");
  char *hex = strtok(NULL, " \n");
  *text_length = unhex(hex ? hex + 1 : "", text);
  int instance = find_instance(name ? name : "-");
  if (instance < 0) puts("error unknown module");
  return instance;
}

static void batch_invoke(char *rest) {
  char field[1024];
  size_t field_length;
  int instance = read_target(rest, field, &field_length);
  if (instance < 0) return;
  u64 args[256];
  u32 nargs = 0;
  for (char *a; (a = strtok(NULL, " \n")) && nargs < 256;) args[nargs++] = strtoull(a, NULL, 16);
  u32 thread;
  u32 status = call_export(instance, field, field_length, args, nargs, &thread);
  if (status == THREAD_TRAPPED) {
    fputs("trap ", stdout);
    print_string(stdout, Z_engineZ_threadTrap(&engine, thread));
  } else {
    u32 name_ptr = copy_in(field, field_length);
    u32 count = Z_engineZ_resultCount(&engine, (u32)instance, name_ptr, (u32)field_length);
    Z_engineZ_free(&engine, name_ptr);
    fputs("ok", stdout);
    for (u32 i = 0; i < count; i++) printf(" %" PRIx64, Z_engineZ_threadResult(&engine, thread, i));
  }
  Z_engineZ_threadFree(&engine, thread);
  fputc('\n', stdout);
}

/* "get NAME FIELD" reads an exported global; "register NAME AS" offers an instance's exports. */
static void batch_named(int is_register, char *rest) {
  char text[1024];
  size_t length;
  int instance = read_target(rest, text, &length);
  if (instance < 0) return;
  u32 ptr = copy_in(text, length);
  if (is_register) {
    Z_engineZ_register(&engine, (u32)instance, ptr, (u32)length);
    puts("ok");
  } else {
    printf("ok %" PRIx64 "\n", Z_engineZ_globalValue(&engine, (u32)instance, ptr, (u32)length));
  }
  Z_engineZ_free(&engine, ptr);
}

static void batch_module(char *rest) {
  char *name = strtok(rest, " \n");
  char *path = strtok(NULL, "\n");
  int instance = instantiate_file(path, stdout);
  if (instance < 0) return;
  latest = instance;
  if (strcmp(name, "-") != 0 && name_count < MAX_NAMES) {
    names[name_count] = strdup(name);
    name_instances[name_count++] = instance;
  }
  puts("ok");
}

static void define(const char *kind, const char *name, u32 a, u32 b, u64 c, int params) {
  u32 module_ptr = copy_in("spectest", 8);
  u32 name_ptr = copy_in(name, strlen(name));
  if (strcmp(kind, "func") == 0) {
    static const u8 no_results[1];
    u8 types[2] = {(u8)a, (u8)b};
    u32 types_ptr = copy_in(types, 2);
    u32 results_ptr = copy_in(no_results, 0);
    Z_engineZ_defineFunction(&engine, module_ptr, 8, name_ptr, (u32)strlen(name), types_ptr, (u32)params, results_ptr, 0, 0);
    Z_engineZ_free(&engine, types_ptr);
    Z_engineZ_free(&engine, results_ptr);
  } else if (strcmp(kind, "global") == 0) {
    Z_engineZ_defineGlobal(&engine, module_ptr, 8, name_ptr, (u32)strlen(name), a, 0, c);
  } else if (strcmp(kind, "table") == 0) {
    Z_engineZ_defineTable(&engine, module_ptr, 8, name_ptr, (u32)strlen(name), 0x70, a, b, 1);
  } else {
    Z_engineZ_defineMemory(&engine, module_ptr, 8, name_ptr, (u32)strlen(name), a, b, 1);
  }
  Z_engineZ_free(&engine, name_ptr);
  Z_engineZ_free(&engine, module_ptr);
}

/* The spectest module of the spec's reference interpreter. */
static void define_spectest(void) {
  union { float f; u32 i; } f32 = {666.6f};
  union { double f; u64 i; } f64 = {666.6};
  define("func", "print", 0, 0, 0, 0);
  define("func", "print_i32", 0x7f, 0, 0, 1);
  define("func", "print_i64", 0x7e, 0, 0, 1);
  define("func", "print_f32", 0x7d, 0, 0, 1);
  define("func", "print_f64", 0x7c, 0, 0, 1);
  define("func", "print_i32_f32", 0x7f, 0x7d, 0, 2);
  define("func", "print_f64_f64", 0x7c, 0x7c, 0, 2);
  define("global", "global_i32", 0x7f, 0, 666, 0);
  define("global", "global_i64", 0x7e, 0, 666, 0);
  define("global", "global_f32", 0x7d, 0, f32.i, 0);
  define("global", "global_f64", 0x7c, 0, f64.i, 0);
  define("table", "table", 10, 20, 0, 0);
  define("memory", "memory", 1, 2, 0, 0);
}

static int run_batch(void) {
  define_spectest();
  char line[65536];
  while (fgets(line, sizeof line, stdin)) {
    char *rest = strchr(line, ' ');
    if (!rest) continue;
    *rest++ = 0;
    if (strcmp(line, "module") == 0) batch_module(rest);
    else if (strcmp(line, "register") == 0) batch_named(1, rest);
    else if (strcmp(line, "invoke") == 0) batch_invoke(rest);
    else if (strcmp(line, "get") == 0) batch_named(0, rest);
    else printf("error unknown command %s\n", line);
    fflush(stdout);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: atoll-run module.wasm [export] [args...]\n       atoll-run --batch < commands\n");
    return 1;
  }
  wasm_rt_init();
  Z_engine_init_module();
  Z_engine_instantiate(&engine, NULL, NULL);
  /* A trap inside the engine itself (a bug, never a module's fault) lands here. */
  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    fprintf(stderr, "atoll-run: engine trapped (%d)\n", (int)trap);
    return 5;
  }
  int status = strcmp(argv[1], "--batch") == 0 ? run_batch() : run_command_line(argc, argv);
  Z_engine_free(&engine);
  wasm_rt_free();
  return status;
}
