// `npm run wasi-suite`: runs the official WASI test suite's preview 1
// programs (../shared/wasi-testsuite, read-only) on the hosted kernel
// through `atoll run`, and prints passed and failed per set, with why each
// failure failed. A test passes when its exit status and standard output
// are the ones its JSON file expects (docs/wasi.md says what is missing).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SUITE = new URL("../../../shared/wasi-testsuite/tests/", import.meta.url).pathname;
const SETS = ["c", "assemblyscript", "rust"];
const TIMEOUT_SECONDS = 60;

interface Spec {
  args: string[];
  env: Record<string, string>;
  root?: string;
  exit_code: number;
  stdout: string;
}

function specOf(wasm: string): Spec {
  const file = wasm.replace(/\.wasm$/, ".json");
  const given = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<Spec>) : {};
  return { args: [], env: {}, exit_code: 0, stdout: "", ...given };
}

/** "" when the program behaves as `spec` says, else what differed. */
function runOne(wasm: string, spec: Spec): string {
  const r = spawnSync("node", ["tools/cli/atoll.mjs", "run", "--timeout", String(TIMEOUT_SECONDS), wasm, "--", ...spec.args], {
    encoding: "utf8", input: "", timeout: (TIMEOUT_SECONDS + 30) * 1000,
  });
  const stdout = r.stdout.replace(/\r\n/g, "\n");
  const unsupported = [spec.root !== undefined ? "a preopened directory" : "", Object.keys(spec.env).length > 0 ? "an environment" : ""]
    .filter((s) => s.length > 0).join(" and ");
  const needs = unsupported.length > 0 ? ` (needs ${unsupported})` : "";
  if (r.status !== spec.exit_code) return `exit status ${r.status}, expected ${spec.exit_code}${needs}: ${r.stderr.trim().split("\n").pop() ?? ""}`;
  if (stdout !== spec.stdout) return `standard output differs${needs}: ${JSON.stringify(stdout.slice(0, 120))}`;
  return "";
}

function runSet(set: string): { passed: number; failed: number } {
  const dir = join(SUITE, set, "testsuite", "wasm32-wasip1");
  const tests = readdirSync(dir).filter((f) => f.endsWith(".wasm")).sort();
  let passed = 0;
  for (const test of tests) {
    const problem = runOne(join(dir, test), specOf(join(dir, test)));
    if (problem.length === 0) passed++;
    else console.log(`  FAIL ${set}/${test}: ${problem}`);
  }
  console.log(`${set}: ${passed} passed, ${tests.length - passed} failed`);
  return { passed, failed: tests.length - passed };
}

if (!existsSync(SUITE)) {
  console.error(`wasi-suite: no WASI test suite at ${SUITE}`);
  process.exit(2);
}
const wanted = process.argv.slice(2);
const unknown = wanted.filter((s) => !SETS.includes(s));
if (unknown.length > 0) {
  console.error(`usage: npm run wasi-suite [-- ${SETS.join("|")}...] (unknown set ${unknown.join(", ")})`);
  process.exit(2);
}
let passed = 0;
let failed = 0;
for (const set of wanted.length > 0 ? wanted : SETS) {
  const r = runSet(set);
  passed += r.passed;
  failed += r.failed;
}
console.log(`${passed} passed, ${failed} failed`);
