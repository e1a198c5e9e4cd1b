// The WebAssembly 2.0 core spec suite (all non-SIMD top-level scripts) run
// against the hosted engine: one test per script, failing on any failed
// command; the per-script table and totals are printed at the end.
import { strict as assert } from "node:assert";
import { runScript } from "../../tools/spec/run.ts";
import { buildEngine, specScriptTests } from "./helpers.ts";

describe("wasm spec suite", function () {
  this.timeout(300_000);
  before(() => buildEngine());
  const scripts = specScriptTests(runScript);
  if (scripts.length > 0) {
    it("has the non-SIMD scripts", () => assert.ok(scripts.length >= 89, `only ${scripts.length} scripts found`));
  }
});
