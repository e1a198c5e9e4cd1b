// The local APIC timer for wake-ups: its rate (the bus clock / 16, which
// no table states) is measured against the TSC, then one-shot countdowns
// wake a waitForInterrupt at TIMER_VECTOR.
import { LocalApic } from "../arch/apic";
import { rdtsc, waitForInterrupt } from "../arch/hw";
import { takeVector, TIMER_VECTOR } from "../arch/interrupts";
import { delayMs, tscTicksPerMs } from "./tsc";

const CALIBRATION_MS: u64 = 10;
const FULL_COUNT: u32 = 0xffffffff;

let ticksPerMs: u64 = 0;

export function apicTimerTicksPerMs(): u64 {
  return ticksPerMs;
}

/** The longest one-shot the timer can count, in ms (0 uncalibrated). */
export function longestOneShotMs(): u64 {
  return ticksPerMs == 0 ? 0 : <u64>FULL_COUNT / ticksPerMs;
}

/** Measures the timer against the (calibrated) TSC; false if it does not count. */
export function calibrateApicTimer(apic: LocalApic): bool {
  if (tscTicksPerMs() == 0) return false;
  apic.startTimer(FULL_COUNT, 0);
  delayMs(CALIBRATION_MS);
  const counted = <u64>(FULL_COUNT - apic.timerCount());
  apic.stopTimer();
  ticksPerMs = counted / CALIBRATION_MS;
  return ticksPerMs > 0;
}

/**
 * Waits, halted, until `vector` fires or `timeoutMs` pass by a one-shot of
 * the timer; returns the TSC ticks waited, or 0 on timeout. (A timer that
 * counts but never interrupts would leave the CPU halted: calibration has
 * shown that it counts, and the boot check shows that it interrupts.)
 */
export function waitForVector(apic: LocalApic, vector: u32, timeoutMs: u64): u64 {
  const count = timeoutMs * ticksPerMs;
  if (count == 0 || count > <u64>FULL_COUNT) return 0;
  takeVector(vector);
  takeVector(TIMER_VECTOR);
  const start = rdtsc();
  apic.startTimer(<u32>count, TIMER_VECTOR);
  while (!takeVector(TIMER_VECTOR)) {
    if (vector != TIMER_VECTOR && takeVector(vector)) {
      apic.stopTimer();
      return rdtsc() - start;
    }
    waitForInterrupt();
  }
  return vector == TIMER_VECTOR ? rdtsc() - start : 0;
}

/** Sleeps `ms` milliseconds on a one-shot timer interrupt; the TSC ticks that passed, 0 if it never came. */
export function sleepMs(apic: LocalApic, ms: u64): u64 {
  return waitForVector(apic, TIMER_VECTOR, ms);
}
