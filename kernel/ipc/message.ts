// A message in flight and the notifications that carry it. A notification
// is built once, in the layout interfaces/notification.interface defines:
// the system calls gather a module's buffers straight into a byte array
// with room for the fields before the payload, which are filled in here, so
// a message is copied once on its way.
import {
  ANSWER_HEADER, DESTROYED_SIZE, INTERRUPT_SIZE, KERNEL_OBJECT_BYTES, MESSAGE_HEADER, NOTIFY_ANSWER, NOTIFY_INTERRUPT, NOTIFY_MESSAGE,
  NOTIFY_PROCESS_DESTROYED,
} from "./abi";
import { pool, unpool } from "./account";
import { HASH_BYTES } from "./hashkey";
import {
  NOTIFICATION_ANSWER_ERROR_AT, NOTIFICATION_ANSWER_ID_AT, NOTIFICATION_ANSWER_PAYLOAD_AT, NOTIFICATION_DESTROYED_PID_AT,
  NOTIFICATION_INCOMING_ID_AT, NOTIFICATION_INCOMING_IFACE_AT, NOTIFICATION_INCOMING_NEEDS_ANSWER_AT,
  NOTIFICATION_INCOMING_PAYLOAD_AT, NOTIFICATION_INCOMING_SENDER_AT, NOTIFICATION_INTERRUPT_IRQ_AT,
} from "./interfaces.generated";
import { Process } from "./process";

export class Notification {
  /** The process whose kernel memory account it is charged to, while the kernel holds it. */
  owner: Process | null = null;
  constructor(public kind: u8, public messageId: u64, public bytes: Uint8Array) {}

  /** What it costs its owner's account. */
  get cost(): u64 {
    return <u64>this.bytes.length + KERNEL_OBJECT_BYTES;
  }
}

/** Charges `n` to `owner`'s account unless it is charged already. */
export function charge(n: Notification, owner: Process): void {
  if (n.owner !== null) return;
  n.owner = owner;
  pool(owner, n.cost);
}

/** The kernel no longer holds `n`: its owner gets the bytes back, once. */
export function discharge(n: Notification): void {
  const owner = n.owner;
  if (owner === null) return;
  unpool(owner, n.cost);
  n.owner = null;
}

const NO_BYTES = new Uint8Array(0);

/**
 * The handler has read `n`, a message it owes an answer to: the kernel keeps
 * only its record, and its sender's account keeps only the record's cost.
 */
export function dropBytes(n: Notification): void {
  if (n.owner !== null) unpool(n.owner!, <u64>n.bytes.length);
  n.bytes = NO_BYTES;
}

export class Message {
  /**
   * The process it was delivered to, null while undelivered: the one that
   * owes the answer even after it gave up the interface or another took it.
   */
  handler: Process | null = null;
  constructor(
    public id: u64,
    public interfaceKey: string,
    /** null when the kernel sent it (to a loader). */
    public sender: Process | null,
    public needsAnswer: bool,
    public notification: Notification,
  ) {}

  get payload(): Uint8Array {
    return this.notification.bytes.subarray(MESSAGE_HEADER);
  }
}

/** `header` bytes of room followed by a copy of `payload`. */
export function framed(header: u32, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(<i32>header + payload.length);
  memory.copy(bytes.dataStart + header, payload.dataStart, payload.length);
  return bytes;
}

/** Completes an incoming-message notification whose payload already sits at MESSAGE_HEADER; `hash` points at 32 bytes. */
export function messageNotification(bytes: Uint8Array, id: u64, senderPid: u64, needsAnswer: bool, hash: usize): Notification {
  const at = bytes.dataStart;
  store<u8>(at, NOTIFY_MESSAGE);
  store<u64>(at + NOTIFICATION_INCOMING_ID_AT, id);
  store<u64>(at + NOTIFICATION_INCOMING_SENDER_AT, senderPid);
  store<u8>(at + NOTIFICATION_INCOMING_NEEDS_ANSWER_AT, needsAnswer ? 1 : 0);
  memory.copy(at + NOTIFICATION_INCOMING_IFACE_AT, hash, HASH_BYTES);
  store<u32>(at + NOTIFICATION_INCOMING_PAYLOAD_AT, <u32>bytes.length - MESSAGE_HEADER);
  return new Notification(NOTIFY_MESSAGE, id, bytes);
}

/** Completes an answer notification whose payload already sits at ANSWER_HEADER. */
export function answerNotification(bytes: Uint8Array, id: u64, isError: bool): Notification {
  const at = bytes.dataStart;
  store<u8>(at, NOTIFY_ANSWER);
  store<u64>(at + NOTIFICATION_ANSWER_ID_AT, id);
  store<u8>(at + NOTIFICATION_ANSWER_ERROR_AT, isError ? 1 : 0);
  store<u32>(at + NOTIFICATION_ANSWER_PAYLOAD_AT, <u32>bytes.length - ANSWER_HEADER);
  return new Notification(NOTIFY_ANSWER, id, bytes);
}

export function destroyedNotification(pid: u64): Notification {
  const bytes = new Uint8Array(DESTROYED_SIZE);
  store<u8>(bytes.dataStart, NOTIFY_PROCESS_DESTROYED);
  store<u64>(bytes.dataStart + NOTIFICATION_DESTROYED_PID_AT, pid);
  return new Notification(NOTIFY_PROCESS_DESTROYED, 0, bytes);
}

export function interruptNotification(irq: u32): Notification {
  const bytes = new Uint8Array(INTERRUPT_SIZE);
  store<u8>(bytes.dataStart, NOTIFY_INTERRUPT);
  store<u32>(bytes.dataStart + NOTIFICATION_INTERRUPT_IRQ_AT, irq);
  return new Notification(NOTIFY_INTERRUPT, 0, bytes);
}

/** An error answer's payload: the reason as UTF-8. */
export function errorPayload(reason: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(reason));
}
