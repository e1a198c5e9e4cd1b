// At boot, interrupts are shown to work end to end: a one-shot of the
// local APIC timer wakes the halted CPU, and the PIT's IRQ 0 arrives
// through the I/O APIC (or PIC) at the vector its routing says.
import * as log from "../console/log";
import { apicTimerTicksPerMs, calibrateApicTimer, sleepMs, waitForVector } from "../time/apic-timer";
import { startPitOneShot } from "../time/pit";
import { ticksToNanos } from "../time/tsc";
import { currentLocalApic, setIsaIrqMasked } from "./interrupts";

const SLEEP_MS: u64 = 10;
const PIT_MS: u64 = 5;
const PIT_TIMEOUT_MS: u64 = 100;
const PIT_IRQ: u32 = 0;

function ms(tscTicks: u64): string {
  const micros = ticksToNanos(tscTicks) / 1000;
  return (micros / 1000).toString() + "." + ((micros % 1000) / 100).toString() + " ms";
}

export function checkInterrupts(): void {
  const apic = currentLocalApic();
  if (apic == null) return;
  if (!calibrateApicTimer(apic)) {
    log.warn("interrupts: the local APIC timer does not count (or the TSC is not calibrated); no timer wake-ups");
    return;
  }
  const slept = sleepMs(apic, SLEEP_MS);
  if (slept == 0) log.warn("interrupts: a " + SLEEP_MS.toString() + " ms local APIC timer one-shot never fired");
  else log.info("interrupts: local APIC timer at " + (apicTimerTicksPerMs() / 1000).toString() + " MHz; a " + SLEEP_MS.toString() + " ms one-shot woke the CPU after " + ms(slept));
  const vector = setIsaIrqMasked(PIT_IRQ, false);
  startPitOneShot(PIT_MS);
  const waited = vector == 0 ? 0 : waitForVector(apic, vector, PIT_TIMEOUT_MS);
  setIsaIrqMasked(PIT_IRQ, true);
  if (waited == 0) log.warn("interrupts: the PIT's IRQ " + PIT_IRQ.toString() + " did not arrive (vector " + vector.toString() + ")");
  else log.info("interrupts: PIT IRQ " + PIT_IRQ.toString() + " arrived at vector " + vector.toString() + " after " + ms(waited));
}
