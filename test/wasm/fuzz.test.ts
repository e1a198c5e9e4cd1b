// Differential testing against V8 (tools/spec/fuzz.ts): binaryen's fuzzer
// turns seed bytes into valid modules using the features the engine
// supports; every exported function runs in both engines, and the results,
// traps and logged values must agree. `npm run fuzz` runs the long campaign.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkMutations, compareSeed, fuzzModule } from "../../tools/spec/fuzz.ts";
import { buildEngine } from "./helpers.ts";

/** How many modules to generate; FUZZ_SEEDS=n runs a longer campaign. */
const SEEDS = Number(process.env.FUZZ_SEEDS ?? 30);

describe("wasm engine against V8 on fuzzed modules", function () {
  this.timeout(120_000);
  let dir = "";
  before(() => {
    buildEngine();
    dir = mkdtempSync(join(tmpdir(), "atoll-fuzz-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`agrees on ${SEEDS} generated modules`, () => {
    let compared = 0;
    let returned = 0;
    let exported = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const c = compareSeed(dir, seed);
      assert.equal(c.mismatch, null, `seed ${seed}: engine ${c.mismatch?.engine}, V8 ${c.mismatch?.v8}`);
      compared += c.compared;
      returned += c.returned;
      exported += c.exported;
    }
    // An engine that produced no outcomes would agree with anything: demand
    // most exports compared (30 seeds: 283 exports, 284 outcomes compared,
    // 214 of them results rather than traps).
    assert.ok(exported >= 5 * SEEDS, `only ${exported} exported functions`);
    assert.ok(compared >= 0.9 * exported, `only ${compared} of ${exported} outcomes compared`);
    assert.ok(returned >= compared / 2, `only ${returned} of ${compared} outcomes returned results`);
  });

  it("loads a mutated generated module exactly when V8 and wabt (with the engine's features) accept it", () => {
    let loaded = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const c = checkMutations(fuzzModule(dir, seed), seed, 100);
      assert.equal(c.disagreeing, null, `seed ${seed}, mutation ${c.disagreeing}`);
      loaded += c.loaded;
    }
    // Mostly rejected, some accepted: both paths ran.
    assert.ok(loaded > 0 && loaded < 500, `${loaded} of 500 mutated modules loaded`);
  });
});
