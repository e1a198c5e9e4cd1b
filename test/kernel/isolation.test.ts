// Hostile and careless modules against the kernel's IPC and process
// bookkeeping (issue 15): handlers that give up an interface while they owe
// answers, senders that vanish, floods. Each test asserts that the kernel
// survives, that the module gets a clear error, and that kernel memory
// returns to its baseline.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { assertSurvived, kibInUse, run } from "../harness/hostile.ts";
import { replies, scriptProgram } from "../harness/script.ts";
import { abi } from "../../tools/hosted/abi.ts";
import { interfaceHash, NOTIFICATION, program, testInterface } from "../../tools/hosted/programs.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const REGISTRY = interfaceHash("registry");
const PONG = testInterface("pong");
const DONE = testInterface("done");
const PROCESS = interfaceHash("process");
const LOADER = interfaceHash("loader");
const NEEDS_ANSWER = abi("SEND_NEEDS_ANSWER");
const ALLOW_DELAY = abi("SEND_ALLOW_DELAY");
const E_UNKNOWN_MESSAGE = abi("E_UNKNOWN_MESSAGE");

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

const digestOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
// Blocks for good, so it stays alive until killed.
const sleeper = program(PONG, forever);
/** Process interface at 900; builds at 600 process.start of the module whose digest is at 128, named "child", granted the hash at 64. */
const START = `
    (i32.store8 (i32.const 600) (i32.const 0))
    (memory.copy (i32.const 601) (i32.const 128) (i32.const 32))
    (i32.store (i32.const 633) (i32.const 5))
    (i64.store (i32.const 637) (i64.const 0x646c696863))
    (i32.store (i32.const 642) (i32.const 1))
    (memory.copy (i32.const 646) (i32.const 64) (i32.const 32))
    (i32.store (i32.const 678) (i32.const 0))`;
const startChild = (flags: number) => `(call $expect (call $call (i32.const 900) (i32.const 600) (i32.const 82) (i32.const ${flags})) (i32.const 0))`;
/** process.wait for the pid at 701, built at 700. */
const waitFor = (flags: number) => `
    (i32.store8 (i32.const 700) (i32.const 4))
    (call $expect (call $call (i32.const 900) (i32.const 700) (i32.const 9) (i32.const ${flags})) (i32.const 0))`;

describe("kernel objects a process makes are bounded and go when it ends (hosted)", function () {
  this.timeout(120_000);

  it("keeps no waiter for a process.wait without needs-answer, nor for one cancelled", async () => {
    const waiter = (n: number) => program(PONG, `
      (local $i i32)
      ${START}
      ${startChild(NEEDS_ANSWER)}
      (call $expect (call $await) (i32.const 0))
      (i64.store (i32.const 701) (i64.load (i32.const ${NOTIFICATION.at.answerData})))
      (loop $again
        ${waitFor(0)}
        ${waitFor(NEEDS_ANSWER)}
        (call $expect (call $cancel (i64.load (i32.const 96))) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const ${n}))))
      (call $log $str("waits done"))
      ${forever}`, { 128: digestOf(sleeper), 900: PROCESS });
    const kib = async (n: number) => {
      const log = await run([
        { name: "waiter", bytes: waiter(n), grants: [KERNEL_LOG, PROCESS, PONG] },
        { name: "sleeper", bytes: sleeper, grants: [], notStarted: true },
      ]);
      assertSurvived(log);
      assert.match(log, /waiter: waits done/);
      return kibInUse(log);
    };
    const few = await kib(10);
    const many = await kib(10_000);
    assert.ok(many <= few + 64, `kernel memory in use grew from ${few} KiB to ${many} KiB`);
  });

  it("bounds the starts a process has waiting for a loader that never answers, even when it is the loader", async () => {
    const unknown = "ab".repeat(32);
    const loader = (n: number) => program(LOADER, `
      (local $i i32)
      (call $register (i32.const 64))
      ${START}
      (loop $again
        ${startChild(0)}
        (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 4096) (i32.const 4096)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const ${n}))))
      ${startChild(NEEDS_ANSWER)}
      (call $expect (call $await) (i32.const 1))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))
      ${forever}`, { 128: unknown, 900: PROCESS });
    const kib = async (n: number) => {
      const log = await run([{ name: "loader", bytes: loader(n), grants: [KERNEL_LOG, PROCESS, REGISTRY] }]);
      assertSurvived(log);
      assert.match(log, /loader: at most 8 starts may wait for the loader at a time/);
      return kibInUse(log);
    };
    const few = await kib(10);
    const many = await kib(5000);
    assert.ok(many <= few + 64, `kernel memory in use grew from ${few} KiB to ${many} KiB`);
  });

  it("queues no process-destroyed notification past the queue bound", async () => {
    // pid 1 never reads PONG until pid 2 has ended; pid 2 starts 300
    // children one after the other, each sending one message and exiting.
    const watcher = program(PONG, `
      (local $count i32)
      (call $register (i32.const 64))
      (i64.store (i32.const 701) (i64.const 2))
      ${waitFor(NEEDS_ANSWER)}
      (call $expect (call $await) (i32.const 0))
      (block $empty (loop $drain
        (br_if $empty (i32.le_s (call $wait (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 4096) (i32.const 4096)) (i32.const 0)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (br $drain)))
      (call $expect (i32.le_u (local.get $count) (i32.const 256)) (i32.const 1))
      (call $expect (i32.ge_u (local.get $count) (i32.const 128)) (i32.const 1))
      (call $log $str("queue stayed bounded"))`, { 900: PROCESS });
    const child = program(PONG, `(drop (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 0)))`);
    const starter = program(PONG, `
      (local $i i32)
      ${START}
      (loop $again
        ${startChild(NEEDS_ANSWER)}
        (call $expect (call $await) (i32.const 0))
        (i64.store (i32.const 701) (i64.load (i32.const ${NOTIFICATION.at.answerData})))
        ${waitFor(NEEDS_ANSWER)}
        (call $expect (call $await) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 300))))`, { 128: digestOf(child), 900: PROCESS });
    const log = await run([
      { name: "watcher", bytes: watcher, grants: [REGISTRY, KERNEL_LOG, PROCESS] },
      { name: "starter", bytes: starter, grants: [PROCESS, PONG] },
      { name: "child", bytes: child, grants: [], notStarted: true },
    ]);
    assertSurvived(log);
    assert.match(log, /starter \(pid 2\) exited with status 0/);
    assert.match(log, /watcher: queue stayed bounded/);
  });

  it("withdraws delayed messages when their sender ends", async () => {
    const early = program(PONG, `
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${ALLOW_DELAY})) (i32.const 0))
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${ALLOW_DELAY | NEEDS_ANSWER})) (i32.const 0))`);
    const late = program(PONG, `
      (i64.store (i32.const 701) (i64.const 1))
      ${waitFor(NEEDS_ANSWER)}
      (call $expect (call $await) (i32.const 0))
      (call $register (i32.const 64))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 4096) (i32.const 4096)) (i32.const 0))
      (call $log $str("nothing from the dead"))`, { 900: PROCESS });
    const log = await run([
      { name: "early", bytes: early, grants: [PONG] },
      { name: "late", bytes: late, grants: [REGISTRY, KERNEL_LOG, PROCESS] },
    ]);
    assertSurvived(log);
    assert.match(log, /late: nothing from the dead/);
  });

  it("counts every table of a process against one limit of 65,536 elements", async () => {
    const tables = program(PONG, `(call $log $str("never"))`, {}, `(table 40000 funcref) (table 40000 funcref)`);
    const log = await run([{ name: "tables", bytes: tables, grants: [KERNEL_LOG] }]);
    assertSurvived(log);
    assert.match(log, /cannot start tables: table of 40000 elements exceeds what is left of the 65536 elements of all tables/);
    assert.doesNotMatch(log, /tables: never/);
  });

  it("charges the messages queued at a handler to their sender's kernel memory in process.list", async () => {
    const deaf = program(PONG, `
      (call $register (i32.const 64))
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 4096) (i32.const 4096)))`);
    const flooder = program(PONG, `
      (local $i i32)
      (loop $again
        (call $expect (call $call (i32.const 64) (i32.const 0) (i32.const 60000) (i32.const 0)) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 40))))
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 4096) (i32.const 4096)))`);
    const lister = scriptProgram([{ iface: "process", message: "list" }]);
    const log = await run([
      { name: "deaf", bytes: deaf, grants: [REGISTRY] },
      { name: "flooder", bytes: flooder, grants: [PONG] },
      { name: "lister", bytes: lister, grants: [KERNEL_LOG, PROCESS] },
    ]);
    assertSurvived(log);
    const list = replies(log, "lister")[0].as("process", "list") as { pids: bigint[]; memory: bigint[]; kernelBytes: bigint[] };
    const of = (figures: bigint[], pid: bigint) => Number(figures[list.pids.indexOf(pid)]);
    assert.ok(of(list.kernelBytes, 2n) >= 40 * 60000, `flooder holds ${of(list.kernelBytes, 2n)} bytes`);
    assert.ok(of(list.memory, 2n) >= of(list.kernelBytes, 2n) + 2 * 65536, "memory counts linear memory and the kernel's");
    assert.ok(of(list.kernelBytes, 1n) < 2 << 20, `deaf holds ${of(list.kernelBytes, 1n)} bytes`);
    assert.ok(of(list.kernelBytes, 3n) < 2 << 20, `lister holds ${of(list.kernelBytes, 3n)} bytes`);
  });

  it("bounds the DMA buffers of one process together", async () => {
    const HARDWARE = interfaceHash("hardware");
    const allocate = (bytes: number, error: number) => `
      (i32.store8 (i32.const 600) (i32.const 4)) (i32.store (i32.const 601) (i32.const ${bytes}))
      (call $expect (call $call (i32.const 64) (i32.const 600) (i32.const 5) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const ${error}))`;
    const hoarder = program(HARDWARE, `
      ${allocate(4 << 20, 0)}
      ${allocate(4096, 1)}
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`);
    const log = await run([
      { name: "hoarder", bytes: hoarder, grants: [HARDWARE, KERNEL_LOG] },
      { name: "other", bytes: program(HARDWARE, `${allocate(4 << 20, 0)} (call $log $str("other got its own"))`), grants: [HARDWARE, KERNEL_LOG] },
    ]);
    assertSurvived(log);
    assert.match(log, /hoarder: the DMA buffers of one process hold at most 4194304 bytes/);
    assert.match(log, /other: other got its own/);
  });
});

describe("authority over other processes and fair shares (hosted)", function () {
  this.timeout(60_000);

  it("lets a process kill only what it started", async () => {
    const parent = scriptProgram([
      { iface: "process", message: "start", values: [digestOf(sleeper), "kid", [], []] },
      { iface: "process", message: "kill", values: [1n] },
      { iface: "process", message: "kill", values: [3n] },
    ]);
    const log = await run([
      { name: "napper", bytes: sleeper, grants: [] },
      { name: "parent", bytes: parent, grants: [KERNEL_LOG, PROCESS] },
    ]);
    assertSurvived(log);
    const [started, stranger, own] = replies(log, "parent");
    assert.deepEqual(started.as("process", "start"), { pid: 3n });
    assert.equal(stranger.reason, "process 1 was not started by this process nor its descendants");
    assert.deepEqual(own.as("process", "kill"), {});
    assert.match(log, /kid \(pid 3\) ended: killed by process 2/);
    assert.doesNotMatch(log, /napper \(pid 1\) ended/);
  });

  it("still takes a message from another sender when one has filled a handler's queue", async () => {
    // Blocks in a wait for answers only: it never reads its queue.
    const deaf = program(PONG, `
      (call $register (i32.const 64))
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 4096) (i32.const 4096)))`);
    const flooder = program(PONG, `
      (block $full (loop $more
        (br_if $full (i32.ne (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 0)) (i32.const 0)))
        (br $more)))
      (call $log $str("flooder refused"))`);
    const polite = program(PONG, `
      (local $i i32)
      (loop $again
        (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 0)) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 16))))
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 0)) (i32.const -3))
      (call $log $str("16 in, then refused"))`);
    const log = await run([
      { name: "deaf", bytes: deaf, grants: [REGISTRY] },
      { name: "flooder", bytes: flooder, grants: [KERNEL_LOG, PONG] },
      { name: "polite", bytes: polite, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.ok(log.indexOf("flooder: flooder refused") < log.indexOf("polite: 16 in"), "the flood came first");
    assert.match(log, /polite: 16 in, then refused/);
  });
});
