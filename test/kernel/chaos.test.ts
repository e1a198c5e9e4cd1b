// Tests written by an attacker, all at once: a seeded chaos run
// (test/harness/chaos.ts) of hostile modules started and killed at random
// beside an honest client. `npm run chaos` runs minutes of it.
import assert from "node:assert/strict";
import { chaosProblems, chaosRun, schedule } from "../harness/chaos.ts";

const SEED = 1;
const STEPS = 60;

describe("a chaos run of hostile modules beside an honest one (hosted)", function () {
  this.timeout(600_000);

  it(`survives ${STEPS} random starts, kills and pauses (seed ${SEED}) with the round trips going on and memory back at its baseline`, async () => {
    const baseline = await chaosRun([]);
    const chaos = await chaosRun(schedule(SEED, STEPS));
    assert.deepEqual(chaosProblems(chaos, baseline), [], `replay: npm run chaos -- --seed ${SEED} --steps ${STEPS} --episodes 1`);
    // The run did what it is for: hostile processes started, were killed, trapped, and the bomb hit the limit.
    assert.ok((chaos.log.match(/ended: killed by process 3/g)?.length ?? 0) >= 10, "too few kills");
    assert.match(chaos.log, /ended: trapped: /);
    assert.match(chaos.log, /flooder \(pid \d+\)/);
    assert.match(chaos.log, /bomb: too many processes \(256\)/);
    assert.ok((chaos.log.match(/honest: 1024 more/g)?.length ?? 0) >= 10, "too few round trips");
  });
});
