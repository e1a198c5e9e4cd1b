// The interfaces the kernel handles itself: the registry of handlers and
// the kernel's own log. Their messages follow the layouts their definitions
// in interfaces/ give (ordinal byte, then fields; strings as u32 length and
// UTF-8).
import { HASH_BYTES, hashKey } from "./hashkey";
import { REGISTRY_HANDLER, REGISTRY_REGISTER, REGISTRY_UNREGISTER } from "./interfaces.generated";
import { errorPayload, Message } from "./message";
import { handlerOf, kernelAnswer, register, unregister } from "./router";
import { Process } from "../proc/process";
import * as log from "../console/log";

const EMPTY = new Uint8Array(0);

function refuse(sender: Process, m: Message, reason: string): void {
  kernelAnswer(sender, m, true, errorPayload(reason));
}

export function handleRegistry(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length != 1 + <i32>HASH_BYTES) {
    refuse(sender, m, "malformed registry message (" + p.length.toString() + " bytes)");
    return;
  }
  const key = hashKey(p.dataStart + 1);
  const ordinal = p[0];
  if (ordinal == REGISTRY_REGISTER) {
    if (register(sender, key)) kernelAnswer(sender, m, false, EMPTY);
    else refuse(sender, m, "interface " + key + " already has a handler");
  } else if (ordinal == REGISTRY_UNREGISTER) {
    if (unregister(sender, key)) kernelAnswer(sender, m, false, EMPTY);
    else refuse(sender, m, "not the handler of interface " + key);
  } else if (ordinal == REGISTRY_HANDLER) {
    const handler = handlerOf(key);
    const answer = new Uint8Array(8);
    store<u64>(answer.dataStart, handler === null ? 0 : handler.pid);
    kernelAnswer(sender, m, false, answer);
  } else {
    refuse(sender, m, "unknown registry message " + ordinal.toString());
  }
}

/** write(level: u8, text: string): the line goes to the kernel log, tagged with the sender. */
export function handleKernelLog(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length < 6 || p[0] != 0) {
    refuse(sender, m, "malformed kernel-log message");
    return;
  }
  const level = <i32>p[1];
  const length = load<u32>(p.dataStart + 2);
  if (level > 3 || <u64>length + 6 != <u64>p.length) {
    refuse(sender, m, "malformed kernel-log message");
    return;
  }
  log.logLine(<log.Level>level, sender.name + ": " + String.UTF8.decodeUnsafe(p.dataStart + 6, length));
  kernelAnswer(sender, m, false, EMPTY);
}
