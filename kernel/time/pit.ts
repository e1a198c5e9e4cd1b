// PIT channel 0 in one-shot mode: its output rises once after the count,
// which raises ISA IRQ 0. Used to check interrupt routing at boot.
import { outb } from "../arch/hw";

const PIT_HZ: u64 = 1_193_182;
const COMMAND: u32 = 0x43;
const CHANNEL0: u32 = 0x40;
const CHANNEL0_LOHI_MODE0: u32 = 0x30;
const MAX_COUNT: u64 = 0xffff;

/** Starts a one-shot of `ms` (at most 54) milliseconds. */
export function startPitOneShot(ms: u64): void {
  const count = min((PIT_HZ * ms) / 1000, MAX_COUNT);
  outb(COMMAND, CHANNEL0_LOHI_MODE0);
  outb(CHANNEL0, <u32>(count & 0xff));
  outb(CHANNEL0, <u32>(count >> 8));
}
