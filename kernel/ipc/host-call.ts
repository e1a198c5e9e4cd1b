// A host function that becomes a message: the kernel sends it to an
// interface as the calling process (its grants apply, its account pays) and
// the caller's thread sleeps until the answer, which goes to the waiting
// call instead of the process's queue. WASI's functions are built this way
// (kernel/wasi/), so a WASI program's effects are messages like any other
// program's.
import { ANSWER_HEADER, E_NO_HANDLER, MESSAGE_HEADER, NOTIFY_ANSWER, SEND_NEEDS_ANSWER } from "./abi";
import { HASH_BYTES, keyBytes } from "./hashkey";
import { NOTIFICATION_ANSWER_ERROR_AT } from "./interfaces.generated";
import { discharge, framed, Notification } from "./message";
import { Process } from "./process";
import { cancel, send } from "./router";
import { setResult } from "./system-call";
import { HOST_BLOCK } from "../wasm/host";

/** What a sleeping host function does with its answer. */
export abstract class PendingCall {
  id: u64 = 0;
  /** Writes the call's results into the process's memory; the host function's return value. */
  abstract complete(p: Process, isError: bool, payload: Uint8Array): i64;
}

const hash = memory.data(<i32>HASH_BYTES);

/**
 * Sends `payload` to interface `key` as `p` and lets `call` take the answer.
 * Returns HOST_BLOCK, or HOST_DONE with the result at `args` when the send
 * failed (`failed(error)`) or the kernel answered at once.
 */
export function callInterface(p: Process, args: usize, key: string, payload: Uint8Array, call: PendingCall, failed: (error: i64) => i64): i32 {
  const id = sendAs(p, key, payload, SEND_NEEDS_ANSWER);
  if (id < 0) return setResult(args, failed(id));
  call.id = <u64>id;
  const now = takeAnswer(p, call.id);
  if (now !== null) return setResult(args, finish(p, call, now));
  p.pendingCall = call;
  return HOST_BLOCK;
}

/** The send error of the last askKernel that gave null. */
export let askError: i64 = 0;

/**
 * Sends `payload` to `key`, an interface the kernel handles, as `p`: the
 * answer notification (the kernel answers at once), or null with askError
 * set (no grant, say).
 */
export function askKernel(p: Process, key: string, payload: Uint8Array): Notification | null {
  const id = sendAs(p, key, payload, SEND_NEEDS_ANSWER);
  askError = id;
  if (id < 0) return null;
  const n = takeAnswer(p, <u64>id);
  if (n === null) {
    cancel(p, <u64>id);
    askError = E_NO_HANDLER;
  }
  return n;
}

/** Whether answer notification `n` is an error answer. */
export function isErrorAnswer(n: Notification): bool {
  return load<u8>(n.bytes.dataStart + NOTIFICATION_ANSWER_ERROR_AT) != 0;
}

/** The payload of answer notification `n`. */
export function answerPayload(n: Notification): Uint8Array {
  return n.bytes.subarray(ANSWER_HEADER);
}

/** Sends `payload` to interface `key` as `p` with `flags`; the message id or an error (< 0). */
export function sendAs(p: Process, key: string, payload: Uint8Array, flags: u32): i64 {
  keyBytes(key, hash);
  return send(p, key, hash, framed(MESSAGE_HEADER, payload), flags);
}

// The answer to `id` if it is queued already (a kernel-handled interface
// answers during the send), taken out of `p`'s queue.
function takeAnswer(p: Process, id: u64): Notification | null {
  for (let i = 0; i < p.queue.length; i++) {
    const n = p.queue[i];
    if (n.kind == NOTIFY_ANSWER && n.messageId == id) {
      p.queue.splice(i, 1);
      discharge(n);
      return n;
    }
  }
  return null;
}

/** Whether `n` is the answer `p`'s sleeping host function waits for. */
export function answersPendingCall(p: Process, n: Notification): bool {
  const call = p.pendingCall;
  return call !== null && n.kind == NOTIFY_ANSWER && n.messageId == call.id;
}

/** Completes `p`'s sleeping host function with the answer `n`; its return value. */
export function completePendingCall(p: Process, n: Notification): i64 {
  const call = p.pendingCall!;
  p.pendingCall = null;
  return finish(p, call, n);
}

function finish(p: Process, call: PendingCall, n: Notification): i64 {
  return call.complete(p, isErrorAnswer(n), answerPayload(n));
}
