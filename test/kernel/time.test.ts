// Time on the simulated machine: TSC calibration against a simulated HPET,
// whose counter and the TSC advance together at known rates; sleeps too far
// away for one timer one-shot, or for the clock; and scheduler turns that
// end by time as well as by fuel.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { bootWithAcpi, loadFixture, placeTables, withRsdp } from "../harness/acpi.ts";
import { SimulatedHpet } from "../harness/hpet.ts";
import { SimulatedInterrupts } from "../harness/interrupts.ts";
import { Machine, newMachine } from "../harness/machine.ts";
import { BootProgram, runPrograms } from "../harness/programs.ts";
import { encodeMessage } from "../../tools/interfaces/codec.ts";
import { interfaceHash, NOTIFICATION, program, testInterface } from "../../tools/hosted/programs.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const TIME = interfaceHash("time");
const PROCESS = interfaceHash("process");
const TSC_MHZ = 3000n;
/** Far more clock reads than any of these runs makes when the kernel waits as it should. */
const MAX_CLOCK_READS = 20_000_000;

/** Fails the run when the kernel keeps reading the clock: it spins instead of halting. */
function watchClockReads(m: Machine): void {
  let reads = 0;
  m.onClockRead = () => {
    if (++reads > MAX_CLOCK_READS) throw new Error(`the kernel read the clock ${MAX_CLOCK_READS} times without going idle`);
  };
}

/** Boots `programs` on a PC with ACPI, an HPET and a local APIC whose timer wakes the halted CPU. */
async function runWithApicTimer(programs: BootProgram[]): Promise<Machine> {
  const m = await newMachine();
  new SimulatedHpet(m, 10_000_000n, TSC_MHZ).attach();
  new SimulatedInterrupts(m, { tscPerApicTick: 30n, tscMhz: TSC_MHZ }).attach();
  watchClockReads(m);
  const tables = loadFixture("pc");
  placeTables(m, tables);
  assert.equal(await runPrograms(m, programs, "", withRsdp(tables)), "halt");
  return m;
}

/** time.sleepUntil(the u64 at 520), with the message built at 511, and its answer awaited. */
const sleepUntilAt520 = `
  (i32.store8 (i32.const 511) (i32.const 1))
  (i64.store (i32.const 512) (i64.load (i32.const 520)))
  (call $expect (call $call (i32.const 64) (i32.const 511) (i32.const 9) (i32.const 1)) (i32.const 0))`;

function hpetMhz(log: string): number {
  const m = /TSC: (\d+\.\d) MHz measured against the HPET \(the PIT said \d+\.\d MHz\)/.exec(log);
  assert.ok(m, "no HPET calibration line");
  return Number(m[1]);
}

describe("TSC calibration (hosted)", () => {
  // QEMU's HPET ticks every 10 ns; real chipsets' at 14.318 MHz (69.84 ns).
  for (const [periodFs, tscMhz] of [[10_000_000n, 3000n], [69_841_279n, 1234n]]) {
    it(`measures a ${tscMhz} MHz TSC against an HPET of period ${periodFs} fs`, async () => {
      const m = await newMachine();
      new SimulatedHpet(m, periodFs, tscMhz).attach();
      assert.equal(bootWithAcpi(m, loadFixture("q35"), "log=info"), "halt");
      assert.ok(Math.abs(hpetMhz(m.serial) - Number(tscMhz)) < 1, m.serial);
      assert.match(m.serial, new RegExp(`ready in .* \\(TSC ${tscMhz} MHz\\)`));
    });
  }

  it("keeps the PIT's figure when the HPET does not count", async () => {
    const m = await newMachine();
    new SimulatedHpet(m, 10_000_000n, 3000n, false).attach();
    assert.equal(bootWithAcpi(m, loadFixture("q35"), "log=info"), "halt");
    assert.match(m.serial, /warn  HPET at 0xfed00000 does not count; keeping the PIT's TSC calibration/);
  });

  it("refuses an HPET whose period is out of range", async () => {
    const m = await newMachine();
    new SimulatedHpet(m, 200_000_000n, 3000n).attach();
    assert.equal(bootWithAcpi(m, loadFixture("q35"), "log=info"), "halt");
    assert.match(m.serial, /warn  HPET at 0xfed00000 does not count/);
  });
});

describe("sleeps far away (hosted)", function () {
  this.timeout(120_000);

  // Sent, then awaited: the answer never comes, and nothing else can happen.
  const never = program(TIME, `
    (i64.store (i32.const 520) (i64.const -1))
    ${sleepUntilAt520}
    (call $log $str("asked to sleep until 2^64-1 ns"))
    (drop (call $await))`);

  it("halts for a sleepUntil(2^64-1) that the clock never reaches, with and without a local APIC timer", async () => {
    const plain = await newMachine();
    watchClockReads(plain);
    assert.equal(await runPrograms(plain, [{ name: "never", bytes: never, grants: [TIME, KERNEL_LOG] }]), "halt");
    const timed = await runWithApicTimer([{ name: "never", bytes: never, grants: [TIME, KERNEL_LOG] }]);
    for (const m of [plain, timed]) {
      assert.match(m.serial, /never: asked to sleep until 2\^64-1 ns/);
      assert.match(m.serial, /no runnable processes \(1 waiting\)/);
    }
  });

  it("waits out a sleep longer than one local APIC timer one-shot in several, halted", async () => {
    const HOUR_NS = 3_600_000_000_000n;
    const sleeper = program(TIME, `
      (i32.store8 (i32.const 500) (i32.const 0))
      (call $expect (call $call (i32.const 64) (i32.const 500) (i32.const 1) (i32.const 1)) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (i64.store (i32.const 520) (i64.add (i64.load (i32.const ${NOTIFICATION.at.answerData})) (i64.const ${HOUR_NS})))
      ${sleepUntilAt520}
      (call $expect (call $await) (i32.const 0))
      (call $expect (call $call (i32.const 64) (i32.const 500) (i32.const 1) (i32.const 1)) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $expect (i64.ge_u (i64.load (i32.const ${NOTIFICATION.at.answerData})) (i64.load (i32.const 520))) (i32.const 1))
      (call $log $str("woke an hour later"))`);
    const m = await runWithApicTimer([{ name: "sleeper", bytes: sleeper, grants: [TIME, KERNEL_LOG] }]);
    assert.match(m.serial, /sleeper: woke an hour later/);
    assert.ok(m.tsc >= (HOUR_NS * TSC_MHZ) / 1000n, "the simulated clock passed the hour");
  });
});

describe("turns measured in time as well as fuel (hosted)", function () {
  this.timeout(120_000);
  const spinner = program(testInterface("spin"), `(loop $spin (br $spin))`);
  const digest = createHash("sha256").update(spinner).digest("hex");
  const start = encodeMessage("process", "start", [digest, "spinner", [], []]);
  const list = encodeMessage("process", "list", []);
  // Starts the spinner (pid 2, last in process.list), then lists the
  // processes without pause; each change of the spinner's fuel (the last
  // u64 of the fuel list, before the kernelBytes list's count and two
  // entries: 28 bytes from the end of the answer) is one of its turns. Logs the fuel of five turns
  // when all were the same, then kills the spinner.
  const watcher = program(PROCESS, `
    (local $prev i64) (local $fuel i64) (local $turns i32) (local $first i64) (local $same i32)
    (call $expect (call $call (i32.const 64) (i32.const 1000) (i32.const ${start.length}) (i32.const 1)) (i32.const 0))
    (call $expect (call $await) (i32.const 0))
    (i32.store8 (i32.const 2000) (i32.const 2))
    (i64.store (i32.const 2001) (i64.load (i32.const ${NOTIFICATION.at.answerData})))
    (local.set $same (i32.const 1))
    (loop $watch
      (call $expect (call $call (i32.const 64) (i32.const 1500) (i32.const ${list.length}) (i32.const 1)) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (local.set $fuel (i64.load (i32.add (i32.const ${NOTIFICATION.at.answerData - 28}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))))
      (if (i64.ne (local.get $fuel) (local.get $prev)) (then
        (if (i64.ne (local.get $prev) (i64.const 0)) (then
          (if (i32.eqz (local.get $turns)) (then (local.set $first (i64.sub (local.get $fuel) (local.get $prev)))))
          (if (i64.ne (i64.sub (local.get $fuel) (local.get $prev)) (local.get $first)) (then (local.set $same (i32.const 0))))
          (local.set $turns (i32.add (local.get $turns) (i32.const 1)))))
        (local.set $prev (local.get $fuel))))
      (br_if $watch (i32.lt_u (local.get $turns) (i32.const 5))))
    (call $expect (local.get $same) (i32.const 1))
    (if (i64.eq (local.get $first) (i64.const 10000)) (then (call $log $str("5 turns of 10000 fuel"))))
    (if (i64.eq (local.get $first) (i64.const 50000)) (then (call $log $str("5 turns of 50000 fuel"))))
    (call $expect (call $call (i32.const 64) (i32.const 2000) (i32.const 9) (i32.const 1)) (i32.const 0))
    (call $expect (call $await) (i32.const 0))`, { 1000: Buffer.from(start).toString("hex"), 1500: Buffer.from(list).toString("hex") });
  const programs: BootProgram[] = [
    { name: "watcher", bytes: watcher, grants: [PROCESS, KERNEL_LOG] },
    { name: "spinner", bytes: spinner, grants: [], notStarted: true },
  ];

  it("gives a computing module whole quanta of fuel while the clock moves slowly", async () => {
    const m = await newMachine();
    assert.equal(await runPrograms(m, programs), "halt");
    assert.match(m.serial, /watcher: 5 turns of 50000 fuel/);
  });

  it("ends its turns after one batch of fuel when each clock reading jumps past the time slice", async () => {
    const m = await newMachine();
    // 10 ms a reading: the kernel calibrates 200 MHz and sees 5 ms pass at each.
    m.tscPerRead = 1_000_000n;
    assert.equal(await runPrograms(m, programs), "halt");
    assert.match(m.serial, /watcher: 5 turns of 10000 fuel/);
  });
});
