/*
 * The blocking helpers of atoll.h, like the AssemblyScript library's
 * call/emit/nextEvent: one receive buffer for the module, large enough for
 * any notification, so wait never answers ATOLL_E_BUFFER_TOO_SMALL.
 */
#include "atoll.h"

static uint8_t received[ATOLL_MAX_NOTIFICATION];
static uint64_t message_id;

static const char *const ERRORS[] = {
  "ok", "permission denied", "no handler for the interface", "queue full", "message too large", "bad pointer",
  "buffer too small", "unknown message", "too many messages awaiting answers", "invalid arguments",
};

const char *atoll_error_text(int32_t code) {
  return code <= 0 && -code < (int32_t)(sizeof ERRORS / sizeof ERRORS[0]) ? ERRORS[-code] : "error";
}

static uint32_t load_u32(const uint8_t *at) {
  uint32_t v;
  __builtin_memcpy(&v, at, sizeof v);
  return v;
}

static uint64_t load_u64(const uint8_t *at) {
  uint64_t v;
  __builtin_memcpy(&v, at, sizeof v);
  return v;
}

static int32_t send(const uint8_t *iface, atoll_bytes payload, uint32_t flags) {
  atoll_buffer buffer = {payload.data, payload.length};
  return atoll_send(iface, &buffer, 1, flags, &message_id);
}

static int32_t failed(int32_t code, atoll_reply *reply) {
  const char *text = atoll_error_text(code);
  *reply = (atoll_reply){true, atoll_text(text)};
  return code;
}

int32_t atoll_call(const uint8_t *iface, atoll_bytes payload, atoll_reply *reply) {
  int32_t sent = send(iface, payload, ATOLL_SEND_NEEDS_ANSWER | ATOLL_SEND_ALLOW_DELAY);
  if (sent < 0) return failed(sent, reply);
  int32_t size = atoll_wait(&message_id, 1, ATOLL_WAIT_BLOCK, received, sizeof received);
  if (size < 0) return failed(size, reply);
  uint32_t length = load_u32(received + NOTIFICATION_ANSWER_PAYLOAD_AT);
  *reply = (atoll_reply){received[NOTIFICATION_ANSWER_ERROR_AT] != 0, {received + ATOLL_ANSWER_DATA_AT, length}};
  return 0;
}

int32_t atoll_emit(const uint8_t *iface, atoll_bytes payload) {
  return send(iface, payload, ATOLL_SEND_ALLOW_DELAY);
}

/* Fills *event from the notification in `received`; false for kinds a module does not see here. */
static bool decode_event(atoll_event *event) {
  *event = (atoll_event){.kind = (enum atoll_event_kind)received[0]};
  switch (received[0]) {
    case ATOLL_EVENT_MESSAGE:
      event->id = load_u64(received + NOTIFICATION_INCOMING_ID_AT);
      event->sender = load_u64(received + NOTIFICATION_INCOMING_SENDER_AT);
      event->needs_answer = received[NOTIFICATION_INCOMING_NEEDS_ANSWER_AT] != 0;
      event->iface = received + NOTIFICATION_INCOMING_IFACE_AT;
      event->payload = (atoll_bytes){received + ATOLL_INCOMING_DATA_AT, load_u32(received + NOTIFICATION_INCOMING_PAYLOAD_AT)};
      return true;
    case ATOLL_EVENT_DESTROYED:
      event->pid = load_u64(received + NOTIFICATION_DESTROYED_PID_AT);
      return true;
    case ATOLL_EVENT_INTERRUPT:
      event->irq = load_u32(received + NOTIFICATION_INTERRUPT_IRQ_AT);
      return true;
    default:
      return false;
  }
}

void atoll_next_event(atoll_event *event) {
  for (;;) {
    int32_t size = atoll_wait(NULL, 0, ATOLL_WAIT_BLOCK | ATOLL_WAIT_EVENTS, received, sizeof received);
    if (size > 0 && decode_event(event)) return;
  }
}

static int32_t reply(uint64_t id, atoll_bytes payload, uint32_t flags) {
  atoll_buffer buffer = {payload.data, payload.length};
  return atoll_answer(id, &buffer, 1, flags);
}

int32_t atoll_reply_to(uint64_t id, atoll_bytes payload) {
  return reply(id, payload, 0);
}

int32_t atoll_fail(uint64_t id, const char *reason) {
  return reply(id, atoll_text(reason), ATOLL_ANSWER_ERROR);
}
