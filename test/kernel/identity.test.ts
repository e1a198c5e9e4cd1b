import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { newMachine } from "../harness/machine.ts";
import { BootInfoBuilder, ModuleLayout } from "../../tools/hosted/multiboot2.ts";
import { MODULES_AT, SMALL_PC } from "../harness/boots.ts";
import { cidOf, cidProblem } from "../../tools/identity/cid.ts";

// Lengths around SHA-256's padding boundaries (55/56/64 bytes) and its
// 4 KiB read chunks, plus the empty input.
const SAMPLES: Uint8Array[] = [
  new Uint8Array(0),
  new Uint8Array(Buffer.from("abc")),
  ...[55, 56, 63, 64, 65, 119, 120, 4095, 4096, 4097].map((n) => new Uint8Array(n).map((_, i) => (i * 7 + 3) & 0xff)),
  new Uint8Array(randomBytes(300_000)),
];

describe("content identifiers", () => {
  it("the tools' CID matches the CIDv1 layout over Node's own sha256", async () => {
    for (const bytes of SAMPLES) {
      const digest = createHash("sha256").update(bytes).digest();
      const binary = Buffer.concat([Buffer.from([0x01, 0x55, 0x12, 0x20]), digest]);
      let bits = "";
      for (const b of binary) bits += b.toString(2).padStart(8, "0");
      const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
      let expected = "b";
      for (let i = 0; i < bits.length; i += 5) expected += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
      assert.equal(await cidOf(bytes), expected);
      assert.ok(expected.startsWith("bafkrei"));
    }
  });

  it("the kernel names each boot module by the same CID as the tools", async function () {
    this.timeout(60_000);
    const m = await newMachine();
    const info = new BootInfoBuilder().memoryMap(SMALL_PC);
    const layout = new ModuleLayout(info, MODULES_AT);
    SAMPLES.forEach((bytes, i) => layout.place(bytes, `sample${i}`));
    for (const mod of layout.placed) m.memory.write(mod.address, mod.bytes);
    assert.equal(m.boot(info.build()), "halt");
    for (let i = 0; i < SAMPLES.length; i++) {
      const line = new RegExp(`module 'sample${i}' (\\S+) at 0x[0-9a-f]+, ${SAMPLES[i].length} bytes`).exec(m.serial);
      assert.ok(line, `sample ${i} not logged`);
      assert.equal(line[1], await cidOf(SAMPLES[i]), `sample ${i} (${SAMPLES[i].length} bytes)`);
    }
  });

  it("recognises Atoll CIDs and rejects other strings", async () => {
    assert.equal(cidProblem(await cidOf(new Uint8Array([1, 2, 3]))), "");
    assert.match(cidProblem("hello"), /not a CID/);
    // A dag-pb CIDv0 is a valid CID but not a raw module name.
    assert.match(cidProblem("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"), /not a raw sha2-256 CIDv1/);
  });
});

describe("npx atoll cid", () => {
  it("prints the CID of a file and fails clearly for a missing one", async () => {
    const { spawnSync } = await import("node:child_process");
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "atoll-cid-"));
    const file = join(dir, "m.wasm");
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    writeFileSync(file, bytes);
    const ok = spawnSync("node_modules/.bin/atoll", ["cid", file], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), await cidOf(bytes));
    const missing = spawnSync("node_modules/.bin/atoll", ["cid", join(dir, "nope.wasm")], { encoding: "utf8" });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.wasm: no such file/);
    const bad = spawnSync("node_modules/.bin/atoll", ["frobnicate"], { encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown command 'frobnicate'/);
  });
});
