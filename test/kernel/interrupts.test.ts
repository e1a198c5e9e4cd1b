// Interrupt setup from the MADT on simulated hardware: the I/O APIC's
// redirection table, the masked PICs, the acknowledgement the stubs are
// told to use, and the boot check's timer and PIT interrupts.
import assert from "node:assert/strict";
import { AcpiTable, bootWithAcpi, findTable, fixChecksum, loadFixture } from "../harness/acpi.ts";
import { SimulatedHpet } from "../harness/hpet.ts";
import { SimulatedInterrupts } from "../harness/interrupts.ts";
import { Machine, newMachine } from "../harness/machine.ts";

const TSC_MHZ = 3000n;
const ACTIVE_LOW = 1n << 13n;
const LEVEL = 1n << 15n;
const MASKED = 1n << 16n;

async function bootPc(tables: AcpiTable[], options: { apicId?: number; pitInput?: number } = {}): Promise<{ m: Machine; sim: SimulatedInterrupts }> {
  const m = await newMachine();
  new SimulatedHpet(m, 10_000_000n, TSC_MHZ).attach();
  const sim = new SimulatedInterrupts(m, { tscPerApicTick: 30n, tscMhz: TSC_MHZ, ...options }).attach();
  assert.equal(bootWithAcpi(m, tables, "log=info"), "halt");
  return { m, sim };
}

/** Vector, polarity, trigger, mask and destination of a redirection entry. */
function entry(value: bigint): { vector: number; activeLow: boolean; level: boolean; masked: boolean; destination: number } {
  return { vector: Number(value & 0xffn), activeLow: !!(value & ACTIVE_LOW), level: !!(value & LEVEL), masked: !!(value & MASKED), destination: Number(value >> 56n) };
}

describe("interrupts (hosted)", () => {
  it("routes every I/O APIC input from the MADT, masked, to its own vector on the boot CPU", async () => {
    const { m, sim } = await bootPc(loadFixture("q35"), { apicId: 3 });
    assert.match(m.serial, /info  interrupts: local APIC 3 enabled; 24 I\/O APIC inputs routed to vectors from 32, masked; 8259 PICs masked/);
    const e = sim.redirection.map(entry);
    // QEMU's overrides: IRQ 0 -> GSI 2 (edge, high); IRQs 5, 9, 10, 11 level, active high.
    assert.deepEqual(e[2], { vector: 34, activeLow: false, level: false, masked: true, destination: 3 });
    assert.deepEqual(e[9], { vector: 41, activeLow: false, level: true, masked: true, destination: 3 });
    assert.deepEqual(e[1], { vector: 33, activeLow: false, level: false, masked: true, destination: 3 });
    // PCI interrupt lines (GSI 16 and up): level-triggered, active low.
    assert.deepEqual(e[16], { vector: 48, activeLow: true, level: true, masked: true, destination: 3 });
    assert.ok(e.every((x) => x.masked), "every input is masked again after the boot check");
    assert.deepEqual(m.interruptAck, { eoiRegister: 0xfee000b0n, picBase: 0 });
    assert.equal(sim.apicRegisters.get(0xf0), 0x1ff, "the local APIC is enabled with spurious vector 0xff");
  });

  it("remaps the 8259 PICs to vectors 32-47 and masks them", async () => {
    const { sim } = await bootPc(loadFixture("pc"));
    const master = sim.picWrites.filter(([p]) => p === 0x21).map(([, v]) => v);
    const slave = sim.picWrites.filter(([p]) => p === 0xa1).map(([, v]) => v);
    assert.deepEqual(master.slice(0, 4), [0x20, 0x04, 0x01, 0xff]);
    assert.deepEqual(slave.slice(0, 4), [0x28, 0x02, 0x01, 0xff]);
  });

  it("takes polarity and trigger from the MADT's overrides", async () => {
    const tables = loadFixture("pc");
    const madt = findTable(tables, "APIC");
    // The first override (IRQ 0 -> GSI 2, at offset 64): flags at +8 become level, active low.
    assert.deepEqual([madt.bytes[64], madt.bytes[67]], [2, 0]);
    madt.bytes[72] = 0x0f;
    fixChecksum(madt);
    const { sim } = await bootPc(tables);
    assert.deepEqual(entry(sim.redirection[2]), { vector: 34, activeLow: true, level: true, masked: true, destination: 0 });
  });

  it("wakes from a local APIC timer one-shot and receives the PIT's IRQ 0 through GSI 2", async () => {
    const { m } = await bootPc(loadFixture("q35"));
    assert.match(m.serial, /info  interrupts: local APIC timer at 100 MHz; a 10 ms one-shot woke the CPU after 10\.0 ms/);
    // 5 ms is 5965.9 PIT ticks; the kernel programs 5965 (4.999 ms), and the log truncates.
    assert.match(m.serial, /info  interrupts: PIT IRQ 0 arrived at vector 34 after 4\.9 ms/);
  });

  it("warns when IRQ 0 does not arrive where the routing says (timeout by the APIC timer)", async () => {
    const { m } = await bootPc(loadFixture("q35"), { pitInput: 0 });
    assert.match(m.serial, /warn  interrupts: the PIT's IRQ 0 did not arrive \(vector 34\)/);
    assert.match(m.serial, /ready in/);
  });

  it("falls back to the 8259 PICs without a usable MADT", async () => {
    const tables = loadFixture("q35");
    findTable(tables, "APIC").bytes[40] ^= 1;
    const { m } = await bootPc(tables);
    assert.match(m.serial, /warn  interrupts: no I\/O APIC in the MADT; using the 8259 PICs \(IRQ n at vector 32 \+ n\)/);
    assert.deepEqual(m.interruptAck, { eoiRegister: 0n, picBase: 32 });
  });

  it("falls back to the 8259 PICs when the local APIC does not answer", async () => {
    const m = await newMachine();
    assert.equal(bootWithAcpi(m, loadFixture("q35"), "log=info"), "halt");
    assert.match(m.serial, /warn  interrupts: the local APIC at 0xfee00000 does not answer; using the 8259 PICs/);
  });
});
