// `npm run soak -- [--cycles N]`: starts and kills a process N times
// (default 10,000) on the simulated machine (test/harness/soak.ts) and
// prints the kernel's heap in use once idle against a 100-cycle baseline,
// and the wall time; fails when the heap grew past the tolerance.
import { assertSurvived } from "../../test/harness/hostile.ts";
import { BASELINE_CYCLES, startKillCycles, TOLERANCE_KIB } from "../../test/harness/soak.ts";

function parseCycles(argv: string[]): number {
  if (argv.length === 0) return 10_000;
  const n = Number(argv[1]);
  if (argv.length !== 2 || argv[0] !== "--cycles" || !Number.isInteger(n) || n < 1) {
    console.error("usage: npm run soak -- [--cycles N]");
    process.exit(2);
  }
  return n;
}

const cycles = parseCycles(process.argv.slice(2));
const baseline = await startKillCycles(BASELINE_CYCLES);
const soak = await startKillCycles(cycles);
assertSurvived(soak.log);
const killed = soak.log.match(/ended: killed by process 1/g)?.length ?? 0;
console.log(`baseline: ${BASELINE_CYCLES} start/kill cycles, kernel memory in use ${baseline.kib} KiB (${baseline.seconds.toFixed(1)} s)`);
console.log(`soak: ${cycles} cycles (${killed} kills logged), kernel memory in use ${soak.kib} KiB, ${soak.seconds.toFixed(1)} s wall time (${Math.round(cycles / soak.seconds)} cycles/s)`);
const flat = killed === cycles && soak.kib <= baseline.kib + TOLERANCE_KIB;
console.log(flat ? `flat: within ${TOLERANCE_KIB} KiB of the baseline` : `GREW (or cycles missing): tolerance ${TOLERANCE_KIB} KiB`);
process.exitCode = flat ? 0 : 1;
