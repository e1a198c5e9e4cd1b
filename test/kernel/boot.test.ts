import assert from "node:assert/strict";
import { newMachine } from "../harness/machine.ts";
import { smallPc } from "../harness/boots.ts";

describe("kernel boot (hosted)", () => {
  it("logs the banner, the boot summary, memory figures and ready, then halts", async () => {
    const m = await newMachine();
    assert.equal(m.boot(smallPc("log=info").build()), "halt");
    const log = m.serial;
    assert.match(log, /^Atoll \d+\.\d+\.\d+ - an operating system where every program is WebAssembly/m);
    assert.match(log, /info  boot loader: GRUB 2\.06 \(simulated\) \(BIOS\)/);
    assert.match(log, /info  cpu: AtollSimCPU!/);
    assert.match(log, /info  command line: 'log=info'/);
    assert.match(log, /info  screen: VGA text 80x25/);
    assert.match(log, /info  module 'symbols' bafkrei[a-z2-7]{52} at 0x800000, 3000 bytes/);
    assert.match(log, /info  ACPI RSDP v2 \(36 bytes\)/);
    // 0x9fc00 bytes below 1 MiB + 31 MiB above = 31 MiB (rounded down).
    assert.match(log, /info  memory map: 5 regions, 31 MiB available/);
    const frames = /frames: (\d+) free of (\d+)/.exec(log);
    assert.ok(frames, "frame summary missing");
    // 31 MiB above 1 MiB, less the 4 MiB kernel image, the module and the bitmap.
    assert.equal(Number(frames[1]), 31 * 256 - 1024 - 1 - 1);
    assert.match(log, /info  ready in \d+\.\d ms since entry/);
    assert.match(log, /info  idle\r\n$/);
    assert.ok(m.idt && m.idt.limit === 4095, "IDT loaded with 256 gates");
  });

  it("hides debug lines at the default level and shows them with log=debug", async () => {
    const quiet = await newMachine();
    quiet.boot(smallPc().build());
    assert.doesNotMatch(quiet.serial, /debug/);
    const verbose = await newMachine();
    verbose.boot(smallPc("log=debug").build());
    assert.match(verbose.serial, /debug memory 0x0000000000100000-0x0000000001ffffff available/);
    assert.match(verbose.serial, /debug memory 0x00000000fffc0000-0x00000000ffffffff reserved/);
  });

  it("warns about an unknown log level and keeps booting", async () => {
    const m = await newMachine();
    assert.equal(m.boot(smallPc("log=chatty").build()), "halt");
    assert.match(m.serial, /warn  unknown log level 'chatty'/);
    assert.match(m.serial, /ready in/);
  });

  it("refuses to run when the multiboot2 magic is wrong", async () => {
    const m = await newMachine();
    assert.equal(m.boot(smallPc().build(), 0x10000, 0x2badb002), "halt");
    assert.match(m.serial, /KERNEL PANIC \*\*\* not started by a multiboot2 boot loader \(magic 0x2badb002\)/);
    assert.doesNotMatch(m.serial, /ready/);
  });

  it("survives a PIT that never fires, with a warning", async () => {
    const m = await newMachine();
    m.pitDelay = 0;
    assert.equal(m.boot(smallPc().build()), "halt");
    assert.match(m.serial, /warn  TSC calibration failed/);
    assert.match(m.serial, /ready in 0\.0 ms/);
  });
});

describe("kernel self-tests (hosted)", () => {
  it("pass on the simulated machine and exit QEMU with the success value", async () => {
    const m = await newMachine();
    assert.equal(m.boot(smallPc("test").build()), 0x10);
    assert.match(m.serial, /selftest: 5 passed, 0 failed/);
  });
});
