// Hostile and careless modules against the kernel's IPC and process
// bookkeeping (issue 15): handlers that give up an interface while they owe
// answers, senders that vanish, floods. Each test asserts that the kernel
// survives, that the module gets a clear error, and that kernel memory
// returns to its baseline.
import assert from "node:assert/strict";
import { newMachine } from "../harness/machine.ts";
import { BootProgram, bootWithPrograms } from "../harness/programs.ts";
import { interfaceHash, NOTIFICATION, program, testInterface } from "../../tools/hosted/programs.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const REGISTRY = interfaceHash("registry");
const PONG = testInterface("pong");
const DONE = testInterface("done");
const NEEDS_ANSWER = 1;
const ALLOW_DELAY = 2;
const E_UNKNOWN_MESSAGE = -7;

async function run(programs: BootProgram[], extraConfig = ""): Promise<string> {
  const m = await newMachine();
  const { info, modules } = await bootWithPrograms(programs, extraConfig);
  for (const mod of modules) m.memory.write(mod.address, mod.bytes);
  assert.equal(m.boot(info), "halt");
  return m.serial;
}

/** Kernel heap in use after a full collection, from the idle line. */
function kibInUse(log: string): number {
  const found = /kernel memory \d+ KiB, (\d+) KiB in use/.exec(log);
  assert.ok(found, "memory figure missing");
  return Number(found[1]);
}

function assertSurvived(log: string): void {
  assert.doesNotMatch(log, /KERNEL PANIC/);
  assert.match(log, /no runnable processes/);
}

/** A registry message about the interface whose hash is at `iface`, answered into the wait buffer. */
const registry = (ordinal: number, iface: number, error = 0) => `
    (i32.store8 (i32.const 300) (i32.const ${ordinal}))
    (memory.copy (i32.const 301) (i32.const ${iface}) (i32.const 32))
    (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
    (call $expect (call $await) (i32.const ${error}))`;
const unregister = (iface: number) => registry(1, iface);
/** Loops until registry.handler of the interface at `iface` is `pid`. */
const untilHandlerIs = (iface: number, pid: number) => `
    (block $seen (loop $poll
      ${registry(2, iface)}
      (br_if $seen (i64.eq (i64.load (i32.const ${NOTIFICATION.at.answerData})) (i64.const ${pid})))
      (br $poll)))`;
/** Blocks until an incoming message arrives, skipping process-destroyed notifications. */
const nextIncoming = `
    (block $got (loop $skip
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))
      (br_if $got (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming})))
      (br $skip)))`;
/** Blocks until a process-destroyed notification arrives. */
const nextDestroyed = `
    (block $got (loop $skip
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))
      (br_if $got (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.destroyed})))
      (br $skip)))`;
/** Answers the message whose id is at 500 with no payload, expecting `result`. */
const answerHeld = (result: number) => `
    (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${result}))`;
const forever = `(loop $idle (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096))) (br $idle))`;

describe("a handler that owes answers it can no longer give (hosted)", function () {
  this.timeout(120_000);

  // pid 1: takes one message on PONG, unregisters, waits until its sender
  // is gone, then answers what it holds: the message is no longer there.
  const holder = program(PONG, `
    (call $register (i32.const 64))
    ${nextIncoming}
    (i64.store (i32.const 500) (i64.load (i32.const ${NOTIFICATION.at.incomingId})))
    ${unregister(64)}
    ${nextDestroyed}
    ${answerHeld(E_UNKNOWN_MESSAGE)}
    (call $log $str("answer refused: the sender is gone"))
    ${forever}`);
  // pid 2: sends to PONG once pid 1 handles it, waits until `handlerAfter`
  // handles it, then optionally cancels, and exits.
  const client = (handlerAfter: number, cancels: boolean) => program(PONG, `
    ${untilHandlerIs(64, 1)}
    (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY})) (i32.const 0))
    (i64.store (i32.const 520) (i64.load (i32.const 96)))
    ${untilHandlerIs(64, handlerAfter)}
    ${cancels ? "(call $expect (call $cancel (i64.load (i32.const 520))) (i32.const 0))" : ""}
    (call $log $str("client leaves"))`);
  // pid 3: takes PONG over as soon as it is free.
  const taker = program(PONG, `
    ${untilHandlerIs(64, 0)}
    (call $register (i32.const 64))
    (call $log $str("took pong over"))
    ${forever}`);

  it("survives unregister, then cancel and exit of the sender, then the answer", async () => {
    const log = await run([
      { name: "holder", bytes: holder, grants: [REGISTRY, KERNEL_LOG] },
      { name: "client", bytes: client(0, true), grants: [REGISTRY, KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /client: client leaves/);
    assert.match(log, /holder: answer refused: the sender is gone/);
  });

  it("survives the sender exiting without cancelling", async () => {
    const log = await run([
      { name: "holder", bytes: holder, grants: [REGISTRY, KERNEL_LOG] },
      { name: "client", bytes: client(0, false), grants: [REGISTRY, KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /holder: answer refused: the sender is gone/);
  });

  it("survives another process taking the interface over before the sender cancels", async () => {
    const log = await run([
      { name: "holder", bytes: holder, grants: [REGISTRY, KERNEL_LOG] },
      { name: "client", bytes: client(3, true), grants: [REGISTRY, KERNEL_LOG, PONG] },
      { name: "taker", bytes: taker, grants: [REGISTRY, KERNEL_LOG] },
    ]);
    assertSurvived(log);
    assert.match(log, /taker: took pong over/);
    assert.match(log, /holder: answer refused: the sender is gone/);
  });

  it("delivers the answer of a handler that unregistered first (a graceful shutdown)", async () => {
    const closing = program(PONG, `
      (call $register (i32.const 64))
      ${nextIncoming}
      (i64.store (i32.const 500) (i64.load (i32.const ${NOTIFICATION.at.incomingId})))
      ${unregister(64)}
      ${answerHeld(0)}
      (call $log $str("shut down"))`);
    const patient = program(PONG, `
      ${untilHandlerIs(64, 1)}
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $log $str("answered after unregister"))`);
    const log = await run([
      { name: "closing", bytes: closing, grants: [REGISTRY, KERNEL_LOG] },
      { name: "patient", bytes: patient, grants: [REGISTRY, KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /patient: answered after unregister/);
    assert.match(log, /closing: shut down/);
  });

  it("keeps no kernel memory for a thousand rounds of unregister, cancel, answer", async () => {
    // pid 1 re-registers PONG each round; DONE tells it the sender cancelled.
    const rounds = (n: number) => {
      const cycler = program(PONG, `
        (call $register (i32.const 160))
        (loop $round
          (call $register (i32.const 64))
          ${nextIncoming}
          (i64.store (i32.const 500) (i64.load (i32.const ${NOTIFICATION.at.incomingId})))
          ${unregister(64)}
          ${nextIncoming}
          ${answerHeld(E_UNKNOWN_MESSAGE)}
          (br $round))`, { 160: DONE });
      const canceller = program(PONG, `
        (local $i i32)
        (loop $round
          ${untilHandlerIs(64, 1)}
          (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
          (i64.store (i32.const 520) (i64.load (i32.const 96)))
          ${untilHandlerIs(64, 0)}
          (call $expect (call $cancel (i64.load (i32.const 520))) (i32.const 0))
          (call $expect (call $call (i32.const 160) (i32.const 400) (i32.const 4) (i32.const 0)) (i32.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $round (i32.lt_u (local.get $i) (i32.const ${n}))))
        (call $log $str("rounds done"))`, { 160: DONE });
      return [
        { name: "cycler", bytes: cycler, grants: [REGISTRY, KERNEL_LOG] },
        { name: "canceller", bytes: canceller, grants: [REGISTRY, KERNEL_LOG, PONG, DONE] },
      ];
    };
    const few = await run(rounds(10));
    const many = await run(rounds(1000));
    assertSurvived(many);
    assert.match(many, /canceller: rounds done/);
    assert.ok(kibInUse(many) <= kibInUse(few) + 64, `kernel memory in use grew from ${kibInUse(few)} KiB to ${kibInUse(many)} KiB`);
  });
});
