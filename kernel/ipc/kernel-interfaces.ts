// The interfaces the kernel handles itself: the registry of handlers,
// starting and ending processes, the kernel's own log, time, the wall clock,
// random bytes, PCI, raw hardware, power and the display. Their messages follow the layouts their definitions
// in interfaces/ give (ordinal byte, then fields; strings as u32 length and
// UTF-8).
import { HASH_BYTES, hashKey } from "./hashkey";
import {
  DISPLAY_INTERFACE, HARDWARE_INTERFACE, POWER_INTERFACE, KERNEL_LOG_INTERFACE, PCI_INTERFACE, PROCESS_INTERFACE, PROCESS_KILL, PROCESS_START, RANDOM_FILL, RANDOM_INTERFACE, REGISTRY_HANDLER,
  REGISTRY_INTERFACE, REGISTRY_REGISTER, REGISTRY_UNREGISTER, SYSTEM_TIME_INTERFACE, SYSTEM_TIME_NOW, TIME_INTERFACE,
  TIME_NOW, TIME_SLEEP_UNTIL,
} from "./interfaces.generated";
import { Message } from "./message";
import { handlerOf, kernelAnswer, kernelRefuse, register, unregister } from "./router";
import { Process } from "../proc/process";
import { startForRequest } from "../proc/launch";
import { endProcess, processByPid } from "../proc/table";
import { cidOfDigest } from "../identity/cid";
import * as log from "../console/log";
import { randomFill } from "../random/generator";
import { handlePci } from "../pci/service";
import { handleHardware } from "../hardware/service";
import { handlePower } from "../power/service";
import { handleDisplay } from "../display/service";
import { wallClockNanos } from "../time/rtc";
import { addSleep, Sleep } from "../time/sleeps";
import { nanosSinceEntry } from "../time/tsc";

export type KernelHandler = (sender: Process, m: Message) => void;

/** The kernel's handler for interface `key`, or null when a process must handle it. */
export function kernelHandlerFor(key: string): KernelHandler | null {
  if (key == REGISTRY_INTERFACE) return handleRegistry;
  if (key == PROCESS_INTERFACE) return handleProcess;
  if (key == KERNEL_LOG_INTERFACE) return handleKernelLog;
  if (key == TIME_INTERFACE) return handleTime;
  if (key == SYSTEM_TIME_INTERFACE) return handleSystemTime;
  if (key == RANDOM_INTERFACE) return handleRandom;
  if (key == PCI_INTERFACE) return handlePci;
  if (key == HARDWARE_INTERFACE) return handleHardware;
  if (key == POWER_INTERFACE) return handlePower;
  if (key == DISPLAY_INTERFACE) return handleDisplay;
  return null;
}

const MAX_RANDOM_BYTES: u32 = 4096;

function answerU64(sender: Process, m: Message, value: u64): void {
  const answer = new Uint8Array(8);
  store<u64>(answer.dataStart, value);
  kernelAnswer(sender, m, false, answer);
}

const EMPTY = new Uint8Array(0);


export function handleRegistry(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length != 1 + <i32>HASH_BYTES) {
    kernelRefuse(sender, m, "malformed registry message (" + p.length.toString() + " bytes)");
    return;
  }
  const key = hashKey(p.dataStart + 1);
  const ordinal = p[0];
  if (ordinal == REGISTRY_REGISTER) {
    const problem = register(sender, key);
    if (problem.length == 0) kernelAnswer(sender, m, false, EMPTY);
    else kernelRefuse(sender, m, problem);
  } else if (ordinal == REGISTRY_UNREGISTER) {
    if (unregister(sender, key)) kernelAnswer(sender, m, false, EMPTY);
    else kernelRefuse(sender, m, "not the handler of interface " + key);
  } else if (ordinal == REGISTRY_HANDLER) {
    const handler = handlerOf(key);
    const answer = new Uint8Array(8);
    store<u64>(answer.dataStart, handler === null ? 0 : handler.pid);
    kernelAnswer(sender, m, false, answer);
  } else {
    kernelRefuse(sender, m, "unknown registry message " + ordinal.toString());
  }
}

/** write(level: u8, text: string): the line goes to the kernel log, tagged with the sender. */
export function handleKernelLog(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length < 6 || p[0] != 0) {
    kernelRefuse(sender, m, "malformed kernel-log message");
    return;
  }
  const level = <i32>p[1];
  const length = load<u32>(p.dataStart + 2);
  if (level > 3 || <u64>length + 6 != <u64>p.length) {
    kernelRefuse(sender, m, "malformed kernel-log message");
    return;
  }
  log.logLine(<log.Level>level, sender.name + ": " + String.UTF8.decodeUnsafe(p.dataStart + 6, length));
  kernelAnswer(sender, m, false, EMPTY);
}

const MAX_NAME_BYTES: u32 = 64;
const MAX_START_GRANTS: u32 = 64;

/** start(module: hash, name: string, grants: list<hash>) -> (pid: u64); kill(pid: u64) -> (). */
export function handleProcess(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length == 9 && p[0] == PROCESS_KILL) {
    killProcess(sender, m, load<u64>(p.dataStart + 1));
    return;
  }
  const at = p.dataStart;
  if (p.length < 37 || p[0] != PROCESS_START) {
    kernelRefuse(sender, m, "malformed process message");
    return;
  }
  const nameLength = load<u32>(at + 33);
  if (nameLength > MAX_NAME_BYTES || <u64>37 + nameLength + 4 > <u64>p.length) {
    kernelRefuse(sender, m, "malformed process message");
    return;
  }
  const count = load<u32>(at + 37 + nameLength);
  const listAt = <u32>41 + nameLength;
  if (count > MAX_START_GRANTS || <u64>listAt + <u64>count * HASH_BYTES != <u64>p.length) {
    kernelRefuse(sender, m, "malformed process message");
    return;
  }
  const grants = new Set<string>();
  for (let i: u32 = 0; i < count; i++) {
    const key = hashKey(at + listAt + i * HASH_BYTES);
    if (sender.grants.has(key)) grants.add(key);
  }
  const digest = new StaticArray<u8>(HASH_BYTES);
  memory.copy(changetype<usize>(digest), at + 1, HASH_BYTES);
  const name = String.UTF8.decodeUnsafe(at + 37, nameLength);
  startForRequest(sender, m, name, changetype<usize>(digest), cidOfDigest(digest), grants);
}

// A process cannot end itself this way: its thread is the one running.
function killProcess(sender: Process, m: Message, pid: u64): void {
  const target = processByPid(pid);
  if (target === null) kernelRefuse(sender, m, "no process " + pid.toString());
  else if (target === sender) kernelRefuse(sender, m, "a process cannot kill itself; return from _start instead");
  else {
    endProcess(target, "killed by process " + sender.pid.toString());
    kernelAnswer(sender, m, false, EMPTY);
  }
}

/** now() -> (nanos: u64); sleepUntil(nanos: u64) -> (), answered at that instant. */
export function handleTime(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length == 1 && p[0] == TIME_NOW) answerU64(sender, m, nanosSinceEntry());
  else if (p.length == 9 && p[0] == TIME_SLEEP_UNTIL) {
    const deadline = load<u64>(p.dataStart + 1);
    if (deadline <= nanosSinceEntry() || !m.needsAnswer) kernelAnswer(sender, m, false, EMPTY);
    else addSleep(new Sleep(deadline, sender, m));
  } else kernelRefuse(sender, m, "malformed time message");
}

/** now() -> (unixNanos: i64). */
export function handleSystemTime(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length == 1 && p[0] == SYSTEM_TIME_NOW) answerU64(sender, m, <u64>wallClockNanos());
  else kernelRefuse(sender, m, "malformed system-time message");
}

/** fill(length: u32) -> (bytes: bytes). */
export function handleRandom(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length != 5 || p[0] != RANDOM_FILL) {
    kernelRefuse(sender, m, "malformed random message");
    return;
  }
  const length = load<u32>(p.dataStart + 1);
  if (length > MAX_RANDOM_BYTES) {
    kernelRefuse(sender, m, "at most " + MAX_RANDOM_BYTES.toString() + " random bytes per message");
    return;
  }
  const answer = new Uint8Array(4 + <i32>length);
  store<u32>(answer.dataStart, length);
  randomFill(answer.dataStart + 4, length);
  kernelAnswer(sender, m, false, answer);
}
