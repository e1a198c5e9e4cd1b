// `npm run fuzz -- [--minutes M] [--from SEED] [--seed SEED]`: the long
// differential fuzzing campaign of the Wasm engine against V8 that CI runs
// only 30 seeds of (test/wasm/fuzz.test.ts). For each seed, binaryen
// generates a module whose every export must behave alike in both engines,
// and 100 mutated copies of it must load exactly when V8 validates them.
// Prints the rates and each failure with the seed that replays it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkMutations, compareSeed, fuzzModule } from "../spec/fuzz.ts";

const MUTATIONS = 100;

interface Options {
  minutes: number;
  from: number;
  only: number | null;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { minutes: 10, from: 1 + Math.floor(Math.random() * 1_000_000), only: null };
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    if (argv[i] === "--minutes" && value > 0) opts.minutes = value;
    else if (argv[i] === "--from" && Number.isInteger(value) && value > 0) opts.from = value;
    else if (argv[i] === "--seed" && Number.isInteger(value) && value > 0) opts.only = value;
    else {
      console.error("usage: npm run fuzz -- [--minutes M] [--from SEED] [--seed SEED (replay one)]");
      process.exit(2);
    }
    i++;
  }
  return opts;
}

/** An exception in one line: its message's start (an engine abort may carry garbage) and where it was thrown. */
function summary(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const frames = (e.stack ?? "").split("\n").filter((l) => l.trim().startsWith("at ")).slice(0, 3).map((l) => l.trim());
  return `${e.message.split("\n")[0].slice(0, 80)} (${frames.join(", ")})`;
}

/** Runs `check`, adding what it found, or the exception it threw, to `failures`. */
function attempt(failures: string[], seed: number, check: () => string | null): void {
  try {
    const failure = check();
    if (failure !== null) failures.push(`seed ${seed}: ${failure}`);
  } catch (e) {
    failures.push(`seed ${seed}: ${summary(e)}`);
  }
}

/** Runs both checks on one seed; the failures, each one line. */
function fuzzSeed(dir: string, seed: number): { failures: string[]; loaded: number } {
  const failures: string[] = [];
  let loaded = 0;
  attempt(failures, seed, () => {
    const c = compareSeed(dir, seed);
    return c.mismatch && `engine "${c.mismatch.engine}", V8 "${c.mismatch.v8}"`;
  });
  attempt(failures, seed, () => {
    const m = checkMutations(fuzzModule(dir, seed), seed, MUTATIONS);
    loaded = m.loaded;
    return m.disagreeing === null ? null : `mutation ${m.disagreeing} loads in one engine only`;
  });
  return { failures, loaded };
}

const opts = parseArgs(process.argv.slice(2));
execFileSync("make", ["-s", "-f", "kernel/wasm/engine.mk", "engine"], { stdio: "inherit" });
const dir = mkdtempSync(join(tmpdir(), "atoll-fuzz-"));
const started = Date.now();
const minutes = () => (Date.now() - started) / 60_000;
const failures: string[] = [];
let seeds = 0;
let loaded = 0;
const first = opts.only ?? opts.from;
console.log(opts.only === null ? `fuzzing for ${opts.minutes} min from seed ${first}` : `replaying seed ${first}`);
for (let seed = first; opts.only === null ? minutes() < opts.minutes : seeds < 1; seed++) {
  const r = fuzzSeed(dir, seed);
  for (const f of r.failures) console.log(`FAIL ${f}\n  replay: npm run fuzz -- --seed ${seed}`);
  failures.push(...r.failures);
  loaded += r.loaded;
  seeds++;
  if (seeds % 50 === 0) console.log(`${seeds} seeds in ${minutes().toFixed(1)} min`);
}
rmSync(dir, { recursive: true, force: true });
const perMinute = (n: number) => (n / minutes()).toFixed(0);
console.log(`seeds ${first}..${first + seeds - 1}: ${seeds} generated modules (${perMinute(seeds)}/min) and ${seeds * MUTATIONS} mutated ones (${perMinute(seeds * MUTATIONS)}/min, ${loaded} of them valid) in ${minutes().toFixed(1)} min; ${failures.length} failures`);
process.exitCode = failures.length > 0 ? 1 : 0;
