// The wall clock from a simulated CMOS RTC: BCD and binary, 12- and
// 24-hour formats, the FADT's century register, and broken clocks.
import assert from "node:assert/strict";
import { bootWithAcpi, loadFixture } from "../harness/acpi.ts";
import { bcdDate, SimulatedCmos } from "../harness/cmos.ts";
import { SimulatedHpet } from "../harness/hpet.ts";
import { Machine, newMachine } from "../harness/machine.ts";

async function bootWithCmos(registers: Record<number, number>, setup: (cmos: SimulatedCmos) => void = () => {}): Promise<Machine> {
  const m = await newMachine();
  // A calibrated TSC (3 GHz by the HPET), so the time since the RTC read is realistic.
  new SimulatedHpet(m, 10_000_000n, 3000n).attach();
  const cmos = new SimulatedCmos(registers).attach(m);
  setup(cmos);
  assert.equal(bootWithAcpi(m, loadFixture("q35"), "log=info"), "halt");
  return m;
}

function wallClockNanos(m: Machine): bigint {
  return (m.kernel as unknown as { wallClockNanos(): bigint }).wallClockNanos();
}

describe("wall clock (hosted)", () => {
  it("reads a BCD 24-hour RTC with the FADT's century register, and keeps time from there", async () => {
    const m = await bootWithCmos(bcdDate(2026, 11, 21, 16, 55, 25));
    assert.match(m.serial, /info  wall clock: 2026-11-21 16:55:25 UTC \(CMOS RTC\)/);
    const later = wallClockNanos(m) - BigInt(Date.UTC(2026, 10, 21, 16, 55, 25)) * 1_000_000n;
    assert.ok(later >= 0n && later < 1_000_000_000n, `the wall clock moved ${later} ns since the RTC read`);
  });

  for (const [stored, hour] of [[0x12, 0], [0x92, 12], [0x81, 13], [0x11, 11]]) {
    it(`reads 12-hour BCD hours 0x${stored.toString(16)} as ${hour}:00`, async () => {
      const registers = { ...bcdDate(2024, 2, 29, 0, 0, 0), 0x04: stored, 0x0b: 0x00 };
      const m = await bootWithCmos(registers);
      assert.match(m.serial, new RegExp(`wall clock: 2024-02-29 ${String(hour).padStart(2, "0")}:00:00 UTC`));
    });
  }

  it("reads a binary-mode RTC", async () => {
    const m = await bootWithCmos({ 0x00: 59, 0x02: 59, 0x04: 23, 0x07: 31, 0x08: 12, 0x09: 99, 0x32: 19, 0x0a: 0x26, 0x0b: 0x06 });
    assert.match(m.serial, /wall clock: 1999-12-31 23:59:59 UTC/);
    const later = wallClockNanos(m) - BigInt(Date.UTC(1999, 11, 31, 23, 59, 59)) * 1_000_000n;
    assert.ok(later >= 0n && later < 1_000_000_000n, `the wall clock moved ${later} ns since the RTC read`);
  });

  it("reads again when the clock ticks between two reads", async () => {
    const m = await bootWithCmos(bcdDate(2026, 1, 1, 0, 0, 58), (cmos) => {
      cmos.onSecondsRead = (reads) => reads === 2 && cmos.registers.set(0x00, 0x59);
    });
    assert.match(m.serial, /wall clock: 2026-01-01 00:00:59 UTC/);
  });

  it("warns about an invalid date and leaves the clock at 1970", async () => {
    const m = await bootWithCmos({ ...bcdDate(2026, 1, 1, 0, 0, 0), 0x08: 0x13 });
    assert.match(m.serial, /warn  wall clock: the CMOS RTC reads an invalid date 2026-13-01 00:00:00; the wall clock starts at 1970/);
    assert.ok(wallClockNanos(m) < 1_000_000_000n * 3600n);
  });

  it("warns when the RTC is always mid-update", async () => {
    const m = await bootWithCmos({ ...bcdDate(2026, 1, 1, 0, 0, 0), 0x0a: 0xa6 });
    assert.match(m.serial, /warn  wall clock: the CMOS RTC never settles/);
  });
});
