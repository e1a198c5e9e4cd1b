// The interfaces the kernel handles itself: the registry of handlers, time,
// the wall clock and random bytes here; processes, the kernel log, memory,
// PCI, hardware access, power and the display in their own services. Their
// messages follow the layouts their definitions in interfaces/ give (ordinal
// byte, then fields; strings as u32 length and UTF-8).
import * as registry from "../../interfaces/as/generated/registry";
import { HASH_BYTES, hashKey, hashOfKey } from "./hashkey";
import {
  DISPLAY_INTERFACE, HARDWARE_INTERFACE, INTERFACE_KEYS, INTERFACE_NAMES, KERNEL_LOG_INTERFACE, PCI_INTERFACE, POWER_INTERFACE,
  PROCESS_INTERFACE, RANDOM_FILL, RANDOM_INTERFACE, REGISTRY_INTERFACE, SYSTEM_INTERFACE, SYSTEM_TIME_INTERFACE, SYSTEM_TIME_NOW,
  TIME_INTERFACE, TIME_NOW, TIME_SLEEP_UNTIL,
} from "./interfaces.generated";
import { Message } from "./message";
import { handledInterfaces, handlerOf, kernelAnswer, kernelRefuse, refuseMalformed, register, unregister } from "./router";
import { Process } from "../proc/process";
import { handleProcess } from "../proc/service";
import { handleKernelLog } from "../console/service";
import { handleSystem } from "../mem/service";
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
  if (key == SYSTEM_INTERFACE) return handleSystem;
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
  const ordinal = p.length > 0 ? p[0] : 0xff;
  if (ordinal == registry.LIST && registry.decodeList(p) !== null) {
    kernelAnswer(sender, m, false, registryList());
    return;
  }
  // register, unregister and handler all carry one interface hash.
  if (p.length != 1 + <i32>HASH_BYTES) {
    refuseMalformed(sender, m, "registry");
    return;
  }
  const key = hashKey(p.dataStart + 1);
  if (ordinal == registry.REGISTER) {
    const problem = register(sender, key);
    if (problem.length == 0) kernelAnswer(sender, m, false, EMPTY);
    else kernelRefuse(sender, m, problem);
  } else if (ordinal == registry.UNREGISTER) {
    if (unregister(sender, key)) kernelAnswer(sender, m, false, EMPTY);
    else kernelRefuse(sender, m, "not the handler of interface " + key);
  } else if (ordinal == registry.HANDLER) {
    const handler = handlerOf(key);
    answerU64(sender, m, handler === null ? 0 : handler.pid);
  } else {
    refuseMalformed(sender, m, "registry");
  }
}

function interfaceName(key: string): string {
  for (let i = 0; i < INTERFACE_KEYS.length; i++) if (INTERFACE_KEYS[i] == key) return INTERFACE_NAMES[i];
  return "";
}

/** Every interface with a definition in interfaces/, then those handled by processes without one. */
function registryList(): Uint8Array {
  const keys = new Array<string>();
  for (let i = 0; i < INTERFACE_KEYS.length; i++) keys.push(INTERFACE_KEYS[i]);
  const handled = handledInterfaces();
  for (let i = 0; i < handled.length; i++) if (!keys.includes(handled[i])) keys.push(handled[i]);
  const hashes = new Array<StaticArray<u8>>(keys.length);
  const names = new Array<string>(keys.length);
  const pids = new Array<u64>(keys.length);
  const kernel = new Array<bool>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    hashes[i] = hashOfKey(keys[i]);
    names[i] = interfaceName(keys[i]);
    const handler = handlerOf(keys[i]);
    pids[i] = handler === null ? 0 : handler.pid;
    kernel[i] = kernelHandlerFor(keys[i]) !== null;
  }
  return registry.encodeListAnswer(hashes, names, pids, kernel);
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
