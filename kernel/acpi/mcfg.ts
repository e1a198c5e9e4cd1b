// The MCFG table: where each PCI segment's memory-mapped configuration
// space (ECAM) lives, one MiB per bus.
import * as log from "../console/log";
import { isMapped, Table } from "./table";

const ENTRIES_OFFSET: u32 = 44;
const ENTRY_SIZE: u32 = 16;
const BYTES_PER_BUS: u64 = 1 << 20;

export class EcamRegion {
  constructor(public base: u64, public segment: u32, public startBus: u32, public endBus: u32) {}

  toString(): string {
    return "0x" + this.base.toString(16) + " segment " + this.segment.toString() + " buses " + this.startBus.toString() + "-" + this.endBus.toString();
  }
}

/** The usable regions; entries beyond 4 GiB or with a reversed bus range are skipped. */
export function parseMcfg(table: Table): EcamRegion[] {
  const regions: EcamRegion[] = [];
  if ((table.length - ENTRIES_OFFSET) % ENTRY_SIZE != 0) log.warn("ACPI: MCFG length is not a whole number of entries");
  for (let at = ENTRIES_OFFSET; at + ENTRY_SIZE <= table.length; at += ENTRY_SIZE) {
    const region = new EcamRegion(table.u64(at), table.u16(at + 8), table.u8(at + 10), table.u8(at + 11));
    const size = (<u64>region.endBus - region.startBus + 1) * BYTES_PER_BUS;
    if (region.endBus < region.startBus || !isMapped(region.base, size)) {
      log.warn("ACPI: MCFG entry " + region.toString() + " is unusable; skipped");
      continue;
    }
    regions.push(region);
  }
  return regions;
}
