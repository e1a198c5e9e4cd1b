// The process table: creating a process from module bytes, delivering
// notifications (waking a process blocked in wait), and ending processes
// with every resource they held given back.
import { E_BUFFER_TOO_SMALL, KERNEL_OBJECT_BYTES, MAX_PROCESSES, NOTIFY_MESSAGE } from "../ipc/abi";
import { charge, discharge, dropBytes, Notification } from "../ipc/message";
import { poolUnclaimedBytes } from "../ipc/account";
import { endServices } from "../ipc/kernel-service";
import { releaseProcess } from "../ipc/router";
import { decodeModule } from "../wasm/decode";
import { Thread } from "../wasm/execute";
import { INSTANTIATE_OK, instantiate } from "../wasm/instance";
import { Limits } from "../wasm/limits";
import { Module } from "../wasm/module";
import { TABLE_ELEMENT_BYTES } from "../wasm/runtime";
import { Store } from "../wasm/store";
import { EXTERN_FUNC } from "../wasm/types";
import { forgetProcess, makeRunnable } from "../sched/scheduler";
import { heapAvailableBytes, heapLargestAllocation } from "../mem/heap";
import { Process, ProcessState, WaitRequest } from "../ipc/process";
import { recordEnd } from "./exits";
import { defineSystemCalls, writeToModule } from "./syscalls";

const processes = new Map<u64, Process>();
let nextPid: u64 = 1;

/** Resource limits of every process (documented in docs/ipc.md). */
function processLimits(): Limits {
  const limits = new Limits();
  limits.maxModuleBytes = 16 << 20;
  limits.maxMemoryPages = 1024;
  limits.maxTableSize = 1 << 16;
  // One process's memories and tables together, not each of them.
  limits.maxTotalMemoryPages = limits.maxMemoryPages;
  limits.maxTotalTableElements = limits.maxTableSize;
  limits.valueStackSlots = 1 << 16;
  limits.maxCallDepth = 4096;
  limits.canGrowMemory = kernelCanGrow;
  return limits;
}

export function processByPid(pid: u64): Process | null {
  return processes.has(pid) ? processes.get(pid) : null;
}

export function allProcesses(): Process[] {
  return processes.values();
}

/** Live processes `pid` started itself. */
export function childrenOf(pid: u64): i32 {
  const all = processes.values();
  let count = 0;
  for (let i = 0; i < all.length; i++) if (all[i].parent == pid) count++;
  return count;
}

/** Whether `ancestor` started `p`, or started a process that did (orphans are adopted, see adoptOrphans), and so on. */
export function startedBy(p: Process, ancestor: Process): bool {
  let parent = processByPid(p.parent);
  while (parent !== null) {
    if (parent === ancestor) return true;
    parent = processByPid(parent.parent);
  }
  return false;
}

export class SpawnResult {
  constructor(public process: Process | null, public error: string) {}
}

// What the kernel keeps for itself whatever processes start: room for
// message buffers, page tables and its own data structures.
const KERNEL_RESERVE: u64 = 2 << 20;
const WASM_PAGE: u64 = 64 << 10;

/** Bytes of the memory a new process of `module` starts with: one heap block. */
function memoryBytes(module: Module): u64 {
  return module.memories.length > 0 ? <u64>module.memories[0].min * WASM_PAGE : 0;
}

/**
 * The kernel memory a process of the decoded `module` holds from the start,
 * charged to its account: the module's bytes and compiled code, a record
 * per function (its body's facts, its instance), its tables and its
 * thread's stacks.
 */
function kernelStartBytes(module: Module, limits: Limits): u64 {
  let elements: u64 = 0;
  for (let i = 0; i < module.tables.length; i++) elements += <u64>module.tables[i].limits.min;
  const records = <u64>module.funcTypes.length * KERNEL_OBJECT_BYTES;
  return <u64>module.byteLength + (<u64>module.codeLength << 2) + records + elements * TABLE_ELEMENT_BYTES + Thread.stackBytes(limits);
}

/** Heap the processes' memories may take: what the message pool may still take is not theirs. */
function heapFreeForProcesses(): u64 {
  const available = heapAvailableBytes();
  return available - min(available, poolUnclaimedBytes(processes.size));
}

/** "" when the kernel can afford to start `module`, which holds `kernelBytes` of kernel memory, else why not. */
function memoryProblem(module: Module, kernelBytes: u64): string {
  const cost = memoryBytes(module) + kernelBytes;
  const available = heapFreeForProcesses();
  if (cost + KERNEL_RESERVE > available) {
    return "not enough memory to start another process (it needs " + (cost >> 10).toString() + " KiB, " + (available >> 10).toString() +
      " KiB are free and the kernel keeps " + (KERNEL_RESERVE >> 10).toString() + " KiB)";
  }
  // A page more than the block, for the allocator's headers and rounding.
  const piece = memoryBytes(module);
  const largest = heapLargestAllocation();
  if (piece > 0 && piece + WASM_PAGE > largest) {
    return "not enough memory to start another process (its memory needs " + (piece >> 10).toString() +
      " KiB in one piece, the largest the kernel can give is " + (largest >> 10).toString() + " KiB)";
  }
  return "";
}

/**
 * Whether a memory may grow from `oldBytes` to `newBytes` and the kernel
 * still keep its reserve. The heap may have to move the memory to a new
 * block of the whole new size, so that block must be there too.
 */
function kernelCanGrow(oldBytes: u64, newBytes: u64): bool {
  return newBytes - oldBytes + KERNEL_RESERVE <= heapFreeForProcesses() && newBytes + WASM_PAGE <= heapLargestAllocation();
}

/**
 * Decodes, validates and instantiates a module and makes its `_start`
 * runnable, with a kernel memory account of `quota` bytes.
 */
export function spawn(name: string, cid: string, bytes: usize, length: u32, grants: Set<string>, args: string[], quota: u64): SpawnResult {
  if (processes.size >= MAX_PROCESSES) return new SpawnResult(null, "too many processes (" + MAX_PROCESSES.toString() + ")");
  const limits = processLimits();
  const decoded = decodeModule(bytes, length, limits);
  if (decoded.module === null) return new SpawnResult(null, decoded.error);
  const kernelBytes = kernelStartBytes(decoded.module!, limits);
  let problem = kernelBytes > quota ? "it needs " + (kernelBytes >> 10).toString() + " KiB of kernel memory, its quota is " + (quota >> 10).toString() + " KiB" : "";
  if (problem.length == 0) problem = memoryProblem(decoded.module!, kernelBytes);
  if (problem.length > 0) {
    decoded.module!.dispose();
    return new SpawnResult(null, problem);
  }
  const store = new Store(limits);
  const pid = nextPid;
  const calls = defineSystemCalls(store);
  // The module's start function runs on the process's own thread, under
  // the scheduler's fuel, not inside instantiation where nothing could
  // preempt an endless loop.
  const module = decoded.module!;
  const startFunction = module.start;
  module.start = -1;
  const result = instantiate(store, module);
  if (result.status != INSTANTIATE_OK) {
    release(store, module);
    return new SpawnResult(null, result.error);
  }
  const instance = result.instance!;
  const entry = instance.exports.has("_start") ? instance.exports.get("_start") : null;
  if (entry === null || entry.kind != EXTERN_FUNC || entry.func!.type.params.length != 0) {
    release(store, module);
    return new SpawnResult(null, "module has no _start function without parameters");
  }
  const thread = new Thread(limits);
  const p = new Process(pid, name, cid, grants, store, instance, thread);
  p.arguments = args;
  p.kernelQuota = quota;
  p.kernelBytes = kernelBytes;
  if (startFunction >= 0) {
    thread.start(instance.funcs[startFunction], 0);
    p.next = entry.func;
  } else {
    thread.start(entry.func!, 0);
  }
  calls.bind(p);
  nextPid++;
  processes.set(pid, p);
  makeRunnable(p);
  return new SpawnResult(p, "");
}

/**
 * Queues a notification for `p`. If `p` is blocked in a wait that accepts it,
 * the wait completes now and `p` becomes runnable.
 */
export function deliver(p: Process, n: Notification): void {
  if (!p.alive) return;
  charge(n, p);
  p.queue.push(n);
  const request = p.waiting;
  if (p.state != ProcessState.Blocked || request === null) return;
  const result = completeWait(p, request);
  if (result == 0) return;
  p.waiting = null;
  store<i64>(p.thread.blockedResults, <i64>result);
  makeRunnable(p);
}

/** Hands `p` the first notification `request` accepts: its size, 0 if none, or an error. */
export function completeWait(p: Process, request: WaitRequest): i32 {
  for (let i = 0; i < p.queue.length; i++) {
    const n = p.queue[i];
    if (!request.matches(n)) continue;
    if (<u32>n.bytes.length > request.capacity) return E_BUFFER_TOO_SMALL;
    if (!writeToModule(p, request.out, n.bytes)) return E_BUFFER_TOO_SMALL;
    if (i == 0) p.queue.shift();
    else p.queue.splice(i, 1);
    const size = n.bytes.length;
    // An owed message stays charged to its sender, as a record, until answered or withdrawn.
    if (n.kind == NOTIFY_MESSAGE && p.toAnswer.has(n.messageId)) dropBytes(n);
    else discharge(n);
    return size;
  }
  return 0;
}

/**
 * Ends `p` with `status`: `reason` is "" when it ended by itself (returned
 * from `_start`, or process.exit), else why (a trap, a kill; status -1).
 * Tells the others, has each kernel service give back what it held, frees
 * its memory.
 */
export function endProcess(p: Process, status: i32, reason: string): void {
  if (!p.alive) return;
  p.state = ProcessState.Dead;
  p.exitStatus = status;
  p.exitReason = reason;
  processes.delete(p.pid);
  adoptOrphans(p);
  releaseProcess(p, reason.length > 0 ? reason : "exited with status " + status.toString());
  endServices(p);
  p.thread.dispose();
  release(p.store, p.instance.module);
  forgetProcess(p);
  recordEnd(p);
}

// Like Unix reparenting: the children of `p` become its starter's, so the
// ancestors that could kill them still can. Every parent is live (or 0, the
// boot configuration), so this is the nearest live ancestor.
function adoptOrphans(p: Process): void {
  const all = processes.values();
  for (let i = 0; i < all.length; i++) if (all[i].parent == p.pid) all[i].parent = p.parent;
}

// The engine keeps code, memory and tables in unmanaged memory; a process's
// store holds nothing shared (its only imports are system calls).
function release(store: Store, module: Module): void {
  store.dispose();
  module.dispose();
}
