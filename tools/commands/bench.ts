// `npm run bench`: the engine benchmarks (our interpreter, V8 and gcc -O2 on
// the same programs, ratios to native), the IPC round-trip rate on the
// hosted native kernel, and the slowdown of message traffic beside a module
// computing forever, hosted and in QEMU. Figures, not pass/fail: these
// machines are noisy.
import { spawnSync } from "node:child_process";
import { hogSlowdown, ipcRoundTripsPerSecond } from "../bench/ipc.ts";
import { qemuHog } from "../bench/qemu-hog.ts";

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`bench: ${command} ${args.join(" ")} failed`);
    process.exit(1);
  }
}

if (process.argv.length > 2) {
  console.error("usage: npm run bench (no options)");
  process.exit(2);
}
run("make", ["-s", "engine-bench-programs", "hosted", "iso"]);
console.log("== Wasm engine: time per program, ratio to native gcc -O2 ==");
run("node_modules/.bin/tsx", ["tools/spec/bench.ts"]);
console.log("\n== IPC ==");
const rate = await ipcRoundTripsPerSecond();
console.log(`message round trips per second between two modules (hosted native kernel, best of 3): ${Math.round(rate).toLocaleString("en-US")}`);
console.log(`round trips beside a module computing forever take ${(await hogSlowdown()).toFixed(2)}x as long as alone (best of 3)`);
const qemu = await qemuHog();
console.log(
  `in QEMU, greeter's 1000 round trips through echo take ${qemu.alone.toFixed(2)} s alone and ${qemu.beside.toFixed(2)} s beside the spinner: ` +
    `${(qemu.beside / qemu.alone).toFixed(2)}x (best of 2 boots each)`,
);
