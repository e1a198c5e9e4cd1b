// Simulated interrupt hardware for the hosted tests: a local APIC (with its
// timer), an I/O APIC, the 8259 pair and PIT channel 0 in one-shot mode.
// When the kernel halts in waitForInterrupt, time jumps to the next event
// and, if its line is routed and unmasked, its vector becomes pending, as
// the real stubs would record it.
import type { Device, Machine } from "./machine.ts";

export const LOCAL_APIC = 0xfee00000;
export const IO_APIC = 0xfec00000;
const IO_APIC_ENTRIES = 24;
const MASKED = 1n << 16n;
const PIT_HZ = 1_193_182;

interface Pending {
  at: bigint;
  fire: () => void;
}

export interface InterruptOptions {
  /** TSC ticks per local APIC timer tick. */
  tscPerApicTick: bigint;
  /** TSC frequency, to time the PIT. */
  tscMhz: bigint;
  apicId?: number;
  /** The I/O APIC input the PIT drives (2 on PCs, as the MADT's override says). */
  pitInput?: number;
}

export class SimulatedInterrupts {
  readonly redirection: bigint[] = Array.from({ length: IO_APIC_ENTRIES }, () => MASKED);
  /** Bytes written to the PICs' data ports (0x21, 0xa1), in order. */
  readonly picWrites: [number, number][] = [];
  apicRegisters = new Map<number, number>();
  private select = 0;
  private timerStart = 0n;
  private pitAt: bigint | null = null;

  constructor(private m: Machine, private opts: InterruptOptions) {
    this.apicRegisters.set(0x20, (opts.apicId ?? 0) << 24);
    this.apicRegisters.set(0x30, 0x50014);
  }

  private timerCount(): number {
    const initial = BigInt(this.apicRegisters.get(0x380) ?? 0);
    const elapsed = (this.m.tsc - this.timerStart) / this.opts.tscPerApicTick;
    return Number(elapsed >= initial ? 0n : initial - elapsed);
  }

  private localApic(): Device {
    return {
      start: LOCAL_APIC,
      end: LOCAL_APIC + 0x1000,
      read: (address) => BigInt(address - LOCAL_APIC === 0x390 ? this.timerCount() : this.apicRegisters.get(address - LOCAL_APIC) ?? 0),
      write: (address, _size, value) => {
        const offset = address - LOCAL_APIC;
        this.apicRegisters.set(offset, Number(value));
        if (offset === 0x380) this.timerStart = this.m.tsc;
      },
    };
  }

  private ioApic(): Device {
    return {
      start: IO_APIC,
      end: IO_APIC + 0x20,
      read: (address) => {
        if (address - IO_APIC !== 0x10) return BigInt(this.select);
        if (this.select === 1) return BigInt(((IO_APIC_ENTRIES - 1) << 16) | 0x11);
        const entry = (this.select - 0x10) >> 1;
        if (this.select < 0x10 || entry >= IO_APIC_ENTRIES) return 0n;
        return (this.redirection[entry] >> (this.select & 1 ? 32n : 0n)) & 0xffffffffn;
      },
      write: (address, _size, value) => {
        if (address - IO_APIC !== 0x10) this.select = Number(value);
        const entry = (this.select - 0x10) >> 1;
        if (address - IO_APIC !== 0x10 || this.select < 0x10 || entry >= IO_APIC_ENTRIES) return;
        const high = this.select & 1 ? 32n : 0n;
        this.redirection[entry] = (this.redirection[entry] & ~(0xffffffffn << high)) | (value << high);
      },
    };
  }

  private port(at: number, write: (value: number) => void, read: () => number = () => 0): Device {
    return { start: at, end: at + 1, read: () => BigInt(read()), write: (_a, _s, v) => write(Number(v)) };
  }

  private pitCount: number[] = [];

  private legacyPorts(): Device[] {
    const lastWrite = (port: number) => [...this.picWrites].reverse().find(([p]) => p === port)?.[1] ?? 0;
    return [
      this.port(0x21, (v) => this.picWrites.push([0x21, v]), () => lastWrite(0x21)),
      this.port(0xa1, (v) => this.picWrites.push([0xa1, v]), () => lastWrite(0xa1)),
      this.port(0x43, () => (this.pitCount = [])),
      this.port(0x40, (v) => {
        this.pitCount.push(v);
        if (this.pitCount.length === 2) {
          const count = this.pitCount[0] | (this.pitCount[1] << 8);
          this.pitAt = this.m.tsc + (BigInt(count) * this.opts.tscMhz * 1_000_000n) / BigInt(PIT_HZ);
        }
      }),
    ];
  }

  /** The next event: the local APIC timer's expiry or the PIT's. */
  private next(): Pending | null {
    const events: Pending[] = [];
    const lvt = BigInt(this.apicRegisters.get(0x320) ?? Number(MASKED));
    const initial = BigInt(this.apicRegisters.get(0x380) ?? 0);
    if (initial > 0n && !(lvt & MASKED)) {
      events.push({ at: this.timerStart + initial * this.opts.tscPerApicTick, fire: () => this.raise(Number(lvt & 0xffn), () => this.apicRegisters.set(0x380, 0)) });
    }
    if (this.pitAt !== null) {
      const entry = this.redirection[this.opts.pitInput ?? 2];
      events.push({ at: this.pitAt, fire: () => this.raise(entry & MASKED ? -1 : Number(entry & 0xffn), () => (this.pitAt = null)) });
    }
    return events.sort((a, b) => (a.at < b.at ? -1 : 1))[0] ?? null;
  }

  private raise(vector: number, done: () => void): void {
    done();
    if (vector >= 0) this.m.pendingVectors.add(vector);
  }

  private wait(): void {
    const event = this.next();
    if (!event) throw new Error("the kernel waits for an interrupt that nothing will send");
    if (event.at > this.m.tsc) this.m.tsc = event.at;
    event.fire();
  }

  attach(): this {
    this.m.mmio.push(this.localApic(), this.ioApic());
    this.m.ports.push(...this.legacyPorts());
    this.m.onWaitForInterrupt = () => this.wait();
    // ISA lines sit on the I/O APIC input of the same number (no override in these tests).
    this.m.isaVector = (irq) => (this.redirection[irq] & MASKED ? null : Number(this.redirection[irq] & 0xffn));
    return this;
  }
}
