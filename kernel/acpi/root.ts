// The root table lists every other table: the XSDT (64-bit entries) when
// the RSDP offers a valid one, else the RSDT (32-bit entries).
import * as log from "../console/log";
import { Rsdp } from "./rsdp";
import { HEADER_SIZE, loadTable, Table } from "./table";

export class RootTables {
  constructor(public root: Table, public tables: Table[]) {}

  find(signature: string): Table | null {
    for (let i = 0; i < this.tables.length; i++) if (this.tables[i].signature == signature) return this.tables[i];
    return null;
  }
}

function loadRoot(rsdp: Rsdp): Table | null {
  if (rsdp.xsdt != 0) {
    const xsdt = loadTable(rsdp.xsdt, "XSDT", "RSDP");
    if (xsdt != null) return xsdt;
    log.warn("ACPI: falling back to the RSDT");
  }
  return loadTable(rsdp.rsdt, "RSDT", "RSDP");
}

/** The root table and the valid tables it lists, or null without a root. */
export function readRootTables(rsdp: Rsdp): RootTables | null {
  const root = loadRoot(rsdp);
  if (root == null) return null;
  const entrySize: u32 = root.signature == "XSDT" ? 8 : 4;
  const count = (root.length - HEADER_SIZE) / entrySize;
  if ((root.length - HEADER_SIZE) % entrySize != 0) log.warn("ACPI: " + root.signature + " length is not a whole number of entries");
  const tables: Table[] = [];
  for (let i: u32 = 0; i < count; i++) {
    const table = loadTable(root.read(HEADER_SIZE + i * entrySize, entrySize), "", root.signature + " entry " + i.toString());
    if (table != null) tables.push(table);
  }
  return new RootTables(root, tables);
}
