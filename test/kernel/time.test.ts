// TSC calibration against a simulated HPET, whose counter and the TSC
// advance together at known rates.
import assert from "node:assert/strict";
import { bootWithAcpi, loadFixture } from "../harness/acpi.ts";
import { SimulatedHpet } from "../harness/hpet.ts";
import { newMachine } from "../harness/machine.ts";

function hpetMhz(log: string): number {
  const m = /TSC: (\d+\.\d) MHz measured against the HPET \(the PIT said \d+\.\d MHz\)/.exec(log);
  assert.ok(m, "no HPET calibration line");
  return Number(m[1]);
}

describe("TSC calibration (hosted)", () => {
  // QEMU's HPET ticks every 10 ns; real chipsets' at 14.318 MHz (69.84 ns).
  for (const [periodFs, tscMhz] of [[10_000_000n, 3000n], [69_841_279n, 1234n]]) {
    it(`measures a ${tscMhz} MHz TSC against an HPET of period ${periodFs} fs`, async () => {
      const m = await newMachine();
      new SimulatedHpet(m, periodFs, tscMhz).attach();
      assert.equal(bootWithAcpi(m, loadFixture("q35"), "log=info"), "halt");
      assert.ok(Math.abs(hpetMhz(m.serial) - Number(tscMhz)) < 1, m.serial);
      assert.match(m.serial, new RegExp(`ready in .* \\(TSC ${tscMhz} MHz\\)`));
    });
  }

  it("keeps the PIT's figure when the HPET does not count", async () => {
    const m = await newMachine();
    new SimulatedHpet(m, 10_000_000n, 3000n, false).attach();
    assert.equal(bootWithAcpi(m, loadFixture("q35"), "log=info"), "halt");
    assert.match(m.serial, /warn  HPET at 0xfed00000 does not count; keeping the PIT's TSC calibration/);
  });

  it("refuses an HPET whose period is out of range", async () => {
    const m = await newMachine();
    new SimulatedHpet(m, 200_000_000n, 3000n).attach();
    assert.equal(bootWithAcpi(m, loadFixture("q35"), "log=info"), "halt");
    assert.match(m.serial, /warn  HPET at 0xfed00000 does not count/);
  });
});
