import assert from "node:assert/strict";
import { IMAGE_END, IMAGE_START, LINEAR_BASE, LINEAR_MAPPED, newMachine } from "../harness/machine.ts";
import { MiB, MODULE_END, MODULE_START, smallPc } from "../harness/boots.ts";
import { runPrograms } from "../harness/programs.ts";
import { AVAILABLE, BootInfoBuilder, Region } from "../../tools/hosted/multiboot2.ts";
import { interfaceHash, NOTIFICATION, program } from "../../tools/hosted/programs.ts";
import { abi } from "../../tools/hosted/abi.ts";

const FRAME = 4096n;
const INFO_AT = 0x10000;
const GiB4 = 0x1_0000_0000n;
/** Low frames ordinary allocations leave for DMA once high memory is in use (DMA_RESERVE_FRAMES in kernel/mem/frames.ts). */
const DMA_RESERVE = 4096n;
/** 64 MiB of RAM right above 4 GiB, added to the small PC's map. */
const HIGH_RAM: Region = { base: 0x1_0000_0000, length: 64 * MiB, type: AVAILABLE };

async function bootedMachine() {
  const m = await newMachine();
  m.boot(smallPc().build(), INFO_AT);
  return m;
}

describe("frame allocator (hosted)", () => {
  it("hands out every free frame once, never a reserved one, and takes them all back", async () => {
    const m = await bootedMachine();
    const k = m.kernel;
    const free = k.freeFrameCount();
    const seen = new Set<bigint>();
    for (;;) {
      const f = k.allocFrames(1n, 1n);
      if (f === 0n) break;
      assert.equal(f % FRAME, 0n);
      assert.ok(!seen.has(f), `frame 0x${f.toString(16)} handed out twice`);
      seen.add(f);
      const n = Number(f);
      assert.ok(n >= MiB && n < 32 * MiB, `0x${n.toString(16)} is outside available RAM above 1 MiB`);
      assert.ok(n < IMAGE_START || n >= IMAGE_END, `0x${n.toString(16)} is inside the kernel image`);
      assert.ok(n + 4096 <= MODULE_START || n >= MODULE_END, `0x${n.toString(16)} overlaps the boot module`);
    }
    assert.equal(BigInt(seen.size), free);
    assert.equal(k.freeFrameCount(), 0n);
    for (const f of seen) assert.equal(k.freeFrames(f, 1n), 1);
    assert.equal(k.freeFrameCount(), free);
  });

  it("refuses double frees, unaligned or reserved addresses, and frames past the end", async () => {
    const m = await bootedMachine();
    const k = m.kernel;
    const f = k.allocFrames(1n, 1n);
    assert.equal(k.freeFrames(f, 1n), 1);
    assert.equal(k.freeFrames(f, 1n), 0, "double free");
    assert.equal(k.freeFrames(f + 8n, 1n), 0, "unaligned");
    assert.equal(k.freeFrames(BigInt(IMAGE_START), 1n), 0, "kernel image");
    assert.equal(k.freeFrames(BigInt(MODULE_START), 1n), 0, "boot module");
    assert.equal(k.freeFrames(0x1000n, 1n), 0, "low memory");
    assert.equal(k.freeFrames(BigInt(64 * MiB), 1n), 0, "beyond RAM");
    assert.equal(k.freeFrames(f, 0n), 0, "zero count");
  });

  it("finds aligned contiguous runs and fails cleanly when none is left", async () => {
    const m = await bootedMachine();
    const k = m.kernel;
    const run = k.allocFrames(64n, 16n);
    assert.notEqual(run, 0n);
    assert.equal((run / FRAME) % 16n, 0n);
    for (let i = 0; i < 64; i++) {
      const f = k.allocFrames(1n, 1n);
      assert.ok(f < run || f >= run + 64n * FRAME, `0x${f.toString(16)} lies inside the allocated run`);
    }
    assert.equal(k.allocFrames(100_000n, 1n), 0n, "more than RAM");
    assert.equal(k.allocFrames(1n, 0n), 0n, "zero alignment");
    assert.equal(k.freeFrames(run, 64n), 1);
  });

  it("never places its bitmap over the boot info", async () => {
    const m = await newMachine();
    // Put the boot info where the bitmap would otherwise go: just above 1 MiB.
    m.boot(smallPc().build(), MiB);
    const seen: bigint[] = [];
    for (let f = m.kernel.allocFrames(1n, 1n); f !== 0n; f = m.kernel.allocFrames(1n, 1n)) seen.push(f);
    assert.ok(!seen.includes(BigInt(MiB)), "boot info frame handed out");
    assert.match(m.serial, /ready in/);
  });
});

describe("linear memory paging (hosted)", () => {
  it("backs a range of the linear window with fresh frames in four-level tables", async () => {
    const m = await bootedMachine();
    const k = m.kernel;
    const before = k.freeFrameCount();
    const start = LINEAR_BASE + BigInt(LINEAR_MAPPED) + 2n * BigInt(MiB);
    assert.equal(k.backLinearMemory(start, start + 16n * FRAME), 1);
    const frames = new Set<bigint>();
    for (let i = 0n; i < 16n; i++) {
      const phys = k.translate(start + i * FRAME + 123n);
      assert.ok(phys >= 0n, "page not mapped");
      assert.equal(phys % FRAME, 123n);
      frames.add(phys - 123n);
    }
    assert.equal(frames.size, 16);
    // 16 pages plus one new page table; the PML4, PDPT and directory exist.
    assert.equal(before - k.freeFrameCount(), 17n);
    assert.equal(k.translate(start + 16n * FRAME), -1n);
    assert.equal(k.backLinearMemory(start, start + FRAME), 0, "mapping a mapped page is refused");
  });

  it("gives back everything when RAM runs out part-way", async () => {
    const m = await bootedMachine();
    const k = m.kernel;
    const before = k.freeFrameCount();
    const start = LINEAR_BASE + BigInt(LINEAR_MAPPED) + 8n * BigInt(MiB);
    assert.equal(k.backLinearMemory(start, start + (before + 10n) * FRAME), 0);
    assert.equal(k.translate(start), -1n);
    // Only the page tables created on the way stay in use.
    assert.ok(before - k.freeFrameCount() < 40n, `${before - k.freeFrameCount()} frames leaked`);
  });

  it("translates through the 2 MiB pages that back the boot arena", async () => {
    const m = await bootedMachine();
    assert.equal(m.kernel.translate(LINEAR_BASE + 0x212345n), 0x1_0020_0000n + 0x12345n);
  });
});

describe("RAM above 4 GiB (hosted)", () => {
  async function bootWith(info: BootInfoBuilder) {
    const m = await newMachine();
    m.boot(info.build(), INFO_AT);
    return m;
  }

  it("identity-maps it with 2 MiB pages, counts it and hands it out before low memory", async () => {
    const m = await bootWith(smallPc().memoryMap([HIGH_RAM]));
    const k = m.kernel;
    assert.match(m.serial, /memory above 4 GiB: 64 MiB mapped and in use; 16 MiB below 4 GiB kept for DMA/);
    assert.doesNotMatch(m.serial, /beyond the identity map|page tables that map RAM/);
    assert.equal(k.translate(GiB4 + 0x123456n), GiB4 + 0x123456n, "high RAM is reached at its own address");
    assert.equal(k.translate(GiB4 + 63n * BigInt(MiB) + 0xff8n), GiB4 + 63n * BigInt(MiB) + 0xff8n);
    assert.equal(k.translate(GiB4 + 64n * BigInt(MiB)), -1n, "nothing is mapped past the end of RAM");
    const free = k.freeFrameCount();
    const taken: bigint[] = [];
    for (let f = k.allocFrames(1n, 1n); f !== 0n; f = k.allocFrames(1n, 1n)) taken.push(f);
    const firstLow = taken.findIndex((f) => f < GiB4);
    assert.ok(firstLow > 0, "the first frames come from above 4 GiB");
    assert.ok(taken.slice(firstLow).every((f) => f < GiB4), "low frames only once high memory is used up");
    assert.ok(taken.slice(0, firstLow).every((f) => f >= GiB4 && f < GiB4 + 64n * BigInt(MiB)), "high frames lie in the high region");
    assert.ok(firstLow > 16_000, `${firstLow} high frames handed out of 16384`);
    assert.equal(k.freeFrameCount(), DMA_RESERVE, "ordinary allocations leave the DMA reserve");
    const reserve: bigint[] = [];
    for (let f = k.allocLowFrames(1n, 1n); f !== 0n; f = k.allocLowFrames(1n, 1n)) reserve.push(f);
    assert.equal(BigInt(reserve.length), DMA_RESERVE, "the reserve is there for low allocations");
    assert.ok(reserve.every((f) => f >= BigInt(MiB) && f < GiB4));
    for (const f of [...taken, ...reserve]) assert.equal(k.freeFrames(f, 1n), 1);
    assert.equal(k.freeFrameCount(), free);
  });

  it("splits a region that straddles 4 GiB and leaves frames past the end alone", async () => {
    const straddling: Region = { base: 0x1_0000_0000 - 16 * MiB, length: 48 * MiB, type: AVAILABLE };
    const m = await bootWith(smallPc().memoryMap([straddling]));
    assert.match(m.serial, /memory above 4 GiB: 32 MiB mapped and in use/);
    const k = m.kernel;
    assert.equal(k.freeFrames(GiB4 + 32n * BigInt(MiB), 1n), 0, "beyond RAM");
    const run = k.allocLowFrames(16n, 16n);
    assert.ok(run !== 0n && run < GiB4 && run + 16n * FRAME <= GiB4, `low run at 0x${run.toString(16)}`);
    const high = k.allocFrames(16n, 16n);
    assert.ok(high >= GiB4 && high + 16n * FRAME <= GiB4 + 32n * BigInt(MiB), `high run at 0x${high.toString(16)}`);
  });

  it("keeps everything below 4 GiB, with no reserve, on a machine without high RAM", async () => {
    const m = await bootWith(smallPc());
    const k = m.kernel;
    assert.doesNotMatch(m.serial, /above 4 GiB/);
    const free = k.freeFrameCount();
    let count = 0n;
    for (let f = k.allocFrames(1n, 1n); f !== 0n; f = k.allocFrames(1n, 1n)) count++;
    assert.equal(count, free, "ordinary allocations may take every frame");
    assert.equal(k.allocLowFrames(1n, 1n), 0n);
  });

  it("says so when no RAM below 4 GiB can hold the bitmap", async () => {
    const info = new BootInfoBuilder().memoryMap([{ base: 0, length: 0x9fc00, type: AVAILABLE }, HIGH_RAM]);
    const m = await bootWith(info);
    assert.match(m.serial, /KERNEL PANIC \*\*\* frame allocator: no free region below 4 GiB can hold the frame bitmap \(\d+ bytes\)/);
  });

  it("passes the self-tests, frames above 4 GiB holding what is written", async () => {
    const m = await newMachine();
    assert.equal(m.boot(smallPc("test").memoryMap([HIGH_RAM]).build(), INFO_AT), 0x10, m.serial);
    assert.match(m.serial, /selftest RAM above 4 GiB and DMA below: ok/);
    assert.match(m.serial, /selftest: RAM above 4 GiB holds frame 0x1[0-9a-f]{8} and .*; DMA frames at 0x[0-9a-f]{1,8}\r\n/);
  });

  it("gives DMA buffers below 4 GiB while RAM above is free", async () => {
    const dma = program(interfaceHash("hardware"), `
      (i32.store8 (i32.const 600) (i32.const 4)) (i32.store (i32.const 601) (i32.const 65536))
      (call $expect (call $call (i32.const 64) (i32.const 600) (i32.const 5) (i32.const ${abi("SEND_NEEDS_ANSWER")})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $expect (i32.load (i32.const ${NOTIFICATION.at.answerData + 4})) (i32.const 0))
      (call $expect (i32.ge_u (i32.load (i32.const ${NOTIFICATION.at.answerData})) (i32.const ${MiB})) (i32.const 1))
      (call $log $str("DMA buffer below 4 GiB"))`);
    const m = await newMachine();
    const programs = [{ name: "dma", bytes: dma, grants: [interfaceHash("hardware"), interfaceHash("kernel-log")] }];
    assert.equal(await runPrograms(m, programs, "", (b) => b.memoryMap([HIGH_RAM])), "halt");
    assert.match(m.serial, /memory above 4 GiB: 64 MiB mapped/);
    assert.match(m.serial, /dma: DMA buffer below 4 GiB/);
    assert.doesNotMatch(m.serial, /trapped/);
    assert.ok(m.kernel.allocFrames(1n, 1n) >= GiB4, "ordinary frames still come from above 4 GiB");
  });
});
