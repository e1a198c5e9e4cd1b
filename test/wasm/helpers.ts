// Shared setup of the engine tests: build the hosted engine once, and
// assemble test modules from the text format with wabt.
import { execFileSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { basename, resolve } from "node:path";
import wabtInit from "wabt";
import { ScriptResult, formatTable, total } from "../../tools/spec/run.ts";
import { specScripts, suiteDir } from "../../tools/spec/wast.ts";

const wabt = await wabtInit();
const built = new Set<string>();

/** Builds a target of kernel/wasm/engine.mk once per test run. */
export function buildEngine(target = "engine"): void {
  if (built.has(target)) return;
  execFileSync("make", ["-s", "-f", "kernel/wasm/engine.mk", target], {
    stdio: "inherit",
    cwd: resolve(import.meta.dirname, "../.."),
  });
  built.add(target);
}

/**
 * Defines one test per spec script (run by `run`), each failing on any
 * failed command, and prints the table after them. Without the suite, a
 * single failing test says where to get it.
 */
export function specScriptTests(run: (script: string) => ScriptResult): string[] {
  let scripts: string[];
  try {
    scripts = specScripts(suiteDir());
  } catch (e) {
    it("finds the spec suite", () => assert.fail((e as Error).message));
    return [];
  }
  const results: ScriptResult[] = [];
  after(() => {
    if (results.length > 0) console.log(formatTable(results));
  });
  for (const script of scripts) {
    it(basename(script, ".wast"), () => {
      const result = run(script);
      results.push(result);
      assert.equal(total(result, "failed"), 0, result.failures.join("\n"));
      assert.ok(total(result, "passed") > 0, "no commands ran");
    });
  }
  return scripts;
}

/** Assembles a module in the text format; names are kept in the name section. */
export function wat(source: string, features: Record<string, boolean> = {}): Uint8Array<ArrayBuffer> {
  const parsed = wabt.parseWat("test.wat", source, features);
  try {
    parsed.resolveNames();
    parsed.validate();
    return new Uint8Array(parsed.toBinary({ write_debug_names: true }).buffer);
  } finally {
    parsed.destroy();
  }
}
