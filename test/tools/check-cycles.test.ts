import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ALLOWED_CYCLES, cycles, folderGraph, forbiddenCycles, pathThrough } from "../../tools/build/check-cycles.ts";

const TOOL = "tools/build/check-cycles.ts";

/** A kernel tree of `files` (path -> text) in a fresh temporary folder. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "atoll-cycles-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const run = (...args: string[]) => spawnSync("npx", ["tsx", TOOL, ...args], { encoding: "utf8" });

describe("tools/build/check-cycles.ts", function () {
  this.timeout(60_000);

  it("builds the folder graph from imports and re-exports, ignoring imports within a folder and outside the tree", () => {
    const root = tree({
      "main.ts": `import { a } from "./ipc/router";\n`,
      "ipc/router.ts": `import { b } from "./message";\nimport * as r from "../../interfaces/as/generated/registry";\nexport { c } from "../wasm/engine";\n`,
      "ipc/message.ts": "export const b = 1;\n",
      "wasm/engine.ts": "export const c = 1;\n",
    });
    try {
      const graph = folderGraph(root);
      assert.deepEqual([...graph.get("kernel")!], ["ipc"]);
      assert.deepEqual([...graph.get("ipc")!], ["wasm"]);
      assert.deepEqual([...graph.get("wasm")!], []);
      assert.deepEqual(cycles(graph), []);
    } finally {
      rmSync(root, { recursive: true });
    }
  });

  it("fails with the cycle printed when kernel folders import each other through ipc/", () => {
    const root = tree({
      "ipc/router.ts": `import { x } from "../time/sleeps";\n`,
      "time/sleeps.ts": `import { y } from "../proc/table";\n`,
      "proc/table.ts": `import { send } from "../ipc/router";\n`,
      "wasm/engine.ts": "export const c = 1;\n",
    });
    try {
      const graph = folderGraph(root);
      const groups = cycles(graph);
      assert.deepEqual(groups, [["ipc", "proc", "time"]]);
      assert.deepEqual(pathThrough(graph, groups[0]), ["ipc", "time", "proc", "ipc"]);
      assert.deepEqual(forbiddenCycles(groups, ["ipc proc time"]), groups, "a cycle through ipc/ is never allowed");
      const result = run("--root", root);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /error: import cycle between kernel folders ipc, proc, time: ipc -> time -> proc -> ipc/);
    } finally {
      rmSync(root, { recursive: true });
    }
  });

  it("allows only the listed cycles elsewhere", () => {
    const groups = [["proc", "sched"], ["mem", "pci"]];
    assert.deepEqual(forbiddenCycles(groups, ["proc sched"]), [["mem", "pci"]]);
  });

  it("passes on the real kernel tree, with ipc/ in no cycle, and prints its graph", () => {
    const result = run("--graph");
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ipc -> wasm$/m, "ipc/ imports only the engine");
    for (const allowed of ALLOWED_CYCLES) assert.match(result.stdout, new RegExp(`allowed cycle between kernel folders: ${allowed}`));
    for (const group of cycles(folderGraph("kernel"))) assert.ok(!group.includes("ipc"));
  });
});
