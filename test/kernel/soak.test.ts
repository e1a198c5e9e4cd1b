// Tests written by an attacker, at scale: ten thousand start/kill cycles
// (test/harness/soak.ts) leave the kernel's memory where a hundred leave it.
// `npm run soak` prints the same figures.
import assert from "node:assert/strict";
import { assertSurvived } from "../harness/hostile.ts";
import { BASELINE_CYCLES, startKillCycles, TOLERANCE_KIB } from "../harness/soak.ts";

describe("a soak of start/kill cycles (hosted)", function () {
  this.timeout(600_000);

  it("starts and kills 10,000 processes with kernel memory back at its baseline", async () => {
    const baseline = await startKillCycles(BASELINE_CYCLES);
    const soak = await startKillCycles(10_000);
    assertSurvived(soak.log);
    assert.match(soak.log, /cycler: cycles done/);
    assert.equal(soak.log.match(/ended: killed by process 1/g)?.length, 10_000);
    assert.ok(soak.kib <= baseline.kib + TOLERANCE_KIB, `kernel memory in use grew from ${baseline.kib} KiB to ${soak.kib} KiB`);
  });
});
