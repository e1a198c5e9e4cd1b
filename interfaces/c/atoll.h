/*
 * Atoll's system calls and message encoding for modules written in C.
 *
 * Build a module with clang, no libc:
 *
 *   clang --target=wasm32 -ffreestanding -nostdlib -O2 -mbulk-memory \
 *     -Iinterfaces/c -Wl,--no-entry -Wl,--export=_start \
 *     -o hello.wasm main.c interfaces/c/atoll.c
 *
 * A module defines `void _start(void)`, which the kernel runs as its process.
 * It imports only the four functions below from module "atoll" (docs/ipc.md).
 * -mbulk-memory makes clang turn memcpy and memset into Wasm instructions,
 * so nothing needs a C library.
 *
 * The per-interface headers (interfaces/c/generated/<name>.h, made by
 * `make` from interfaces/<name>.interface) give each interface's hash,
 * message ordinals, field offsets and encode/decode functions built on the
 * writer and reader below.
 */
#ifndef ATOLL_H
#define ATOLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- The system calls ------------------------------------------------- */

/* One piece of a message: send and answer gather up to 16 of them. */
typedef struct {
  const void *data;
  uint32_t length;
} atoll_buffer;

#define ATOLL_IMPORT(name) __attribute__((import_module("atoll"), import_name(name)))

/* Sends the bytes of `buffers` to the interface named by the 32-byte hash
   `iface`; the message id goes to *id_out. Returns 0 or an ATOLL_E_ code. */
ATOLL_IMPORT("send")
int32_t atoll_send(const uint8_t *iface, const atoll_buffer *buffers, uint32_t count, uint32_t flags, uint64_t *id_out);

/* Answers message `id` (received by this process); ATOLL_ANSWER_ERROR makes
   it an error answer, whose payload is a UTF-8 reason by convention. */
ATOLL_IMPORT("answer")
int32_t atoll_answer(uint64_t id, const atoll_buffer *buffers, uint32_t count, uint32_t flags);

/* Copies the first queued notification it accepts (answers to the `count`
   message ids at `ids`; with ATOLL_WAIT_EVENTS also incoming messages,
   process-destroyed and interrupt notifications) to `out`; returns its size,
   0 when there is none and ATOLL_WAIT_BLOCK is not set, or an error. */
ATOLL_IMPORT("wait")
int32_t atoll_wait(const uint64_t *ids, uint32_t count, uint32_t flags, void *out, uint32_t capacity);

/* Withdraws a message this process sent and still awaits. */
ATOLL_IMPORT("cancel")
int32_t atoll_cancel(uint64_t id);

/* send flags */
#define ATOLL_SEND_NEEDS_ANSWER 1u
#define ATOLL_SEND_ALLOW_DELAY 2u /* keep the message until a handler registers */
/* wait flags */
#define ATOLL_WAIT_BLOCK 1u
#define ATOLL_WAIT_EVENTS 2u
/* answer flag */
#define ATOLL_ANSWER_ERROR 1u

/* Results: 0 or more is success, these are failures. */
#define ATOLL_E_PERMISSION (-1)        /* the interface was not granted */
#define ATOLL_E_NO_HANDLER (-2)        /* no handler and no ATOLL_SEND_ALLOW_DELAY */
#define ATOLL_E_QUEUE_FULL (-3)
#define ATOLL_E_TOO_LARGE (-4)         /* more than ATOLL_MAX_MESSAGE bytes */
#define ATOLL_E_BAD_POINTER (-5)
#define ATOLL_E_BUFFER_TOO_SMALL (-6)  /* the notification stays queued */
#define ATOLL_E_UNKNOWN_MESSAGE (-7)
#define ATOLL_E_TOO_MANY_PENDING (-8)
#define ATOLL_E_INVALID (-9)
#define ATOLL_E_KERNEL_QUOTA (-10)   /* the sender's kernel memory account is full */

#define ATOLL_MAX_MESSAGE (64u << 10)
#define ATOLL_MAX_BUFFERS 16u

/* ---- Encoding (docs/interfaces.md) ------------------------------------- */
/* Little-endian fixed-size fields, bool as one byte, string and bytes as a
   u32 length then the bytes, hash as 32 bytes, list<T> as a u32 count then
   the elements. The writer fills a caller's buffer; running out of room
   sets `overflow` and keeps the length meaningful for nothing else. */

/* Byte strings: a string field is UTF-8 bytes, not NUL-terminated. */
typedef struct {
  const uint8_t *data;
  uint32_t length;
} atoll_bytes;

/* A NUL-terminated string as atoll_bytes (a loop, not strlen: there is no
   C library; clang folds it for string literals). */
static inline atoll_bytes atoll_text(const char *s) {
  uint32_t n = 0;
  while (s[n] != 0) n++;
  return (atoll_bytes){(const uint8_t *)s, n};
}

typedef struct {
  uint8_t *data;
  uint32_t capacity, length;
  bool overflow;
} atoll_writer;

/* An element of a list<hash> to encode. */
typedef struct {
  uint8_t bytes[32];
} atoll_hash;

static inline atoll_writer atoll_writer_on(void *buffer, uint32_t capacity) {
  return (atoll_writer){(uint8_t *)buffer, capacity, 0, false};
}

/* The written bytes, as a payload for atoll_call or atoll_emit. */
static inline atoll_bytes atoll_written(const atoll_writer *w) {
  return (atoll_bytes){w->data, w->overflow ? 0 : w->length};
}

static inline void atoll_put(atoll_writer *w, const void *bytes, uint32_t n) {
  if (w->overflow || n > w->capacity - w->length) {
    w->overflow = true;
    return;
  }
  __builtin_memcpy(w->data + w->length, bytes, n);
  w->length += n;
}

/* Wasm is little-endian, so a field's bytes are its memory representation. */
#define ATOLL_PUT_FIXED(name, type) \
  static inline void atoll_put_##name(atoll_writer *w, type v) { atoll_put(w, &v, sizeof v); }
ATOLL_PUT_FIXED(u8, uint8_t)
ATOLL_PUT_FIXED(u16, uint16_t)
ATOLL_PUT_FIXED(u32, uint32_t)
ATOLL_PUT_FIXED(u64, uint64_t)
ATOLL_PUT_FIXED(i8, int8_t)
ATOLL_PUT_FIXED(i16, int16_t)
ATOLL_PUT_FIXED(i32, int32_t)
ATOLL_PUT_FIXED(i64, int64_t)
ATOLL_PUT_FIXED(f32, float)
ATOLL_PUT_FIXED(f64, double)
#undef ATOLL_PUT_FIXED

static inline void atoll_put_bool(atoll_writer *w, bool v) { atoll_put_u8(w, v ? 1 : 0); }
static inline void atoll_put_hash(atoll_writer *w, const uint8_t *v) { atoll_put(w, v, 32); }
static inline void atoll_put_bytes(atoll_writer *w, atoll_bytes v) {
  atoll_put_u32(w, v.length);
  atoll_put(w, v.data, v.length);
}
static inline void atoll_put_string(atoll_writer *w, atoll_bytes v) { atoll_put_bytes(w, v); }

/* Reads fields in order; reading past the end sets `failed` and yields zeros. */
typedef struct {
  const uint8_t *data;
  uint32_t length, at;
  bool failed;
} atoll_reader;

static inline atoll_reader atoll_reader_on(atoll_bytes payload) {
  return (atoll_reader){payload.data, payload.length, 0, false};
}

/* The next n bytes, or NULL (and `failed`) when fewer remain. */
static inline const uint8_t *atoll_take(atoll_reader *r, uint32_t n) {
  if (r->failed || n > r->length - r->at) {
    r->failed = true;
    return NULL;
  }
  const uint8_t *at = r->data + r->at;
  r->at += n;
  return at;
}

#define ATOLL_GET_FIXED(name, type)                          \
  static inline type atoll_get_##name(atoll_reader *r) {    \
    type v = 0;                                             \
    const uint8_t *at = atoll_take(r, sizeof v);            \
    if (at) __builtin_memcpy(&v, at, sizeof v);             \
    return v;                                               \
  }
ATOLL_GET_FIXED(u8, uint8_t)
ATOLL_GET_FIXED(u16, uint16_t)
ATOLL_GET_FIXED(u32, uint32_t)
ATOLL_GET_FIXED(u64, uint64_t)
ATOLL_GET_FIXED(i8, int8_t)
ATOLL_GET_FIXED(i16, int16_t)
ATOLL_GET_FIXED(i32, int32_t)
ATOLL_GET_FIXED(i64, int64_t)
ATOLL_GET_FIXED(f32, float)
ATOLL_GET_FIXED(f64, double)
#undef ATOLL_GET_FIXED

static inline bool atoll_get_bool(atoll_reader *r) { return atoll_get_u8(r) != 0; }

/* Points into the payload (no copy); NULL past the end. */
static inline const uint8_t *atoll_get_hash(atoll_reader *r) { return atoll_take(r, 32); }

static inline atoll_bytes atoll_get_bytes(atoll_reader *r) {
  uint32_t n = atoll_get_u32(r);
  const uint8_t *at = atoll_take(r, n);
  return (atoll_bytes){at, at ? n : 0};
}
static inline atoll_bytes atoll_get_string(atoll_reader *r) { return atoll_get_bytes(r); }

/* True when every byte was read and nothing ran past the end. */
static inline bool atoll_reader_done(const atoll_reader *r) { return !r->failed && r->at == r->length; }

/* A decoded list<T>: its count and its encoded elements, read in order with
   atoll_list_reader and the atoll_get_ function of T. */
typedef struct {
  uint32_t count;
  atoll_bytes elements;
} atoll_list;

static inline atoll_reader atoll_list_reader(atoll_list list) { return atoll_reader_on(list.elements); }

/* The layout of what wait writes, from interfaces/notification.interface
   (after the codec above, which the generated header builds on). */
#include "generated/notification.h"

/* Bytes before the payload data of an answer and of an incoming message:
   the notification's fields, then the payload's u32 length. */
#define ATOLL_ANSWER_DATA_AT (NOTIFICATION_ANSWER_PAYLOAD_AT + 4)
#define ATOLL_INCOMING_DATA_AT (NOTIFICATION_INCOMING_PAYLOAD_AT + 4)
/* A wait buffer this large never gets ATOLL_E_BUFFER_TOO_SMALL. */
#define ATOLL_MAX_NOTIFICATION (ATOLL_INCOMING_DATA_AT + ATOLL_MAX_MESSAGE)

/* ---- Calls, events and answers (interfaces/c/atoll.c) ------------------ */

/* An answer; `payload` points into a buffer the next call or event reuses. */
typedef struct {
  bool is_error;
  atoll_bytes payload;
} atoll_reply;

/* Sends and blocks until the answer (waiting for a handler if there is none
   yet). Returns 0, or a system call error (then *reply is an error whose
   payload is atoll_error_text's). */
int32_t atoll_call(const uint8_t *iface, atoll_bytes payload, atoll_reply *reply);

/* Sends a message that expects no answer; returns 0 or an error. */
int32_t atoll_emit(const uint8_t *iface, atoll_bytes payload);

enum atoll_event_kind {
  ATOLL_EVENT_MESSAGE = NOTIFICATION_INCOMING,
  ATOLL_EVENT_DESTROYED = NOTIFICATION_DESTROYED,
  ATOLL_EVENT_INTERRUPT = NOTIFICATION_INTERRUPT,
};

/* What atoll_next_event returns; the fields of its kind are set, and
   `payload` and `iface` point into a buffer the next call or event reuses. */
typedef struct {
  enum atoll_event_kind kind;
  uint64_t id, sender;   /* MESSAGE: answer by id when needs_answer */
  bool needs_answer;
  const uint8_t *iface;  /* MESSAGE: the 32-byte interface hash */
  atoll_bytes payload;   /* MESSAGE */
  uint64_t pid;          /* DESTROYED */
  uint32_t irq;          /* INTERRUPT */
} atoll_event;

/* Blocks until a message for an interface this module handles, the end of a
   process it served, or an interrupt it subscribed to. */
void atoll_next_event(atoll_event *event);

/* Answers message `id` with `payload`, or fails it with a reason. */
int32_t atoll_reply_to(uint64_t id, atoll_bytes payload);
int32_t atoll_fail(uint64_t id, const char *reason);

/* Text for a system call's negative result. */
const char *atoll_error_text(int32_t code);

static inline bool atoll_same_interface(const uint8_t *a, const uint8_t *b) {
  return __builtin_memcmp(a, b, 32) == 0;
}

#endif
