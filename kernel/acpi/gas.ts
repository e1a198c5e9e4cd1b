// The Generic Address Structure: how ACPI names a register (in memory, I/O
// port space or PCI configuration space) in FADT and HPET tables.
import { inb, inl, inw, outb, outl, outw, peek16, peek32, peek8, poke16, poke32, poke8 } from "../arch/hw";
import { Table } from "./table";

export const enum AddressSpace {
  Memory = 0,
  Io = 1,
  PciConfig = 2,
}

export const GAS_SIZE: u32 = 12;

export class GenericAddress {
  constructor(public space: u32, public bitWidth: u32, public address: u64) {}

  static read(table: Table, offset: u32): GenericAddress {
    return new GenericAddress(table.u8(offset), table.u8(offset + 1), table.u64(offset + 4));
  }

  static io(port: u64, bitWidth: u32): GenericAddress {
    return new GenericAddress(AddressSpace.Io, bitWidth, port);
  }

  /** Whether read and write can reach it: I/O ports or memory, 8 to 32 bits. */
  get accessible(): bool {
    const width = this.bitWidth;
    return this.present && (this.space == AddressSpace.Io || this.space == AddressSpace.Memory) && (width == 8 || width == 16 || width == 32);
  }

  read(): u32 {
    if (this.space == AddressSpace.Io) {
      const port = <u32>this.address;
      return this.bitWidth == 8 ? inb(port) : this.bitWidth == 16 ? inw(port) : inl(port);
    }
    return this.bitWidth == 8 ? peek8(this.address) : this.bitWidth == 16 ? peek16(this.address) : peek32(this.address);
  }

  write(value: u32): void {
    if (this.space == AddressSpace.Io) {
      const port = <u32>this.address;
      if (this.bitWidth == 8) outb(port, value);
      else if (this.bitWidth == 16) outw(port, value);
      else outl(port, value);
    } else if (this.bitWidth == 8) poke8(this.address, value);
    else if (this.bitWidth == 16) poke16(this.address, value);
    else poke32(this.address, value);
  }

  get present(): bool {
    return this.address != 0;
  }

  toString(): string {
    const space = this.space == AddressSpace.Memory ? "mem" : this.space == AddressSpace.Io ? "io" : this.space == AddressSpace.PciConfig ? "pci" : "space" + this.space.toString();
    return space + " 0x" + this.address.toString(16);
  }
}
