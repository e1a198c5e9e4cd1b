// The tools and the tests type-check strictly (tsconfig.json): `npm test`
// fails on a type error like on any failed assertion. The kernel and the
// modules are AssemblyScript, checked by asc in the build instead.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

const TSC = "node_modules/.bin/tsc";

function tsc(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(TSC, ["-p", "tsconfig.json", ...args], { encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe("type checking", () => {
  it("tsc --noEmit finds no errors in tools/ and test/", () => {
    const r = tsc("--noEmit");
    assert.equal(r.status, 0, r.output);
  });

  it("covers the TypeScript tools and tests, not the AssemblyScript sources", () => {
    const files = tsc("--listFilesOnly").output.split("\n").map((f) => f.replace(`${process.cwd()}/`, ""));
    for (const f of ["tools/commands/test.ts", "tools/hosted/machine.ts", "test/tools/typecheck.test.ts"]) assert.ok(files.includes(f), `${f} is not type-checked`);
    assert.ok(!files.some((f) => f.startsWith("kernel/") || f.startsWith("interfaces/as/")), "AssemblyScript sources are type-checked as TypeScript");
  });
});
