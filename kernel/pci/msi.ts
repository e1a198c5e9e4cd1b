// Message-signalled interrupts (PCI local bus 3.0, 6.8.1): the function
// raises an interrupt by writing `data` to `address`; aimed at the local
// APIC's window (0xFEE00000 | destination << 12) with data = the vector,
// fixed delivery and edge trigger, that write is the interrupt. INTx is
// disabled while MSI is on, so the function never also asserts its line;
// bus mastering is turned on, since the message is the function's own
// memory write (QEMU drops it otherwise).
import { PciDevice, Register } from "./device";

export const MSI_CAPABILITY: u32 = 0x05;
const APIC_WINDOW: u32 = 0xfee00000;
const COMMAND_BUS_MASTER: u32 = 1 << 2;
const COMMAND_INTX_DISABLE: u32 = 1 << 10;
// Message control, the upper half of the capability's first dword.
const CONTROL_ENABLE: u32 = 1 << 16;
const CONTROL_MULTIPLE_ENABLE: u32 = 7 << 20;
const CONTROL_64BIT: u32 = 1 << 23;
const CONTROL_PER_VECTOR_MASK: u32 = 1 << 24;

/** Points the MSI capability at `at` to `vector` on the CPU with local APIC `apicId`, one message, enabled. */
export function enableMsi(dev: PciDevice, at: u32, vector: u32, apicId: u32): void {
  const control = dev.read32(at);
  const wide = (control & CONTROL_64BIT) != 0;
  dev.write32(at, control & ~(CONTROL_ENABLE | CONTROL_MULTIPLE_ENABLE));
  dev.write32(at + 4, APIC_WINDOW | (apicId << 12));
  if (wide) dev.write32(at + 8, 0);
  const dataAt = at + (wide ? 12 : 8);
  // The data register is 16 bits; the next 16 are reserved (or the extended data, left 0).
  dev.write32(dataAt, vector & 0xff);
  if (control & CONTROL_PER_VECTOR_MASK) dev.write32(dataAt + 4, 0);
  dev.write32(Register.Command, (dev.read32(Register.Command) & 0xffff) | COMMAND_BUS_MASTER | COMMAND_INTX_DISABLE);
  dev.write32(at, (control & ~CONTROL_MULTIPLE_ENABLE) | CONTROL_ENABLE);
}

/** Turns the function's MSI off again (INTx stays disabled: no driver is there to serve it). */
export function disableMsi(dev: PciDevice, at: u32): void {
  dev.write32(at, dev.read32(at) & ~CONTROL_ENABLE);
}
