// The process table: creating a process from module bytes (in slices of
// bounded work, see Spawn), delivering
// notifications (waking a process blocked in wait), and ending processes
// with every resource they held given back.
import { E_BUFFER_TOO_SMALL, KERNEL_OBJECT_BYTES, MAX_PROCESSES, NOTIFY_MESSAGE } from "../ipc/abi";
import { charge, discharge, dropBytes, Notification } from "../ipc/message";
import { poolUnclaimedBytes } from "../ipc/account";
import { answersPendingCall, completePendingCall } from "../ipc/host-call";
import { endServices } from "../ipc/kernel-service";
import { releaseProcess } from "../ipc/router";
import { DecodeJob } from "../wasm/decode";
import { Thread } from "../wasm/execute";
import { INSTANTIATE_OK, Instantiation } from "../wasm/instance";
import { Limits } from "../wasm/limits";
import { Module } from "../wasm/module";
import { TABLE_ELEMENT_BYTES } from "../wasm/runtime";
import { Store } from "../wasm/store";
import { EXTERN_FUNC } from "../wasm/types";
import { forgetProcess, makeRunnable } from "../sched/scheduler";
import { heapAvailableBytes, heapLargestAllocation } from "../mem/heap";
import { Process, ProcessState, WaitRequest } from "../ipc/process";
import { recordEnd } from "./exits";
import { cancelLoads } from "./loading";
import { SystemCalls, writeToModule } from "../ipc/system-call";
import { defineSystemCalls } from "./syscalls";

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
// Decoded code is about four times the size of the module's code section:
// counting the whole module four times errs on the safe side.
const CODE_EXPANSION: u64 = 4;
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

/** "" when the kernel can afford to start `module`, which holds `kernelBytes` of kernel memory, else why not. */
function memoryProblem(module: Module, kernelBytes: u64): string {
  const cost = memoryBytes(module) + kernelBytes;
  const available = freeForLoads();
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

// Starts under way hold their module's copy and its code as it grows, then
// what instantiation creates; each sets aside what it may come to (the
// decode's, then the start cost), so that together they cannot exhaust the
// heap.
let reservedForLoads: u64 = 0;

/**
 * Free kernel heap less what starts under way have set aside and what the
 * message pool may still take (kernel/ipc/account.ts).
 */
function freeForLoads(): u64 {
  const available = heapAvailableBytes();
  const set = reservedForLoads + poolUnclaimedBytes(processes.size);
  return available > set ? available - set : 0;
}

/**
 * Whether a memory may grow from `oldBytes` to `newBytes` and the kernel
 * still keep its reserve. The heap may have to move the memory to a new
 * block of the whole new size, so that block must be there too.
 */
function kernelCanGrow(oldBytes: u64, newBytes: u64): bool {
  return newBytes - oldBytes + KERNEL_RESERVE <= freeForLoads() && newBytes + WASM_PAGE <= heapLargestAllocation();
}

function loadCost(length: u32): u64 {
  return <u64>length * (1 + CODE_EXPANSION);
}

/** "" when the kernel can afford to decode a module of `length` bytes beside the other starts under way, else why not. */
function loadProblem(length: u32): string {
  const cost = loadCost(length);
  const available = freeForLoads();
  if (cost + KERNEL_RESERVE <= available) return "";
  return "not enough memory to load another module (it needs " + (cost >> 10).toString() + " KiB while it loads, " + (available >> 10).toString() +
    " KiB are free beside the other starts under way and the kernel keeps " + (KERNEL_RESERVE >> 10).toString() + " KiB)";
}

function tooManyProcesses(): string {
  return processes.size >= MAX_PROCESSES ? "too many processes (" + MAX_PROCESSES.toString() + ")" : "";
}

/**
 * A process being started: decoding (validation and compilation with it),
 * then instantiation, each done in slices of bounded work by work(), and at
 * last the process, runnable. `result` is set once it is done, started or
 * refused; cancel() drops an unfinished one with everything it holds.
 */
export class Spawn {
  result: SpawnResult | null = null;
  private limits: Limits = processLimits();
  private decoding: DecodeJob | null = null;
  private instantiation: Instantiation | null = null;
  private store: Store | null = null;
  private calls: SystemCalls | null = null;
  /** The module's start function, run on the process's thread before `_start`. */
  private startFunction: i32 = -1;

  /** Kernel memory set aside for the start (see reservedForLoads). */
  private reserved: u64 = 0;
  /** What the new process's account holds from the start (kernelStartBytes). */
  private kernelBytes: u64 = 0;

  constructor(
    public name: string, public cid: string, bytes: usize, length: u32, public grants: Set<string>, public args: string[],
    /** The new process's kernel memory quota. */
    public quota: u64,
  ) {
    // A module past the size limit is refused by the decoder, for that reason.
    let problem = tooManyProcesses();
    if (problem.length == 0 && length <= this.limits.maxModuleBytes) problem = loadProblem(length);
    if (problem.length > 0) {
      this.result = new SpawnResult(null, problem);
    } else {
      this.reserve(loadCost(length));
      this.decoding = new DecodeJob(bytes, length, this.limits);
    }
  }

  get done(): bool {
    return this.result !== null;
  }

  /** Goes on until about `budget` units of work are used or the start is done; returns what is left of `budget`. */
  work(budget: i64): i64 {
    while (this.result === null && budget > 0) {
      const instantiation = this.instantiation;
      if (instantiation === null) {
        budget = this.decoding!.work(budget);
        if (this.decoding!.done) this.decoded();
      } else {
        budget = instantiation.work(budget);
        if (instantiation.done) this.instantiated(instantiation);
      }
    }
    return budget;
  }

  cancel(): void {
    if (this.result !== null) return;
    if (this.instantiation !== null) release(this.store!, this.instantiation!.m);
    else this.decoding!.cancel();
    this.finish(new SpawnResult(null, "cancelled"));
  }

  private reserve(bytes: u64): void {
    reservedForLoads = reservedForLoads - this.reserved + bytes;
    this.reserved = bytes;
  }

  private finish(result: SpawnResult): void {
    this.reserve(0);
    this.result = result;
  }

  private decoded(): void {
    const decoded = this.decoding!.result;
    const module = decoded.module;
    if (module === null) {
      this.finish(new SpawnResult(null, decoded.error));
      return;
    }
    // The module's copy and code are allocated now; what instantiation will
    // create is set aside instead.
    this.reserve(0);
    this.kernelBytes = kernelStartBytes(module, this.limits);
    const quota = this.quota;
    let problem = this.kernelBytes > quota ? "it needs " + (this.kernelBytes >> 10).toString() + " KiB of kernel memory, its quota is " + (quota >> 10).toString() + " KiB" : "";
    if (problem.length == 0) problem = memoryProblem(module, this.kernelBytes);
    if (problem.length > 0) {
      module.dispose();
      this.finish(new SpawnResult(null, problem));
      return;
    }
    this.reserve(memoryBytes(module) + this.kernelBytes);
    const store = new Store(this.limits);
    this.store = store;
    this.calls = defineSystemCalls(store, module);
    // The module's start function runs on the process's own thread, under
    // the scheduler's fuel, not inside instantiation where nothing could
    // preempt an endless loop.
    this.startFunction = module.start;
    module.start = -1;
    this.instantiation = new Instantiation(store, module);
  }

  private instantiated(instantiation: Instantiation): void {
    const store = this.store!;
    const module = instantiation.m;
    const result = instantiation.result;
    const problem = result.status != INSTANTIATE_OK ? result.error : tooManyProcesses();
    if (problem.length > 0) {
      release(store, module);
      this.finish(new SpawnResult(null, problem));
      return;
    }
    const instance = result.instance!;
    const entry = instance.exports.has("_start") ? instance.exports.get("_start") : null;
    if (entry === null || entry.kind != EXTERN_FUNC || entry.func!.type.params.length != 0) {
      release(store, module);
      this.finish(new SpawnResult(null, "module has no _start function without parameters"));
      return;
    }
    const thread = new Thread(this.limits);
    const p = new Process(nextPid++, this.name, this.cid, this.grants, store, instance, thread);
    p.arguments = this.args;
    p.kernelQuota = this.quota;
    p.kernelBytes = this.kernelBytes;
    if (this.startFunction >= 0) {
      thread.start(instance.funcs[this.startFunction], 0);
      p.next = entry.func;
    } else {
      thread.start(entry.func!, 0);
    }
    this.calls!.bind(p);
    processes.set(p.pid, p);
    makeRunnable(p);
    this.finish(new SpawnResult(p, ""));
  }
}

/**
 * Queues a notification for `p`. If `p` is blocked in a wait that accepts it,
 * the wait completes now and `p` becomes runnable.
 */
export function deliver(p: Process, n: Notification): void {
  if (!p.alive) return;
  if (answersPendingCall(p, n)) {
    store<i64>(p.thread.blockedResults, completePendingCall(p, n));
    makeRunnable(p);
    return;
  }
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
  cancelLoads(p);
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
