// The random generator: ChaCha20 against RFC 8439's test vector and Node's
// own ChaCha20, and the generator's seeding from RDSEED/RDRAND or jitter.
import assert from "node:assert/strict";
import { createCipheriv, randomBytes } from "node:crypto";
import { smallPc } from "../harness/boots.ts";
import { Machine, newMachine } from "../harness/machine.ts";

interface RandomExports {
  chacha20Block(key: number, counter: number, nonce: number, out: number): void;
  randomFill(out: number, length: number): void;
  randomScratch(): number;
}

async function booted(hardwareRandom: (() => bigint | null) | null = null): Promise<{ m: Machine; k: RandomExports }> {
  const m = await newMachine();
  m.hardwareRandom = hardwareRandom;
  assert.equal(m.boot(smallPc().build()), "halt");
  return { m, k: m.kernel as unknown as RandomExports };
}

function block(m: Machine, k: RandomExports, key: Uint8Array, counter: number, nonce: Uint8Array): Buffer {
  const at = k.randomScratch();
  const mem = new Uint8Array(m.kernel.memory.buffer);
  mem.set(key, at);
  mem.set(nonce, at + 32);
  k.chacha20Block(at, counter, at + 32, at + 64);
  return Buffer.from(new Uint8Array(m.kernel.memory.buffer).slice(at + 64, at + 128));
}

function fill(m: Machine, k: RandomExports, length: number): Buffer {
  const at = k.randomScratch();
  k.randomFill(at, length);
  return Buffer.from(new Uint8Array(m.kernel.memory.buffer).slice(at, at + length));
}

/** A counter of 64-bit values, as a deterministic stand-in for RDSEED. */
function counting(start: bigint): () => bigint {
  let next = start;
  return () => next++;
}

describe("random (hosted)", () => {
  it("computes RFC 8439's ChaCha20 block test vector (section 2.3.2)", async () => {
    const { m, k } = await booted();
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const nonce = Buffer.from("000000090000004a00000000", "hex");
    assert.equal(
      block(m, k, key, 1, nonce).toString("hex"),
      "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
    );
  });

  it("produces the same keystream as Node's ChaCha20 for random keys and counters", async () => {
    const { m, k } = await booted();
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(32);
      const nonce = randomBytes(12);
      const counter = randomBytes(4).readUInt32LE(0);
      const iv = Buffer.concat([Buffer.from(Uint32Array.of(counter).buffer), nonce]);
      const expected = createCipheriv("chacha20", key, iv).update(Buffer.alloc(64));
      assert.deepEqual(block(m, k, key, counter, nonce), expected);
    }
  });

  it("seeds from RDSEED when the CPU has it, and its output depends on that entropy", async () => {
    const a = await booted(counting(1n));
    const b = await booted(counting(1n));
    const c = await booted(counting(1000n));
    assert.match(a.m.serial, /info  random: ChaCha20 generator seeded from RDSEED/);
    const [x, y, z] = [fill(a.m, a.k, 100), fill(b.m, b.k, 100), fill(c.m, c.k, 100)];
    assert.deepEqual(x, y, "the same entropy gives the same stream");
    assert.notDeepEqual(x, z, "different entropy gives a different stream");
  });

  it("never repeats itself between fills", async () => {
    const { m, k } = await booted(() => 7n);
    const first = fill(m, k, 200);
    const second = fill(m, k, 200);
    assert.notDeepEqual(first, second);
    assert.ok(first.some((b) => b !== 0) && second.some((b) => b !== 0));
  });

  it("falls back to TSC jitter without RDRAND or RDSEED, and says so", async () => {
    const { m, k } = await booted();
    assert.match(m.serial, /info  random: ChaCha20 generator seeded from TSC jitter \(no RDSEED or RDRAND; weaker\)/);
    assert.notDeepEqual(fill(m, k, 64), fill(m, k, 64));
  });

  it("uses jitter, not zeros, for words the hardware keeps refusing", async () => {
    const refusing = await booted(() => null);
    const zeros = await booted(() => 0n);
    assert.notDeepEqual(fill(refusing.m, refusing.k, 64), fill(zeros.m, zeros.k, 64));
  });
});
