// The local APIC, through its memory-mapped registers (xAPIC mode, as BIOS
// and most UEFI firmware leave it; firmware that hands over in x2APIC mode
// hides these registers, so answers() fails and the 8259s take over):
// software enable with a spurious vector, the EOI register the interrupt
// stubs write, and the timer.
import { peek32, poke32 } from "./hw";

const ID: u64 = 0x20;
const VERSION: u64 = 0x30;
const TASK_PRIORITY: u64 = 0x80;
export const EOI: u64 = 0xb0;
const SPURIOUS: u64 = 0xf0;
const LVT_TIMER: u64 = 0x320;
const TIMER_INITIAL: u64 = 0x380;
const TIMER_CURRENT: u64 = 0x390;
const TIMER_DIVIDE: u64 = 0x3e0;
const SOFTWARE_ENABLE: u32 = 1 << 8;
const LVT_MASKED: u32 = 1 << 16;
const DIVIDE_BY_16: u32 = 3;

export const SPURIOUS_VECTOR: u32 = 0xff;

export class LocalApic {
  constructor(public base: u64) {}

  id(): u32 {
    return peek32(this.base + ID) >> 24;
  }

  /** A real local APIC reports version 0x1X (integrated); unbacked memory reads 0 or all ones. */
  answers(): bool {
    const version = peek32(this.base + VERSION) & 0xff;
    return version >= 0x10 && version < 0x20;
  }

  enable(): void {
    poke32(this.base + TASK_PRIORITY, 0);
    poke32(this.base + SPURIOUS, SOFTWARE_ENABLE | SPURIOUS_VECTOR);
    poke32(this.base + TIMER_DIVIDE, DIVIDE_BY_16);
    poke32(this.base + LVT_TIMER, LVT_MASKED);
  }

  /** Starts the timer counting down from `count` (bus clock / 16); `vector` 0 keeps it silent. */
  startTimer(count: u32, vector: u32): void {
    poke32(this.base + LVT_TIMER, vector == 0 ? LVT_MASKED : vector);
    poke32(this.base + TIMER_INITIAL, count);
  }

  timerCount(): u32 {
    return peek32(this.base + TIMER_CURRENT);
  }

  stopTimer(): void {
    poke32(this.base + TIMER_INITIAL, 0);
    poke32(this.base + LVT_TIMER, LVT_MASKED);
  }
}
