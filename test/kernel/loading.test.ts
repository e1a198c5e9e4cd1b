// Starting a huge module runs in slices of its starter's turns
// (kernel/proc/loading.ts): a neighbour's round trips go on while it loads
// and the module then runs, with its table and data set up in pieces; a
// load whose starter is killed gives all its kernel memory back; a module
// found invalid late in its code is refused with the decoder's reason. The
// orders asserted are those of events in the serial log, not of time.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { assertSurvived, kibInUse, pingRoundTrips, pong, PONG, run } from "../harness/hostile.ts";
import { withManyFunctions } from "../harness/many-functions.ts";
import { replies, scriptProgram } from "../harness/script.ts";
import { abi } from "../../tools/hosted/abi.ts";
import { encodeMessage } from "../../tools/interfaces/codec.ts";
import { interfaceHash, program } from "../../tools/hosted/programs.ts";
import { BootProgram } from "../harness/programs.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const PROCESS = interfaceHash("process");
const REGISTRY = interfaceHash("registry");
const NEEDS_ANSWER = abi("SEND_NEEDS_ANSWER");

const waitForGood = `(drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))`;
// A table of 10,000 entries and a data segment of 100 KiB, set up in
// pieces: the module checks their last entry and byte.
const TABLE = 10_000;
const DATA_AT = 20_480;
const DATA_BYTES = 100 << 10;
const segments = `
  (type $fortyTwo (func (result i32)))
  (func $fortyTwo (type $fortyTwo) (i32.const 42))
  (table ${TABLE} funcref)
  (elem (i32.const 0) func ${"$fortyTwo ".repeat(TABLE)})
  (data (i32.const ${DATA_AT}) "${"\\07".repeat(DATA_BYTES)}")`;
const checks = `
  (call $expect (call_indirect (type $fortyTwo) (i32.const ${TABLE - 1})) (i32.const 42))
  (call $expect (i32.load8_u (i32.const ${DATA_AT + DATA_BYTES - 1})) (i32.const 7))`;
// 40,000 functions of 48 nops: about 2 MiB, hundreds of slices to load. It
// stays, so that whether it exists tells whether its start is done.
const MANY = { count: 40_000, nops: 48 };
const big = withManyFunctions(program(PONG, `${checks} (call $log $str("big module runs")) ${waitForGood}`, {}, segments), MANY);
const invalid = withManyFunctions(program(PONG, `(call $log $str("invalid module runs"))`), { ...MANY, brokenLast: true });

const digestOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
/** Starts `bytes` (a boot module) by process.start and logs the answer. */
const starterOf = (bytes: Uint8Array) => scriptProgram([{ iface: "process", message: "start", values: [digestOf(bytes), "big", [KERNEL_LOG], []] }]);
const grantsOfBig = encodeMessage("process", "grants", [4n]);
/** 200 round trips through pong, then whether pid 4 (the module once started) exists yet. */
const ping = program(PONG, `${pingRoundTrips}
  (call $expect (call $call (i32.const 900) (i32.const 2000) (i32.const ${grantsOfBig.length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
  (if (call $await) (then (call $log $str("no pid 4 yet"))) (else (call $log $str("pid 4 exists"))))`, {
  900: PROCESS, 2000: Buffer.from(grantsOfBig).toString("hex"),
});
const withNeighbour = (starter: Uint8Array, module: Uint8Array): BootProgram[] => [
  { name: "starter", bytes: starter, grants: [KERNEL_LOG, PROCESS] },
  { name: "pong", bytes: pong, grants: [REGISTRY] },
  { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG, PROCESS] },
  { name: "big", bytes: module, grants: [], notStarted: true },
];

/** Where in `log` the neighbour finished and the starter got its answer. */
function order(log: string): { pinged: number; answered: number } {
  return { pinged: log.indexOf("ping: 200 round trips done"), answered: log.search(/info {2}starter: [01] /) };
}

describe("starting a huge module in slices (hosted)", function () {
  this.timeout(180_000);

  it("answers the start of a 2 MiB module after a neighbour's 200 round trips, and the module then runs", async () => {
    assert.ok(big.length > 2_000_000, `the module has ${big.length} bytes`);
    const log = await run(withNeighbour(starterOf(big), big));
    assertSurvived(log);
    assert.deepEqual(replies(log, "starter")[0].as("process", "start"), { pid: 4n });
    const { pinged, answered } = order(log);
    assert.ok(pinged >= 0 && answered >= 0, "both logged");
    assert.ok(pinged < answered, "the neighbour's round trips waited for the load");
    assert.match(log, /ping: no pid 4 yet/, "the neighbour was done while the load was under way");
    assert.match(log, /big: big module runs/);
  });

  it("refuses a module whose last function is invalid with the validator's reason, after the neighbour's round trips", async () => {
    const log = await run(withNeighbour(starterOf(invalid), invalid));
    assertSurvived(log);
    assert.equal(replies(log, "starter")[0].reason, "type mismatch");
    const { pinged, answered } = order(log);
    assert.ok(pinged >= 0 && pinged < answered, "the neighbour's round trips waited for the refusal");
    assert.match(log, /ping: no pid 4 yet/);
    assert.doesNotMatch(log, /invalid module runs/);
  });

  it("gives back the kernel memory of a load whose starter is killed in the middle of it", async () => {
    // The parent starts the starter (pid 2), computes for 20 quanta of fuel,
    // in whose turns the starter's load advances 20 slices of the hundreds
    // it needs, then kills it.
    const kill = encodeMessage("process", "kill", [2n]);
    const boot = async (starter: Uint8Array) => {
      const start = encodeMessage("process", "start", [digestOf(starter), "starter", [PROCESS, KERNEL_LOG], []]);
      const parent = program(PONG, `
        (local $i i32)
        (call $expect (call $call (i32.const 900) (i32.const 2000) (i32.const ${start.length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
        (call $expect (call $await) (i32.const 0))
        (loop $compute
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $compute (i32.lt_u (local.get $i) (i32.const 1000000))))
        (call $expect (call $call (i32.const 900) (i32.const 3000) (i32.const ${kill.length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
        (call $expect (call $await) (i32.const 0))
        (call $log $str("killed the starter"))`, {
        900: PROCESS, 2000: Buffer.from(start).toString("hex"), 3000: Buffer.from(kill).toString("hex"),
      });
      return run([
        { name: "parent", bytes: parent, grants: [KERNEL_LOG, PROCESS] },
        { name: "starter", bytes: starter, grants: [], notStarted: true },
        { name: "big", bytes: big, grants: [], notStarted: true },
      ]);
    };
    const cancelled = await boot(starterOf(big));
    // A starter that waits for good instead of starting anything.
    const baseline = await boot(program(PONG, waitForGood));
    for (const log of [cancelled, baseline]) {
      assertSurvived(log);
      assert.match(log, /parent: killed the starter/);
      assert.match(log, /starter \(pid 2\) ended: killed by process 1/);
    }
    assert.doesNotMatch(cancelled, /big module runs|info {2}starter: [01] /, "the load did not finish");
    const kept = kibInUse(cancelled) - kibInUse(baseline);
    assert.ok(Math.abs(kept) < 64, `the cancelled load keeps ${kept} KiB (the module alone is ${big.length >> 10} KiB)`);
  });
});
