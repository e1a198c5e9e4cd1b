import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runHosted } from "../../tools/hosted/image.ts";

const OUT = new URL("../../out/", import.meta.url).pathname;

describe("hosted native kernel (out/hosted/atoll-hosted)", function () {
  this.timeout(60_000);

  it("boots the kernel's own wasm2c output on Linux and runs the example modules", () => {
    const modules = ["logger", "echo", "greeter", "clock"].map((name) => ({ name, bytes: new Uint8Array(readFileSync(`${OUT}/modules/${name}.wasm`)) }));
    modules.push({ name: "config", bytes: new Uint8Array(readFileSync(`${OUT}/atoll.conf`)) });
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
    assert.match(pass.output, /selftest: 4 passed, 0 failed/);
    assert.equal(pass.status, 0);
    const panic = runHosted([], "test fault=abort");
    assert.match(panic.output, /KERNEL PANIC \*\*\* abort: deliberate assertion failure/);
    assert.equal(panic.status, 1);
  });
});
