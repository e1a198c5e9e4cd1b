// A message in flight and the notifications that carry it. Notifications are
// encoded once, when queued, in the layout of kernel/ipc/abi.ts.
import {
  ANSWER_HEADER, DESTROYED_SIZE, MESSAGE_HEADER, NOTIFY_ANSWER, NOTIFY_MESSAGE, NOTIFY_PROCESS_DESTROYED,
} from "./abi";
import { keyBytes } from "./hashkey";

export class Message {
  /** Whether the handler has read it from its queue. */
  received: bool = false;
  constructor(
    public id: u64,
    public interfaceKey: string,
    public senderPid: u64,
    public needsAnswer: bool,
    public payload: Uint8Array,
  ) {}
}

export class Notification {
  constructor(public kind: u8, public messageId: u64, public bytes: Uint8Array) {}
}

function header(size: u32, kind: u8, second: u8, payloadLength: u32, id: u64): Uint8Array {
  const bytes = new Uint8Array(size);
  const at = bytes.dataStart;
  store<u8>(at, kind);
  store<u8>(at, second, 1);
  store<u32>(at, payloadLength, 4);
  store<u64>(at, id, 8);
  return bytes;
}

export function messageNotification(m: Message): Notification {
  const size = MESSAGE_HEADER + <u32>m.payload.length;
  const bytes = header(size, NOTIFY_MESSAGE, m.needsAnswer ? 1 : 0, m.payload.length, m.id);
  store<u64>(bytes.dataStart, m.senderPid, 16);
  keyBytes(m.interfaceKey, bytes.dataStart + 24);
  memory.copy(bytes.dataStart + MESSAGE_HEADER, m.payload.dataStart, m.payload.length);
  return new Notification(NOTIFY_MESSAGE, m.id, bytes);
}

export function answerNotification(id: u64, isError: bool, payload: Uint8Array): Notification {
  const bytes = header(ANSWER_HEADER + <u32>payload.length, NOTIFY_ANSWER, isError ? 1 : 0, payload.length, id);
  memory.copy(bytes.dataStart + ANSWER_HEADER, payload.dataStart, payload.length);
  return new Notification(NOTIFY_ANSWER, id, bytes);
}

export function destroyedNotification(pid: u64): Notification {
  const bytes = header(DESTROYED_SIZE, NOTIFY_PROCESS_DESTROYED, 0, 0, pid);
  return new Notification(NOTIFY_PROCESS_DESTROYED, 0, bytes);
}

/** An error answer's payload: the reason as UTF-8. */
export function errorPayload(reason: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(reason));
}
