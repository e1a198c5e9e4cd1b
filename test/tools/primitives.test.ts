// The two simulators of the hardware primitives agree: one probe script,
// a fixed call of every primitive, runs on the Node simulator
// (tools/hosted/machine.ts) and on the native hosted kernel
// (tools/hosted/host.c, `atoll-hosted --probe`), and every result matches.
// Both implement the list in kernel/arch/hw.ts (tools/build/gen-hw.ts).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOSTED_KERNEL } from "../../tools/hosted/image.ts";
import { HW_SIGNATURES, HwImports } from "../../tools/hosted/hw-imports.generated.ts";
import { Halted, newMachine } from "../harness/machine.ts";

type Name = keyof HwImports;
const COM1 = 0x3f8;
const RAM = 0x700000; // free physical memory on both
const LINEAR = 0x9000; // scratch in the kernel's linear memory (the kernel never runs)

/** Each call, and whether its result is the same on both (else: only nonzero on both). */
const PROBE: { call: [Name, ...number[]]; varies?: true }[] = [
  { call: ["outb", COM1 + 1, 1] },
  { call: ["inb", COM1 + 1] },
  { call: ["outw", COM1 + 1, 0] },
  { call: ["inw", COM1 + 1] },
  { call: ["outl", 0x80, 7] },
  { call: ["inl", 0x80] },
  { call: ["inb", COM1 + 7] },
  { call: ["inb", COM1 + 5] },
  { call: ["poke8", RAM, 0x1ff] },
  { call: ["poke16", RAM + 2, 0x1beef] },
  { call: ["poke32", RAM + 4, 0xdeadbeef] },
  { call: ["poke64", RAM + 8, 0x1234_5678_9abc] },
  { call: ["peek8", RAM] },
  { call: ["peek16", RAM + 2] },
  { call: ["peek32", RAM + 4] },
  { call: ["peek64", RAM + 8] },
  { call: ["peek64", RAM + 0x100] },
  { call: ["physFill", RAM + 0x1000, 0xab, 24] },
  { call: ["physMove", RAM + 0x1004, RAM + 8, 8] },
  { call: ["peek64", RAM + 0x1000] },
  { call: ["peek64", RAM + 0x1008] },
  { call: ["physRead", LINEAR, RAM, 32] },
  { call: ["physWrite", RAM + 0x2000, LINEAR + 2, 30] },
  { call: ["peek64", RAM + 0x2000] },
  { call: ["peek64", RAM + 0x2008] },
  { call: ["rdtsc"], varies: true },
  { call: ["rdrand", 0, LINEAR + 0x100] },
  { call: ["rdrand", 1, LINEAR + 0x100] },
  { call: ["cpuid", 0, 0, LINEAR + 0x200] },
  { call: ["readCr", 0] },
  { call: ["readCr", 2] },
  { call: ["readCr", 3] },
  { call: ["readCr", 4] },
  { call: ["invalidatePage", RAM] },
  { call: ["loadIdt", LINEAR + 0x300, 4095] },
  { call: ["isrStub", 0] },
  { call: ["isrStub", 33] },
  { call: ["isrStub", 255] },
  { call: ["setInterruptAck", 0, 32] },
  { call: ["takeInterrupts", LINEAR + 0x400] },
  { call: ["physWrite", RAM + 0x3000, LINEAR + 0x400, 32] },
  { call: ["peek64", RAM + 0x3000] },
  { call: ["peek64", RAM + 0x3018] },
  { call: ["acceptInterrupts"] },
  { call: ["imageStart"] },
  { call: ["imageEnd"] },
  { call: ["linearBase"], varies: true },
  { call: ["stackGuard"] },
  { call: ["halt"] },
  // Never answered: halt ended the run.
  { call: ["imageStart"] },
];
// Waiting with nothing to wake the CPU ends the run on one and throws on the other; test/kernel covers it.
// overflowStack panics through the kernel, which the probe never started; test/kernel/panic.test.ts covers it.
const NOT_PROBED: Name[] = ["waitForInterrupt", "overflowStack"];

/** The result of one call as the native probe prints it: the Wasm value as an unsigned decimal. */
function unsigned(name: Name, value: unknown): string {
  const result = HW_SIGNATURES[name].result;
  if (result === "void") return "0";
  return result === "i64" ? BigInt.asUintN(64, value as bigint).toString() : ((value as number) >>> 0).toString();
}

async function onNode(): Promise<string[]> {
  const machine = await newMachine();
  machine.hardwareRandom = () => 0x0123_4567_89ab_cdefn;
  const hw = machine.primitives() as unknown as Record<Name, (...args: (number | bigint)[]) => unknown>;
  const results: string[] = [];
  for (const { call: [name, ...args] } of PROBE) {
    const typed = args.map((a, i) => (HW_SIGNATURES[name].params[i] === "i64" ? BigInt(a) : a));
    try {
      results.push(unsigned(name, hw[name](...typed)));
    } catch (e) {
      if (e instanceof Halted) return results;
      throw e;
    }
  }
  return results;
}

function natively(): string[] {
  const script = join(mkdtempSync(join(tmpdir(), "atoll-probe-")), "probe.txt");
  writeFileSync(script, PROBE.map(({ call }) => call.join(" ") + "\n").join(""));
  const r = spawnSync(HOSTED_KERNEL, ["--probe", script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trimEnd().split("\n");
}

describe("hardware primitives: the Node simulator and the native hosted kernel", () => {
  it("the probe calls every primitive of kernel/arch/hw.ts", () => {
    const probed = new Set<string>([...PROBE.map((p) => p.call[0]), ...NOT_PROBED]);
    assert.deepEqual([...probed].sort(), Object.keys(HW_SIGNATURES).sort());
  });

  it("give the same result for every call, up to halt", async () => {
    const node = await onNode();
    const native = natively();
    const halted = PROBE.findIndex((p) => p.call[0] === "halt");
    assert.equal(node.length, halted, "the Node simulator did not stop at halt");
    assert.equal(native.length, halted, `the native probe did not stop at halt:\n${native.join("\n")}`);
    PROBE.slice(0, halted).forEach(({ call, varies }, i) => {
      const what = `${call.join(" ")}: node ${node[i]}, native ${native[i]}`;
      if (varies) assert.ok(node[i] !== "0" && native[i] !== "0", what);
      else assert.equal(node[i], native[i], what);
    });
  });
});
