// The test command: runs every mocha suite under test/ in one process and
// ends with the line "N passed, N failed" that CI reads.
import Mocha from "mocha";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function findTests(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

function parseArgs(argv: string[]): { grep?: string; only: string[] } {
  const opts: { grep?: string; only: string[] } = { only: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--grep" && i + 1 < argv.length) opts.grep = argv[++i];
    else if (a.startsWith("-")) {
      console.error(`usage: npm test -- [--grep PATTERN] [test files or folders...]\nunknown option: ${a}`);
      process.exit(2);
    } else opts.only.push(a);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const roots = opts.only.length > 0 ? opts.only : ["test"];
const files = roots.flatMap((r) => (statSync(r).isDirectory() ? findTests(r) : [r]));
const mocha = new Mocha({ reporter: "spec", timeout: 120_000, grep: opts.grep });
for (const f of files) mocha.addFile(f);
try {
  await mocha.loadFilesAsync();
} catch (e) {
  // A suite that cannot even load counts as a failure, not as nothing.
  console.error("a test file failed to load:", e);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
let passed = 0;
let failed = 0;
const runner = mocha.run(() => {
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
});
runner.on("pass", () => passed++);
runner.on("fail", () => failed++);
