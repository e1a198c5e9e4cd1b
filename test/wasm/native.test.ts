// The spec suite on the native build of the engine (asc -> wasm2c -> gcc):
// proves the C lowering keeps Wasm semantics (NaN bits, rounding, traps).
// Every non-SIMD script runs; the numeric ones are the point.
import { strict as assert } from "node:assert";
import { basename } from "node:path";
import { NUMERIC_SCRIPTS, runScriptNative } from "../../tools/spec/native.ts";
import { buildEngine, specScriptTests } from "./helpers.ts";

describe("wasm spec suite on the native engine", function () {
  this.timeout(300_000);
  before(() => buildEngine("engine-native"));
  const scripts = specScriptTests(runScriptNative);
  if (scripts.length > 0) {
    it("has the numeric scripts", () => {
      const names = scripts.map((s) => basename(s, ".wast"));
      for (const n of NUMERIC_SCRIPTS) assert.ok(names.includes(n), `${n}.wast missing`);
    });
  }
});
