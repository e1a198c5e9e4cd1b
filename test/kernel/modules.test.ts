import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { newMachine } from "../harness/machine.ts";
import { BootInfoBuilder } from "../../tools/hosted/multiboot2.ts";
import { SMALL_PC } from "../harness/boots.ts";
import { resolveConfig } from "../../tools/build/mkconfig.ts";

const OUT = new URL("../../out/", import.meta.url).pathname;

describe("example modules on the hosted kernel", function () {
  this.timeout(60_000);

  it("run from the image's own boot configuration", async () => {
    const m = await newMachine();
    const info = new BootInfoBuilder().memoryMap(SMALL_PC);
    let at = 0x1000000;
    const place = (bytes: Uint8Array, name: string) => {
      m.memory.write(at, bytes);
      info.module(at, at + bytes.length, name);
      at += (bytes.length + 0xfff) & ~0xfff;
    };
    for (const file of readdirSync(`${OUT}/modules`).filter((f) => f.endsWith(".wasm")).sort()) {
      place(new Uint8Array(readFileSync(`${OUT}/modules/${file}`)), file.replace(/\.wasm$/, ""));
    }
    place(new Uint8Array(readFileSync(`${OUT}/atoll.conf`)), "config");
    assert.equal(m.boot(info.build()), "halt");
    assert.match(m.serial, /logger: \[pid 3\] greeter: 1000 greetings echoed/);
    assert.match(m.serial, /logger: \[pid 4\] clock: slept 10 x 200 ms in \d+ ms/);
    assert.doesNotMatch(m.serial, /cannot start|trapped/);
    assert.match(m.serial, /no runnable processes \(2 waiting\)/);
  });
});

describe("boot configuration builder", () => {
  const modules = `${OUT}/modules`;

  it("resolves module names to CIDs and interface names to hashes", async () => {
    const text = await resolveConfig("# comment\nrun echo grant=registry,log handles=echo\n", modules, "boot.conf");
    assert.match(text, /^run bafkrei[a-z2-7]{52} name=echo grant=[0-9a-f]{64},[0-9a-f]{64} handles=[0-9a-f]{64}\n$/);
  });

  it("names the line of an unknown module, interface or setting", async () => {
    await assert.rejects(resolveConfig("\nrun nosuch\n", modules, "boot.conf"), /boot\.conf:2: no module 'nosuch'/);
    await assert.rejects(resolveConfig("run echo grant=nosuch\n", modules, "boot.conf"), /boot\.conf:1: no interface 'nosuch'/);
    await assert.rejects(resolveConfig("run echo fast=yes\n", modules, "boot.conf"), /unknown setting 'fast=yes'/);
    await assert.rejects(resolveConfig("start echo\n", modules, "boot.conf"), /expected 'run\|program <module>/);
  });
});
