// Engine benchmarks: each program of test/bench runs on atoll-run (the
// engine through wasm2c + gcc), on Node's V8, and natively (gcc -O2), several
// times; the table gives the best time of each and the ratio to native,
// with geometric means. It builds what it needs first (make target
// engine-bench-programs of kernel/wasm/engine.mk).
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ATOLL_RUN } from "./native.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const BENCH_OUT = join(ROOT, "out/engine/bench");
const RUNS = 5;

/**
 * Each program (its .wasm), the argument that makes it run for a measurable
 * time, and the native program it is compared with: the same C, or for an
 * AssemblyScript port (NAME-as) the C original.
 */
const PROGRAMS: [string, number, string][] = [
  ["fib", 35, "fib"], ["loops", 30000, "loops"], ["sieve", 20, "sieve"], ["crc", 4000000, "crc"],
  ["mandel", 700, "mandel"], ["mandel-as", 700, "mandel"], ["vm", 3000000, "vm"], ["sort", 10, "sort"],
];

interface Timing {
  ms: number;
  result: string;
}

function best(f: () => Timing): Timing {
  let fastest: Timing | null = null;
  for (let i = 0; i < RUNS; i++) {
    const t = f();
    if (fastest !== null && t.result !== fastest.result) throw new Error(`result changed: ${t.result} vs ${fastest.result}`);
    if (fastest === null || t.ms < fastest.ms) fastest = t;
  }
  return fastest!;
}

function timeProcess(command: string, args: string[]): Timing {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, { encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${run.stderr}`);
  return { ms, result: run.stdout.trim() };
}

function timeV8(wasm: Uint8Array<ArrayBuffer>, n: number): Timing {
  const start = process.hrtime.bigint();
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), {});
  const result = (instance.exports.run as (n: number) => number)(n);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result: String(result) };
}

function geomean(values: number[]): number {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

execFileSync("make", ["-s", "-f", "kernel/wasm/engine.mk", "engine-bench-programs"], { cwd: ROOT, stdio: "inherit" });

const rows: string[] = [];
const atollRatios: number[] = [];
const v8Ratios: number[] = [];
const cell = (ms: number, ratio: number) => `${ms.toFixed(0).padStart(7)} ms ${ratio.toFixed(2).padStart(6)}x`;
for (const [name, n, nativeName] of PROGRAMS) {
  const wasmPath = join(BENCH_OUT, `${name}.wasm`);
  const native = best(() => timeProcess(join(BENCH_OUT, `${nativeName}.native`), [String(n)]));
  const atoll = best(() => timeProcess(ATOLL_RUN, [wasmPath, "run", String(n)]));
  const v8 = best(() => timeV8(new Uint8Array(readFileSync(wasmPath)), n));
  if (atoll.result !== native.result || v8.result !== native.result) {
    throw new Error(`${name}: results differ: native ${native.result}, atoll ${atoll.result}, v8 ${v8.result}`);
  }
  atollRatios.push(atoll.ms / native.ms);
  v8Ratios.push(v8.ms / native.ms);
  rows.push(`${name.padEnd(9)} ${native.ms.toFixed(0).padStart(7)} ms  ${cell(atoll.ms, atoll.ms / native.ms)}  ${cell(v8.ms, v8.ms / native.ms)}`);
}
console.log(`program    native      atoll-run (ratio)       V8 (ratio)`);
for (const r of rows) console.log(r);
console.log(`geometric mean ratio to native: atoll-run ${geomean(atollRatios).toFixed(2)}x, V8 ${geomean(v8Ratios).toFixed(2)}x`);
