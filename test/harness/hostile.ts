// What the tests of IPC and of hostile modules share: boot a set of WAT
// programs on the simulated machine until it halts, read from the serial log
// whether the kernel survived and how much of its heap is in use after a full
// collection, the loops hostile modules block in, and an echo server on
// "pong" with a client that checks 200 round trips through it.
import assert from "node:assert/strict";
import { SMALL_PC } from "./boots.ts";
import { newMachine } from "./machine.ts";
import { BootProgram, bootWithPrograms } from "./programs.ts";
import { abi } from "../../tools/hosted/abi.ts";
import type { Region } from "../../tools/hosted/multiboot2.ts";
import { NOTIFICATION, program, testInterface } from "../../tools/hosted/programs.ts";

export const PONG = testInterface("pong");

/** Boots `programs` (and `extraConfig` lines) until the machine halts, on the small PC unless `memoryMap` says; the serial log. */
export async function run(programs: BootProgram[], extraConfig = "", memoryMap: Region[] = SMALL_PC): Promise<string> {
  const m = await newMachine();
  const { info, modules } = await bootWithPrograms(programs, extraConfig, "", () => undefined, memoryMap);
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

/** Blocks for good, reading incoming messages and notifications (and ignoring them). */
export const forever = `(loop $idle (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096))) (br $idle))`;
/** Blocks for good without reading anything: a wait for no answers. */
export const deafForever = `(loop $deaf (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 4096) (i32.const 4096))) (br $deaf))`;

/** Code that sends 200 numbered messages to PONG (delayed until it has a handler) and checks each echo. */
export const pingRoundTrips = `
  (local $i i32)
  (loop $again
    (i32.store (i32.const 400) (local.get $i))
    (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${abi("SEND_NEEDS_ANSWER") | abi("SEND_ALLOW_DELAY")})) (i32.const 0))
    (call $expect (call $await) (i32.const 0))
    (call $expect (i32.load (i32.const ${NOTIFICATION.at.answerData})) (local.get $i))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $again (i32.lt_u (local.get $i) (i32.const 200))))
  (call $log $str("200 round trips done"))`;
export const ping = program(PONG, pingRoundTrips);

/** Blocks until an incoming message arrives, skipping process-destroyed notifications. */
export const nextIncoming = `
    (block $got (loop $skip
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))
      (br_if $got (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming})))
      (br $skip)))`;
/** Echoes every message on PONG, forever. */
export const pong = program(PONG, `
  (call $register (i32.const 64))
  (loop $serve
    ${nextIncoming}
    (i32.store (i32.const 200) (i32.const ${NOTIFICATION.at.incomingData}))
    (i32.store (i32.const 204) (i32.load (i32.const ${NOTIFICATION.at.incomingLength})))
    (drop (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 200) (i32.const 1) (i32.const 0)))
    (br $serve))`);
