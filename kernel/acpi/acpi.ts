// ACPI at boot: find the RSDP, walk the root table, parse the tables the
// kernel uses (MADT, MCFG, HPET, FADT and the DSDT's _S5). Nothing here
// panics: a missing or broken table is a warning, and what depends on it
// falls back (one CPU and the 8259 PIC, PCI through ports, PIT timing).
import * as log from "../console/log";
import { dumpBytes, dumpTable } from "./dump";
import { Fadt, parseFadt } from "./fadt";
import { HpetInfo, parseHpet } from "./hpet";
import { Madt, parseMadt } from "./madt";
import { EcamRegion, parseMcfg } from "./mcfg";
import { reportAcpi } from "./report";
import { readRootTables, RootTables } from "./root";
import { findRsdp, Rsdp } from "./rsdp";
import { findS5, SleepType } from "./s5";
import { loadTable, Table } from "./table";

export class Acpi {
  rsdp: Rsdp | null = null;
  root: RootTables | null = null;
  madt: Madt | null = null;
  ecam: EcamRegion[] = [];
  hpet: HpetInfo | null = null;
  fadt: Fadt | null = null;
  s5: SleepType | null = null;
}

let current = new Acpi();

/** What initAcpi found (an empty Acpi before it runs or without ACPI). */
export function acpi(): Acpi {
  return current;
}

export function initAcpi(rsdpCopy: Uint8Array | null, dump: bool): Acpi {
  current = new Acpi();
  const rsdp = findRsdp(rsdpCopy);
  if (rsdp == null) {
    log.warn("ACPI: no RSDP found; assuming one CPU, the 8259 PIC and PCI through ports");
    return current;
  }
  current.rsdp = rsdp;
  if (dump) dumpBytes("RSDP", rsdp.address, rsdp.bytes);
  const root = readRootTables(rsdp);
  if (root == null) {
    log.warn("ACPI: no usable root table; assuming one CPU, the 8259 PIC and PCI through ports");
    return current;
  }
  current.root = root;
  if (dump) {
    dumpTable(root.root);
    for (let i = 0; i < root.tables.length; i++) dumpTable(root.tables[i]);
  }
  readTables(current, root, dump);
  reportAcpi(current);
  return current;
}

function readTables(info: Acpi, root: RootTables, dump: bool): void {
  const madt = root.find("APIC");
  if (madt != null) info.madt = parseMadt(madt);
  const mcfg = root.find("MCFG");
  if (mcfg != null) info.ecam = parseMcfg(mcfg);
  const hpet = root.find("HPET");
  if (hpet != null) info.hpet = parseHpet(hpet);
  const facp = root.find("FACP");
  if (facp != null) info.fadt = parseFadt(facp);
  const fadt = info.fadt;
  if (fadt != null) info.s5 = findSleepTypes(fadt, root, dump);
}

// _S5 is in the DSDT on almost every machine, in an SSDT on a few.
function findSleepTypes(fadt: Fadt, root: RootTables, dump: bool): SleepType | null {
  const dsdt = loadTable(fadt.dsdt, "DSDT", "FADT");
  if (dsdt == null) return null;
  if (dump) dumpTable(dsdt);
  let s5 = findS5(dsdt);
  for (let i = 0; s5 == null && i < root.tables.length; i++) {
    const table: Table = root.tables[i];
    if (table.signature == "SSDT") s5 = findS5(table);
  }
  return s5;
}
