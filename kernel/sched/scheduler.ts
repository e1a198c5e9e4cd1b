// Round-robin over runnable processes. Each turn is at most a fixed amount
// of fuel (Wasm instructions) and at most TIME_SLICE_NS of time, so a
// module in an endless loop only ever delays the others by one quantum.
// Time counts too because a unit of fuel can cost much (a system call, a
// bulk copy); the clock is read between batches of fuel, not per
// instruction. A process woken by a message or an answer runs before those
// that used a whole turn, while it has priority left: WAKE_BUDGET fuel over
// its turns. The two ends of a conversation pass
// the CPU between them until one has used its budget; then it takes its
// turn behind a computing module with a fresh one, so traffic cannot starve
// computation either. A unit of fuel is one loop iteration or call, much
// cheaper in a tight loop than in code that formats and sends messages, so
// the budget is several quanta. A process with starts under way spends its
// turns on them (kernel/proc/loading.ts), a quantum of fuel each, whether or
// not its thread could run: loading a huge module delays only its starter.
import { Process, ProcessState } from "../ipc/process";
import { endProcess } from "../proc/table";
import { loadsOf, loadTurn } from "../proc/loading";
import { THREAD_BLOCKED, THREAD_DONE, THREAD_OUT_OF_FUEL } from "../wasm/execute";
import { currentLocalApic } from "../arch/interrupts";
import { kernelAnswer } from "../ipc/router";
import { apicTimerTicksPerMs, longestOneShotMs, sleepMs } from "../time/apic-timer";
import { hasSleeps, nextDeadline, takeExpired } from "../time/sleeps";
import { delayMs, nanosSinceEntry } from "../time/tsc";
import { acceptInterrupts, waitForInterrupt } from "../arch/hw";
import { deliverIrqs, hasIrqSubscriptions } from "../hardware/irqs";
import * as log from "../console/log";

export const QUANTUM: i64 = 50_000;
const WAKE_BUDGET: i64 = 4 * QUANTUM;
const TIME_SLICE_NS: u64 = 2_000_000;
/** Fuel run between two readings of the clock within a turn. */
const FUEL_BATCH: i64 = QUANTUM / 5;

const runQueue: Process[] = [];
/** Processes woken with priority left: they run first. */
const woken: Process[] = [];
/** The process whose turn it is (its system calls run while it does). */
let running: Process | null = null;
/** The fuel the running process's turn has used in its earlier batches. */
let usedInTurn: i64 = 0;
/** The fuel the running process's current batch started with. */
let batchFuel: i64 = 0;

/** Fuel `p` has used, counting the turn it may be in the middle of. */
export function fuelUsed(p: Process): u64 {
  return p === running ? p.fuelUsed + <u64>(usedInTurn + batchFuel - p.thread.fuel) : p.fuelUsed;
}

export function makeRunnable(p: Process): void {
  if (!p.alive) return;
  p.state = ProcessState.Runnable;
  if (runQueue.includes(p) || woken.includes(p)) return;
  if (p.priorityLeft > 0) woken.push(p);
  else queueBehind(p);
}

function queueBehind(p: Process): void {
  p.priorityLeft = WAKE_BUDGET;
  runQueue.push(p);
}

/** Gives `p` turns while it has starts under way, even while its thread waits. */
export function scheduleLoads(p: Process): void {
  if (p.alive && !runQueue.includes(p) && !woken.includes(p)) queueBehind(p);
}

function loading(p: Process): void {
  loadTurn(p);
  p.fuelUsed += <u64>QUANTUM;
  // Finishing a load may have answered `p` and so queued it already.
  const wantsTurns = loadsOf(p) > 0 || p.state == ProcessState.Runnable;
  if (p.alive && wantsTurns && !runQueue.includes(p) && !woken.includes(p)) queueBehind(p);
}

/** Drops an ended process from the run queues, so nothing keeps it alive. */
export function forgetProcess(p: Process): void {
  let at = runQueue.indexOf(p);
  if (at >= 0) runQueue.splice(at, 1);
  at = woken.indexOf(p);
  if (at >= 0) woken.splice(at, 1);
}

function nextToRun(): Process {
  return woken.length > 0 ? woken.shift() : runQueue.shift();
}

let waitForDevices = true;

/** Whether an idle system waits for device interrupts (not in test mode, which must end). */
export function setWaitForDevices(wait: bool): void {
  waitForDevices = wait;
}

/**
 * Runs processes until none is runnable, none sleeps and no device
 * interrupt can wake one; while all wait for a sleepUntil instant, the CPU
 * waits for the earliest one, and with interrupt subscribers, for the next
 * interrupt.
 */
export function runUntilIdle(): void {
  let announced = false;
  for (;;) {
    while (woken.length > 0 || runQueue.length > 0) {
      runTurn(nextToRun());
      // Sleepers and interrupts are served even while others keep the CPU busy.
      if (hasSleeps() && nextDeadline() <= nanosSinceEntry()) wakeSleepers();
      if (hasIrqSubscriptions()) {
        acceptInterrupts();
        deliverIrqs();
      }
    }
    if (hasSleeps()) {
      waitUntil(nextDeadline());
      wakeSleepers();
    } else if (hasIrqSubscriptions() && waitForDevices) {
      if (!announced) log.info("idle, waiting for device interrupts");
      announced = true;
      waitForInterrupt();
    } else return;
    if (hasIrqSubscriptions()) deliverIrqs();
  }
}

function wakeSleepers(): void {
  const expired = takeExpired(nanosSinceEntry());
  for (let i = 0; i < expired.length; i++) kernelAnswer(expired[i].sender, expired[i].message, false, new Uint8Array(0));
}

// Halts on a one-shot APIC timer when there is one, else spins on the TSC.
function waitUntil(deadline: u64): void {
  const now = nanosSinceEntry();
  if (deadline <= now) return;
  const nanos = deadline - now;
  const ms = nanos / 1_000_000 + (nanos % 1_000_000 != 0 ? 1 : 0);
  const apic = currentLocalApic();
  // A wait past the timer's range halts for its longest one-shot; the
  // caller waits again.
  if (apic !== null && apicTimerTicksPerMs() > 0) sleepMs(apic, min(ms, longestOneShotMs()));
  else delayMs(ms);
}

// The start function ends by moving on to `_start`; `_start` by exiting
// with status 0.
function finished(p: Process): void {
  const next = p.next;
  if (next === null) {
    endProcess(p, 0, "");
    return;
  }
  p.next = null;
  p.thread.start(next, 0);
  makeRunnable(p);
}

function runTurn(p: Process): void {
  if (!p.alive) return;
  if (loadsOf(p) > 0) return loading(p);
  if (p.state != ProcessState.Runnable) return;
  running = p;
  const status = runSlice(p, min(p.priorityLeft, QUANTUM));
  running = null;
  const used = usedInTurn;
  p.fuelUsed += <u64>used;
  p.priorityLeft -= used;
  if (status == THREAD_OUT_OF_FUEL) queueBehind(p);
  // process.exit blocked the thread so that it ends here, off its own stack.
  else if (p.exiting) endProcess(p, p.exitStatus, "");
  else if (status == THREAD_BLOCKED) {
    if (p.state == ProcessState.Runnable && (p.waiting !== null || p.pendingCall !== null)) p.state = ProcessState.Blocked;
  } else if (status == THREAD_DONE) finished(p);
  else endProcess(p, -1, "trapped: " + p.thread.trapMessage);
}

// Runs `p` until it stops by itself, has used `fuel`, or TIME_SLICE_NS have
// passed; an ended slice reports THREAD_OUT_OF_FUEL, as its quantum would.
function runSlice(p: Process, fuel: i64): i32 {
  const start = nanosSinceEntry();
  usedInTurn = 0;
  let status = THREAD_OUT_OF_FUEL;
  do {
    batchFuel = min(FUEL_BATCH, fuel - usedInTurn);
    status = p.thread.run(batchFuel);
    usedInTurn += batchFuel - p.thread.fuel;
  } while (status == THREAD_OUT_OF_FUEL && usedInTurn < fuel && nanosSinceEntry() - start < TIME_SLICE_NS);
  return status;
}
