// Configuration mechanism #1: write the function's address to port 0xCF8,
// then move the dword through port 0xCFC. It reaches the first 256 bytes
// of each function on segment 0.
import { inl, outl } from "../arch/hw";
import { ConfigSpace } from "./config";

const ADDRESS_PORT: u32 = 0xcf8;
const DATA_PORT: u32 = 0xcfc;
const ENABLE: u32 = 0x80000000;

function select(bus: u32, device: u32, fn: u32, offset: u32): void {
  outl(ADDRESS_PORT, ENABLE | (bus << 16) | (device << 11) | (fn << 8) | (offset & 0xfc));
}

export class PortConfig extends ConfigSpace {
  constructor() {
    super(0, 0, 255);
  }

  read32(bus: u32, device: u32, fn: u32, offset: u32): u32 {
    if (offset > 0xff) return 0xffffffff;
    select(bus, device, fn, offset);
    return inl(DATA_PORT);
  }

  write32(bus: u32, device: u32, fn: u32, offset: u32, value: u32): void {
    if (offset > 0xff) return;
    select(bus, device, fn, offset);
    outl(DATA_PORT, value);
  }

  describe(): string {
    return "ports 0xcf8/0xcfc";
  }
}

/** Whether the address port keeps what is written to it, as only mechanism #1 does. */
export function portMechanismPresent(): bool {
  const saved = inl(ADDRESS_PORT);
  outl(ADDRESS_PORT, ENABLE);
  const present = inl(ADDRESS_PORT) == ENABLE;
  outl(ADDRESS_PORT, saved);
  return present;
}
