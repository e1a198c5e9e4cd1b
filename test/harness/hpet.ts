// A simulated HPET: every read of the main counter lets a few of its ticks
// pass, and the machine's TSC advance by as much time at its frequency, so
// the kernel's calibration has a known right answer.
import type { Device, Machine } from "./machine.ts";

export const HPET_BASE = 0xfed00000;
const COUNTER_IS_64_BIT = 1n << 13n;
const FS_PER_US = 1_000_000_000n;
const TICKS_PER_READ = 16n;

export class SimulatedHpet {
  private counter = 0n;
  private configuration = 0n;

  /** `periodFs`: the counter period; `tscMhz`: how fast the machine's TSC runs meanwhile. */
  constructor(private machine: Machine, private periodFs: bigint, private tscMhz: bigint, public counts = true) {}

  private register(offset: number): bigint {
    if (offset === 0x00) return (this.periodFs << 32n) | COUNTER_IS_64_BIT | 0x8086_0001n;
    if (offset === 0x10) return this.configuration;
    if (offset === 0xf0) {
      if (this.counts && this.configuration & 1n) {
        // The TSC follows the exact time elapsed, so rounding never drifts.
        const before = (this.counter * this.periodFs * this.tscMhz) / FS_PER_US;
        this.counter += TICKS_PER_READ;
        this.machine.tsc += (this.counter * this.periodFs * this.tscMhz) / FS_PER_US - before;
      }
      return this.counter;
    }
    return 0n;
  }

  device(): Device {
    return {
      start: HPET_BASE,
      end: HPET_BASE + 0x400,
      read: (address, size) => {
        const offset = address - HPET_BASE;
        const value = this.register(offset & ~7) >> BigInt((offset & 7) * 8);
        return BigInt.asUintN(size * 8, value);
      },
      write: (address, _size, value) => {
        if (address - HPET_BASE === 0x10) this.configuration = value;
      },
    };
  }

  attach(): this {
    this.machine.mmio.push(this.device());
    return this;
  }
}
