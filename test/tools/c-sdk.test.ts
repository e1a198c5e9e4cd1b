// The C module SDK: interfaces/c/atoll.h and the headers generated from
// every interface definition compile for wasm32, and the build names the
// Debian packages when clang is missing.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
const GENERATED = join(ROOT, "interfaces/c/generated");

describe("C module SDK", function () {
  this.timeout(60_000);
  let dir = "";
  before(() => {
    execFileSync("make", ["-s", "interfaces/c/generated/.stamp"], { cwd: ROOT });
    dir = mkdtempSync(join(tmpdir(), "atoll-c-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("generates a header per interface, and all of them compile together", () => {
    const headers = readdirSync(GENERATED).filter((f) => f.endsWith(".h")).sort();
    const definitions = readdirSync(join(ROOT, "interfaces")).filter((f) => f.endsWith(".interface"));
    assert.deepEqual(headers, definitions.map((f) => f.replace(/\.interface$/, ".h")).sort());
    const source = join(dir, "all.c");
    writeFileSync(source, `${headers.map((h) => `#include "generated/${h}"`).join("\n")}\nvoid _start(void) {}\n`);
    const r = spawnSync("clang", ["--target=wasm32", "-ffreestanding", "-nostdlib", "-O2", "-mbulk-memory", "-Wall", "-Wextra", "-Werror",
      `-I${ROOT}interfaces/c`, "-Wl,--no-entry", "-Wl,--export=_start", "-o", join(dir, "all.wasm"), source, `${ROOT}interfaces/c/atoll.c`], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });

  it("encodes like the AssemblyScript library: hash bytes, ordinals, offsets", () => {
    const header = readFileSync(join(GENERATED, "console.h"), "utf8");
    const hash = execFileSync(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "tools/commands/atoll.ts"), "interfaces"], { encoding: "utf8" });
    const hex = /^([0-9a-f]{64}) {2}console$/m.exec(hash)![1];
    assert.match(header, new RegExp(`CONSOLE_INTERFACE\\[32\\] = \\{${hex.match(/../g)!.map((b) => `0x${b}`).join(", ")}\\}`));
    assert.match(header, /#define CONSOLE_READ_LINE 1\n#define CONSOLE_READ_LINE_PROMPT_AT 1/);
  });

  it("stops the build naming the Debian packages when clang is missing", () => {
    const bin = join(dir, "bin");
    execFileSync("mkdir", [bin]);
    for (const tool of ["make", "node", "mkdir", "touch"]) symlinkSync(execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim(), join(bin, tool));
    const r = spawnSync("make", ["-W", "modules/hello-c/main.c", "out/modules/hello-c.wasm"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: bin } });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /'clang' not found; install the Debian package clang/);
  });
});
