// A simulated PCI bus for the hosted tests: functions with configuration
// space, BARs that answer the write-ones size probe, capability lists, and
// both ways in: the 0xCF8/0xCFC ports and an ECAM window.
import type { Device, Machine } from "./machine.ts";

export interface SimBar {
  kind: "io" | "mem32" | "mem64";
  address: number;
  size: number;
  prefetchable?: boolean;
  /** An I/O BAR that decodes only 16 address bits: its upper half reads zero. */
  decodes16?: boolean;
}

export interface SimFunction {
  bus: number;
  device: number;
  fn: number;
  vendor: number;
  deviceId: number;
  /** class, subclass, prog-if */
  classCode: [number, number, number];
  headerType?: number;
  multiFunction?: boolean;
  /** Indexed by BAR number; a 64-bit BAR also takes the next index. */
  bars?: (SimBar | undefined)[];
  capabilities?: number[];
  irq?: { line: number; pin: number };
  rom?: { address: number; size: number };
}

const CONFIG_SIZE = 4096;
const CAPABILITIES_START = 0x40;
/** An MSI capability (id 5) is placed 64-bit capable; put it last, it takes 14 bytes. */
const MSI = 5;
const MSI_64BIT = 0x80;

class ConfigFunction {
  readonly bytes = new Uint8Array(CONFIG_SIZE);
  private readonly view = new DataView(this.bytes.buffer);
  /** Per BAR register: the bits that cannot be written (size - 1 and flags), or undefined. */
  private readonly fixed: (number | undefined)[] = [];
  /** The expansion ROM register's writable bits (0: no ROM). */
  private readonly romWritable: number;
  /** Where the capabilities start: their id and next bytes are read-only, the rest is writable. */
  private readonly capabilityHeaders = new Set<number>();

  constructor(f: SimFunction) {
    const v = this.view;
    v.setUint16(0, f.vendor, true);
    v.setUint16(2, f.deviceId, true);
    v.setUint8(8, 1);
    v.setUint8(9, f.classCode[2]);
    v.setUint8(10, f.classCode[1]);
    v.setUint8(11, f.classCode[0]);
    v.setUint8(14, (f.headerType ?? 0) | (f.multiFunction ? 0x80 : 0));
    v.setUint8(0x3c, f.irq?.line ?? 0);
    v.setUint8(0x3d, f.irq?.pin ?? 0);
    (f.bars ?? []).forEach((bar, i) => bar && this.placeBar(i, bar));
    this.romWritable = f.rom ? (~(f.rom.size - 1) & 0xfffff801) >>> 0 : 0;
    if (f.rom) v.setUint32(0x30, f.rom.address, true);
    this.placeCapabilities(f.capabilities ?? []);
  }

  private placeBar(index: number, bar: SimBar): void {
    const flags = bar.kind === "io" ? 1 : (bar.kind === "mem64" ? 4 : 0) | (bar.prefetchable ? 8 : 0);
    const offset = 0x10 + index * 4;
    const size = BigInt(bar.size);
    const low = Number((BigInt(bar.address) & 0xffffffffn) | BigInt(flags));
    this.view.setUint32(offset, low >>> 0, true);
    this.fixed[index] = (Number((size - 1n) & 0xffffffffn) | flags | (bar.decodes16 ? 0xffff0000 : 0)) >>> 0;
    if (bar.kind === "mem64") {
      this.view.setUint32(offset + 4, Number(BigInt(bar.address) >> 32n), true);
      this.fixed[index + 1] = Number(((size - 1n) >> 32n) & 0xffffffffn);
    }
  }

  private placeCapabilities(ids: number[]): void {
    if (ids.length === 0) return;
    this.view.setUint16(6, 0x10, true);
    this.bytes[0x34] = CAPABILITIES_START;
    ids.forEach((id, i) => {
      const at = CAPABILITIES_START + i * 8;
      this.bytes[at] = id;
      this.bytes[at + 1] = i + 1 < ids.length ? at + 8 : 0;
      if (id === MSI) this.bytes[at + 2] = MSI_64BIT;
      this.capabilityHeaders.add(at);
    });
  }

  read32(offset: number): number {
    return this.view.getUint32(offset, true);
  }

  write32(offset: number, value: number): void {
    const bar = offset >= 0x10 && offset < 0x28 ? (offset - 0x10) / 4 : -1;
    if (offset === 4) this.view.setUint16(4, value & 0xffff, true);
    else if (offset === 0x30) this.view.setUint32(0x30, (value & this.romWritable) >>> 0, true);
    else if (this.capabilityHeaders.has(offset)) this.view.setUint16(offset + 2, value >>> 16, true);
    else if (offset >= CAPABILITIES_START) this.view.setUint32(offset, value >>> 0, true);
    else if (bar >= 0) {
      const fixed = this.fixed[bar];
      const kept = fixed === undefined ? 0xffffffff : fixed;
      this.view.setUint32(offset, ((this.read32(offset) & kept) | (value & ~kept)) >>> 0, true);
    }
  }
}

export class SimulatedPci {
  readonly functions = new Map<string, ConfigFunction>();
  /** Configuration accesses through each mechanism, so tests can see which one the kernel used. */
  portAccesses = 0;
  ecamAccesses = 0;
  private address = 0;

  constructor(functions: SimFunction[]) {
    for (const f of functions) this.functions.set(`${f.bus}:${f.device}:${f.fn}`, new ConfigFunction(f));
  }

  function(bus: number, device: number, fn: number): ConfigFunction | undefined {
    return this.functions.get(`${bus}:${device}:${fn}`);
  }

  private readConfig(bus: number, device: number, fn: number, offset: number): number {
    return this.function(bus, device, fn)?.read32(offset & 0xffc) ?? 0xffffffff;
  }

  /** Ports 0xCF8 (address) and 0xCFC-0xCFF (data). */
  ports(): Device {
    return {
      start: 0xcf8,
      end: 0xd00,
      read: (port, size) => {
        if (port === 0xcf8) return BigInt(this.address >>> 0);
        this.portAccesses++;
        const a = this.address;
        if (port < 0xcfc || !(a & 0x80000000)) return 0xffffffffn;
        const dword = this.readConfig((a >> 16) & 0xff, (a >> 11) & 0x1f, (a >> 8) & 7, a & 0xfc);
        return BigInt((dword >>> ((port & 3) * 8)) & (size === 4 ? 0xffffffff : (1 << (size * 8)) - 1));
      },
      write: (port, _size, value) => {
        if (port === 0xcf8) this.address = Number(value);
        else if (port === 0xcfc && this.address & 0x80000000) {
          this.portAccesses++;
          const a = this.address;
          this.function((a >> 16) & 0xff, (a >> 11) & 0x1f, (a >> 8) & 7)?.write32(a & 0xfc, Number(value));
        }
      },
    };
  }

  /** An ECAM window for buses 0-255 at `base`. */
  ecam(base: number): Device {
    const locate = (address: number) => {
      const at = address - base;
      return { bus: Math.floor(at / (1 << 20)), device: (at >> 15) & 0x1f, fn: (at >> 12) & 7, offset: at & 0xfff };
    };
    return {
      start: base,
      end: base + 256 * (1 << 20),
      read: (address) => {
        this.ecamAccesses++;
        const l = locate(address);
        return BigInt(this.readConfig(l.bus, l.device, l.fn, l.offset));
      },
      write: (address, _size, value) => {
        this.ecamAccesses++;
        const l = locate(address);
        this.function(l.bus, l.device, l.fn)?.write32(l.offset, Number(value));
      },
    };
  }

  attachPorts(m: Machine): this {
    m.ports.push(this.ports());
    return this;
  }

  attachEcam(m: Machine, base: number): this {
    m.mmio.push(this.ecam(base));
    return this;
  }
}
