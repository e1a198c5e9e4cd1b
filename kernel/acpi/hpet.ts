// The HPET table: where the High Precision Event Timer's registers are.
import * as log from "../console/log";
import { AddressSpace, GenericAddress } from "./gas";
import { isMapped, Table } from "./table";

const MINIMUM_LENGTH: u32 = 56;
const REGISTER_BLOCK_SIZE: u64 = 1024;

export class HpetInfo {
  constructor(public address: u64, public number: u32, public minimumTick: u32) {}
}

export function parseHpet(table: Table): HpetInfo | null {
  if (table.length < MINIMUM_LENGTH) {
    log.warn("ACPI: HPET table is truncated (" + table.length.toString() + " bytes); no HPET");
    return null;
  }
  const base = GenericAddress.read(table, 40);
  if (base.space != AddressSpace.Memory || !isMapped(base.address, REGISTER_BLOCK_SIZE)) {
    log.warn("ACPI: HPET registers at " + base.toString() + " are not usable memory; no HPET");
    return null;
  }
  return new HpetInfo(base.address, table.u8(52), table.u16(53));
}
