// A simulated CMOS real-time clock on ports 0x70/0x71: registers given as
// they would be stored (BCD or binary, 12- or 24-hour, per status B).
import type { Device, Machine } from "./machine.ts";

export class SimulatedCmos {
  readonly registers = new Map<number, number>();
  private index = 0;
  /** Reads of the seconds register so far, for tests that change the time between reads. */
  secondsReads = 0;
  onSecondsRead: ((reads: number) => void) | null = null;

  constructor(registers: Record<number, number>) {
    for (const [r, v] of Object.entries(registers)) this.registers.set(Number(r), v);
  }

  device(): Device {
    return {
      start: 0x70,
      end: 0x72,
      read: (port) => {
        if (port === 0x70) return BigInt(this.index);
        if (this.index === 0) this.onSecondsRead?.(++this.secondsReads);
        return BigInt(this.registers.get(this.index) ?? 0);
      },
      write: (port, _size, value) => {
        if (port === 0x70) this.index = Number(value) & 0x7f;
        else this.registers.set(this.index, Number(value));
      },
    };
  }

  attach(m: Machine): this {
    m.ports.push(this.device());
    return this;
  }
}

/** 24-hour BCD registers for a date, with the century in register 0x32 (QEMU's FADT names it). */
export function bcdDate(year: number, month: number, day: number, hour: number, minute: number, second: number): Record<number, number> {
  const bcd = (n: number) => ((Math.floor(n / 10) << 4) | n % 10) & 0xff;
  return { 0x00: bcd(second), 0x02: bcd(minute), 0x04: bcd(hour), 0x07: bcd(day), 0x08: bcd(month), 0x09: bcd(year % 100), 0x32: bcd(Math.floor(year / 100)), 0x0a: 0x26, 0x0b: 0x02 };
}
