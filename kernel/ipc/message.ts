// A message in flight and the notifications that carry it. A notification
// is built once, in the layout of kernel/ipc/abi.ts: the system calls gather
// a module's buffers straight into a byte array with room for the header,
// which is filled in here, so a message is copied once on its way.
import {
  ANSWER_HEADER, DESTROYED_SIZE, MESSAGE_HEADER, NOTIFY_ANSWER, NOTIFY_MESSAGE, NOTIFY_PROCESS_DESTROYED,
} from "./abi";
import { HASH_BYTES } from "./hashkey";
import { Process } from "../proc/process";

export class Notification {
  constructor(public kind: u8, public messageId: u64, public bytes: Uint8Array) {}
}

export class Message {
  /** Whether the handler has read it from its queue. */
  received: bool = false;
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

function fillHeader(bytes: Uint8Array, header: u32, kind: u8, second: u8, id: u64): void {
  const at = bytes.dataStart;
  store<u8>(at, kind);
  store<u8>(at, second, 1);
  store<u16>(at, 0, 2);
  store<u32>(at, <u32>bytes.length - header, 4);
  store<u64>(at, id, 8);
}

/** `header` bytes of room followed by a copy of `payload`. */
export function framed(header: u32, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(<i32>header + payload.length);
  memory.copy(bytes.dataStart + header, payload.dataStart, payload.length);
  return bytes;
}

/** Completes a message notification whose payload already sits at MESSAGE_HEADER; `hash` points at 32 bytes. */
export function messageNotification(bytes: Uint8Array, id: u64, senderPid: u64, needsAnswer: bool, hash: usize): Notification {
  fillHeader(bytes, MESSAGE_HEADER, NOTIFY_MESSAGE, needsAnswer ? 1 : 0, id);
  store<u64>(bytes.dataStart, senderPid, 16);
  memory.copy(bytes.dataStart + 24, hash, HASH_BYTES);
  return new Notification(NOTIFY_MESSAGE, id, bytes);
}

/** Completes an answer notification whose payload already sits at ANSWER_HEADER. */
export function answerNotification(bytes: Uint8Array, id: u64, isError: bool): Notification {
  fillHeader(bytes, ANSWER_HEADER, NOTIFY_ANSWER, isError ? 1 : 0, id);
  return new Notification(NOTIFY_ANSWER, id, bytes);
}

export function destroyedNotification(pid: u64): Notification {
  const bytes = new Uint8Array(DESTROYED_SIZE);
  fillHeader(bytes, DESTROYED_SIZE, NOTIFY_PROCESS_DESTROYED, 0, pid);
  return new Notification(NOTIFY_PROCESS_DESTROYED, 0, bytes);
}

/** An error answer's payload: the reason as UTF-8. */
export function errorPayload(reason: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(reason));
}
