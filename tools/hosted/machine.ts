// A simulated PC for the kernel's Wasm build: the same out/kernel.wasm that
// wasm2c turns into the bare-metal kernel, with the "hw" imports answered
// by TypeScript. COM1 output is captured and its input fed by feedSerial
// (raising IRQ 4 once per byte when the UART's receive interrupt is on), the
// PIT and TSC tick, the QEMU exit port ends the run, and physical memory is
// a sparse byte store. `atoll run` uses it when there is no native build.
// Time is simulated and moves only when the kernel looks: a 100 MHz TSC that
// advances 10 µs per read, and each poll of the PIT's output takes 1 ms, so
// the kernel calibrates 100 MHz and its clock is monotonic and fine.
import { readFileSync } from "node:fs";
import type { HwImports } from "./hw-imports.generated.ts";
import { PhysicalMemory } from "./memory.ts";

export const KERNEL_WASM = new URL("../../out/kernel.wasm", import.meta.url).pathname;
export const BOOT_MAGIC = 0x36d76289;
export const IMAGE_START = 0x200000;
export const IMAGE_END = 0x600000;
export const LINEAR_BASE = 0x80_0000_0000n;
/** The simulated page tables sit inside the kernel image, as on the machine. */
export const PML4 = 0x400000;
const LINEAR_PDPT = 0x401000;
/** The kernel stack's guard page, and where a simulated double fault leaves its frame (as on IST1, above it). */
export const STACK_GUARD = 0x3fe000;
const DOUBLE_FAULT_FRAME = 0x3ff000;
const LINEAR_PD = 0x402000;
/** Like the boot arena, the simulated linear window is mapped with 2 MiB pages. */
export const LINEAR_MAPPED = 64 << 20;
const LINEAR_BACKING = 0x1_0000_0000;
const COM1 = 0x3f8;
const COM1_IRQ = 4;
const IER_RECEIVE = 1;
const LSR_DATA_READY = 1;
const LSR_TRANSMIT_EMPTY = 0x60;
/** 10 µs of the simulated 100 MHz TSC. */
const TSC_PER_READ = 1000n;
/** 1 ms: what a poll of the PIT's output (port 0x61) takes. */
const TSC_PER_PIT_POLL = 100_000n;

/** Thrown by the halt primitive: the kernel stopped the CPU. */
export class Halted extends Error {}
/** Thrown by a write to the isa-debug-exit port. */
export class QemuExit extends Error {
  constructor(public value: number) {
    super(`QEMU exit ${value}`);
  }
}

export interface KernelExports {
  memory: WebAssembly.Memory;
  kmain(magic: number, info: bigint, tsc: bigint): void;
  onException(frame: bigint): void;
  onTrap(code: number, address: bigint): void;
  backLinearMemory(start: bigint, end: bigint): number;
  allocFrames(count: bigint, align: bigint): bigint;
  allocLowFrames(count: bigint, align: bigint): bigint;
  freeFrames(address: bigint, count: bigint): number;
  freeFrameCount(): bigint;
  translate(virt: bigint): bigint;
}

/** A simulated device on a range of I/O ports or physical addresses; `size` is 1, 2, 4 or 8 bytes. */
export interface Device {
  start: number;
  end: number;
  read(address: number, size: number): bigint;
  write(address: number, size: number, value: bigint): void;
}

let compiled: WebAssembly.Module | null = null;

export class Machine {
  readonly memory = new PhysicalMemory();
  serial = "";
  tsc = 1_000_000n;
  cr2 = 0n;
  idt: { table: number; limit: number } | null = null;
  /** TSC ticks each rdtsc advances the clock by. */
  tscPerRead = TSC_PER_READ;
  /** Called at each rdtsc, after the clock moved: a watchdog may throw to stop the run. */
  onClockRead: (() => void) | null = null;
  /** inb(0x61) reads before the PIT's output goes high (0 = never); each takes TSC_PER_PIT_POLL. */
  pitDelay = 10;
  /** Vectors the simulated interrupt stubs recorded, and how the kernel asked them to acknowledge. */
  pendingVectors = new Set<number>();
  interruptAck: { eoiRegister: bigint; picBase: number } | null = null;
  /** Called when the kernel halts waiting for an interrupt: it must make one pending. */
  onWaitForInterrupt: () => void = () => {
    throw new Error("the kernel waits for an interrupt that nothing will send");
  };
  /** Where ISA `irq` arrives: the PICs' vector (set by the kernel), or what an attached interrupt controller says; null when masked. */
  isaVector: (irq: number) => number | null = (irq) => (this.interruptAck?.picBase ? this.interruptAck.picBase + irq : null);
  /** Asked for more serial input when the kernel waits for it and none is queued; null: the input has ended. */
  readSerialInput: (() => Uint8Array | null) | null = null;
  /** Called with each byte the kernel sends on COM1 (also kept in `serial`). */
  onSerialOutput: ((byte: number) => void) | null = null;
  /** Bytes received on COM1 and not yet read by the kernel. */
  serialInput: number[] = [];
  private serialInterruptEnable = 0;
  private serialSignalled = false;
  /** When set, CPUID offers RDRAND and RDSEED and they return these values (null: not ready). */
  hardwareRandom: (() => bigint | null) | null = null;
  /** Devices answering port I/O and memory accesses (peek/poke) before the defaults. */
  ports: Device[] = [];
  mmio: Device[] = [];
  private pitReads = 0;
  private divisorLatch = false;
  kernel!: KernelExports;

  async load(): Promise<KernelExports> {
    compiled ??= await WebAssembly.compile(readFileSync(KERNEL_WASM));
    const instance = await WebAssembly.instantiate(compiled, { hw: this.primitives() });
    this.kernel = instance.exports as unknown as KernelExports;
    this.mapLinearWindow();
    return this.kernel;
  }

  // What boot/runtime.c sets up before the kernel runs: PML4[1] -> PDPT -> a
  // page directory of large pages behind the kernel's linear memory.
  private mapLinearWindow(): void {
    this.memory.writeUint(PML4 + 8, 8, BigInt(LINEAR_PDPT | 3));
    this.memory.writeUint(LINEAR_PDPT, 8, BigInt(LINEAR_PD | 3));
    for (let i = 0; i < LINEAR_MAPPED >> 21; i++) {
      this.memory.writeUint(LINEAR_PD + i * 8, 8, BigInt(LINEAR_BACKING + i * (2 << 20)) | 0x83n);
    }
  }

  /** Runs kmain until the kernel halts or exits QEMU; returns how it ended. */
  boot(info: Uint8Array, at = 0x10000, magic = BOOT_MAGIC): "halt" | number {
    this.memory.write(at, info);
    return this.run(() => this.kernel.kmain(magic, BigInt(at), this.tsc));
  }

  /** Calls into the kernel, which must end by halting or exiting QEMU. */
  run(call: () => void): "halt" | number {
    try {
      call();
    } catch (e) {
      if (e instanceof Halted) return "halt";
      if (e instanceof QemuExit) return e.value;
      throw e;
    }
    throw new Error("the kernel returned instead of halting");
  }

  /** Bytes arriving on COM1, as typed on a serial terminal. */
  feedSerial(input: string | Uint8Array): void {
    this.serialInput.push(...(typeof input === "string" ? Buffer.from(input) : input));
  }

  /** Whether COM1 can raise its interrupt for the next byte. */
  private serialInterruptOn(): boolean {
    return (this.serialInterruptEnable & IER_RECEIVE) !== 0 && this.isaVector(COM1_IRQ) !== null;
  }

  // Like the hosted native kernel: each byte raises the interrupt once.
  private raiseSerialInterrupt(): void {
    if (this.serialSignalled || this.serialInput.length === 0 || !this.serialInterruptOn()) return;
    this.pendingVectors.add(this.isaVector(COM1_IRQ)!);
    this.serialSignalled = true;
  }

  private receiveSerial(): number {
    this.serialSignalled = false;
    return this.serialInput.shift() ?? 0;
  }

  /** Waiting for an interrupt: a fresh serial byte (asking readSerialInput for more) or whatever onWaitForInterrupt makes pending. */
  private waitForInterrupt(): void {
    if (this.serialInterruptOn() && this.serialInput.length === 0 && this.readSerialInput) {
      const more = this.readSerialInput();
      if (more === null) throw new Halted("serial input ended");
      this.feedSerial(more);
    }
    if (this.serialInterruptOn() && this.serialInput.length > 0 && !this.serialSignalled) return;
    this.onWaitForInterrupt();
  }

  private linear(): Uint8Array {
    return new Uint8Array(this.kernel.memory.buffer);
  }

  private device(devices: Device[], address: number): Device | undefined {
    return devices.find((d) => address >= d.start && address < d.end);
  }

  private outPort(port: number, value: number, size: number): void {
    const device = this.device(this.ports, port);
    if (device) device.write(port, size, BigInt(value));
    else if (port === COM1 + 3) this.divisorLatch = (value & 0x80) !== 0;
    else if (port === COM1 && !this.divisorLatch) {
      this.serial += String.fromCharCode(value & 0xff);
      this.onSerialOutput?.(value & 0xff);
    }
    else if (port === COM1 + 1 && !this.divisorLatch) this.serialInterruptEnable = value;
    else if (port === 0xf4) throw new QemuExit(value);
    else if (port === 0x61) this.pitReads = 0;
  }

  private inPort(port: number, size: number): number {
    const device = this.device(this.ports, port);
    if (device) return Number(device.read(port, size));
    if (port === COM1 + 7) return 0xa5; // scratch register echoes: a UART is present
    if (port === COM1 + 5) return LSR_TRANSMIT_EMPTY | (this.serialInput.length > 0 ? LSR_DATA_READY : 0);
    if (port === COM1 && !this.divisorLatch) return this.receiveSerial();
    if (port === COM1 + 1 && !this.divisorLatch) return this.serialInterruptEnable;
    if (port === 0x61) {
      this.tsc += TSC_PER_PIT_POLL;
      return this.pitDelay > 0 && ++this.pitReads >= this.pitDelay ? 0x20 : 0;
    }
    return 0xff;
  }

  private peek(address: number, size: number): bigint {
    const device = this.device(this.mmio, address);
    return device ? device.read(address, size) : this.memory.readUint(address, size);
  }

  private poke(address: number, size: number, value: bigint): void {
    const device = this.device(this.mmio, address);
    if (device) device.write(address, size, value);
    else this.memory.writeUint(address, size, value);
  }

  private takeInterrupts(out: number): void {
    this.raiseSerialInterrupt();
    const bitmap = new Uint8Array(32);
    for (const v of this.pendingVectors) bitmap[v >> 3] |= 1 << (v & 7);
    this.pendingVectors.clear();
    this.linear().set(bitmap, out);
  }

  /** The "hw" imports; typed by kernel/arch/hw.ts, so a missing or mistyped primitive fails tsc. */
  primitives(): HwImports {
    const m = this.memory;
    const n = (v: bigint) => Number(v);
    return {
      outb: (port: number, v: number) => this.outPort(port, v & 0xff, 1),
      outw: (port: number, v: number) => this.outPort(port, v & 0xffff, 2),
      outl: (port: number, v: number) => this.outPort(port, v >>> 0, 4),
      inb: (port: number) => this.inPort(port, 1) & 0xff,
      inw: (port: number) => this.inPort(port, 2) & 0xffff,
      inl: (port: number) => this.inPort(port, 4) >>> 0,
      peek8: (a: bigint) => Number(this.peek(n(a), 1)),
      peek16: (a: bigint) => Number(this.peek(n(a), 2)),
      peek32: (a: bigint) => Number(this.peek(n(a), 4)),
      peek64: (a: bigint) => this.peek(n(a), 8),
      poke8: (a: bigint, v: number) => this.poke(n(a), 1, BigInt(v & 0xff)),
      poke16: (a: bigint, v: number) => this.poke(n(a), 2, BigInt(v & 0xffff)),
      poke32: (a: bigint, v: number) => this.poke(n(a), 4, BigInt(v >>> 0)),
      poke64: (a: bigint, v: bigint) => this.poke(n(a), 8, BigInt.asUintN(64, v)),
      physFill: (a: bigint, v: number, len: bigint) => m.fill(n(a), v, n(len)),
      physMove: (dst: bigint, src: bigint, len: bigint) => m.write(n(dst), m.read(n(src), n(len))),
      physWrite: (a: bigint, src: number, len: number) => m.write(n(a), this.linear().slice(src, src + len)),
      physRead: (dst: number, a: bigint, len: number) => this.linear().set(m.read(n(a), len), dst),
      rdtsc: () => this.readClock(),
      rdrand: (_seed: number, out: number) => this.rdrand(out),
      cpuid: (leaf: number, _sub: number, out: number) => this.cpuid(leaf >>> 0, out),
      readCr: (which: number) => (which === 3 ? BigInt(PML4) : which === 2 ? this.cr2 : 0n),
      invalidatePage: () => undefined,
      loadIdt: (table: number, limit: number) => (this.idt = { table, limit }),
      isrStub: (vector: number) => BigInt(IMAGE_START + 0x1000 + vector * 16),
      takeInterrupts: (out: number) => this.takeInterrupts(out),
      setInterruptAck: (eoiRegister: bigint, picBase: number) => (this.interruptAck = { eoiRegister, picBase }),
      waitForInterrupt: () => this.waitForInterrupt(),
      // Interrupts are only ever made pending here when the kernel waits.
      acceptInterrupts: () => undefined,
      imageStart: () => BigInt(IMAGE_START),
      imageEnd: () => BigInt(IMAGE_END),
      linearBase: () => LINEAR_BASE,
      stackGuard: () => BigInt(STACK_GUARD),
      overflowStack: () => this.overflowStack(),
      halt: () => {
        throw new Halted("halt");
      },
    };
  }

  // What the CPU does when the C recursion reaches the guard page: CR2 names
  // it, the page fault's own frame cannot be pushed there, so a double fault
  // enters the kernel with its frame (laid out as boot/interrupts.S saves it)
  // on another stack.
  private overflowStack(): void {
    const rsp = BigInt(STACK_GUARD + 0xff8);
    this.cr2 = rsp;
    const words = new Array<bigint>(15).fill(0n);
    words.push(8n, 0n, BigInt(IMAGE_START), 8n, 2n, rsp, 0x10n);
    words.forEach((w, i) => this.memory.writeUint(DOUBLE_FAULT_FRAME + i * 8, 8, w));
    this.kernel.onException(BigInt(DOUBLE_FAULT_FRAME));
  }

  private readClock(): bigint {
    this.tsc += this.tscPerRead;
    this.onClockRead?.();
    return this.tsc;
  }

  private rdrand(out: number): number {
    const value = this.hardwareRandom?.() ?? null;
    if (value === null) return 0;
    new DataView(this.kernel.memory.buffer).setBigUint64(out, value, true);
    return 1;
  }

  // Leaf 0x80000000 reports no brand string, so the kernel falls back to the
  // vendor of leaf 0: "AtollSimCPU!" split over ebx, edx, ecx.
  private cpuid(leaf: number, out: number): void {
    const regs = new DataView(this.kernel.memory.buffer, out, 16);
    const vendor = Buffer.from("AtollSimCPU!");
    const random = this.hardwareRandom !== null;
    const words =
      leaf === 0 ? [7, vendor.readUInt32LE(0), vendor.readUInt32LE(8), vendor.readUInt32LE(4)]
      : leaf === 1 ? [0, 0, random ? 1 << 30 : 0, 0]
      : leaf === 7 ? [0, random ? 1 << 18 : 0, 0, 0]
      : [leaf === 0x80000000 ? 0x80000000 : 0, 0, 0, 0];
    words.forEach((w, i) => regs.setUint32(i * 4, w >>> 0, true));
  }
}

/** A fresh machine with the kernel loaded. */
export async function newMachine(): Promise<Machine> {
  const machine = new Machine();
  await machine.load();
  return machine;
}
