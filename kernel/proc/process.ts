// A process: one instance of one module, run by one engine thread, with its
// grants, its queue of notifications and its bookkeeping of messages in flight.
import { MAX_QUEUED, NOTIFY_ANSWER, WAIT_INTERFACE_MESSAGES } from "../ipc/abi";
import { Message, Notification } from "../ipc/message";
import { Thread } from "../wasm/execute";
import { Instance } from "../wasm/runtime";

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
  exitReason: string = "";
  fuelUsed: u64 = 0;
  queue: Notification[] = [];
  waiting: WaitRequest | null = null;
  /** Messages this process sent and still expects answers to. */
  awaiting: Set<u64> = new Set();
  /** Messages delivered to this process that it must answer, by id. */
  toAnswer: Map<u64, Message> = new Map();
  /** Interfaces this process handles. */
  handled: Set<string> = new Set();
  /** Handlers this process sent messages to: told when it is destroyed. */
  servedBy: Set<u64> = new Set();

  constructor(
    public pid: u64,
    public name: string,
    public cid: string,
    public grants: Set<string>,
    public instance: Instance,
    public thread: Thread,
  ) {}

  get alive(): bool {
    return this.state != ProcessState.Dead;
  }

  queueFull(): bool {
    return this.queue.length >= MAX_QUEUED;
  }

  /** Removes and returns the first queued notification `request` accepts, or null. */
  take(request: WaitRequest): Notification | null {
    for (let i = 0; i < this.queue.length; i++) {
      const n = this.queue[i];
      if (request.matches(n)) {
        this.queue.splice(i, 1);
        return n;
      }
    }
    return null;
  }
}
