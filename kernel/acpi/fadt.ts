// The FADT ("FACP"): the fixed hardware registers (PM1 control blocks for
// sleep states, the reset register), the SCI interrupt and the DSDT's
// address. ACPI 1.0 tables are shorter; fields past the table's length are
// absent, and the 64-bit X_ fields win over the 32-bit ones when set.
import * as log from "../console/log";
import { GAS_SIZE, GenericAddress } from "./gas";
import { Table } from "./table";

/** ACPI 1.0's FADT ends at the reset register. */
const MINIMUM_LENGTH: u32 = 116;
const RESET_REG_SUPPORTED: u32 = 1 << 10;
const BOOT_ARCH_8042: u32 = 1 << 1;
const PM1_CONTROL_BITS: u32 = 16;

const enum Offset {
  Dsdt = 40,
  SciInterrupt = 46,
  SmiCommand = 48,
  AcpiEnable = 52,
  Pm1aControl = 64,
  Pm1bControl = 68,
  Century = 108,
  BootArch = 109,
  Flags = 112,
  ResetRegister = 116,
  ResetValue = 128,
  XDsdt = 140,
  XPm1aControl = 172,
  XPm1bControl = 184,
}

export class Fadt {
  revision: u32 = 0;
  dsdt: u64 = 0;
  sciInterrupt: u32 = 0;
  /** The port that switches the machine into ACPI mode, and the value to write. */
  smiCommand: u32 = 0;
  acpiEnable: u32 = 0;
  pm1aControl: GenericAddress = GenericAddress.io(0, 0);
  pm1bControl: GenericAddress = GenericAddress.io(0, 0);
  /** Absent (address 0) unless the firmware says it is supported. */
  resetRegister: GenericAddress = GenericAddress.io(0, 0);
  resetValue: u32 = 0;
  /** The CMOS RTC's century register index, 0 when there is none. */
  century: u32 = 0;
  has8042: bool = true;
}

function has(table: Table, offset: u32, size: u32): bool {
  return offset + size <= table.length;
}

/** The X_ field when the table has it and it is set, else the 32-bit port. */
function controlBlock(table: Table, port: u32, extended: u32): GenericAddress {
  if (has(table, extended, GAS_SIZE)) {
    const gas = GenericAddress.read(table, extended);
    if (gas.present) return gas;
  }
  return GenericAddress.io(table.u32(port), PM1_CONTROL_BITS);
}

export function parseFadt(table: Table): Fadt | null {
  if (table.length < MINIMUM_LENGTH) {
    log.warn("ACPI: FADT is truncated (" + table.length.toString() + " bytes); no power management");
    return null;
  }
  const fadt = new Fadt();
  fadt.revision = table.revision;
  fadt.dsdt = has(table, Offset.XDsdt, 8) && table.u64(Offset.XDsdt) != 0 ? table.u64(Offset.XDsdt) : table.u32(Offset.Dsdt);
  fadt.sciInterrupt = table.u16(Offset.SciInterrupt);
  fadt.smiCommand = table.u32(Offset.SmiCommand);
  fadt.acpiEnable = table.u8(Offset.AcpiEnable);
  fadt.pm1aControl = controlBlock(table, Offset.Pm1aControl, Offset.XPm1aControl);
  fadt.pm1bControl = controlBlock(table, Offset.Pm1bControl, Offset.XPm1bControl);
  fadt.century = table.u8(Offset.Century);
  // Revision 1 tables leave the boot architecture flags reserved (zero).
  if (table.revision >= 2) fadt.has8042 = (table.u16(Offset.BootArch) & BOOT_ARCH_8042) != 0;
  if (has(table, Offset.ResetValue, 1) && (table.u32(Offset.Flags) & RESET_REG_SUPPORTED) != 0) {
    fadt.resetRegister = GenericAddress.read(table, Offset.ResetRegister);
    fadt.resetValue = table.u8(Offset.ResetValue);
  }
  return fadt;
}
