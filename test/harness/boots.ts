// Boot information for a typical small PC, as the hosted tests' baseline.
import { readdirSync, readFileSync } from "node:fs";
import type { Machine } from "../../tools/hosted/machine.ts";
import { AVAILABLE, BootInfoBuilder, ModuleLayout, RESERVED, Region } from "../../tools/hosted/multiboot2.ts";

const OUT = new URL("../../out/", import.meta.url).pathname;

export const MiB = 1 << 20;
export const MODULE_START = 0x800000;
export const MODULE_END = 0x800000 + 3000;
/** Where the tests' boot modules go, clear of the kernel image and the symbols. */
export const MODULES_AT = 0x1000000;

/** 32 MiB of RAM with the usual holes below 1 MiB and a firmware area up top. */
export const SMALL_PC: Region[] = [
  { base: 0, length: 0x9fc00, type: AVAILABLE },
  { base: 0x9fc00, length: 0x400, type: RESERVED },
  { base: 0xf0000, length: 0x10000, type: RESERVED },
  { base: MiB, length: 31 * MiB, type: AVAILABLE },
  { base: 0xfffc0000, length: 0x40000, type: RESERVED },
];

/** The small PC with 256 MiB of RAM, room for a process's whole 64 MiB memory. */
export const LARGER_PC: Region[] = SMALL_PC.map((r) => (r.base === MiB ? { ...r, length: 255 * MiB } : r));

/** The small PC without an ACPI RSDP tag, for tests that supply their own. */
export function smallPcWithoutRsdp(cmdline = ""): BootInfoBuilder {
  return new BootInfoBuilder()
    .commandLine(cmdline)
    .loaderName("GRUB 2.06 (simulated)")
    .module(MODULE_START, MODULE_END, "symbols")
    .memoryMap(SMALL_PC)
    .framebufferText(0xb8000, 80, 25);
}

export function smallPc(cmdline = ""): BootInfoBuilder {
  return smallPcWithoutRsdp(cmdline).rsdp(2);
}

/** Puts every built module and the image's boot configuration in memory, as GRUB would. */
export function placeImageModules(m: Machine, info: BootInfoBuilder): void {
  const layout = new ModuleLayout(info, MODULES_AT);
  for (const file of readdirSync(`${OUT}/modules`).filter((f) => f.endsWith(".wasm")).sort()) {
    layout.place(new Uint8Array(readFileSync(`${OUT}/modules/${file}`)), file.replace(/\.wasm$/, ""));
  }
  layout.place(new Uint8Array(readFileSync(`${OUT}/atoll.conf`)), "config");
  for (const mod of layout.placed) m.memory.write(mod.address, mod.bytes);
}

/** The VGA text screen at 0xb8000 (80 x 25), row by row without trailing spaces. */
export function vgaRows(m: Machine): string[] {
  const cells = m.memory.read(0xb8000, 80 * 25 * 2);
  const rows: string[] = [];
  for (let r = 0; r < 25; r++) {
    let row = "";
    for (let c = 0; c < 80; c++) row += String.fromCharCode(cells[(r * 80 + c) * 2]);
    rows.push(row.trimEnd());
  }
  return rows;
}

/** Feeds `lines` on the serial port one at a time, each when the kernel has nothing else to do. */
export function typeOnSerial(m: Machine, lines: string[]): void {
  const queue = [...lines];
  m.readSerialInput = () => (queue.length > 0 ? Buffer.from(queue.shift()!) : null);
}
