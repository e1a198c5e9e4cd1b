// Base address registers and their sizes. Writing all ones to a BAR and
// reading it back shows which address bits the device decodes; the size
// is the lowest one of them. Decoding is switched off meanwhile so the
// device never answers at the all-ones address.
import { Bar, EXPANSION_ROM_INDEX, HeaderType, PciDevice, Register } from "./device";

const BAR_IS_IO: u32 = 1;
const MEMORY_TYPE_64: u32 = 2;
const PREFETCHABLE: u32 = 8;
const DECODE_IO_AND_MEMORY: u32 = 3;
const ROM_ADDRESS_MASK: u32 = 0xfffff800;

function barCount(headerType: u32): u32 {
  if (headerType == HeaderType.General) return 6;
  if (headerType == HeaderType.PciBridge) return 2;
  return 0;
}

/** What the register reads after all ones were written; the original value is restored. */
function probe(dev: PciDevice, offset: u32): u32 {
  const original = dev.read32(offset);
  dev.write32(offset, 0xffffffff);
  const mask = dev.read32(offset);
  dev.write32(offset, original);
  return mask;
}

function ioBar(index: u32, value: u32, mask: u32): Bar | null {
  // Devices that decode only 16 I/O address bits read zeros above them.
  const decoded = (mask & ~3) | (mask >> 16 == 0 ? 0xffff0000 : 0);
  if ((mask & ~3) == 0) return null;
  return new Bar(index, true, false, false, value & ~3, <u64>(~decoded + 1));
}

function memoryBar(dev: PciDevice, index: u32, value: u32, mask: u32, is64: bool): Bar | null {
  let address = <u64>(value & ~0xf);
  let decoded = <u64>(mask & ~0xf) | 0xffffffff_00000000;
  if (is64) {
    const high = Register.Bar0 + (index + 1) * 4;
    address |= <u64>dev.read32(high) << 32;
    decoded = <u64>(mask & ~0xf) | (<u64>probe(dev, high) << 32);
  }
  if ((decoded & 0xffffffff_fffffff0) == (is64 ? 0 : 0xffffffff_00000000)) return null;
  return new Bar(index, false, is64, (value & PREFETCHABLE) != 0, address, ~decoded + 1);
}

// The expansion ROM register: address bits from 11 up, bit 0 enables it.
function romBar(dev: PciDevice): Bar | null {
  const offset = dev.headerType == HeaderType.General ? Register.ExpansionRom : Register.BridgeExpansionRom;
  const value = dev.read32(offset);
  const decoded = probe(dev, offset) & ROM_ADDRESS_MASK;
  if (decoded == 0) return null;
  return new Bar(EXPANSION_ROM_INDEX, false, false, false, value & ROM_ADDRESS_MASK, <u64>(~decoded + 1));
}

export function readBars(dev: PciDevice): void {
  const count = barCount(dev.headerType);
  if (count == 0) return;
  const command = dev.read16(Register.Command);
  dev.write16(Register.Command, command & ~DECODE_IO_AND_MEMORY);
  for (let index: u32 = 0; index < count; index++) {
    const offset = Register.Bar0 + index * 4;
    const value = dev.read32(offset);
    const mask = probe(dev, offset);
    const isIo = (value & BAR_IS_IO) != 0;
    // A 64-bit BAR takes the next register as its upper half (none after the last).
    const is64 = !isIo && ((value >> 1) & 3) == MEMORY_TYPE_64 && index + 1 < count;
    const bar = isIo ? ioBar(index, value, mask) : memoryBar(dev, index, value, mask, is64);
    if (bar != null) dev.bars.push(bar);
    if (is64) index++;
  }
  const rom = romBar(dev);
  if (rom != null) dev.bars.push(rom);
  dev.write16(Register.Command, command);
}
