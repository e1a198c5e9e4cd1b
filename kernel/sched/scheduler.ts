// Round-robin over runnable processes. Each slice is a fixed amount of fuel
// (Wasm instructions), so a module in an endless loop only ever delays the
// others by one quantum. A process woken by a message or an answer runs
// before those that used their whole slice, on what is left of its own: the
// two ends of a conversation pass the CPU between them until one has used a
// quantum, then take their turn behind a computing module like anyone.
import { Process, ProcessState } from "../proc/process";
import { endProcess } from "../proc/table";
import { THREAD_BLOCKED, THREAD_DONE, THREAD_OUT_OF_FUEL } from "../wasm/execute";
import { currentLocalApic } from "../arch/interrupts";
import { kernelAnswer } from "../ipc/router";
import { apicTimerTicksPerMs, sleepMs } from "../time/apic-timer";
import { hasSleeps, nextDeadline, takeExpired } from "../time/sleeps";
import { delayMs, nanosSinceEntry } from "../time/tsc";
import { acceptInterrupts, waitForInterrupt } from "../arch/hw";
import { deliverIrqs, hasIrqSubscriptions } from "../hardware/irqs";
import * as log from "../console/log";

export const QUANTUM: i64 = 50_000;

const runQueue: Process[] = [];
/** Processes woken with fuel left in their slice: they run first. */
const woken: Process[] = [];
/** The process whose turn it is (its system calls run while it does). */
let running: Process | null = null;

/** Fuel `p` has used, counting the turn it may be in the middle of. */
export function fuelUsed(p: Process): u64 {
  return p === running ? p.fuelUsed + <u64>(p.sliceLeft - p.thread.fuel) : p.fuelUsed;
}

export function makeRunnable(p: Process): void {
  if (!p.alive) return;
  p.state = ProcessState.Runnable;
  if (runQueue.includes(p) || woken.includes(p)) return;
  if (p.sliceLeft > 0) woken.push(p);
  else runQueue.push(p);
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
  const ms = (deadline - now + 999_999) / 1_000_000;
  const apic = currentLocalApic();
  if (apic !== null && apicTimerTicksPerMs() > 0) sleepMs(apic, ms);
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
  if (!p.alive || p.state != ProcessState.Runnable) return;
  if (p.sliceLeft <= 0) p.sliceLeft = QUANTUM;
  running = p;
  const status = p.thread.run(p.sliceLeft);
  running = null;
  p.fuelUsed += <u64>(p.sliceLeft - p.thread.fuel);
  p.sliceLeft = p.thread.fuel;
  if (status == THREAD_OUT_OF_FUEL) {
    p.sliceLeft = 0;
    runQueue.push(p);
  }
  // process.exit blocked the thread so that it ends here, off its own stack.
  else if (p.exiting) endProcess(p, p.exitStatus, "");
  else if (status == THREAD_BLOCKED) {
    if (p.state == ProcessState.Runnable && p.waiting !== null) p.state = ProcessState.Blocked;
  } else if (status == THREAD_DONE) finished(p);
  else endProcess(p, -1, "trapped: " + p.thread.trapMessage);
}
