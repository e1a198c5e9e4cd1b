// The Generic Address Structure: how ACPI names a register (in memory, I/O
// port space or PCI configuration space) in FADT and HPET tables.
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

  get present(): bool {
    return this.address != 0;
  }

  toString(): string {
    const space = this.space == AddressSpace.Memory ? "mem" : this.space == AddressSpace.Io ? "io" : this.space == AddressSpace.PciConfig ? "pci" : "space" + this.space.toString();
    return space + " 0x" + this.address.toString(16);
  }
}
