// One PCI function as enumeration found it, and its configuration space.
import { ConfigSpace } from "./config";

export const enum Register {
  VendorId = 0x00,
  DeviceId = 0x02,
  Command = 0x04,
  Status = 0x06,
  Revision = 0x08,
  ProgIf = 0x09,
  Subclass = 0x0a,
  Class = 0x0b,
  HeaderType = 0x0e,
  Bar0 = 0x10,
  ExpansionRom = 0x30,
  CapabilitiesPointer = 0x34,
  BridgeExpansionRom = 0x38,
  CardbusCapabilitiesPointer = 0x14,
  InterruptLine = 0x3c,
  InterruptPin = 0x3d,
}

export const enum HeaderType {
  General = 0,
  PciBridge = 1,
  CardbusBridge = 2,
}

/** The expansion ROM is listed as BAR 6, as QEMU and Linux number it. */
export const EXPANSION_ROM_INDEX: u32 = 6;

export class Bar {
  constructor(
    public index: u32,
    public isIo: bool,
    public is64: bool,
    public prefetchable: bool,
    public address: u64,
    public size: u64,
  ) {}

  toString(): string {
    if (this.index == EXPANSION_ROM_INDEX) return "ROM 0x" + this.address.toString(16) + " size 0x" + this.size.toString(16);
    const kind = this.isIo ? "io" : (this.is64 ? "mem64" : "mem32") + (this.prefetchable ? " prefetchable" : "");
    return "BAR" + this.index.toString() + " " + kind + " 0x" + this.address.toString(16) + " size 0x" + this.size.toString(16);
  }
}

export class PciDevice {
  vendorId: u32 = 0;
  deviceId: u32 = 0;
  classCode: u32 = 0;
  subclass: u32 = 0;
  progIf: u32 = 0;
  revision: u32 = 0;
  headerType: u32 = 0;
  interruptLine: u32 = 0;
  /** 0 for none, 1-4 for INTA#-INTD#. */
  interruptPin: u32 = 0;
  bars: Bar[] = [];
  capabilities: u32[] = [];
  /** Where each of `capabilities` sits in configuration space. */
  capabilityOffsets: u32[] = [];

  constructor(public config: ConfigSpace, public bus: u32, public device: u32, public fn: u32) {}

  read8(offset: u32): u32 {
    return this.config.read8(this.bus, this.device, this.fn, offset);
  }
  read16(offset: u32): u32 {
    return this.config.read16(this.bus, this.device, this.fn, offset);
  }
  read32(offset: u32): u32 {
    return this.config.read32(this.bus, this.device, this.fn, offset);
  }
  write16(offset: u32, value: u32): void {
    this.config.write16(this.bus, this.device, this.fn, offset, value);
  }
  write32(offset: u32, value: u32): void {
    this.config.write32(this.bus, this.device, this.fn, offset, value);
  }

  /** The configuration-space offset of the first capability `id`, 0 when it has none. */
  capabilityAt(id: u32): u32 {
    const i = this.capabilities.indexOf(id);
    return i < 0 ? 0 : this.capabilityOffsets[i];
  }

  /** "ssss:bb:dd.f", as lspci -D prints it. */
  location(): string {
    return hex(this.config.segment, 4) + ":" + hex(this.bus, 2) + ":" + hex(this.device, 2) + "." + this.fn.toString();
  }
}

export function hex(value: u32, digits: i32): string {
  return value.toString(16).padStart(digits, "0");
}
