import assert from "node:assert/strict";
import { IMAGE_END, IMAGE_START, LINEAR_BASE, LINEAR_MAPPED, newMachine } from "../harness/machine.ts";
import { MiB, MODULE_END, MODULE_START, smallPc } from "../harness/boots.ts";

const FRAME = 4096n;
const INFO_AT = 0x10000;

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
