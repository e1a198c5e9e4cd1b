// A process: one instance of one module, run by one engine thread, with its
// grants, its queue of notifications and its bookkeeping of messages in flight.
import { KERNEL_QUOTA_BYTES, MAX_QUEUED, NOTIFY_ANSWER, WAIT_INTERFACE_MESSAGES } from "./abi";
import { hashKey } from "./hashkey";
import { PendingCall } from "./host-call";
import { KernelHandler } from "./kernel-service";
import { kernelHandlerFor } from "./router";
import { Message, Notification } from "./message";
import { Thread } from "../wasm/execute";
import { FuncInst, Instance } from "../wasm/runtime";
import { Store } from "../wasm/store";

export const enum ProcessState {
  Runnable = 0,
  Blocked = 1,
  Dead = 2,
}

/** What a process blocked in wait() is waiting for, and where the answer goes. */
export class WaitRequest {
  constructor(public ids: u64[], public flags: u32, public out: u32, public capacity: u32) {}

  matches(n: Notification): bool {
    if (n.kind == NOTIFY_ANSWER) return this.ids.includes(n.messageId);
    return (this.flags & WAIT_INTERFACE_MESSAGES) != 0;
  }
}

export class Process {
  state: ProcessState = ProcessState.Runnable;
  /** `_start`, while the module's start function still runs first. */
  next: FuncInst | null = null;
  exitReason: string = "";
  /** Set by process.exit: the status it ends with once its system call returns. */
  exiting: bool = false;
  exitStatus: i32 = 0;
  fuelUsed: u64 = 0;
  /** Fuel it may still use ahead of others when woken (see kernel/sched/scheduler.ts). */
  priorityLeft: i64 = 0;
  /** The process that started it through the process interface; 0 for the boot configuration. */
  parent: u64 = 0;
  /** The arguments it was started with (process.arguments). */
  arguments: string[] = [];
  /** process.wait messages to answer when this process ends. */
  waiters: Message[] = [];
  queue: Notification[] = [];
  /** Set while a host function sleeps until an answer (kernel/ipc/host-call.ts). */
  pendingCall: PendingCall | null = null;
  /** Set while blocked in wait(); `request` is reused by every wait call. */
  waiting: WaitRequest | null = null;
  request: WaitRequest = new WaitRequest([], 0, 0, 0);
  /** Messages this process sent and still expects answers to. */
  awaiting: Set<u64> = new Set();
  /** Messages delivered to this process that it must answer, by id. */
  toAnswer: Map<u64, Message> = new Map();
  /** Interfaces this process handles. */
  handled: Set<string> = new Set();
  /** Kernel memory held on its behalf outside its linear memory (kernel/ipc/account.ts). */
  kernelBytes: u64 = 0;
  /** The part of kernelBytes drawn from the kernel's message pool. */
  pooledBytes: u64 = 0;
  /** The most kernelBytes may reach through what it asks for. */
  kernelQuota: u64 = KERNEL_QUOTA_BYTES;
  /** Handlers this process sent messages to: told when it is destroyed. */
  servedBy: Set<u64> = new Set();
  // The interface this process last sent to: modules send to the same few
  // interfaces again and again, so its key, grant and handler are kept.
  private lastHash: StaticArray<u8> = new StaticArray<u8>(32);
  lastKey: string = "";
  lastGranted: bool = false;
  lastKernelHandler: KernelHandler | null = null;
  lastHandler: Process | null = null;
  lastHandlerGeneration: i32 = -1;

  constructor(
    public pid: u64,
    public name: string,
    public cid: string,
    public grants: Set<string>,
    public store: Store,
    public instance: Instance,
    public thread: Thread,
  ) {}

  get alive(): bool {
    return this.state != ProcessState.Dead;
  }

  /** The key of the interface hash at `hash`, from the cache when it is the last one used. */
  interfaceKey(hash: usize): string {
    const last = changetype<usize>(this.lastHash);
    if (this.lastKey.length > 0 && memory.compare(last, hash, 32) == 0) return this.lastKey;
    memory.copy(last, hash, 32);
    this.lastKey = hashKey(hash);
    this.lastGranted = this.grants.has(this.lastKey);
    this.lastKernelHandler = kernelHandlerFor(this.lastKey);
    this.lastHandlerGeneration = -1;
    return this.lastKey;
  }

  queueFull(): bool {
    return this.queue.length >= MAX_QUEUED;
  }
}
