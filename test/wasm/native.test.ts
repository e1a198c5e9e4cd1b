// The spec suite on the native build of the engine (asc -> wasm2c -> gcc):
// proves the C lowering keeps Wasm semantics (NaN bits, rounding, traps).
// Every non-SIMD script runs; the numeric ones are the point.
import { execFileSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { basename, resolve } from "node:path";
import { NUMERIC_SCRIPTS, runScriptNative } from "../../tools/spec/native.ts";
import { ScriptResult, formatTable, total } from "../../tools/spec/run.ts";
import { specScripts, suiteDir } from "../../tools/spec/wast.ts";

describe("wasm spec suite on the native engine", function () {
  this.timeout(300_000);
  const results: ScriptResult[] = [];
  let scripts: string[] = [];
  let problem: string | null = null;
  try {
    scripts = specScripts(suiteDir());
  } catch (e) {
    problem = (e as Error).message;
  }

  before(() => {
    execFileSync("make", ["-s", "-f", "kernel/wasm/engine.mk", "engine-native"], {
      stdio: "inherit",
      cwd: resolve(import.meta.dirname, "../.."),
    });
  });

  after(() => {
    if (results.length > 0) console.log(formatTable(results));
  });

  if (problem !== null) {
    it("finds the spec suite", () => assert.fail(problem));
    return;
  }

  it("has the numeric scripts", () => {
    const names = scripts.map((s) => basename(s, ".wast"));
    for (const n of NUMERIC_SCRIPTS) assert.ok(names.includes(n), `${n}.wast missing`);
  });

  for (const script of scripts) {
    it(basename(script, ".wast"), () => {
      const result = runScriptNative(script);
      results.push(result);
      assert.equal(total(result, "failed"), 0, result.failures.join("\n"));
      assert.ok(total(result, "passed") > 0, "no commands ran");
    });
  }
});
