/*
 * The C example module: greets on the console, followed by the arguments it
 * was started with, if any. Built by `make` with clang (see
 * interfaces/c/atoll.h); nothing here needs a C library.
 */
#include "atoll.h"
#include "generated/console.h"
#include "generated/process.h"

static uint8_t text[4096];
static uint8_t message[4096 + 8];

/* Appends the arguments, each after a space, from process.arguments' answer. */
static void append_arguments(atoll_writer *line) {
  uint8_t request[1];
  atoll_writer w = atoll_writer_on(request, sizeof request);
  atoll_reply reply;
  process_arguments_answer_t answer;
  process_arguments_encode(&w);
  if (atoll_call(PROCESS_INTERFACE, atoll_written(&w), &reply) != 0 || reply.is_error) return;
  if (!process_arguments_answer_decode(reply.payload, &answer)) return;
  atoll_reader arguments = atoll_list_reader(answer.arguments);
  for (uint32_t i = 0; i < answer.arguments.count; i++) {
    atoll_bytes argument = atoll_get_string(&arguments);
    atoll_put(line, " ", 1);
    atoll_put(line, argument.data, argument.length);
  }
}

void _start(void) {
  atoll_writer line = atoll_writer_on(text, sizeof text);
  atoll_bytes greeting = atoll_text("Hello from C on Atoll!");
  atoll_put(&line, greeting.data, greeting.length);
  append_arguments(&line);
  atoll_put(&line, "\n", 1);
  atoll_writer w = atoll_writer_on(message, sizeof message);
  atoll_reply reply;
  if (console_write_encode(&w, atoll_written(&line))) atoll_call(CONSOLE_INTERFACE, atoll_written(&w), &reply);
}
