// IPC benchmark: message round trips per second between two modules on the
// hosted native kernel (the kernel's own wasm2c output built for Linux).
// A client sends N messages that need an answer to a server that answers
// each; two runs with different N cancel out boot and start-up time. The
// same, beside a module that computes forever, gives how much a CPU hog
// slows message traffic down.
import { createHash } from "node:crypto";
import { runHosted } from "../hosted/image.ts";
import { interfaceHash, NOTIFICATION, program, testInterface } from "../hosted/programs.ts";
import { cidOf } from "../identity/cid.ts";

const BENCH = testInterface("ipc-bench");
const REGISTRY = interfaceHash("registry");
const KERNEL_LOG = interfaceHash("kernel-log");
const PROCESS = interfaceHash("process");
const spinner = program(BENCH, `(loop $spin (br $spin))`);
const spinnerDigest = createHash("sha256").update(spinner).digest("hex");

// With a hog, the client first starts the spinner (its digest at 128) and
// kills it at the end: process.start at 600, process.kill at 700.
const startSpinner = `
    (i32.store8 (i32.const 600) (i32.const 0))
    (memory.copy (i32.const 601) (i32.const 128) (i32.const 32))
    (i32.store (i32.const 633) (i32.const 4))
    (i32.store (i32.const 637) (i32.const 0x6e697073))
    (i32.store (i32.const 641) (i32.const 0))
    (i32.store (i32.const 645) (i32.const 0))
    (call $expect (call $call (i32.const 900) (i32.const 600) (i32.const 49) (i32.const 1)) (i32.const 0))
    (call $expect (call $await) (i32.const 0))
    (i32.store8 (i32.const 700) (i32.const 2))
    (i64.store (i32.const 701) (i64.load (i32.const ${NOTIFICATION.at.answerData})))`;
const killSpinner = `
    (call $expect (call $call (i32.const 900) (i32.const 700) (i32.const 9) (i32.const 1)) (i32.const 0))
    (call $expect (call $await) (i32.const 0))`;

const server = program(BENCH, `
  (call $register (i32.const 64))
  (i32.store (i32.const 200) (i32.const 400))
  (i32.store (i32.const 204) (i32.const 4))
  (loop $serve
    (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))
    (if (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming}))
      (then (drop (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 200) (i32.const 1) (i32.const 0)))))
    (br $serve))`);

function client(roundTrips: number, hog: boolean): Uint8Array {
  return program(BENCH, `
    (local $i i32)
    ${hog ? startSpinner : ""}
    (loop $again
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 3)) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const ${roundTrips}))))
    ${hog ? killSpinner : ""}
    (call $log $str("done"))`, { 128: spinnerDigest, 900: PROCESS });
}

async function timeRun(roundTrips: number, hog = false): Promise<number> {
  const c = client(roundTrips, hog);
  const config = `run ${await cidOf(server)} name=server grant=${REGISTRY}\nrun ${await cidOf(c)} name=client grant=${BENCH},${KERNEL_LOG},${PROCESS}\n`;
  const r = runHosted([
    { name: "server", bytes: server },
    { name: "client", bytes: c },
    { name: "spinner", bytes: spinner },
    { name: "config", bytes: new Uint8Array(Buffer.from(config)) },
  ]);
  if (!/client: done/.test(r.output)) throw new Error(`the IPC benchmark did not finish:\n${r.output}`);
  return r.seconds;
}

/** Round trips per second, best of `runs` differences between a long and a short run. */
export async function ipcRoundTripsPerSecond(runs = 3): Promise<number> {
  const short = 10_000;
  const long = 510_000;
  let best = 0;
  for (let i = 0; i < runs; i++) {
    const rate = (long - short) / ((await timeRun(long)) - (await timeRun(short)));
    best = Math.max(best, rate);
  }
  return best;
}

/**
 * How many times longer round trips take beside a module that computes
 * forever than alone (1: not at all), from the same counts of each, best of `runs`.
 */
export async function hogSlowdown(runs = 3): Promise<number> {
  const short = 2_000;
  const long = 42_000;
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const alone = (await timeRun(long)) - (await timeRun(short));
    const beside = (await timeRun(long, true)) - (await timeRun(short, true));
    best = Math.min(best, beside / alone);
  }
  return best;
}

if (process.argv[1]?.endsWith("ipc.ts")) {
  const rate = await ipcRoundTripsPerSecond();
  console.log(`IPC round trips per second (hosted native kernel): ${Math.round(rate).toLocaleString("en-US")}`);
  console.log(`slowdown of round trips beside a CPU hog: ${(await hogSlowdown()).toFixed(2)}x`);
}
