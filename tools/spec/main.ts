// Runs the spec suite against the engine: `tsx tools/spec/main.ts [--native]
// [script names...]` prints the per-script table, the totals, and every
// failure; exits non-zero when any command failed. --native runs the
// wasm2c + gcc build (out/engine/atoll-run, `make engine-native`).
import { basename } from "node:path";
import { runScriptNative } from "./native.ts";
import { formatTable, runScript, total } from "./run.ts";
import { specScripts, suiteDir } from "./wast.ts";

const args = process.argv.slice(2);
const native = args.includes("--native");
const only = args.filter((a) => a !== "--native");
const scripts = specScripts(suiteDir()).filter((s) => only.length === 0 || only.includes(basename(s, ".wast")));
const results = scripts.map(native ? runScriptNative : runScript);
for (const r of results) for (const f of r.failures) console.log(`${r.name}: ${f}`);
console.log(formatTable(results));
process.exitCode = results.some((r) => total(r, "failed") > 0) ? 1 : 0;
