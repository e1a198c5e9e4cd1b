// IPC benchmark: message round trips per second between two modules on the
// hosted native kernel (the kernel's own wasm2c output built for Linux).
// A client sends N messages that need an answer to a server that answers
// each; two runs with different N cancel out boot and start-up time.
import { runHosted } from "../hosted/image.ts";
import { interfaceHash, NOTIFICATION, program, testInterface } from "../hosted/programs.ts";
import { cidOf } from "../identity/cid.ts";

const BENCH = testInterface("ipc-bench");
const REGISTRY = interfaceHash("registry");
const KERNEL_LOG = interfaceHash("kernel-log");

const server = program(BENCH, `
  (call $register (i32.const 64))
  (i32.store (i32.const 200) (i32.const 400))
  (i32.store (i32.const 204) (i32.const 4))
  (loop $serve
    (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))
    (if (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming}))
      (then (drop (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 200) (i32.const 1) (i32.const 0)))))
    (br $serve))`);

function client(roundTrips: number): Uint8Array {
  return program(BENCH, `
    (local $i i32)
    (loop $again
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 3)) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const ${roundTrips}))))
    (call $log $str("done"))`);
}

async function timeRun(roundTrips: number): Promise<number> {
  const c = client(roundTrips);
  const config = `run ${await cidOf(server)} name=server grant=${REGISTRY}\nrun ${await cidOf(c)} name=client grant=${BENCH},${KERNEL_LOG}\n`;
  const r = runHosted([
    { name: "server", bytes: server },
    { name: "client", bytes: c },
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

if (process.argv[1]?.endsWith("ipc.ts")) {
  const rate = await ipcRoundTripsPerSecond();
  console.log(`IPC round trips per second (hosted native kernel): ${Math.round(rate).toLocaleString("en-US")}`);
}
