// atoll-run, the engine as a Linux program: decimal arguments in, one
// decimal result per line out, and an exit status per kind of failure.
import { spawnSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ATOLL_RUN } from "../../tools/spec/native.ts";
import { buildEngine, wat } from "./helpers.ts";

describe("atoll-run", function () {
  this.timeout(120_000);
  let dir = "";
  const file = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const run = (...args: string[]) => spawnSync(ATOLL_RUN, args, { encoding: "utf8" });

  before(() => {
    buildEngine("engine-native");
    dir = mkdtempSync(join(tmpdir(), "atoll-run-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("calls an export with decimal arguments and prints each result on its own line", () => {
    const module = file("ok.wasm", wat(`(module
      (func (export "mix") (param i32 i64 f32 f64) (result i32 i64 f32 f64)
        (i32.add (local.get 0) (i32.const 1)) (i64.mul (local.get 1) (i64.const 2))
        (f32.add (local.get 2) (f32.const 0.5)) (f64.neg (local.get 3))))`));
    const result = run(module, "mix", "-5", "4000000000", "1.25", "2.5");
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split("\n"), ["-4", "8000000000", "1.75", "-2.5"]);
  });

  it("exits with a status per kind of failure, the reason on stderr", () => {
    const trapping = file("trap.wasm", wat(`(module (func $boom (export "boom") (unreachable)))`));
    const unlinked = file("link.wasm", wat(`(module (import "nowhere" "f" (func)))`));
    const malformed = file("bad.wasm", Uint8Array.from([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]));
    const cases: [string[], number, RegExp][] = [
      [[trapping, "boom"], 4, /^trap unreachable in function \$?boom/],
      [[unlinked], 3, /^link unknown import "nowhere" "f"/],
      [[malformed], 2, /^load unknown binary version/],
      [[join(dir, "missing.wasm")], 2, /^load cannot read/],
      [[trapping, "nothing"], 1, /no exported function "nothing"/],
      [[trapping, "boom", "1"], 1, /takes 0 arguments, got 1/],
    ];
    for (const [args, status, message] of cases) {
      const result = run(...args);
      assert.equal(result.status, status, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });
});
