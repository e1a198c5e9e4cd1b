// The High Precision Event Timer as a reference clock: its main counter
// ticks at a period the hardware states in femtoseconds, so counting TSC
// ticks over 10 ms of HPET time measures the TSC more precisely than the
// PIT (whose 1.19 MHz clock and port reads limit it).
import { peek32, peek64, poke64, rdtsc } from "../arch/hw";
import { HpetInfo } from "../acpi/hpet";
import * as log from "../console/log";
import { setTscTicksPerMs, tscTicksPerMs } from "./tsc";

const CAPABILITIES: u64 = 0x00;
const CONFIGURATION: u64 = 0x10;
const MAIN_COUNTER: u64 = 0xf0;
const ENABLE: u64 = 1;
const COUNTER_IS_64_BIT: u32 = 1 << 13;
/** The specification caps the period at 100 ns. */
const MAX_PERIOD_FS: u64 = 100_000_000;
const FS_PER_MS: u64 = 1_000_000_000_000;
const FS_PER_NS: u64 = 1_000_000;
const NS_PER_MS: u64 = 1_000_000;
const CALIBRATION_MS: u64 = 10;
// A counter that never reaches the target must not hang the boot. A
// working one moves at least every 100 ns, far less than a poll takes.
const MAX_POLLS = 10_000_000;
const STUCK_POLLS = 10_000;

/** The counter period in femtoseconds, 0 when the registers make no sense. */
function hpetPeriod(base: u64): u64 {
  const period = peek64(base + CAPABILITIES) >> 32;
  return period == 0 || period > MAX_PERIOD_FS ? 0 : period;
}

function counter(base: u64, wide: bool): u64 {
  return wide ? peek64(base + MAIN_COUNTER) : <u64>peek32(base + MAIN_COUNTER);
}

/** TSC ticks per millisecond measured against the HPET at `base`; 0 if it does not count. */
export function measureTscWithHpet(base: u64): u64 {
  const period = hpetPeriod(base);
  if (period == 0) return 0;
  const wide = (peek32(base + CAPABILITIES) & COUNTER_IS_64_BIT) != 0;
  const mask: u64 = wide ? <u64>-1 : 0xffffffff;
  poke64(base + CONFIGURATION, peek64(base + CONFIGURATION) | ENABLE);
  const ticks = (CALIBRATION_MS * FS_PER_MS) / period;
  const startCounter = counter(base, wide);
  const startTsc = rdtsc();
  let last: u64 = 0;
  let unchanged = 0;
  for (let polls = 0; polls < MAX_POLLS && unchanged < STUCK_POLLS; polls++) {
    const elapsed = (counter(base, wide) - startCounter) & mask;
    unchanged = elapsed == last ? unchanged + 1 : 0;
    last = elapsed;
    if (elapsed < ticks) continue;
    const tscTicks = rdtsc() - startTsc;
    const nanos = (elapsed * period) / FS_PER_NS;
    return (tscTicks * NS_PER_MS) / nanos;
  }
  return 0;
}

/** Recalibrates the TSC against the HPET when there is one; the PIT's figure stays otherwise. */
export function calibrateTscWithHpet(hpet: HpetInfo | null): void {
  if (hpet == null) return;
  // Like the PIT's, a measurement errs only long: keep the shortest.
  let ticks: u64 = 0;
  for (let run = 0; run < 3; run++) {
    const t = measureTscWithHpet(hpet.address);
    if (t == 0) break;
    if (ticks == 0 || t < ticks) ticks = t;
  }
  if (ticks == 0) {
    log.warn("HPET at 0x" + hpet.address.toString(16) + " does not count; keeping the PIT's TSC calibration");
    return;
  }
  log.info("TSC: " + mhz(ticks) + " MHz measured against the HPET (the PIT said " + mhz(tscTicksPerMs()) + " MHz)");
  setTscTicksPerMs(ticks);
}

function mhz(ticksPerMs: u64): string {
  return (ticksPerMs / 1000).toString() + "." + ((ticksPerMs % 1000) / 100).toString();
}
