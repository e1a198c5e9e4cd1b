// The WebAssembly 2.0 core spec suite (all non-SIMD top-level scripts) run
// against the hosted engine: one test per script, failing on any failed
// command; the per-script table and totals are printed at the end.
import { strict as assert } from "node:assert";
import { basename } from "node:path";
import { ScriptResult, formatTable, runScript, total } from "../../tools/spec/run.ts";
import { specScripts, suiteDir } from "../../tools/spec/wast.ts";
import { buildEngine } from "./helpers.ts";

function findScripts(): { scripts: string[]; problem: string | null } {
  try {
    return { scripts: specScripts(suiteDir()), problem: null };
  } catch (e) {
    return { scripts: [], problem: (e as Error).message };
  }
}

describe("wasm spec suite", function () {
  this.timeout(300_000);
  const { scripts, problem } = findScripts();
  const results: ScriptResult[] = [];

  before(buildEngine);

  after(() => {
    if (results.length > 0) console.log(formatTable(results));
  });

  if (problem !== null) {
    it("finds the spec suite", () => assert.fail(problem));
    return;
  }

  it("has the non-SIMD scripts", () => assert.ok(scripts.length >= 89, `only ${scripts.length} scripts found`));

  for (const script of scripts) {
    it(basename(script, ".wast"), () => {
      const result = runScript(script);
      results.push(result);
      assert.equal(total(result, "failed"), 0, result.failures.join("\n"));
      assert.ok(total(result, "passed") > 0, "no commands ran");
    });
  }
});
