// ACPI parsing from real table bytes: QEMU's tables (dumped once by the
// kernel's "acpidump" option, kept in test/fixtures/acpi) placed in the
// simulated PC, then broken in the ways firmware gets them wrong.
import assert from "node:assert/strict";
import { parseDump } from "../../tools/acpi/fixture.ts";
import { AcpiTable, bootWithAcpi, findTable, FIXTURES, fixChecksum, loadFixture, placeTables, truncate } from "../harness/acpi.ts";
import { smallPcWithoutRsdp } from "../harness/boots.ts";
import { newMachine } from "../harness/machine.ts";

async function bootFixture(tables: AcpiTable[], cmdline = "log=debug"): Promise<string> {
  const m = await newMachine();
  assert.equal(bootWithAcpi(m, tables, cmdline), "halt");
  assert.match(m.serial, /ready in/);
  return m.serial;
}

/** ACPI's warnings (the simulated PC has no PCI bus, which PCI warns about). */
function warnings(log: string): string[] {
  return log.split("\n").filter((l) => /\] warn  ACPI/.test(l));
}

/** The listed tables: every fixture table but the RSDP, the root and the DSDT (which the FADT names). */
function listed(tables: AcpiTable[]): string {
  return tables.filter((t) => !["RSDP", "RSDT", "XSDT", "DSDT"].includes(t.signature)).map((t) => t.signature).join(" ");
}

// What QEMU 7.2 builds for one CPU: the same interrupt wiring on both chipsets.
const QEMU_OVERRIDES = "IRQ 0 -> GSI 2 edge high, IRQ 5 -> GSI 5 level high, IRQ 9 -> GSI 9 level high, IRQ 10 -> GSI 10 level high, IRQ 11 -> GSI 11 level high";

describe("ACPI (hosted, QEMU's tables)", () => {
  for (const name of FIXTURES) {
    it(`parses the ${name} tables without a warning`, async () => {
      const tables = loadFixture(name);
      const log = await bootFixture(tables);
      assert.deepEqual(warnings(log), []);
      const root = tables[1];
      assert.match(log, new RegExp(`ACPI: RSDP rev \\d \\(BOCHS\\) from the boot loader; ${root.signature} at 0x${root.address.toString(16)} lists ${listed(tables)}\\r?\\n`));
      assert.match(log, /ACPI: 1 CPU \(APIC ids 0\), local APIC at 0xfee00000, 8259 PICs present/);
      assert.match(log, /ACPI: I\/O APIC 0 at 0xfec00000, GSI base 0/);
      assert.match(log, new RegExp(`ACPI: 5 interrupt overrides: ${QEMU_OVERRIDES}\\r?\\n`));
      assert.match(log, /debug ACPI: NMI on processor all LINT1 edge high/);
      assert.match(log, /ACPI: HPET at 0xfed00000/);
      assert.match(log, /ACPI: FADT rev \d, SCI IRQ 9, PM1a control io 0x604/);
      assert.match(log, /ACPI: S5 sleep type a=0 b=0/);
      if (name === "pc") assert.match(log, /ACPI: no PCI ECAM; configuration space through ports/);
      else assert.match(log, /ACPI: PCI ECAM at 0xb0000000 segment 0 buses 0-255/);
      // ICH9 resets through port 0xcf9; QEMU's PIIX4 FADT is revision 1, without one.
      if (name === "pc") assert.match(log, /no reset register/);
      else assert.match(log, /reset io 0xcf9 value 0xf/);
    });
  }

  it("uses the ACPI 2.0 RSDP and XSDT under UEFI", async () => {
    const tables = loadFixture("q35-uefi");
    assert.equal(findTable(tables, "RSDP").bytes.length, 36);
    assert.match(await bootFixture(tables), /RSDP rev 2 \(BOCHS\) from the boot loader; XSDT at/);
  });

  it("dumps every table with acpidump, byte for byte", async () => {
    const tables = loadFixture("q35");
    const log = await bootFixture(tables, "acpidump");
    assert.deepEqual(parseDump(log.replace(/\r/g, "")), tables);
  });

  it("reads the sleep types of a changed _S5 package", async () => {
    const tables = loadFixture("pc");
    const dsdt = findTable(tables, "DSDT");
    const at = Buffer.from(dsdt.bytes).indexOf("_S5_");
    assert.ok(at > 0 && dsdt.bytes[at + 4] === 0x12, "QEMU's DSDT names _S5_ as a package");
    const elements = at + 5 + 1 + (dsdt.bytes[at + 5] >> 6) + 1;
    dsdt.bytes[elements] = 0x01; // OneOp
    fixChecksum(dsdt);
    assert.match(await bootFixture(tables), /ACPI: S5 sleep type a=1 b=0/);
  });
});

describe("ACPI (hosted, finding the RSDP)", () => {
  it("searches the BIOS area when the boot loader gives no RSDP", async () => {
    const tables = loadFixture("pc");
    const m = await newMachine();
    placeTables(m, tables);
    m.memory.write(0xf5a60, findTable(tables, "RSDP").bytes);
    assert.equal(m.boot(smallPcWithoutRsdp("log=debug").build()), "halt");
    assert.match(m.serial, /ACPI: RSDP rev 0 \(BOCHS\) at 0xf5a60; RSDT/);
    assert.deepEqual(warnings(m.serial), []);
  });

  it("searches the EBDA first", async () => {
    const tables = loadFixture("pc");
    const m = await newMachine();
    placeTables(m, tables);
    m.memory.writeUint(0x40e, 2, 0x9fc0n);
    m.memory.write(0x9fc40, findTable(tables, "RSDP").bytes);
    m.memory.write(0xf5a60, findTable(tables, "RSDP").bytes);
    assert.equal(m.boot(smallPcWithoutRsdp("log=debug").build()), "halt");
    assert.match(m.serial, /ACPI: RSDP rev 0 \(BOCHS\) at 0x9fc40; RSDT/);
  });

  it("falls back to the search when the boot loader's copy has a bad checksum", async () => {
    const tables = loadFixture("pc");
    const rsdp = findTable(tables, "RSDP");
    const m = await newMachine();
    m.memory.write(0xe0010, rsdp.bytes);
    rsdp.bytes[8] ^= 0x55;
    assert.equal(bootWithAcpi(m, tables), "halt");
    assert.match(m.serial, /warn  ACPI: the boot loader's RSDP is unusable \(bad checksum\); searching the BIOS areas/);
    assert.match(m.serial, /ACPI: RSDP rev 0 \(BOCHS\) at 0xe0010; RSDT/);
  });

  it("boots without ACPI when there is no RSDP anywhere", async () => {
    const m = await newMachine();
    assert.equal(m.boot(smallPcWithoutRsdp().build()), "halt");
    assert.match(m.serial, /warn  ACPI: no RSDP found; assuming one CPU, the 8259 PIC and PCI through ports/);
    assert.match(m.serial, /ready in/);
  });

  it("uses the RSDT when the RSDP's extended checksum fails", async () => {
    const tables = loadFixture("q35-uefi");
    findTable(tables, "RSDP").bytes[32] ^= 1;
    const log = await bootFixture(tables);
    assert.match(log, /warn  ACPI: RSDP v2 extension is truncated or fails its checksum; using the RSDT/);
  });
});

describe("ACPI (hosted, broken tables)", () => {
  it("ignores a MADT with a bad checksum and assumes one CPU and the PIC", async () => {
    const tables = loadFixture("q35");
    const madt = findTable(tables, "APIC");
    madt.bytes[50] ^= 0xff;
    const log = await bootFixture(tables);
    assert.match(log, new RegExp(`warn  ACPI: APIC at 0x${madt.address.toString(16)} has a bad checksum; ignored`));
    assert.match(log, /warn  ACPI: no usable MADT; assuming one CPU and the 8259 PIC/);
    assert.match(log, /lists FACP HPET MCFG WAET/);
    assert.match(log, /ACPI: PCI ECAM at 0xb0000000/);
  });

  it("keeps the MADT entries before one cut off by a truncated table", async () => {
    const tables = loadFixture("pc");
    const madt = findTable(tables, "APIC");
    // Entries: local APIC (8 bytes at 44), I/O APIC (12 at 52), overrides (10 each from 64).
    truncate(madt, 64 + 10 + 5);
    const log = await bootFixture(tables);
    assert.match(log, /warn  ACPI: MADT entry at offset 74 has length 10 past the table's end; ignoring the rest/);
    assert.match(log, /ACPI: 1 CPU \(APIC ids 0\)/);
    assert.match(log, /ACPI: 1 interrupt overrides: IRQ 0 -> GSI 2 edge high\r?\n/);
  });

  it("stops at a MADT entry of length zero instead of looping", async () => {
    const tables = loadFixture("pc");
    const madt = findTable(tables, "APIC");
    madt.bytes[53] = 0;
    fixChecksum(madt);
    const log = await bootFixture(tables);
    assert.match(log, /warn  ACPI: MADT entry at offset 52 has length 0/);
    assert.match(log, /warn  ACPI: the MADT lists no I\/O APIC; interrupts stay on the 8259 PIC/);
  });

  it("skips a MADT entry shorter than its type needs", async () => {
    const tables = loadFixture("pc");
    const madt = findTable(tables, "APIC");
    madt.bytes[53] = 8; // the I/O APIC entry claims 8 of its 12 bytes
    madt.bytes.copyWithin(60, 64);
    truncate(madt, madt.bytes.length - 4);
    const log = await bootFixture(tables);
    assert.match(log, /warn  ACPI: MADT entry type 1 at offset 52 is too short \(8 bytes\); skipped/);
    assert.match(log, /ACPI: 5 interrupt overrides/);
  });

  it("rejects a table whose length runs past 4 GiB or is implausible", async () => {
    const tables = loadFixture("q35");
    const hpet = findTable(tables, "HPET");
    new DataView(hpet.bytes.buffer).setUint32(4, 0x7fffffff, true);
    const log = await bootFixture(tables);
    assert.match(log, new RegExp(`warn  ACPI: HPET at 0x${hpet.address.toString(16)} has implausible length 2147483647; ignored`));
    assert.match(log, /ACPI: no HPET/);
  });

  it("warns about truncated FADT and HPET tables", async () => {
    const tables = loadFixture("q35");
    truncate(findTable(tables, "FACP"), 100);
    truncate(findTable(tables, "HPET"), 50);
    const log = await bootFixture(tables);
    assert.match(log, /warn  ACPI: FADT is truncated \(100 bytes\); no power management/);
    assert.match(log, /warn  ACPI: no usable FADT; no ACPI poweroff or reset register/);
    assert.match(log, /warn  ACPI: HPET table is truncated \(50 bytes\); no HPET/);
  });

  it("reads an ACPI 1.0 FADT without the reset register", async () => {
    const tables = loadFixture("q35");
    truncate(findTable(tables, "FACP"), 116);
    const log = await bootFixture(tables);
    assert.match(log, /FADT rev \d, SCI IRQ 9, PM1a control io 0x604, no reset register/);
    assert.match(log, /ACPI: S5 sleep type a=0 b=0/);
  });

  it("warns when the DSDT has no _S5 package", async () => {
    const tables = loadFixture("pc");
    const dsdt = findTable(tables, "DSDT");
    const at = Buffer.from(dsdt.bytes).indexOf("_S5_");
    dsdt.bytes[at + 2] = 0x34; // "_S4_"
    fixChecksum(dsdt);
    const log = await bootFixture(tables);
    assert.match(log, /warn  ACPI: no _S5 package in the DSDT or SSDTs; no ACPI poweroff/);
  });

  it("skips an MCFG entry with a reversed bus range", async () => {
    const tables = loadFixture("q35");
    const mcfg = findTable(tables, "MCFG");
    mcfg.bytes[54] = 10; // start bus 10, end bus 255 -> make the end 5
    mcfg.bytes[55] = 5;
    fixChecksum(mcfg);
    const log = await bootFixture(tables);
    assert.match(log, /warn  ACPI: MCFG entry 0xb0000000 segment 0 buses 10-5 is unusable; skipped/);
    assert.match(log, /ACPI: no PCI ECAM/);
  });

  it("ignores an XSDT entry above 4 GiB and a bad XSDT", async () => {
    const tables = loadFixture("q35-uefi");
    const xsdt = findTable(tables, "XSDT");
    new DataView(xsdt.bytes.buffer).setUint32(36 + 4, 1, true); // first entry + 4 GiB
    fixChecksum(xsdt);
    let log = await bootFixture(tables);
    assert.match(log, /warn  ACPI: table at 0x1[0-9a-f]{8} \(from XSDT entry 0\) is outside the first 4 GiB; ignored/);
    assert.match(log, /XSDT at 0x[0-9a-f]+ lists APIC HPET MCFG WAET BGRT/);
    xsdt.bytes[40] ^= 0xff;
    log = await bootFixture(tables);
    assert.match(log, /warn  ACPI: XSDT at 0x[0-9a-f]+ has a bad checksum; ignored/);
    assert.match(log, /warn  ACPI: falling back to the RSDT/);
  });
});

describe("ACPI (hosted, random corruption)", () => {
  // Corrupted bytes with the checksum fixed, so the parsers see the garbage.
  const TARGETS = ["RSDT", "XSDT", "APIC", "FACP", "HPET", "MCFG", "DSDT"];
  // Physical addresses the kernel may never read: above 4 GiB (past the simulated linear-memory backing).
  const UNMAPPED_START = 0x1_0000_0000 + (64 << 20);

  it("boots to ready through 150 randomly corrupted tables, never reading past 4 GiB", async function () {
    this.timeout(120_000);
    let seed = 4242;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let trial = 0; trial < 150; trial++) {
      const tables = loadFixture(FIXTURES[trial % FIXTURES.length]);
      const present = tables.filter((t) => TARGETS.includes(t.signature));
      const table = present[random() % present.length];
      for (let k = 0; k < 6; k++) table.bytes[4 + (random() % (table.bytes.length - 4))] = random() & 0xff;
      if (new DataView(table.bytes.buffer).getUint32(4, true) <= table.bytes.length) fixChecksum(table);
      const m = await newMachine();
      const stray: number[] = [];
      m.mmio.push({ start: UNMAPPED_START, end: 2 ** 52, read: (a) => (stray.push(a), 0n), write: (a) => void stray.push(a) });
      const end = bootWithAcpi(m, tables, "log=info");
      assert.equal(end, "halt", `trial ${trial} (${table.signature}): ended with ${end}`);
      assert.match(m.serial, /ready in/, `trial ${trial} (${table.signature}): no ready line\n${m.serial}`);
      assert.deepEqual(stray, [], `trial ${trial} (${table.signature}): read unmapped memory`);
    }
  });
});
