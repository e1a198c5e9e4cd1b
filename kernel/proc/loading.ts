// Starts under way for processes that asked for them (process.start and
// process.run). Decoding, validation, compilation and instantiation of a
// module are a Spawn advanced a slice of bounded work at a time, in the
// turns of the process that asked: the scheduler gives such a process turns
// while it has loads, whether its thread waits for the answer or not, and
// spends them on its oldest load. A huge module is thus slow for its starter
// and no one else. The answer goes out when the start is done; a load whose
// requester ended, or no longer awaits the answer, is dropped with all it
// holds.
import { encodeStartAnswer } from "../../interfaces/as/generated/process";
import { Message } from "../ipc/message";
import { Process } from "../ipc/process";
import { kernelAnswer, kernelRefuse } from "../ipc/router";
import { scheduleLoads } from "../sched/scheduler";
import { Spawn, SpawnResult } from "./table";

/**
 * Units of loading work in one turn (about a byte of module decoded each,
 * see kernel/wasm/decode.ts): about as long as a turn of running code.
 */
export const LOAD_SLICE_UNITS: i64 = 8 << 10;

class Load {
  constructor(public spawn: Spawn, public request: Message) {}
}

/** Loads under way, oldest first, by the pid of the process that asked. */
const loads = new Map<u64, Load[]>();

/** Answers `request` from `requester` with the start's outcome once `spawn` is done; at once if it is. */
export function answerWhenStarted(requester: Process, request: Message, spawn: Spawn): void {
  if (spawn.done) {
    answerStart(requester, request, spawn.result!);
    return;
  }
  if (!loads.has(requester.pid)) loads.set(requester.pid, []);
  loads.get(requester.pid).push(new Load(spawn, request));
  scheduleLoads(requester);
}

/**
 * As answerWhenStarted, from within the requester's own call: the first
 * slice is done at once, in its turn, so a small module starts (or is
 * refused) before the call returns, as every module did before slices.
 */
export function startInCall(requester: Process, request: Message, spawn: Spawn): void {
  spawn.work(LOAD_SLICE_UNITS);
  answerWhenStarted(requester, request, spawn);
}

export function answerStart(requester: Process, request: Message, result: SpawnResult): void {
  const p = result.process;
  if (p === null) {
    kernelRefuse(requester, request, result.error);
    return;
  }
  p.parent = requester.pid;
  kernelAnswer(requester, request, false, encodeStartAnswer(p.pid));
}

/** Starts `p` asked for that are still under way. */
export function loadsOf(p: Process): i32 {
  return loads.has(p.pid) ? loads.get(p.pid).length : 0;
}

/** Spends one turn of `p` on its oldest load, answering it if it is done. */
export function loadTurn(p: Process): void {
  if (!loads.has(p.pid)) return;
  const queue = loads.get(p.pid);
  const load = queue[0];
  if (stillWanted(p, load)) load.spawn.work(LOAD_SLICE_UNITS);
  else load.spawn.cancel();
  if (!load.spawn.done) return;
  queue.shift();
  if (queue.length == 0) loads.delete(p.pid);
  if (stillWanted(p, load)) answerStart(p, load.request, load.spawn.result!);
}

function stillWanted(p: Process, load: Load): bool {
  return !load.request.needsAnswer || p.awaiting.has(load.request.id);
}

/** Drops the loads of `p` (it ends) and everything they hold. */
export function cancelLoads(p: Process): void {
  if (!loads.has(p.pid)) return;
  const queue = loads.get(p.pid);
  for (let i = 0; i < queue.length; i++) queue[i].spawn.cancel();
  loads.delete(p.pid);
}
