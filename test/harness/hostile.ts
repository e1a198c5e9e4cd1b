// What the tests of hostile modules share: boot a set of WAT programs on the
// simulated machine until it halts, and read from the serial log whether the
// kernel survived and how much of its heap is in use after a full collection.
import assert from "node:assert/strict";
import { newMachine } from "./machine.ts";
import { BootProgram, bootWithPrograms } from "./programs.ts";

/** Boots `programs` (and `extraConfig` lines) until the machine halts; the serial log. */
export async function run(programs: BootProgram[], extraConfig = ""): Promise<string> {
  const m = await newMachine();
  const { info, modules } = await bootWithPrograms(programs, extraConfig);
  for (const mod of modules) m.memory.write(mod.address, mod.bytes);
  assert.equal(m.boot(info), "halt");
  return m.serial;
}

/** Kernel heap in use after a full collection, from the idle line. */
export function kibInUse(log: string): number {
  const found = /kernel memory \d+ KiB, (\d+) KiB in use/.exec(log);
  assert.ok(found, "memory figure missing");
  return Number(found[1]);
}

/** The kernel neither panicked nor stopped before it went idle. */
export function assertSurvived(log: string): void {
  assert.doesNotMatch(log, /KERNEL PANIC/);
  assert.match(log, /no runnable processes|info  idle\r/);
}
