// PCI configuration space access. Two mechanisms reach it: memory-mapped
// ECAM (from the ACPI MCFG table) and the legacy 0xCF8/0xCFC port pair.
// Both are reduced to aligned 32-bit reads and writes; narrower fields are
// carved out of those, so each mechanism implements only two methods.

export class ConfigSpace {
  constructor(public segment: u32, public firstBus: u32, public lastBus: u32) {}

  /** The dword at `offset` (a multiple of 4); all ones where nothing answers. */
  read32(bus: u32, device: u32, fn: u32, offset: u32): u32 {
    return 0xffffffff;
  }

  write32(bus: u32, device: u32, fn: u32, offset: u32, value: u32): void {}

  describe(): string {
    return "nothing";
  }

  read16(bus: u32, device: u32, fn: u32, offset: u32): u32 {
    return (this.read32(bus, device, fn, offset & ~3) >> ((offset & 2) * 8)) & 0xffff;
  }

  read8(bus: u32, device: u32, fn: u32, offset: u32): u32 {
    return (this.read32(bus, device, fn, offset & ~3) >> ((offset & 3) * 8)) & 0xff;
  }

  /** Writes the 16-bit field at `offset`, keeping the other half of its dword. */
  write16(bus: u32, device: u32, fn: u32, offset: u32, value: u32): void {
    const shift = (offset & 2) * 8;
    const dword = this.read32(bus, device, fn, offset & ~3);
    this.write32(bus, device, fn, offset & ~3, (dword & ~(0xffff << shift)) | ((value & 0xffff) << shift));
  }
}
