// PCI enumeration on a simulated bus: both configuration mechanisms, BAR
// sizing (I/O, 32- and 64-bit memory), multi-function devices, capability
// lists, and the broken cases.
import assert from "node:assert/strict";
import { bootWithAcpi, loadFixture, placeTables, withRsdp } from "../harness/acpi.ts";
import { SimulatedHpet } from "../harness/hpet.ts";
import { SimulatedInterrupts } from "../harness/interrupts.ts";
import { runPrograms } from "../harness/programs.ts";
import { interfaceHash, NOTIFICATION, program } from "../../tools/hosted/programs.ts";
import { smallPc } from "../harness/boots.ts";
import { Machine, newMachine } from "../harness/machine.ts";
import { SimFunction, SimulatedPci } from "../harness/pci.ts";

const GiB = 2 ** 30;

const FUNCTIONS: SimFunction[] = [
  { bus: 0, device: 0, fn: 0, vendor: 0x8086, deviceId: 0x1237, classCode: [6, 0, 0] },
  { bus: 0, device: 1, fn: 0, vendor: 0x8086, deviceId: 0x7000, classCode: [6, 1, 0], multiFunction: true },
  { bus: 0, device: 1, fn: 1, vendor: 0x8086, deviceId: 0x7010, classCode: [1, 1, 0x80], bars: [, , , , { kind: "io", address: 0xc080, size: 16 }] },
  {
    bus: 0, device: 3, fn: 0, vendor: 0x8086, deviceId: 0x100e, classCode: [2, 0, 0], irq: { line: 11, pin: 1 },
    bars: [{ kind: "mem32", address: 0xfebc0000, size: 0x20000 }, { kind: "io", address: 0xc000, size: 0x40 }],
    rom: { address: 0xfeb80000, size: 0x40000 },
  },
  {
    bus: 0, device: 4, fn: 0, vendor: 0x1af4, deviceId: 0x1000, classCode: [2, 0, 0], irq: { line: 10, pin: 2 }, capabilities: [0x11, 0x09, 0x05],
    bars: [, , { kind: "mem64", address: 0x8_0000_0000, size: 0x4000, prefetchable: true }],
  },
  // Not multi-function: its function 3 must not be listed.
  { bus: 0, device: 5, fn: 0, vendor: 0x1234, deviceId: 0x1111, classCode: [3, 0, 0], bars: [{ kind: "io", address: 0x3c0, size: 0x20, decodes16: true }] },
  { bus: 0, device: 5, fn: 3, vendor: 0x1234, deviceId: 0x2222, classCode: [3, 0, 0] },
  { bus: 1, device: 0, fn: 0, vendor: 0x10de, deviceId: 0x1eb8, classCode: [3, 2, 0], bars: [{ kind: "mem64", address: 0x40_0000_0000, size: 8 * GiB, prefetchable: true }] },
];

async function machineWith(pci: (m: Machine) => SimulatedPci): Promise<{ m: Machine; sim: SimulatedPci }> {
  const m = await newMachine();
  return { m, sim: pci(m) };
}

function pciLines(log: string): string[] {
  return log.split("\n").filter((l) => /debug PCI /.test(l)).map((l) => l.replace(/^.*debug PCI /, "").replace(/\r$/, ""));
}

describe("PCI (hosted)", () => {
  it("enumerates every function through ports 0xcf8/0xcfc, with BAR sizes, capabilities and interrupts", async () => {
    const { m, sim } = await machineWith((m) => new SimulatedPci(FUNCTIONS).attachPorts(m));
    assert.equal(bootWithAcpi(m, loadFixture("pc")), "halt");
    assert.deepEqual(pciLines(m.serial), [
      "0000:00:00.0 8086:1237 class 06.00.00 (bridge) rev 01",
      "0000:00:01.0 8086:7000 class 06.01.00 (bridge) rev 01",
      "0000:00:01.1 8086:7010 class 01.01.80 (storage) rev 01, BAR4 io 0xc080 size 0x10",
      "0000:00:03.0 8086:100e class 02.00.00 (network) rev 01, IRQ 11 pin A, BAR0 mem32 0xfebc0000 size 0x20000, BAR1 io 0xc000 size 0x40, ROM 0xfeb80000 size 0x40000",
      "0000:00:04.0 1af4:1000 class 02.00.00 (network) rev 01, IRQ 10 pin B, BAR2 mem64 prefetchable 0x800000000 size 0x4000, capabilities msi-x vendor msi",
      "0000:00:05.0 1234:1111 class 03.00.00 (display) rev 01, BAR0 io 0x3c0 size 0x20",
      "0000:01:00.0 10de:1eb8 class 03.02.00 (display) rev 01, BAR0 mem64 prefetchable 0x4000000000 size 0x200000000",
    ]);
    assert.match(m.serial, /info  PCI: 7 functions through ports 0xcf8\/0xcfc/);
    assert.equal(sim.ecamAccesses, 0);
  });

  it("restores the BARs and the command register after sizing them", async () => {
    const { m, sim } = await machineWith((m) => new SimulatedPci(FUNCTIONS).attachPorts(m));
    const e1000 = sim.function(0, 3, 0)!;
    e1000.write32(4, 0x0007);
    const registers = [0x04, 0x10, 0x14, 0x18, 0x30];
    const before = registers.map((o) => e1000.read32(o));
    bootWithAcpi(m, loadFixture("pc"));
    assert.deepEqual(registers.map((o) => e1000.read32(o)), before);
  });

  it("uses ECAM from the MCFG table and never the ports", async () => {
    const { m, sim } = await machineWith((m) => new SimulatedPci(FUNCTIONS).attachEcam(m, 0xb0000000).attachPorts(m));
    assert.equal(bootWithAcpi(m, loadFixture("q35")), "halt");
    assert.equal(pciLines(m.serial).length, 7);
    assert.match(m.serial, /info  PCI: 7 functions through ECAM at 0xb0000000 segment 0 buses 0-255/);
    assert.equal(sim.portAccesses, 0);
    assert.ok(sim.ecamAccesses > 0);
  });

  it("falls back to the ports when the MCFG's ECAM window does not answer", async () => {
    const { m } = await machineWith((m) => new SimulatedPci(FUNCTIONS).attachPorts(m));
    assert.equal(bootWithAcpi(m, loadFixture("q35")), "halt");
    assert.match(m.serial, /warn  PCI: nothing answers through ECAM at 0xb0000000 segment 0 buses 0-255; not using it/);
    assert.match(m.serial, /info  PCI: 7 functions through ports 0xcf8\/0xcfc/);
  });

  it("cuts a capability list that loops", async () => {
    const { m, sim } = await machineWith((m) => new SimulatedPci(FUNCTIONS).attachPorts(m));
    const virtio = sim.function(0, 4, 0)!;
    virtio.bytes[0x40 + 8 * 2 + 1] = 0x40; // the last capability points back at the first
    assert.equal(bootWithAcpi(m, loadFixture("pc")), "halt");
    assert.match(m.serial, /warn  PCI 0000:00:04\.0: capability list is broken at offset 0x40; cut after 48/);
    assert.match(m.serial, /ready in/);
  });

  it("warns and goes on when a machine has no PCI at all", async () => {
    const m = await newMachine();
    assert.equal(m.boot(smallPc().build()), "halt");
    assert.match(m.serial, /warn  PCI: no configuration mechanism \(no ECAM, ports 0xcf8\/0xcfc do not answer\); no PCI devices/);
    assert.match(m.serial, /ready in/);
  });
});

describe("pci.subscribeInterrupt: MSI (hosted)", function () {
  this.timeout(60_000);
  const PCI = interfaceHash("pci");
  const KERNEL_LOG = interfaceHash("kernel-log");
  const WITH_MSI = 0x20; // 00:04.0, MSI capability at 0x50 (64-bit)
  const WITHOUT_MSI = 0x18; // 00:03.0, no capabilities
  const MSI_AT = 0x50;
  const TSC_MHZ = 3000n;
  const ask = (ordinal: number, address: number, error: number) => `
    (i32.store8 (i32.const 500) (i32.const ${ordinal})) (i32.store (i32.const 501) (i32.const ${address}))
    (call $expect (call $call (i32.const 64) (i32.const 500) (i32.const 5) (i32.const 1)) (i32.const 0))
    (call $expect (call $await) (i32.const ${error}))`;
  const logAnswer = `(call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`;
  const CLAIM = 1;
  const SUBSCRIBE = 5;

  it("programs the function's MSI to a vector of its own, delivers it as an interrupt notification, and undoes it at exit", async () => {
    const driver = program(PCI, `
      ${ask(CLAIM, WITH_MSI, 0)}
      ${ask(SUBSCRIBE, WITH_MSI, 0)}
      (call $expect (i32.load (i32.const ${NOTIFICATION.at.answerData})) (i32.const 0xc0))
      ${ask(SUBSCRIBE, WITH_MSI, 0)}
      (call $expect (i32.load (i32.const ${NOTIFICATION.at.answerData})) (i32.const 0xc0))
      (call $expect (i32.gt_s (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)) (i32.const 0)) (i32.const 1))
      (call $expect (i32.load8_u (i32.const 4096)) (i32.const 3))
      (call $expect (i32.load (i32.const 4097)) (i32.const 0xc0))
      (call $log $str("MSI 192 arrived"))`);
    const unclaimed = program(PCI, `${ask(SUBSCRIBE, WITH_MSI, 1)} ${logAnswer}`);
    const noMsi = program(PCI, `${ask(CLAIM, WITHOUT_MSI, 0)} ${ask(SUBSCRIBE, WITHOUT_MSI, 1)} ${logAnswer}`);
    const m = await newMachine();
    const sim = new SimulatedPci(FUNCTIONS).attachPorts(m);
    new SimulatedHpet(m, 10_000_000n, TSC_MHZ).attach();
    new SimulatedInterrupts(m, { tscPerApicTick: 30n, tscMhz: TSC_MHZ, apicId: 3 }).attach();
    // Once the driver waits, the device sends its message: what the kernel programmed, if MSI is on.
    const config = sim.function(0, 4, 0)!;
    const boot = m.onWaitForInterrupt;
    const sent: { address: number; data: number; command: number }[] = [];
    m.onWaitForInterrupt = () => {
      if (!(config.read32(MSI_AT) & (1 << 16)) || sent.length > 0) return boot();
      sent.push({ address: config.read32(MSI_AT + 4), data: config.read32(MSI_AT + 12), command: config.read32(4) & 0xffff });
      m.pendingVectors.add(config.read32(MSI_AT + 12) & 0xff);
    };
    const tables = loadFixture("pc");
    placeTables(m, tables);
    assert.equal(await runPrograms(m, [
      { name: "unclaimed", bytes: unclaimed, grants: [PCI, KERNEL_LOG] },
      { name: "nomsi", bytes: noMsi, grants: [PCI, KERNEL_LOG] },
      { name: "driver", bytes: driver, grants: [PCI, KERNEL_LOG] },
    ], "", withRsdp(tables)), "halt");
    assert.match(m.serial, /unclaimed: claim the PCI function before subscribing to its interrupts/);
    assert.match(m.serial, /nomsi: PCI function 0x18 has no MSI capability/);
    assert.match(m.serial, /driver: MSI 192 arrived/);
    assert.doesNotMatch(m.serial, /trapped/);
    assert.deepEqual(sent, [{ address: 0xfee03000, data: 0xc0, command: (1 << 10) | (1 << 2) }], "to APIC 3, vector 0xc0, INTx off, bus mastering on");
    assert.equal(config.read32(MSI_AT) & (1 << 16), 0, "MSI is off again once the driver ended");
  });
});
