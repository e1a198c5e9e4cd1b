// Runs the spec suite against the hosted engine: `tsx tools/spec/main.ts
// [script names...]` prints the per-script table, the totals, and every
// failure; exits non-zero when any command failed.
import { basename } from "node:path";
import { formatTable, runScript, total } from "./run.ts";
import { specScripts, suiteDir } from "./wast.ts";

const only = process.argv.slice(2);
const scripts = specScripts(suiteDir()).filter((s) => only.length === 0 || only.includes(basename(s, ".wast")));
const results = scripts.map(runScript);
for (const r of results) for (const f of r.failures) console.log(`${r.name}: ${f}`);
console.log(formatTable(results));
process.exitCode = results.some((r) => total(r, "failed") > 0) ? 1 : 0;
