// `npm run chaos -- [--minutes M] [--seed N] [--steps S] [--episodes E]`:
// chaos runs of hostile modules beside an honest client on the simulated
// machine (test/harness/chaos.ts), one boot per episode with the seeds N,
// N+1, ... until M minutes (default 3) or E episodes have passed. Prints
// each episode's figures and problems, and the command that replays it.
import { chaosProblems, chaosRun, ChaosRun, schedule } from "../../test/harness/chaos.ts";

interface Options {
  minutes: number;
  seed: number;
  steps: number;
  episodes: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { minutes: 3, seed: 1 + Math.floor(Math.random() * 1_000_000), steps: 100, episodes: Infinity };
  const names: Record<string, keyof Options> = { "--minutes": "minutes", "--seed": "seed", "--steps": "steps", "--episodes": "episodes" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    const value = Number(argv[i + 1]);
    if (key === undefined || !(value > 0)) {
      console.error("usage: npm run chaos -- [--minutes M] [--seed N] [--steps S] [--episodes E]");
      process.exit(2);
    }
    opts[key] = value;
  }
  return opts;
}

const count = (log: string, pattern: RegExp) => log.match(pattern)?.length ?? 0;

function figures(run: ChaosRun): string {
  return [
    `${Math.max(0, ...[...run.log.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]))) - 3} processes`,
    `${count(run.log, /ended: killed by/g)} killed`,
    `${count(run.log, /ended: trapped/g)} trapped`,
    `${count(run.log, /bomb: too many processes/g)} refused for the process limit`,
    `${count(run.log, /honest: 1024 more/g) * 1024}+ round trips`,
    `kernel memory in use ${run.kib} KiB (${/kernel memory (\d+) KiB/.exec(run.log)?.[1]} KiB mapped at most)`,
    `${run.seconds.toFixed(1)} s`,
  ].join(", ");
}

const opts = parseArgs(process.argv.slice(2));
const baseline = await chaosRun([]);
console.log(`baseline (no hostile modules): kernel memory in use ${baseline.kib} KiB; ${opts.steps} steps an episode`);
const started = Date.now();
let episodes = 0;
let failed = 0;
for (let seed = opts.seed; episodes < opts.episodes && (Date.now() - started) / 60_000 < opts.minutes; seed++) {
  const chaos = await chaosRun(schedule(seed, opts.steps));
  const problems = chaosProblems(chaos, baseline);
  episodes++;
  console.log(`seed ${seed}: ${figures(chaos)}${problems.length > 0 ? "" : ": ok"}`);
  if (problems.length === 0) continue;
  failed++;
  for (const p of problems) console.log(`  FAIL ${p}`);
  console.log(`  replay: npm run chaos -- --seed ${seed} --steps ${opts.steps} --episodes 1`);
}
console.log(`${episodes} episodes (seeds ${opts.seed}..${opts.seed + episodes - 1}) in ${((Date.now() - started) / 60_000).toFixed(1)} min; ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
