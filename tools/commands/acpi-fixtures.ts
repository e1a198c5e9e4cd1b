// Regenerates test/fixtures/acpi/*.hex: boots QEMU once per machine with
// "acpidump" on the kernel command line and keeps the tables the kernel
// printed. The hosted tests place these real bytes in the simulated PC.
//   npx tsx tools/commands/acpi-fixtures.ts        (needs `make` first)
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { formatFixture, parseDump } from "../acpi/fixture.ts";
import { boot, DEFAULT_MACHINE, MachineOptions, STATUS_TEST_PASSED } from "../qemu/launch.ts";

const FIXTURES = new URL("../../test/fixtures/acpi/", import.meta.url).pathname;
const TIMEOUT_MS = 120_000;

const MACHINES: { name: string; what: string; options: Partial<MachineOptions> }[] = [
  { name: "pc", what: "QEMU -machine pc (i440FX) under SeaBIOS", options: { machine: "pc" } },
  { name: "q35", what: "QEMU -machine q35 (ICH9) under SeaBIOS", options: { machine: "q35" } },
  { name: "q35-uefi", what: "QEMU -machine q35 (ICH9) under OVMF", options: { machine: "q35", uefi: true } },
];

const qemu = spawnSync("qemu-system-x86_64", ["--version"]).stdout.toString().split("\n")[0];
mkdirSync(FIXTURES, { recursive: true });
for (const m of MACHINES) {
  const r = await boot({ ...DEFAULT_MACHINE, ...m.options, cmdline: ["acpidump", "test"] }, TIMEOUT_MS);
  if (r.status !== STATUS_TEST_PASSED) throw new Error(`${m.name}: QEMU ended with status ${r.status}\n${r.serial}`);
  const tables = parseDump(r.serial);
  const header = [
    `ACPI tables of ${m.what}, ${qemu}, as the kernel's "acpidump" option printed them.`,
    "Regenerate with: npx tsx tools/commands/acpi-fixtures.ts",
    "table <signature> <physical address; 0 = the boot loader's copy>, then its bytes in hex.",
  ];
  writeFileSync(`${FIXTURES}${m.name}.hex`, formatFixture(header, tables));
  console.log(`${m.name}: ${tables.map((t) => t.signature).join(" ")}`);
}
