// The MADT ("APIC" table): the processors' local APICs, the I/O APICs, how
// ISA IRQs map to global system interrupts (GSIs), and the NMI wiring. A
// malformed entry ends the walk with a warning; what came before is kept.
import * as log from "../console/log";
import { Table } from "./table";

const ENTRIES_OFFSET: u32 = 44;
const ENABLED: u32 = 1;

const enum EntryType {
  LocalApic = 0,
  IoApic = 1,
  SourceOverride = 2,
  NmiSource = 3,
  LocalApicNmi = 4,
  LocalApicAddress = 5,
  LocalX2Apic = 9,
  LocalX2ApicNmi = 10,
}

/** The shortest valid entry of each type (0 = a type the kernel skips). */
function minimumLength(type: u32): u32 {
  if (type == EntryType.LocalApic) return 8;
  if (type == EntryType.IoApic) return 12;
  if (type == EntryType.SourceOverride) return 10;
  if (type == EntryType.NmiSource) return 8;
  if (type == EntryType.LocalApicNmi) return 6;
  if (type == EntryType.LocalApicAddress) return 12;
  if (type == EntryType.LocalX2Apic) return 16;
  if (type == EntryType.LocalX2ApicNmi) return 12;
  return 0;
}

export class IoApic {
  constructor(public id: u32, public address: u64, public gsiBase: u32) {}
}

/**
 * Polarity and trigger from MPS INTI flags: bits 0-1 polarity (1 high,
 * 3 low), bits 2-3 trigger (1 edge, 3 level), 0 meaning "as the bus does",
 * which for ISA is edge-triggered, active high.
 */
export class InterruptFlags {
  constructor(public activeLow: bool, public levelTriggered: bool) {}

  static fromMps(flags: u32): InterruptFlags {
    return new InterruptFlags((flags & 3) == 3, ((flags >> 2) & 3) == 3);
  }

  toString(): string {
    return (this.levelTriggered ? "level" : "edge") + " " + (this.activeLow ? "low" : "high");
  }
}

export class SourceOverride {
  constructor(public irq: u32, public gsi: u32, public flags: InterruptFlags) {}
}

export class Nmi {
  /** `gsi` for an NMI source; `processor` (0xff = all) and `lint` for a local APIC NMI. */
  constructor(public gsi: i64, public processor: u32, public lint: u32, public flags: InterruptFlags) {}
}

export class Madt {
  localApicAddress: u64 = 0;
  /** PCAT_COMPAT: the machine also has 8259 PICs, which must be masked. */
  hasLegacyPics: bool = false;
  /** APIC ids of the enabled processors. */
  cpus: u32[] = [];
  ioApics: IoApic[] = [];
  overrides: SourceOverride[] = [];
  nmis: Nmi[] = [];

  /** The override that targets `gsi`, if any. */
  overrideForGsi(gsi: u32): SourceOverride | null {
    for (let i = 0; i < this.overrides.length; i++) if (this.overrides[i].gsi == gsi) return this.overrides[i];
    return null;
  }

  /** The GSI and flags for ISA `irq`: an override, else the identity mapping. */
  isaIrq(irq: u32): SourceOverride {
    for (let i = 0; i < this.overrides.length; i++) if (this.overrides[i].irq == irq) return this.overrides[i];
    return new SourceOverride(irq, irq, new InterruptFlags(false, false));
  }
}

function readEntry(madt: Madt, table: Table, at: u32, type: u32): void {
  if (type == EntryType.LocalApic) {
    if (table.u32(at + 4) & ENABLED) madt.cpus.push(table.u8(at + 3));
  } else if (type == EntryType.LocalX2Apic) {
    if (table.u32(at + 8) & ENABLED) madt.cpus.push(table.u32(at + 4));
  } else if (type == EntryType.IoApic) {
    madt.ioApics.push(new IoApic(table.u8(at + 2), table.u32(at + 4), table.u32(at + 8)));
  } else if (type == EntryType.SourceOverride) {
    madt.overrides.push(new SourceOverride(table.u8(at + 3), table.u32(at + 4), InterruptFlags.fromMps(table.u16(at + 8))));
  } else if (type == EntryType.NmiSource) {
    madt.nmis.push(new Nmi(table.u32(at + 4), 0, 0, InterruptFlags.fromMps(table.u16(at + 2))));
  } else if (type == EntryType.LocalApicNmi) {
    madt.nmis.push(new Nmi(-1, table.u8(at + 2), table.u8(at + 5), InterruptFlags.fromMps(table.u16(at + 3))));
  } else if (type == EntryType.LocalX2ApicNmi) {
    const uid = table.u32(at + 4);
    madt.nmis.push(new Nmi(-1, uid == 0xffffffff ? 0xff : uid, table.u8(at + 8), InterruptFlags.fromMps(table.u16(at + 2))));
  } else if (type == EntryType.LocalApicAddress) {
    madt.localApicAddress = table.u64(at + 4);
  }
}

export function parseMadt(table: Table): Madt {
  const madt = new Madt();
  madt.localApicAddress = table.u32(36);
  madt.hasLegacyPics = (table.u32(40) & 1) != 0;
  let at = ENTRIES_OFFSET;
  while (at + 2 <= table.length) {
    const type = table.u8(at);
    const length = table.u8(at + 1);
    if (length < 2 || at + length > table.length) {
      log.warn("ACPI: MADT entry at offset " + at.toString() + " has length " + length.toString() + " past the table's end; ignoring the rest");
      break;
    }
    if (length < minimumLength(type)) log.warn("ACPI: MADT entry type " + type.toString() + " at offset " + at.toString() + " is too short (" + length.toString() + " bytes); skipped");
    else readEntry(madt, table, at, type);
    at += length;
  }
  return madt;
}
