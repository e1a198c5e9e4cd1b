// Message routing between processes: who handles which interface (a process,
// or the kernel through the handler a service registered), messages waiting
// for a first handler, answers, cancellation, and the clean-up when a process
// ends. Every bound in kernel/ipc/abi.ts is enforced here, so a flooding
// module gets errors while the others keep running. What happens to a
// process (a notification queued, a wait completed) is kernel/proc/'s: it
// connects its functions at boot, so ipc/ imports nothing of proc/.
import {
  ANSWER_ALWAYS_BYTES, ANSWER_HEADER, E_KERNEL_QUOTA, E_NO_HANDLER, E_PERMISSION, E_QUEUE_FULL, E_TOO_MANY_PENDING, E_UNKNOWN_MESSAGE, KERNEL_OBJECT_BYTES, MAX_DELAYED,
  MAX_HANDLED_INTERFACES, MAX_PENDING_ANSWERS, MAX_QUEUE_SHARE, MAX_QUEUED_SHARED, MESSAGE_HEADER, NOTIFY_ANSWER, NOTIFY_MESSAGE, OK, SEND_ALLOW_DELAY, SEND_NEEDS_ANSWER,
} from "./abi";
import { canPool, pool, poolProblem, unpool } from "./account";
import { HASH_BYTES, keyBytes } from "./hashkey";
import {
  answerNotification, charge, destroyedNotification, discharge, errorPayload, framed, Message, messageNotification, Notification,
} from "./message";
import { NOTIFICATION_INCOMING_SENDER_AT } from "./interfaces.generated";
import { KernelHandler } from "./kernel-service";
import { Process } from "./process";

/** The sender pid of messages the kernel itself sends (to a loader). */
export const KERNEL_PID: u64 = 0;

let nextMessageId: u64 = 1;
/** Changes whenever a handler comes or goes, so cached handler lookups expire. */
let registryGeneration: i32 = 0;
const handlers = new Map<string, Process>();
/** Interfaces the boot configuration gave to one module (by CID). */
const reservations = new Map<string, string>();
const delayed = new Map<string, Message[]>();
/** Messages that expect an answer and have not had one, by id. */
const inFlight = new Map<u64, Message>();
/** Interfaces the kernel handles, by key. */
const kernelHandlers = new Map<string, KernelHandler>();

export type Deliver = (p: Process, n: Notification) => void;
export type ProcessByPid = (pid: u64) => Process | null;
export type KernelAnswered = (id: u64, isError: bool, payload: Uint8Array) => void;

function dropNotification(p: Process, n: Notification): void {}
function noProcess(pid: u64): Process | null {
  return null;
}
function dropAnswer(id: u64, isError: bool, payload: Uint8Array): void {}

let deliver: Deliver = dropNotification;
let processByPid: ProcessByPid = noProcess;
let kernelAnswered: KernelAnswered = dropAnswer;

/**
 * How the router reaches processes: `queue` hands one a notification,
 * `byPid` finds one, `answered` takes the answers to kernelSend's messages.
 */
export function connectProcesses(queue: Deliver, byPid: ProcessByPid, answered: KernelAnswered): void {
  deliver = queue;
  processByPid = byPid;
  kernelAnswered = answered;
}

/** Queues `n` for `p` (an interrupt, say), waking it if its wait accepts `n`. */
export function notify(p: Process, n: Notification): void {
  deliver(p, n);
}

/** Makes the kernel's `handle` the handler of `key` (kernel/ipc/kernel-service.ts). */
export function setKernelHandler(key: string, handle: KernelHandler): void {
  kernelHandlers.set(key, handle);
}

/** The kernel's handler for interface `key`, or null when a process must handle it. */
export function kernelHandlerFor(key: string): KernelHandler | null {
  return kernelHandlers.has(key) ? kernelHandlers.get(key) : null;
}

export function handlerOf(key: string): Process | null {
  return handlers.has(key) ? handlers.get(key) : null;
}

/** Every interface some process handles. */
export function handledInterfaces(): string[] {
  return handlers.keys();
}

/**
 * Sends a message to the interface `key` (whose 32 bytes are at `hash`);
 * `bytes` holds the payload after MESSAGE_HEADER bytes of room. Returns the
 * message id (>= 1) or an error (< 0).
 */
export function send(sender: Process, key: string, hash: usize, bytes: Uint8Array, flags: u32): i64 {
  const cached = key == sender.lastKey;
  if (!(cached ? sender.lastGranted : sender.grants.has(key))) return E_PERMISSION;
  const needsAnswer = (flags & SEND_NEEDS_ANSWER) != 0;
  if (needsAnswer && sender.awaiting.size >= MAX_PENDING_ANSWERS) return E_TOO_MANY_PENDING;
  const notification = messageNotification(bytes, nextMessageId, sender.pid, needsAnswer, hash);
  const m = new Message(nextMessageId, key, sender, needsAnswer, notification);
  const kernelHandler = cached ? sender.lastKernelHandler : kernelHandlerFor(key);
  if (kernelHandler !== null) {
    nextMessageId++;
    if (needsAnswer) sender.awaiting.add(m.id);
    kernelHandler(sender, m);
    return <i64>m.id;
  }
  const handler = cached ? cachedHandler(sender, key) : handlerOf(key);
  if (handler === null) {
    if ((flags & SEND_ALLOW_DELAY) == 0) return E_NO_HANDLER;
    const waiting = delayed.has(key) ? delayed.get(key) : new Array<Message>();
    if (waiting.length >= MAX_DELAYED) return E_QUEUE_FULL;
    if (!canPool(sender, notification.cost)) return E_KERNEL_QUOTA;
    charge(notification, sender);
    waiting.push(m);
    delayed.set(key, waiting);
  } else {
    if (handler.queueFull() && !withinShare(handler, sender.pid)) return E_QUEUE_FULL;
    if (!canPool(sender, notification.cost)) return E_KERNEL_QUOTA;
    deliverMessage(handler, m);
  }
  nextMessageId++;
  if (needsAnswer) {
    sender.awaiting.add(m.id);
    inFlight.set(m.id, m);
  }
  return <i64>m.id;
}

// The handler of the interface `sender` last sent to, remembered until the
// registry changes.
function cachedHandler(sender: Process, key: string): Process | null {
  if (sender.lastHandlerGeneration != registryGeneration) {
    sender.lastHandler = handlerOf(key);
    sender.lastHandlerGeneration = registryGeneration;
  }
  return sender.lastHandler;
}

// Whether a full queue of `handler` still takes a message from `senderPid`.
function withinShare(handler: Process, senderPid: u64): bool {
  if (handler.queue.length >= MAX_QUEUED_SHARED) return false;
  let mine = 0;
  for (let i = 0; i < handler.queue.length; i++) {
    const n = handler.queue[i];
    if (n.kind == NOTIFY_MESSAGE && load<u64>(n.bytes.dataStart + NOTIFICATION_INCOMING_SENDER_AT) == senderPid) mine++;
  }
  return mine < MAX_QUEUE_SHARE;
}

function deliverMessage(handler: Process, m: Message): void {
  const sender = m.sender;
  if (sender !== null) {
    sender.servedBy.add(handler.pid);
    charge(m.notification, sender);
  }
  m.handler = handler;
  if (m.needsAnswer) handler.toAnswer.set(m.id, m);
  deliver(handler, m.notification);
}

/**
 * Answers message `id`, which `handler` received; `bytes` holds the payload
 * after ANSWER_HEADER bytes of room. The sender is notified if it still waits.
 */
export function answer(handler: Process, id: u64, isError: bool, bytes: Uint8Array): i32 {
  if (!handler.toAnswer.has(id)) return E_UNKNOWN_MESSAGE;
  const m = handler.toAnswer.get(id);
  handler.toAnswer.delete(id);
  inFlight.delete(id);
  discharge(m.notification);
  notifySender(m.sender, id, isError, bytes);
  return OK;
}

/**
 * Keeps kernel-handled message `m` until kernelAnswer answers it (a wait, a
 * start waiting for the loader), charged to `sender`; cancelling it or
 * ending withdraws it. False when `sender`'s account has no room for it.
 */
export function hold(sender: Process, m: Message): bool {
  if (!canPool(sender, m.notification.cost)) return false;
  charge(m.notification, sender);
  if (m.needsAnswer) inFlight.set(m.id, m);
  return true;
}

/** A kernel-handled interface's answer to `sender`. */
export function kernelAnswer(sender: Process, m: Message, isError: bool, payload: Uint8Array): void {
  if (m.notification.owner !== null) {
    inFlight.delete(m.id);
    discharge(m.notification);
  }
  if (m.needsAnswer) notifySender(sender, m.id, isError, framed(ANSWER_HEADER, payload));
}

/** A kernel-handled interface's error answer, the reason as UTF-8. */
export function kernelRefuse(sender: Process, m: Message, reason: string): void {
  kernelAnswer(sender, m, true, errorPayload(reason));
}

/** The error answer to a message that does not follow its interface's definition. */
export function refuseMalformed(sender: Process, m: Message, interfaceName: string): void {
  kernelRefuse(sender, m, "malformed " + interfaceName + " message");
}

/** Sends a message from the kernel that expects an answer; the id, or an error (< 0). */
export function kernelSend(key: string, payload: Uint8Array): i64 {
  const handler = handlerOf(key);
  if (handler === null) return E_NO_HANDLER;
  if (handler.queueFull()) return E_QUEUE_FULL;
  const hash = memory.data(<i32>HASH_BYTES);
  keyBytes(key, hash);
  const id = nextMessageId++;
  const m = new Message(id, key, null, true, messageNotification(framed(MESSAGE_HEADER, payload), id, KERNEL_PID, true, hash));
  inFlight.set(id, m);
  deliverMessage(handler, m);
  return <i64>id;
}

function notifySender(sender: Process | null, id: u64, isError: bool, bytes: Uint8Array): void {
  if (sender === null) {
    kernelAnswered(id, isError, bytes.subarray(ANSWER_HEADER));
    return;
  }
  if (!sender.alive || !sender.awaiting.has(id)) return;
  sender.awaiting.delete(id);
  // An answer its account has no room for becomes an error answer saying so:
  // small, and at most one per message it awaits. An answer no bigger than
  // that error would be goes through as it is, so that the asker never hears
  // that something failed which took place.
  const cost = <u64>bytes.length + KERNEL_OBJECT_BYTES;
  if (<u32>bytes.length <= ANSWER_HEADER + ANSWER_ALWAYS_BYTES || canPool(sender, cost)) deliver(sender, answerNotification(bytes, id, isError));
  else {
    const reason = "answer of " + (bytes.length - <i32>ANSWER_HEADER).toString() + " bytes dropped: " + poolProblem(sender, cost);
    deliver(sender, answerNotification(framed(ANSWER_HEADER, errorPayload(reason)), id, true));
  }
}

/** Withdraws a message the kernel sent (kernelSend) that its requester no longer waits for. */
export function kernelCancel(id: u64): void {
  withdraw(id);
}

/** Withdraws a message `sender` sent and awaits; any answer is dropped. */
export function cancel(sender: Process, id: u64): i32 {
  if (!sender.awaiting.has(id)) return E_UNKNOWN_MESSAGE;
  sender.awaiting.delete(id);
  withdraw(id);
  removeQueued(sender, NOTIFY_ANSWER, id);
  return OK;
}

// Removes an unanswered message from wherever it is: a delay queue, or the
// handler's queue and its to-answer list.
function withdraw(id: u64): void {
  if (!inFlight.has(id)) return;
  const m = inFlight.get(id);
  inFlight.delete(id);
  discharge(m.notification);
  if (delayed.has(m.interfaceKey)) {
    const waiting = delayed.get(m.interfaceKey);
    const at = waiting.indexOf(m);
    if (at >= 0) waiting.splice(at, 1);
  }
  // The process it went to, which may no longer handle the interface.
  const handler = m.handler;
  if (handler !== null && handler.toAnswer.has(id)) {
    handler.toAnswer.delete(id);
    removeQueued(handler, NOTIFY_MESSAGE, id);
  }
}

// Drops what `p` sent that still waits for a first handler, answers
// expected or not: a later handler must not hear from a process that ended.
function withdrawDelayed(p: Process): void {
  const keys = delayed.keys();
  for (let k = 0; k < keys.length; k++) {
    const waiting = delayed.get(keys[k]);
    const kept = new Array<Message>();
    for (let i = 0; i < waiting.length; i++) {
      if (waiting[i].sender !== p) kept.push(waiting[i]);
      else discharge(waiting[i].notification);
    }
    if (kept.length == 0) delayed.delete(keys[k]);
    else if (kept.length < waiting.length) delayed.set(keys[k], kept);
  }
}

function removeQueued(p: Process, kind: u8, id: u64): void {
  for (let i = 0; i < p.queue.length; i++) {
    const n = p.queue[i];
    if (n.kind == kind && n.messageId == id) {
      discharge(n);
      p.queue.splice(i, 1);
      return;
    }
  }
}

/** Only processes running the module `cid` may handle `key`. */
export function reserve(key: string, cid: string): void {
  reservations.set(key, cid);
}

/**
 * Makes `p` the handler of `key` and hands it the messages that waited;
 * returns "" or why not (the kernel's, taken, reserved for another module,
 * or `p` handles as many as one process may).
 */
export function register(p: Process, key: string): string {
  if (kernelHandlers.has(key)) return "interface " + key + " is handled by the kernel";
  if (p.handled.size >= MAX_HANDLED_INTERFACES) return "a process handles at most " + MAX_HANDLED_INTERFACES.toString() + " interfaces";
  if (reservations.has(key) && reservations.get(key) != p.cid) return "interface " + key + " is reserved for module " + reservations.get(key);
  if (handlers.has(key)) return "interface " + key + " already has a handler";
  if (!canPool(p, KERNEL_OBJECT_BYTES)) return poolProblem(p, KERNEL_OBJECT_BYTES);
  pool(p, KERNEL_OBJECT_BYTES);
  handlers.set(key, p);
  registryGeneration++;
  p.handled.add(key);
  if (delayed.has(key)) {
    const waiting = delayed.get(key);
    delayed.delete(key);
    for (let i = 0; i < waiting.length; i++) deliverMessage(p, waiting[i]);
  }
  return "";
}

export function unregister(p: Process, key: string): bool {
  if (!handlers.has(key) || handlers.get(key) !== p) return false;
  handlers.delete(key);
  p.handled.delete(key);
  unpool(p, KERNEL_OBJECT_BYTES);
  registryGeneration++;
  return true;
}

/**
 * Everything the rest of the system must learn when `p` ends: its senders get
 * error answers, its interfaces become free, what it sent is withdrawn, and
 * the handlers that served it get a process-destroyed notification.
 */
export function releaseProcess(p: Process, reason: string): void {
  const owed = p.toAnswer.values();
  for (let i = 0; i < owed.length; i++) {
    inFlight.delete(owed[i].id);
    discharge(owed[i].notification);
    const reasonBytes = errorPayload("handler '" + p.name + "' ended: " + reason);
    notifySender(owed[i].sender, owed[i].id, true, framed(ANSWER_HEADER, reasonBytes));
  }
  p.toAnswer.clear();
  const interfaces = p.handled.values();
  for (let i = 0; i < interfaces.length; i++) handlers.delete(interfaces[i]);
  unpool(p, <u64>interfaces.length * KERNEL_OBJECT_BYTES);
  p.handled.clear();
  registryGeneration++;
  const sent = p.awaiting.values();
  for (let i = 0; i < sent.length; i++) withdraw(sent[i]);
  p.awaiting.clear();
  withdrawDelayed(p);
  const served = p.servedBy.values();
  for (let i = 0; i < served.length; i++) {
    const handler = processByPid(served[i]);
    // Past the queue bound the handler misses the news, like any sender's message.
    if (handler !== null && handler !== p && !handler.queueFull()) deliver(handler, destroyedNotification(p.pid));
  }
  p.servedBy.clear();
  for (let i = 0; i < p.queue.length; i++) discharge(p.queue[i]);
  p.queue = new Array<Notification>();
}
