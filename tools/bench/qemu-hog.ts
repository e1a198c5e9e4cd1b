// The hog ratio on the booted kernel: how long greeter's 1000 round trips
// through echo take in QEMU beside the spinner (a module that computes
// forever) against alone. Durations come from the kernel log's own
// timestamps, from greeter's start to its last line, so QEMU's boot time
// does not count.
import { boot, DEFAULT_MACHINE, requireQemu } from "../qemu/launch.ts";

const BOOT_TIMEOUT_MS = 300_000;

// Seconds between the kernel log lines that start greeter and report its end.
function greeterSeconds(serial: string): number {
  const started = /\[\s*(\d+\.\d+)\] info {2}started process \d+ \(greeter\)/.exec(serial);
  const done = /\[\s*(\d+\.\d+)\] info {2}logger: \[pid \d+\] greeter: 1000 greetings echoed/.exec(serial);
  if (!started || !done) throw new Error(`greeter did not finish:\n${serial}`);
  return Number(done[1]) - Number(started[1]);
}

async function greeterRun(programs: string): Promise<number> {
  const r = await boot({ ...DEFAULT_MACHINE, cmdline: [`start=${programs}`] }, BOOT_TIMEOUT_MS, /greetings echoed/);
  if (r.timedOut) throw new Error(`QEMU did not finish greeter within ${BOOT_TIMEOUT_MS / 1000} s:\n${r.serial}`);
  return greeterSeconds(r.serial);
}

/** Greeter's seconds alone and beside the spinner, each the best of `runs` boots. */
export async function qemuHog(runs = 2): Promise<{ alone: number; beside: number }> {
  requireQemu();
  let alone = Infinity;
  let beside = Infinity;
  for (let i = 0; i < runs; i++) {
    alone = Math.min(alone, await greeterRun("greeter"));
    beside = Math.min(beside, await greeterRun("spinner,greeter"));
  }
  return { alone, beside };
}
