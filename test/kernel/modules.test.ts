import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { newMachine } from "../harness/machine.ts";
import { BootInfoBuilder } from "../../tools/hosted/multiboot2.ts";
import { placeImageModules, SMALL_PC, typeOnSerial } from "../harness/boots.ts";
import { cidOf } from "../../tools/identity/cid.ts";
import { resolveConfig } from "../../tools/build/mkconfig.ts";
import { withoutLogLines } from "../../tools/hosted/output.ts";

const OUT = new URL("../../out/", import.meta.url).pathname;

describe("example modules on the hosted kernel", function () {
  this.timeout(60_000);

  it("run from the image's own boot configuration: the shell on the serial console runs the examples", async () => {
    const m = await newMachine();
    const info = new BootInfoBuilder().memoryMap(SMALL_PC);
    placeImageModules(m, info);
    const hello = await cidOf(new Uint8Array(readFileSync(`${OUT}/modules/hello.wasm`)));
    const unknown = await cidOf(new TextEncoder().encode("no module has these bytes"));
    typeOnSerial(m, ["run hello a\r", "run hello-c\r", "run greeter\r", "run clock\r", "ps\r", "run nosuch\r",
      `run ${hello}\r`, `run ${unknown}\r`, "run bafkreinotacid\r"]);
    assert.equal(m.boot(info.build()), "halt", "the kernel stops when the typed input ends");
    const session = withoutLogLines(m.serial);
    assert.match(session, /Atoll shell\. Type help for the commands\.\natoll> /);
    // The kernel's "idle" line, logged while the first prompt was open, broke that line.
    assert.match(session, /atoll> \n?run hello a\nHello from Atoll! a\n/);
    assert.match(session, /atoll> run hello-c\nHello from C on Atoll!\n/);
    assert.match(m.serial, /logger: \[pid \d+\] greeter: 1000 greetings echoed/);
    assert.match(m.serial, /logger: \[pid \d+\] clock: slept 10 x 200 ms in \d+ ms/);
    // logger, console, echo and the shell: the keyboard driver found no i8042 and ended.
    assert.match(session, /atoll> ps\nPID +NAME +STATE +MEMORY +FUEL +CID\n( +\d+  [a-z-]+ +(run|wait) +\d+ KiB +\d+  bafkrei\S+\n){4}atoll> /);
    assert.match(session, /atoll> run nosuch\nerror: the boot configuration has no program called 'nosuch'\n/);
    assert.match(session, new RegExp(`atoll> run ${hello}\nHello from Atoll!\n`), "a boot module runs by CID too");
    assert.match(session, new RegExp(`atoll> run ${unknown}\nerror: .*\n`));
    assert.match(session, /atoll> run bafkreinotacid\nrun: 'bafkreinotacid' is not a module CID\n/);
    assert.doesNotMatch(m.serial, /cannot start|trapped/);
  });
});

describe("boot configuration builder", () => {
  const modules = `${OUT}/modules`;

  it("resolves module names to CIDs and interface names to hashes", async () => {
    const text = await resolveConfig("# comment\nrun echo grant=registry,log handles=echo kernel-memory=48M\n", modules, "boot.conf");
    assert.match(text, /^run bafkrei[a-z2-7]{52} name=echo grant=[0-9a-f]{64},[0-9a-f]{64} handles=[0-9a-f]{64} kernel-memory=50331648\n$/);
  });

  it("names the line of an unknown module, interface or setting", async () => {
    await assert.rejects(resolveConfig("\nrun nosuch\n", modules, "boot.conf"), /boot\.conf:2: no module 'nosuch'/);
    await assert.rejects(resolveConfig("run echo grant=nosuch\n", modules, "boot.conf"), /boot\.conf:1: no interface 'nosuch'/);
    await assert.rejects(resolveConfig("run echo fast=yes\n", modules, "boot.conf"), /unknown setting 'fast=yes'/);
    await assert.rejects(resolveConfig("run echo kernel-memory=12X\n", modules, "boot.conf"), /boot\.conf:1: kernel-memory wants a size like 64K, 48M or 1G, not '12X'/);
    await assert.rejects(resolveConfig("start echo\n", modules, "boot.conf"), /expected 'run\|program <module>/);
  });
});
