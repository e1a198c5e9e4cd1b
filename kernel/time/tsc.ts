// Time from the CPU's timestamp counter, calibrated once against the PIT
// (8254 channel 2, gated through port 0x61, which needs no interrupts).
import { inb, outb, rdtsc } from "../arch/hw";

const PIT_HZ: u64 = 1_193_182;
const CALIBRATION_MS: u64 = 10;
// A PIT that never answers must not hang the boot.
const MAX_POLLS = 10_000_000;

let entryTsc: u64 = 0;
let ticksPerMs: u64 = 0;

export function setEntryTsc(tsc: u64): void {
  entryTsc = tsc;
}

export function tscTicksPerMs(): u64 {
  return ticksPerMs;
}

/** Replaces the PIT's measurement with a better one (the HPET's). */
export function setTscTicksPerMs(ticks: u64): void {
  ticksPerMs = ticks;
}

// A measurement can only come out too long (the CPU was away when the PIT
// fired: an SMI on real hardware, the host descheduling QEMU), never too
// short, so the shortest of a few is the truest.
const CALIBRATION_RUNS = 3;

/** Measures TSC ticks per ms over 10 ms PIT one-shots; false if the PIT never fired. */
export function calibrateTsc(): bool {
  let best: u64 = 0;
  for (let run = 0; run < CALIBRATION_RUNS; run++) {
    const ticks = measureWithPit();
    if (ticks == 0) return false;
    if (best == 0 || ticks < best) best = ticks;
  }
  ticksPerMs = best;
  return true;
}

// TSC ticks per ms over one PIT one-shot, or 0 if it never fired.
function measureWithPit(): u64 {
  const count = <u32>((PIT_HZ * CALIBRATION_MS) / 1000);
  outb(0x61, (inb(0x61) & 0xfd) | 0x01); // gate channel 2 on, speaker off
  outb(0x43, 0xb0); // channel 2, lobyte/hibyte, mode 0 (interrupt on terminal count)
  outb(0x42, count & 0xff);
  outb(0x42, count >> 8);
  // Toggling the gate restarts the count.
  const gate = inb(0x61);
  outb(0x61, gate & 0xfe);
  outb(0x61, gate | 0x01);
  const start = rdtsc();
  for (let polls = 0; polls < MAX_POLLS; polls++) {
    if (inb(0x61) & 0x20) return (rdtsc() - start) / CALIBRATION_MS;
  }
  return 0;
}

export function nanosSinceEntry(): u64 {
  return ticksPerMs == 0 ? 0 : ticksToNanos(rdtsc() - entryTsc);
}

/**
 * The last instant the clock reaches before the TSC wraps (2^64 ticks,
 * about 195 years at 3 GHz); 0 uncalibrated, when the clock stands still.
 */
export function lastNanos(): u64 {
  return ticksToNanos(U64.MAX_VALUE - entryTsc);
}

export function ticksToNanos(ticks: u64): u64 {
  if (ticksPerMs == 0) return 0;
  // Split to avoid overflow of ticks * 1e6 after a few hours of uptime.
  return (ticks / ticksPerMs) * 1_000_000 + ((ticks % ticksPerMs) * 1_000_000) / ticksPerMs;
}

// Without a calibrated TSC, a delay is this many polls per millisecond.
const UNCALIBRATED_POLLS_PER_MS: u64 = 100_000;

/** Busy-waits about `ms` milliseconds. */
export function delayMs(ms: u64): void {
  if (ticksPerMs == 0) {
    for (let i: u64 = 0; i < ms * UNCALIBRATED_POLLS_PER_MS; i++) rdtsc();
    return;
  }
  const end = rdtsc() + ms * ticksPerMs;
  while (rdtsc() < end) {}
}
