import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cidOf } from "../../tools/identity/cid.ts";
import { resolveConfig } from "../../tools/build/mkconfig.ts";
import { runHosted } from "../../tools/hosted/image.ts";
import wabt from "wabt";

const OUT = new URL("../../out/", import.meta.url).pathname;

describe("hosted native kernel (out/hosted/atoll-hosted)", function () {
  this.timeout(60_000);

  it("boots the kernel's own wasm2c output on Linux and runs the example modules", async () => {
    const modules = ["logger", "echo", "greeter", "clock"].map((name) => ({ name, bytes: new Uint8Array(readFileSync(`${OUT}/modules/${name}.wasm`)) }));
    const config = await resolveConfig(
      "run logger grant=registry,kernel-log handles=log\nrun echo grant=registry,log handles=echo\nrun greeter grant=echo,log\nrun clock grant=time,system-time,random,log\n",
      `${OUT}/modules`, "test.conf");
    modules.push({ name: "config", bytes: new TextEncoder().encode(config) });
    const r = runHosted(modules, "log=info");
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /boot loader: atoll-hosted/);
    assert.match(r.output, /memory map: 2 regions, 511 MiB available/);
    assert.match(r.output, /logger: \[pid 3\] greeter: 1000 greetings echoed/);
    assert.match(r.output, /clock: slept 10 x 200 ms in (\d+) ms/);
    assert.match(r.output, /info {2}idle/);
  });

  it("runs the kernel self-tests and exits with their status, or 1 on a panic", () => {
    const pass = runHosted([], "test");
    assert.match(pass.output, /selftest: 5 passed, 0 failed/);
    assert.equal(pass.status, 0);
    const panic = runHosted([], "test fault=abort");
    assert.match(panic.output, /KERNEL PANIC \*\*\* abort: deliberate assertion failure/);
    assert.equal(panic.status, 1);
  });

  it("simulates fault=stack's double fault on the guard page as the Node simulator does", () => {
    const r = runHosted([], "test fault=stack");
    assert.match(r.output, /KERNEL PANIC \*\*\* kernel stack overflow: double fault \(#DF\), vector 8, error code 0x0/);
    assert.match(r.output, /cr2 0x00000000003feff8/);
    assert.equal(r.status, 1);
  });
});

describe("npx atoll run", function () {
  this.timeout(60_000);
  // This checkout's command (node_modules may be shared with another checkout).
  const atoll = (args: string[], input = "") => spawnSync("node", ["tools/cli/atoll.mjs", "run", ...args], { encoding: "utf8", input });
  // Test modules in C: a stand-in console on COM1, and a client that reads a line from it.
  const fixture = (name: string) => {
    const wasm = join(mkdtempSync(join(tmpdir(), "atoll-fixture-")), `${name}.wasm`);
    execFileSync("clang", ["--target=wasm32", "-ffreestanding", "-nostdlib", "-O2", "-mbulk-memory", "-Iinterfaces/c", "-Wl,--no-entry", "-Wl,--export=_start",
      "-o", wasm, `test/fixtures/${name}/main.c`, "interfaces/c/atoll.c"]);
    return wasm;
  };
  let consoleHandler = "";
  before(() => (consoleHandler = `console=${fixture("serial-console")}`));

  it("runs hello and hello-c with arguments after --, whose greetings reach the terminal through the console module", () => {
    for (const [module, greeting] of [["hello", "Hello from Atoll!"], ["hello-c", "Hello from C on Atoll!"]]) {
      const plain = atoll([`${OUT}/modules/${module}.wasm`]);
      assert.equal(plain.status, 0, plain.stderr);
      assert.equal(plain.stdout.replace(/\r/g, ""), `${greeting}\n`);
      const given = atoll([`${OUT}/modules/${module}.wasm`, "--", "to", "you & 100% me"]);
      assert.equal(given.stdout.replace(/\r/g, ""), `${greeting} to you & 100% me\n`);
      const stand = atoll(["--handler", consoleHandler, `${OUT}/modules/${module}.wasm`]);
      assert.equal(stand.stdout, `${greeting}\n`, "a console handler named on the command line takes the place of the console module");
    }
  });

  it("exits with the first module's own status, natively and in Node", () => {
    const exiting = fixture("exit-status");
    for (const node of [[], ["--node"]]) {
      assert.equal(atoll([...node, exiting]).status, 0);
      assert.equal(atoll([...node, exiting, "--", "abc"]).status, 3);
    }
  });

  it("gives the console what is typed on standard input, natively and in Node", () => {
    const ask = fixture("ask");
    for (const node of [[], ["--node"]]) {
      const r = atoll([...node, "--handler", consoleHandler, ask], "Ada\n");
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^hi Ada$/m);
    }
  });

  it("runs modules on the hosted kernel and prints what they log", () => {
    const r = atoll(["--grant", "echo", `${OUT}/modules/greeter.wasm`, `${OUT}/modules/echo.wasm`]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^echo: serving$/m);
    assert.match(r.stdout, /^greeter: 1000 greetings echoed$/m);
  });

  it("finds a module by CID in the store folder", async () => {
    const cid = await cidOf(new Uint8Array(readFileSync(`${OUT}/modules/clock.wasm`)));
    const r = atoll([cid]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /clock: slept 10 x 200 ms in \d+ ms/);
  });

  it("fails with the reason for a trap, a missing module and a bad option", () => {
    const dir = mkdtempSync(join(tmpdir(), "atoll-run-"));
    const trap = join(dir, "trap.wasm");
    writeFileSync(trap, new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 10, 1, 6, 95, 115, 116, 97, 114, 116, 0, 0, 10, 5, 1, 3, 0, 0, 11]));
    const trapped = atoll([trap]);
    assert.equal(trapped.status, 1);
    assert.match(trapped.stderr, /trap \(pid \d+\) ended: trapped: unreachable/);
    const missing = atoll([join(dir, "nope.wasm")]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.wasm: no such file/);
    const bad = atoll(["--frob"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option --frob/);
    const handler = atoll(["--handler", `console=${join(dir, "none.wasm")}`, trap]);
    assert.equal(handler.status, 1);
    assert.match(handler.stderr, /none\.wasm: no such file/);
  });

  it("ends a silent module that computes forever at --timeout, natively and in Node", async () => {
    const dir = mkdtempSync(join(tmpdir(), "atoll-silent-"));
    const silent = join(dir, "silent.wasm");
    writeFileSync(silent, (await wabt()).parseWat("silent.wat", `(module (func (export "_start") (loop $spin (br $spin))))`).toBinary({}).buffer);
    for (const node of [[], ["--node"]]) {
      // Far longer than the timeout: a run still going then was never stopped.
      const r = spawnSync("node", ["tools/cli/atoll.mjs", "run", ...node, "--timeout", "1", silent], { encoding: "utf8", timeout: 45_000 });
      assert.equal(r.signal, null, `atoll run ${node.join(" ")} was still running after 45 s`);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /atoll run: timed out \(the modules still ran\)/);
    }
  });

  it("exits 1 after a kernel panic, natively and in Node, with the panic on the terminal", () => {
    for (const node of [[], ["--node"]]) {
      // poweroff: the kernel stops waiting for the console's input, goes idle and then faults.
      const r = atoll([...node, "--cmdline", "poweroff fault=abort", `${OUT}/modules/echo.wasm`]);
      assert.match(r.stdout, /\*\*\* KERNEL PANIC \*\*\* abort: deliberate assertion failure/);
      assert.match(r.stderr, /atoll run: the kernel panicked/);
      assert.equal(r.status, 1);
    }
  });

  it("shows what a module logs while it still computes (line-buffered output)", async () => {
    // Its own process group, so the hosted kernel under it ends with it.
    const run = spawn("node", ["tools/cli/atoll.mjs", "run", "--timeout", "600", `${OUT}/modules/spinner.wasm`], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let seen = "";
    try {
      await new Promise<void>((resolve, reject) => {
        run.stdout.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          if (/^spinner: spinning forever$/m.test(seen)) resolve();
        });
        run.on("close", () => reject(new Error(`the run ended before the spinner's line showed: ${seen}`)));
      });
    } finally {
      process.kill(-run.pid!, "SIGKILL");
    }
  });

  it("refuses modules the kernel heap cannot hold instead of crashing, natively and in Node", async () => {
    const dir = mkdtempSync(join(tmpdir(), "atoll-big-"));
    const { buffer } = (await wabt()).parseWat("big.wat", `(module (memory 1000) (func (export "_start")))`).toBinary({});
    writeFileSync(join(dir, "big.wasm"), buffer);
    // Twenty 62.5 MiB memories: more than the 1 GiB the kernel heap may reach, on a hosted kernel whose heap uses no frames.
    const files = Array.from({ length: 20 }, (_, i) => join(dir, `big${i}.wasm`));
    for (const f of files) copyFileSync(join(dir, "big.wasm"), f);
    for (const node of [[], ["--node"]]) {
      const r = atoll([...node, ...files]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /cannot start big\d+: not enough memory to start another process/);
      assert.doesNotMatch(r.stderr, /trapped|panicked/);
    }
  });

  it("knows the kernel heap's limit as asconfig.json sets it", () => {
    const config = JSON.parse(readFileSync("asconfig.json", "utf8"));
    const declared = /HEAP_MAX_PAGES: u64 = (\d+);/.exec(readFileSync("kernel/mem/heap.ts", "utf8"));
    assert.equal(Number(declared?.[1]), config.targets.kernel.maximumMemory);
  });
});
