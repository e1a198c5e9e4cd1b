import assert from "node:assert/strict";
import { newMachine } from "../harness/machine.ts";
import { BootInfoBuilder, AVAILABLE } from "../../tools/hosted/multiboot2.ts";
import { smallPc, SMALL_PC, MiB } from "../harness/boots.ts";

async function bootWith(info: Uint8Array, at = 0x10000) {
  const m = await newMachine();
  const end = m.boot(info, at);
  return { m, end, log: m.serial };
}

describe("multiboot2 parsing (hosted)", () => {
  it("reads every tag the kernel uses, EFI and the v2 RSDP included", async () => {
    const info = smallPc("a b=c").efi64().rsdp(1).build();
    const { log } = await bootWith(info);
    assert.match(log, /\(UEFI\)/);
    assert.match(log, /command line: 'a b=c'/);
    assert.match(log, /ACPI RSDP v2 \(36 bytes\)/, "v2 preferred over a later v1 tag");
  });

  it("reports a tag whose size runs past the end, keeps what came before, and still boots", async () => {
    const b = smallPc().tag(99, new Uint8Array(8), 4000);
    const { log, end } = await bootWith(b.build());
    assert.equal(end, "halt");
    assert.match(log, /warn  boot info: tag 99 at offset \d+ has size 4000 past the end of the boot info/);
    assert.match(log, /memory map: 5 regions/);
    assert.match(log, /ready in/);
  });

  it("reports a tag size below the header size instead of looping", async () => {
    const b = new BootInfoBuilder().memoryMap(SMALL_PC).tag(5, new Uint8Array(8), 4);
    const { log } = await bootWith(b.build());
    assert.match(log, /tag 5 at offset \d+ has size 4 past the end/);
    assert.match(log, /ready in/);
  });

  it("refuses an implausible total size without reading it", async () => {
    const info = smallPc().build(0x7fffffff);
    const { log, end } = await bootWith(info);
    assert.equal(end, "halt");
    assert.match(log, /boot info total size 2147483647 is implausible/);
    // No memory map means no allocator: a clear panic, not a crash.
    assert.match(log, /KERNEL PANIC \*\*\* frame allocator: the memory map lists no usable memory above 1 MiB/);
  });

  it("notices a truncated block that lacks the end tag", async () => {
    const full = smallPc().build();
    const truncated = full.slice(0, full.length - 8);
    new DataView(truncated.buffer).setUint32(0, truncated.length, true);
    const { log } = await bootWith(truncated);
    assert.match(log, /boot info has no end tag/);
    assert.match(log, /ready in/);
  });

  it("rejects an unaligned info pointer", async () => {
    const { log } = await bootWith(smallPc().build(), 0x10004);
    assert.match(log, /boot info address 0x10004 is not 8-byte aligned/);
  });

  it("reports an unterminated string and a bad memory map entry size", async () => {
    const b = new BootInfoBuilder()
      .tag(1, new Uint8Array(Buffer.from("no-nul")))
      .memoryMap(SMALL_PC, 20)
      .memoryMap([{ base: MiB, length: 15 * MiB, type: AVAILABLE }]);
    const { log } = await bootWith(b.build());
    assert.match(log, /unterminated string in boot info/);
    assert.match(log, /command line: 'no-nul'/);
    assert.match(log, /memory map entry size 20 is invalid/);
    assert.match(log, /memory map: 1 regions, 15 MiB available/);
  });

  it("rejects a module that ends before it starts and a short framebuffer tag", async () => {
    const b = smallPc().module(0x900000, 0x800000, "backwards").tag(8, new Uint8Array(8));
    const { log } = await bootWith(b.build());
    assert.match(log, /module 'backwards' ends before it starts/);
    assert.match(log, /framebuffer tag too short/);
    assert.match(log, /ready in/);
  });

  it("survives random corruption of every byte of the block", async function () {
    this.timeout(60_000);
    const good = smallPc("x").build();
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let trial = 0; trial < 300; trial++) {
      const bad = good.slice();
      for (let k = 0; k < 4; k++) bad[8 + (random() % (bad.length - 8))] = random() & 0xff;
      const m = await newMachine();
      const end = m.boot(bad);
      assert.ok(end === "halt", `trial ${trial}: ended with ${end}`);
      assert.match(m.serial, /ready in|KERNEL PANIC \*\*\* frame allocator/, `trial ${trial}: neither ready nor a clear panic`);
    }
  });
});
