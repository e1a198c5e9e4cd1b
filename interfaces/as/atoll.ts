// The module side of Atoll's four system calls, for AssemblyScript modules.
// Calls block the module (never the system) until they can answer:
//   call(iface, payload)   send and wait for the answer
//   emit(iface, payload)   send, no answer expected
//   request(iface, payload) send without waiting; the answer comes later
//                          as an event
//   nextEvent(awaiting)    wait for a message to an interface this module
//                          handles, a process-destroyed notification, an
//                          interrupt it subscribed to, or the answer to one
//                          of the requests in `awaiting`
// A module exports `_start`, which the kernel runs as its process; build it
// with `--use abort=interfaces/as/atoll/abort` (the Makefile does).

import * as log from "./generated/log";
import * as notification from "./generated/notification";

@external("atoll", "send")
declare function sysSend(iface: usize, buffers: usize, count: u32, flags: u32, idOut: usize): i32;
@external("atoll", "answer")
declare function sysAnswer(id: u64, buffers: usize, count: u32, flags: u32): i32;
@external("atoll", "wait")
declare function sysWait(ids: usize, count: u32, flags: u32, out: usize, capacity: u32): i32;

const NEEDS_ANSWER: u32 = 1;
const ALLOW_DELAY: u32 = 2;
const WAIT_BLOCK: u32 = 1;
const WAIT_EVENTS: u32 = 2;
const ANSWER_DATA_AT: u32 = notification.ANSWER_PAYLOAD_AT + 4;
const INCOMING_DATA_AT: u32 = notification.INCOMING_PAYLOAD_AT + 4;
const MAX_NOTIFICATION: u32 = INCOMING_DATA_AT + (64 << 10);

const ERRORS: StaticArray<string> = [
  "ok", "permission denied", "no handler for the interface", "queue full", "message too large", "bad pointer",
  "buffer too small", "unknown message", "too many messages awaiting answers", "invalid arguments",
];

/** Text for a system call's negative result. */
export function errorText(code: i32): string {
  return code <= 0 && -code < ERRORS.length ? ERRORS[-code] : "error " + code.toString();
}

const buffers = memory.data(8, 4);
const NO_REQUESTS: u64[] = [];
const messageId = memory.data(8, 8);
const received = new Uint8Array(<i32>MAX_NOTIFICATION);

function send(iface: StaticArray<u8>, payload: Uint8Array, flags: u32): i32 {
  store<u32>(buffers, <u32>payload.dataStart);
  store<u32>(buffers, <u32>payload.length, 4);
  return sysSend(changetype<usize>(iface), buffers, 1, flags, messageId);
}

export class Answer {
  constructor(public isError: bool, public payload: Uint8Array) {}

  /** The error's text (a handler's error answer is UTF-8 by convention). */
  get error(): string {
    return this.isError ? String.UTF8.decodeUnsafe(this.payload.dataStart, this.payload.length) : "";
  }
}

function errorAnswer(reason: string): Answer {
  return new Answer(true, Uint8Array.wrap(String.UTF8.encode(reason)));
}

/** Sends a message and blocks until it is answered (waiting for a handler if there is none yet). */
export function call(iface: StaticArray<u8>, payload: Uint8Array): Answer {
  const sent = send(iface, payload, NEEDS_ANSWER | ALLOW_DELAY);
  if (sent < 0) return errorAnswer(errorText(sent));
  const size = sysWait(messageId, 1, WAIT_BLOCK, received.dataStart, MAX_NOTIFICATION);
  if (size < 0) return errorAnswer(errorText(size));
  return answerAt(received.dataStart);
}

/**
 * Sends a message that expects an answer without waiting for it; returns the
 * message id to pass to nextEvent, or a negative error.
 */
export function request(iface: StaticArray<u8>, payload: Uint8Array): i64 {
  const sent = send(iface, payload, NEEDS_ANSWER | ALLOW_DELAY);
  return sent < 0 ? <i64>sent : <i64>load<u64>(messageId);
}

/** Sends a message that expects no answer; returns 0 or a negative error. */
export function emit(iface: StaticArray<u8>, payload: Uint8Array): i32 {
  return send(iface, payload, ALLOW_DELAY);
}

/** A message for an interface this module handles. */
export class Message {
  constructor(
    public id: u64,
    public sender: u64,
    public needsAnswer: bool,
    public iface: StaticArray<u8>,
    public payload: Uint8Array,
  ) {}

  answer(payload: Uint8Array): i32 {
    return reply(this.id, payload, 0);
  }

  fail(reason: string): i32 {
    return reply(this.id, Uint8Array.wrap(String.UTF8.encode(reason)), 1);
  }
}

function reply(id: u64, payload: Uint8Array, flags: u32): i32 {
  store<u32>(buffers, <u32>payload.dataStart);
  store<u32>(buffers, <u32>payload.length, 4);
  return sysAnswer(id, buffers, 1, flags);
}

/**
 * A message, the end of process `destroyedPid`, device interrupt `irq` (-1
 * when not one), or the answer to request `answered`.
 */
export class Event {
  constructor(
    public message: Message | null,
    public destroyedPid: u64,
    public irq: i32 = -1,
    public answered: u64 = 0,
    public answer: Answer | null = null,
  ) {}
}

function answerAt(at: usize): Answer {
  const length = load<u32>(at + notification.ANSWER_PAYLOAD_AT);
  const isError = load<u8>(at + notification.ANSWER_ERROR_AT) != 0;
  return new Answer(isError, received.slice(<i32>ANSWER_DATA_AT, <i32>(ANSWER_DATA_AT + length)));
}

/**
 * Blocks until the next message, process-destroyed notification, subscribed
 * interrupt, or answer to one of the requests in `awaiting`.
 */
export function nextEvent(awaiting: u64[] = NO_REQUESTS): Event {
  for (;;) {
    const ids = awaiting.length > 0 ? awaiting.dataStart : 0;
    const size = sysWait(ids, awaiting.length, WAIT_BLOCK | WAIT_EVENTS, received.dataStart, MAX_NOTIFICATION);
    if (size <= 0) continue;
    const at = received.dataStart;
    const kind = load<u8>(at);
    if (kind == notification.ANSWER) return new Event(null, 0, -1, load<u64>(at + notification.ANSWER_ID_AT), answerAt(at));
    if (kind == notification.DESTROYED) return new Event(null, load<u64>(at + notification.DESTROYED_PID_AT));
    if (kind == notification.INTERRUPT) return new Event(null, 0, <i32>load<u32>(at + notification.INTERRUPT_IRQ_AT));
    if (kind != notification.INCOMING) continue;
    const iface = new StaticArray<u8>(32);
    memory.copy(changetype<usize>(iface), at + notification.INCOMING_IFACE_AT, 32);
    const length = load<u32>(at + notification.INCOMING_PAYLOAD_AT);
    const id = load<u64>(at + notification.INCOMING_ID_AT);
    const sender = load<u64>(at + notification.INCOMING_SENDER_AT);
    const needsAnswer = load<u8>(at + notification.INCOMING_NEEDS_ANSWER_AT) != 0;
    const payload = received.slice(<i32>INCOMING_DATA_AT, <i32>(INCOMING_DATA_AT + length));
    return new Event(new Message(id, sender, needsAnswer, iface, payload), 0);
  }
}

/** Whether two interface hashes are equal. */
export function sameInterface(a: StaticArray<u8>, b: StaticArray<u8>): bool {
  return memory.compare(changetype<usize>(a), changetype<usize>(b), 32) == 0;
}

/** AssemblyScript's abort for modules: the message goes to the log, then the module traps. */
export function abort(message: string | null, file: string | null, line: u32, column: u32): void {
  const where = (file !== null ? file : "?") + ":" + line.toString() + ":" + column.toString();
  emit(log.INTERFACE, log.encodeWrite(3, "abort: " + (message !== null ? message : "") + " at " + where));
  unreachable();
}
