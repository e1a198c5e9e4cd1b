// The start/kill soak: one process starts a child that blocks and kills it,
// over and over, on the simulated machine; the kernel's heap in use after a
// full collection, read when everything has gone idle, must not depend on
// how many cycles ran. Shared by the suite (test/kernel/soak.test.ts and
// the process lifecycle tests) and `npm run soak`, which prints the figures.
import { createHash } from "node:crypto";
import { kibInUse, PONG, run } from "./hostile.ts";
import { abi } from "../../tools/hosted/abi.ts";
import { interfaceHash, NOTIFICATION, program } from "../../tools/hosted/programs.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const PROCESS = interfaceHash("process");
const NEEDS_ANSWER = abi("SEND_NEEDS_ANSWER");
/** More cycles than the 64 ended processes the kernel remembers, so a baseline run has filled that record. */
export const BASELINE_CYCLES = 100;
/** One Wasm page: the heap may round differently, but must not grow with the cycles. */
export const TOLERANCE_KIB = 64;

const sleeper = program(PONG, `(drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))`);
const digest = createHash("sha256").update(sleeper).digest("hex");

/** Starts the sleeper (digest at 64, process.start built at 600) and kills it, `cycles` times, then logs. */
function cycler(cycles: number): Uint8Array {
  return program(digest, `
    (local $i i32)
    (i32.store8 (i32.const 600) (i32.const 0))
    (memory.copy (i32.const 601) (i32.const 64) (i32.const 32))
    (i32.store (i32.const 633) (i32.const 5))
    (i64.store (i32.const 637) (i64.const 0x646c696863))
    (i32.store (i32.const 642) (i32.const 0))
    (i32.store (i32.const 646) (i32.const 0))
    (loop $again
      (call $expect (call $call (i32.const 900) (i32.const 600) (i32.const 50) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (i32.store8 (i32.const 700) (i32.const 2))
      (i64.store (i32.const 701) (i64.load (i32.const ${NOTIFICATION.at.answerData})))
      (call $expect (call $call (i32.const 900) (i32.const 700) (i32.const 9) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const ${cycles}))))
    (call $log $str("cycles done"))`, { 900: PROCESS });
}

export interface SoakRun {
  log: string;
  /** Kernel heap in use after a full collection once idle. */
  kib: number;
  seconds: number;
}

/** Boots the cycler for `cycles` start/kill cycles until idle. */
export async function startKillCycles(cycles: number): Promise<SoakRun> {
  const started = process.hrtime.bigint();
  const log = await run([
    { name: "cycler", bytes: cycler(cycles), grants: [KERNEL_LOG, PROCESS] },
    { name: "sleeper", bytes: sleeper, grants: [], notStarted: true },
  ]);
  return { log, kib: kibInUse(log), seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
