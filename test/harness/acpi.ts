// Real ACPI tables (test/fixtures/acpi, dumped from QEMU) in the simulated
// PC: tests load a fixture, change what they want to break, and boot.
import { readFileSync } from "node:fs";
import { AcpiTable, parseFixture } from "../../tools/acpi/fixture.ts";
import type { BootInfoBuilder } from "../../tools/hosted/multiboot2.ts";
import { smallPcWithoutRsdp } from "./boots.ts";
import { Machine } from "./machine.ts";

export type { AcpiTable };
export const FIXTURES = ["pc", "q35", "q35-uefi"] as const;
export type FixtureName = (typeof FIXTURES)[number];
const TAG_RSDP_V1 = 14;
const TAG_RSDP_V2 = 15;

export function loadFixture(name: FixtureName): AcpiTable[] {
  return parseFixture(readFileSync(new URL(`../fixtures/acpi/${name}.hex`, import.meta.url), "utf8"));
}

export function findTable(tables: AcpiTable[], signature: string): AcpiTable {
  const t = tables.find((t) => t.signature === signature);
  if (!t) throw new Error(`no ${signature} in the fixture`);
  return t;
}

function sum(bytes: Uint8Array, length: number): number {
  let total = 0;
  for (let i = 0; i < length; i++) total += bytes[i];
  return total & 0xff;
}

/** Recomputes the checksums, so a test can change a table and keep it valid. */
export function fixChecksum(t: AcpiTable): void {
  if (t.signature === "RSDP") {
    t.bytes[8] = 0;
    t.bytes[8] = (256 - sum(t.bytes, 20)) & 0xff;
    if (t.bytes.length >= 36) {
      t.bytes[32] = 0;
      t.bytes[32] = (256 - sum(t.bytes, 36)) & 0xff;
    }
  } else {
    t.bytes[9] = 0;
    t.bytes[9] = (256 - sum(t.bytes, t.bytes.length)) & 0xff;
  }
}

/** Sets a table's length field (and cuts its bytes), with a valid checksum. */
export function truncate(t: AcpiTable, length: number): void {
  t.bytes = t.bytes.slice(0, length);
  new DataView(t.bytes.buffer, t.bytes.byteOffset).setUint32(4, length, true);
  fixChecksum(t);
}

/** Writes every table except the RSDP at its address in physical memory. */
export function placeTables(m: Machine, tables: AcpiTable[]): void {
  for (const t of tables) if (t.signature !== "RSDP") m.memory.write(t.address, t.bytes);
}

/** Adds the tables' RSDP to boot information, as GRUB hands it over. */
export function withRsdp(tables: AcpiTable[]): (b: BootInfoBuilder) => void {
  const rsdp = findTable(tables, "RSDP").bytes;
  return (b) => b.tag(rsdp.length > 20 ? TAG_RSDP_V2 : TAG_RSDP_V1, rsdp);
}

/** Places the tables and boots with the RSDP handed over by the boot loader. */
export function bootWithAcpi(m: Machine, tables: AcpiTable[], cmdline = "log=debug"): "halt" | number {
  placeTables(m, tables);
  const info = smallPcWithoutRsdp(cmdline);
  withRsdp(tables)(info);
  return m.boot(info.build());
}
