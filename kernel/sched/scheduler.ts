// Round-robin over runnable processes. Each turn runs one process for a
// fixed amount of fuel (Wasm instructions), so a module in an endless loop
// only ever delays the others by one quantum.
import { Process, ProcessState } from "../proc/process";
import { endProcess } from "../proc/table";
import { THREAD_BLOCKED, THREAD_DONE, THREAD_OUT_OF_FUEL } from "../wasm/execute";

export const QUANTUM: i64 = 50_000;

const runQueue: Process[] = [];

export function makeRunnable(p: Process): void {
  if (!p.alive) return;
  p.state = ProcessState.Runnable;
  if (!runQueue.includes(p)) runQueue.push(p);
}

/** Drops an ended process from the run queue, so nothing keeps it alive. */
export function forgetProcess(p: Process): void {
  const at = runQueue.indexOf(p);
  if (at >= 0) runQueue.splice(at, 1);
}

/** Runs processes until none is runnable (all blocked or ended). */
export function runUntilIdle(): void {
  while (runQueue.length > 0) runTurn(runQueue.shift());
}

// The start function ends by moving on to `_start`; `_start` by exiting.
function finished(p: Process): void {
  const next = p.next;
  if (next === null) {
    endProcess(p, "exited");
    return;
  }
  p.next = null;
  p.thread.start(next, 0);
  runQueue.push(p);
}

function runTurn(p: Process): void {
  if (!p.alive || p.state != ProcessState.Runnable) return;
  const status = p.thread.run(QUANTUM);
  p.fuelUsed += <u64>(QUANTUM - p.thread.fuel);
  if (status == THREAD_OUT_OF_FUEL) runQueue.push(p);
  else if (status == THREAD_BLOCKED) {
    if (p.state == ProcessState.Runnable && p.waiting !== null) p.state = ProcessState.Blocked;
  } else if (status == THREAD_DONE) finished(p);
  else endProcess(p, "trapped: " + p.thread.trapMessage);
}
