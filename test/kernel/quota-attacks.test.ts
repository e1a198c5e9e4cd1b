// Attacks on the kernel memory account, its quotas and the message pool,
// written from docs/ipc.md ("Limits per process", "Kernel memory") and
// interfaces/*.interface alone: modules with tiny accounts, cancels after a
// handler read a message, handlers that end owing answers, senders that end
// with messages queued, delayed, waiting and loading, DMA near the quota and
// many processes filling the pool and ending. Each test asserts what the
// docs promise: the documented error or error answer, no answer lost, the
// account and the pool back where they were once the objects go, kernel
// memory flat in the number of attempts, and a neighbour's round trips.
import assert from "node:assert/strict";
import { assertSurvived, kibInUse, ping, PONG, run } from "../harness/hostile.ts";
import { replies, scriptProgram, Step } from "../harness/script.ts";
import { abi } from "../../tools/hosted/abi.ts";
import { encodeMessage } from "../../tools/interfaces/codec.ts";
import { interfaceHash, NOTIFICATION, program, testInterface, WAIT_BUFFER } from "../../tools/hosted/programs.ts";
import { cidOf } from "../../tools/identity/cid.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const REGISTRY = interfaceHash("registry");
const PROCESS = interfaceHash("process");
const ECHO = interfaceHash("echo");
const HARDWARE = interfaceHash("hardware");
const RANDOM = interfaceHash("random");
const NEEDS_ANSWER = abi("SEND_NEEDS_ANSWER");
const ALLOW_DELAY = abi("SEND_ALLOW_DELAY");
const E_KERNEL_QUOTA = abi("E_KERNEL_QUOTA");
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Blocks until an incoming message arrives, reading (and skipping) anything else. */
const nextIncoming = `
    (block $got (loop $skip
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))
      (br_if $got (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming})))
      (br $skip)))`;
/** Reads every notification forever and answers nothing. */
const readForever = `(loop $read (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 65000) (i32.const 65590))) (br $read))`;
const deafForever = `(loop $deaf (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 4096) (i32.const 4096))) (br $deaf))`;
/** Echoes every message on PONG, forever; an answer that fails traps. */
const serve = `
  (loop $serve
    ${nextIncoming}
    (i32.store (i32.const 200) (i32.const ${NOTIFICATION.at.incomingData}))
    (i32.store (i32.const 204) (i32.load (i32.const ${NOTIFICATION.at.incomingLength})))
    (call $expect (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 200) (i32.const 1) (i32.const 0)) (i32.const 0))
    (br $serve))`;
const pong = program(PONG, `(call $register (i32.const 64)) ${serve}`);

// A program's "done" signal: it registers echo (hash at ECHO_AT) and answers
// the observer's message waiting there, so the observer lists the processes
// only once the attack is over.
const ECHO_AT = 3968;
const signalDone = `
  (call $register (i32.const ${ECHO_AT}))
  ${nextIncoming}
  (drop (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 0) (i32.const 0) (i32.const 0)))
  ${readForever}`;
const observer = scriptProgram([
  { iface: "echo", message: "echo", values: [new Uint8Array([1])], allowDelay: true },
  { iface: "process", message: "list", values: [] },
]);
const OBSERVER = { name: "observer", bytes: observer, grants: [ECHO, PROCESS, KERNEL_LOG] };

interface ProcessList { names: string[]; kernelBytes: bigint[] }
/** kernelBytes of process `name` in a process.list answer. */
function kernelBytesOf(list: ProcessList, name: string): number {
  const i = list.names.indexOf(name);
  assert.ok(i >= 0, `${name} is not in the list`);
  const bytes = Number(list.kernelBytes[i]);
  assert.ok(bytes > 0 && bytes < abi("KERNEL_QUOTA_BYTES"), `${name}'s account is ${list.kernelBytes[i]}`);
  return bytes;
}
const observed = (log: string, name: string) => kernelBytesOf(replies(log, "observer")[1].as("process", "list") as unknown as ProcessList, name);

/** The bytes of the kernel's message pool still held when the machine went idle. */
const poolHeld = (log: string) => {
  const found = /message pool (\d+) bytes held/.exec(log);
  assert.ok(found, "pool figure missing");
  return Number(found[1]);
};

describe("attacks on the kernel memory account (hosted)", function () {
  this.timeout(300_000);

  const tinyIfaces = Array.from({ length: 40 }, (_, i) => testInterface(`tiny-${i}`));
  const tinyRegistry = (message: string) => tinyIfaces.map((h): Step => ({ iface: "registry", message, values: [h] }));
  const tinySteps: Step[] = [
    { iface: "process", message: "list", values: [] },
    { iface: "random", message: "fill", values: [16] },
    { iface: "random", message: "fill", values: [4096] },
    ...tinyRegistry("register"), ...tinyRegistry("unregister"), ...tinyRegistry("register"), ...tinyRegistry("unregister"),
    { iface: "process", message: "list", values: [] },
  ];
  /** Runs the tiny script with 2 KiB above its start charge; its start charge and its answers. */
  const tinyRun = async () => {
    const tiny = scriptProgram(tinySteps);
    const grants = [PROCESS, RANDOM, REGISTRY, KERNEL_LOG];
    const measure = await run([{ name: "tiny", bytes: tiny, grants }]);
    assertSurvived(measure);
    const base = kernelBytesOf(replies(measure, "tiny")[0].as("process", "list") as unknown as ProcessList, "tiny");
    const log = await run([
      { name: "tiny", bytes: tiny, grants, kernelMemory: base + 2048 },
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /ping: 200 round trips done/);
    const answers = replies(log, "tiny");
    assert.equal(answers.length, tinySteps.length, "an answer was lost");
    const round = (from: number) => answers.slice(from, from + tinyIfaces.length);
    return { base, answers, registers: round(3), unregisters: round(3 + tinyIfaces.length), again: round(3 + 2 * tinyIfaces.length) };
  };

  it("gives a program with 2 KiB of account left small answers, error answers for big ones and register refusals, and the account back", async () => {
    const { base, answers, registers, again } = await tinyRun();
    const listOf = (i: number) => answers[i].as("process", "list") as unknown as ProcessList;
    assert.equal(kernelBytesOf(listOf(0), "tiny"), base, "the start charge depends on the quota");
    assert.equal((answers[1].as("random", "fill").bytes as Uint8Array).length, 16);
    assert.match(answers[2].reason, /^answer of \d+ bytes dropped: process 1 holds \d+ KiB of kernel memory, its quota is \d+ KiB/);
    const registered = registers.filter((a) => !a.error).length;
    assert.ok(registered > 0 && registered < tinyIfaces.length, `${registered} registrations in 2 KiB`);
    for (const refusal of registers.filter((a) => a.error)) assert.match(refusal.reason, /kernel memory.*quota/);
    assert.deepEqual(again.map((a) => a.error), registers.map((a) => a.error), "the account did not come back after unregistering");
    assert.equal(kernelBytesOf(listOf(answers.length - 1), "tiny"), base, "the account did not come back to its start charge");
  });

  // Found by this file's attacks: a register whose success answer had no
  // room in the account took effect, yet its sender got the error answer
  // "answer of 0 bytes dropped: …". Answers no bigger than that error now
  // go through whole.
  it("leaves no registration behind a register answered with an error", async () => {
    const { registers, unregisters } = await tinyRun();
    const dropped = registers.filter((a) => a.error).map((a) => a.reason);
    assert.equal(unregisters.filter((a) => !a.error).length, registers.filter((a) => !a.error).length,
      `an interface refused to register could be unregistered; the refusals: ${dropped.join(" | ")}`);
  });

  it("credits a message cancelled after its handler read it, refuses the late answer, and keeps the accounts flat", async () => {
    const ACK = testInterface("ack");
    // Payload 0: asks (the handler tells the client on ACK it has read it),
    // 1: the client has cancelled (the late answer must be -7), 2: a real call.
    const handler = program(PONG, `
      (local $kind i32)
      (call $register (i32.const 64))
      (loop $serve
        ${nextIncoming}
        (local.set $kind (i32.load (i32.const ${NOTIFICATION.at.incomingData})))
        (if (i32.eqz (local.get $kind)) (then
          (i64.store (i32.const 500) (i64.load (i32.const ${NOTIFICATION.at.incomingId})))
          (call $expect (call $call (i32.const 2048) (i32.const 400) (i32.const 4) (i32.const ${ALLOW_DELAY})) (i32.const 0))))
        (if (i32.eq (local.get $kind) (i32.const 1)) (then
          (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${abi("E_UNKNOWN_MESSAGE")}))))
        (if (i32.eq (local.get $kind) (i32.const 2)) (then
          (call $expect (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const 0))))
        (br $serve))`, { 2048: ACK });
    const client = (rounds: number) => program(PONG, `
      (local $i i32)
      (call $register (i32.const 2048))
      (loop $round
        (i32.store (i32.const 400) (i32.const 0))
        (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY})) (i32.const 0))
        (i64.store (i32.const 600) (i64.load (i32.const 96)))
        ${nextIncoming}
        (call $expect (call $cancel (i64.load (i32.const 600))) (i32.const 0))
        (call $expect (call $cancel (i64.load (i32.const 600))) (i32.const ${abi("E_UNKNOWN_MESSAGE")}))
        (i32.store (i32.const 400) (i32.const 1))
        (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 0)) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $round (i32.lt_u (local.get $i) (i32.const ${rounds}))))
      (i32.store (i32.const 400) (i32.const 2))
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $log $str("cancelled after reading, then answered"))
      ${signalDone}`, { 2048: ACK, [ECHO_AT]: ECHO });
    const attempt = async (rounds: number) => {
      const log = await run([
        { name: "handler", bytes: handler, grants: [REGISTRY, ACK] },
        { name: "client", bytes: client(rounds), grants: [REGISTRY, PONG, KERNEL_LOG] },
        OBSERVER,
      ]);
      assertSurvived(log);
      assert.match(log, /client: cancelled after reading, then answered/);
      assert.doesNotMatch(log, /trapped/);
      assert.equal(poolHeld(log), 3 * 64, "more than the handler's and the client's registrations is left in the pool");
      // The module's bytes are charged: a longer loop bound is a longer module.
      return { handler: observed(log, "handler"), client: observed(log, "client") - client(rounds).length, kib: kibInUse(log) };
    };
    const few = await attempt(3);
    const many = await attempt(400);
    assert.equal(many.handler, few.handler, "the handler's account grew with the cancels");
    assert.equal(many.client, few.client, "the client's account grew with the cancels");
    assert.ok(many.kib <= few.kib + 64, `kernel memory in use grew from ${few.kib} KiB to ${many.kib} KiB`);
  });

  it("answers every message of a handler that ends owing, read or not, with the documented error answer", async () => {
    const owing = program(PONG, `
      (local $i i32)
      (call $register (i32.const 64))
      (loop $read
        ${nextIncoming}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $read (i32.lt_u (local.get $i) (i32.const 20))))`);
    const client = program(PONG, `
      (local $i i32) (local $errors i32)
      (memory.fill (i32.const 10000) (i32.const 0x33) (i32.const 3000))
      (i32.store (i32.const 104) (i32.const 10000)) (i32.store (i32.const 108) (i32.const 3000))
      (loop $ask
        (call $expect (call $send (i32.const 64) (i32.const 104) (i32.const 1) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY}) (i32.add (i32.const 1000) (i32.shl (local.get $i) (i32.const 3)))) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $ask (i32.lt_u (local.get $i) (i32.const 40))))
      (local.set $i (i32.const 0))
      (loop $collect
        (call $expect (i32.gt_s (call $wait (i32.const 1000) (i32.const 40) (i32.const 1) (i32.const 4096) (i32.const 4096)) (i32.const 0)) (i32.const 1))
        (local.set $errors (i32.add (local.get $errors) (i32.load8_u (i32.const ${NOTIFICATION.at.answerError}))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $collect (i32.lt_u (local.get $i) (i32.const 40))))
      (call $expect (local.get $errors) (i32.const 40))
      (call $expect (call $wait (i32.const 1000) (i32.const 40) (i32.const 0) (i32.const 4096) (i32.const 4096)) (i32.const 0))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))
      (call $log $str("40 error answers"))`);
    const log = await run([
      { name: "client", bytes: client, grants: [PONG, KERNEL_LOG] },
      { name: "owing", bytes: owing, grants: [REGISTRY] },
    ]);
    assertSurvived(log);
    assert.match(log, /client: handler 'owing' ended: exited with status 0\r/);
    assert.match(log, /client: 40 error answers/);
    assert.equal(poolHeld(log), 0);
  });

  it("frees what a sender leaves queued, owed, delayed, waiting and loading when it ends, over hundreds of runs", async () => {
    const SINK = testInterface("sink");
    const VOID = testInterface("void");
    const LOADER = interfaceHash("loader");
    // pid 1 reads everything on SINK and loader and answers nothing.
    const sink = program(SINK, `
      (call $register (i32.const 64))
      (call $register (i32.const 2048))
      ${readForever}`, { 2048: LOADER });
    const waitSink = encodeMessage("process", "wait", [1n]);
    const startUnknown = encodeMessage("process", "start", ["ab".repeat(32), "unknown", [], []]);
    const repeat = (times: number, code: string) => Array.from({ length: times }, () => code).join("\n");
    const churn = program(SINK, `
      ${repeat(20, `(drop (call $call (i32.const 64) (i32.const 400) (i32.const 600) (i32.const ${NEEDS_ANSWER})))`)}
      ${repeat(30, `(drop (call $call (i32.const 2048) (i32.const 400) (i32.const 1000) (i32.const ${ALLOW_DELAY})))`)}
      ${repeat(10, `(drop (call $call (i32.const 2080) (i32.const 3000) (i32.const ${waitSink.length}) (i32.const ${NEEDS_ANSWER})))`)}
      ${repeat(8, `(drop (call $call (i32.const 2080) (i32.const 3100) (i32.const ${startUnknown.length}) (i32.const ${NEEDS_ANSWER})))`)}`,
    { 2048: VOID, 2080: PROCESS, 3000: hex(waitSink), 3100: hex(startUnknown) });
    const runChurn = encodeMessage("process", "run", ["churn", []]);
    const waitTemplate = encodeMessage("process", "wait", [0n]);
    const parent = (rounds: number) => program(PROCESS, `
      (local $i i32)
      (loop $round
        (call $expect (call $call (i32.const 64) (i32.const 3000) (i32.const ${runChurn.length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
        (call $expect (call $await) (i32.const 0))
        (i64.store (i32.const 3201) (i64.load (i32.const ${NOTIFICATION.at.answerData})))
        (call $expect (call $call (i32.const 64) (i32.const 3200) (i32.const ${waitTemplate.length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
        (call $expect (call $await) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $round (i32.lt_u (local.get $i) (i32.const ${rounds}))))
      (call $log $str("rounds done"))
      (call $expect (call $call (i32.const 64) (i32.const 3300) (i32.const ${startUnknown.length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (drop (call $await))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`,
    { 3000: hex(runChurn), 3200: hex(waitTemplate), 3300: hex(startUnknown) });
    const config = `program ${await cidOf(churn)} name=churn grant=${[SINK, VOID, PROCESS].join(",")}\n`;
    const attempt = async (rounds: number) => {
      const log = await run([
        { name: "sink", bytes: sink, grants: [REGISTRY] },
        { name: "parent", bytes: parent(rounds), grants: [PROCESS, KERNEL_LOG, SINK, VOID] },
        { name: "churn", bytes: churn, grants: [], notStarted: true },
        { name: "pong", bytes: pong, grants: [REGISTRY] },
        { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
      ], config);
      assertSurvived(log);
      assert.match(log, /parent: rounds done/);
      assert.match(log, /ping: 200 round trips done/);
      assert.doesNotMatch(log, /parent: at most 8 starts may wait for the loader/, "the ended children's starts still wait for the loader");
      return { held: poolHeld(log), kib: kibInUse(log) };
    };
    const few = await attempt(4);
    const many = await attempt(200);
    assert.ok(many.kib <= few.kib + 64, `kernel memory in use grew from ${few.kib} KiB to ${many.kib} KiB`);
    // The figure held at idle also counts the parent's last start, still waiting for the loader.
    assert.equal(many.held, few.held, "the pool holds more after more runs");
  });

  it("drops process.wait waiters when cancelled and keeps none sent without needs-answer, however often", async () => {
    const napper = program(PONG, deafForever);
    const waitNapper = encodeMessage("process", "wait", [1n]);
    const id = (i: string) => `(i32.add (i32.const 1000) (i32.shl ${i} (i32.const 3)))`;
    const waiter = (rounds: number) => program(PROCESS, `
      (local $r i32) (local $i i32)
      (i32.store (i32.const 104) (i32.const 3000)) (i32.store (i32.const 108) (i32.const ${waitNapper.length}))
      (loop $round
        (local.set $i (i32.const 0))
        (loop $ask
          (call $expect (call $send (i32.const 64) (i32.const 104) (i32.const 1) (i32.const ${NEEDS_ANSWER}) ${id("(local.get $i)")}) (i32.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $ask (i32.lt_u (local.get $i) (i32.const ${abi("MAX_PENDING_ANSWERS")}))))
        (call $expect (call $send (i32.const 64) (i32.const 104) (i32.const 1) (i32.const ${NEEDS_ANSWER}) (i32.const 96)) (i32.const ${abi("E_TOO_MANY_PENDING")}))
        (local.set $i (i32.const 0))
        (loop $withdraw
          (call $expect (call $cancel (i64.load ${id("(local.get $i)")})) (i32.const 0))
          (call $expect (call $send (i32.const 64) (i32.const 104) (i32.const 1) (i32.const 0) (i32.const 96)) (i32.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $withdraw (i32.lt_u (local.get $i) (i32.const ${abi("MAX_PENDING_ANSWERS")}))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $round (i32.lt_u (local.get $r) (i32.const ${rounds}))))
      (call $log $str("waiters withdrawn"))
      ${signalDone}`, { 3000: hex(waitNapper), [ECHO_AT]: ECHO });
    const attempt = async (rounds: number) => {
      const log = await run([
        { name: "napper", bytes: napper, grants: [] },
        { name: "waiter", bytes: waiter(rounds), grants: [PROCESS, REGISTRY, KERNEL_LOG] },
        OBSERVER,
      ]);
      assertSurvived(log);
      assert.match(log, /waiter: waiters withdrawn/);
      assert.equal(poolHeld(log), 64, "only the waiter's registration is left in the pool");
      return { account: observed(log, "waiter") - waiter(rounds).length, kib: kibInUse(log) };
    };
    const few = await attempt(2);
    const many = await attempt(150);
    assert.equal(many.account, few.account, "the waiter's account grew with the waits");
    assert.ok(many.kib <= few.kib + 64, `kernel memory in use grew from ${few.kib} KiB to ${many.kib} KiB`);
  });

  it("charges answers to the asker: a handler whose own account is full still serves its clients", async () => {
    const VOID = testInterface("void");
    // Fills its 2,000,000-byte account with 60,000-byte messages waiting for a first handler, then serves.
    const fullPong = program(PONG, `
      (local $r i32) (local $n i32)
      (call $register (i32.const 64))
      (block $full (loop $fill
        (local.set $r (call $call (i32.const 2048) (i32.const 10000) (i32.const 60000) (i32.const ${ALLOW_DELAY})))
        (br_if $full (local.get $r))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $fill (i32.lt_u (local.get $n) (i32.const 64)))))
      (call $expect (local.get $r) (i32.const ${E_KERNEL_QUOTA}))
      (call $log $str("account full"))
      ${serve}`, { 2048: VOID });
    const log = await run([
      { name: "pong", bytes: fullPong, grants: [REGISTRY, VOID, KERNEL_LOG], kernelMemory: 2_000_000 },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /pong: account full/);
    assert.match(log, /ping: 200 round trips done/);
    assert.doesNotMatch(log, /trapped/);
  });

  it("queues every process-destroyed notification for a handler whose account is full", async () => {
    const VOID = testInterface("void");
    const clients = 40;
    const full = program(PONG, `
      (local $n i32) (local $seen i32)
      (call $register (i32.const 64))
      (block $full (loop $fill
        (br_if $full (call $call (i32.const 2048) (i32.const 10000) (i32.const 60000) (i32.const ${ALLOW_DELAY})))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $fill (i32.lt_u (local.get $n) (i32.const 64)))))
      (call $log $str("account full"))
      (loop $count
        (call $expect (i32.gt_s (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)) (i32.const 0)) (i32.const 1))
        (local.set $seen (i32.add (local.get $seen) (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.destroyed}))))
        (br_if $count (i32.lt_u (local.get $seen) (i32.const ${clients}))))
      (call $log $str("every client's end seen"))
      ${deafForever}`, { 2048: VOID });
    const client = program(PONG, `
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY})) (i32.const 0))`);
    const log = await run([
      { name: "full", bytes: full, grants: [REGISTRY, VOID, KERNEL_LOG], kernelMemory: 1_000_000 },
      ...Array.from({ length: clients }, (_, i) => ({ name: `client${i}`, bytes: client, grants: [PONG] })),
    ]);
    assertSurvived(log);
    assert.match(log, /full: account full/);
    assert.match(log, /full: every client's end seen/);
    assert.doesNotMatch(log, /trapped/);
  });

  it("refuses a DMA buffer past the quota, gives it once the first is freed, and keeps the account flat", async () => {
    const allocate = encodeMessage("hardware", "allocateDma", [1 << 20]);
    const free = encodeMessage("hardware", "freeDma", [0n]);
    const ask = (at: number, length: number, error: number) => `
      (call $expect (call $call (i32.const 2048) (i32.const ${at}) (i32.const ${length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const ${error}))`;
    const dma = (rounds: number) => program(HARDWARE, `
      (local $i i32)
      (loop $round
        ${ask(3000, allocate.length, 0)}
        (i64.store (i32.const 3101) (i64.load (i32.const ${NOTIFICATION.at.answerData})))
        ${ask(3000, allocate.length, 1)}
        ${ask(3100, free.length, 0)}
        ${ask(3100, free.length, 1)}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $round (i32.lt_u (local.get $i) (i32.const ${rounds}))))
      ${ask(3000, allocate.length, 0)}
      ${ask(3000, allocate.length, 1)}
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))
      ${ask(3000, allocate.length, 1)}
      ${signalDone}`, { 2048: HARDWARE, 3000: hex(allocate), 3100: hex(free), [ECHO_AT]: ECHO });
    const attempt = async (rounds: number) => {
      const log = await run([
        { name: "dma", bytes: dma(rounds), grants: [HARDWARE, REGISTRY, KERNEL_LOG], kernelMemory: 2 << 20 },
        OBSERVER,
      ]);
      assertSurvived(log);
      assert.match(log, /dma: .*(kernel memory|quota)/);
      assert.doesNotMatch(log, /trapped/);
      return observed(log, "dma");
    };
    const few = await attempt(2);
    const many = await attempt(60);
    assert.equal(many, few, "the account grew with the allocations");
    assert.ok(few > 1 << 20, "the live buffer is not charged");
  });

  const waitTemplate = encodeMessage("process", "wait", [0n]);
  // Waits for the flooders (pids 5 to 34) to end, as process.wait answers.
  const waitForFlooders = `
    (local.set $pid (i32.const 5))
    (loop $each
      (i64.store (i32.const 3001) (i64.extend_i32_u (local.get $pid)))
      (call $expect (call $call (i32.const 2048) (i32.const 3000) (i32.const ${waitTemplate.length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (local.set $pid (i32.add (local.get $pid) (i32.const 1)))
      (br_if $each (i32.le_u (local.get $pid) (i32.const 34))))`;
  // Registers, reads nothing until every flooder has ended, then reads all
  // that is queued (at READ_AT, clear of the program's strings): each
  // flooder's small message must be there.
  const READ_AT = 20000;
  const lateReader = (iface: string) => program(iface, `
    (local $pid i32) (local $small i32)
    (call $register (i32.const 64))
    ${waitForFlooders}
    (block $empty (loop $read
      (br_if $empty (i32.le_s (call $wait (i32.const 0) (i32.const 0) (i32.const 2) (i32.const ${READ_AT}) (i32.const 66000)) (i32.const 0)))
      (if (i32.and (i32.eq (i32.load8_u (i32.const ${READ_AT})) (i32.const ${NOTIFICATION.kind.incoming}))
          (i32.eq (i32.load (i32.const ${READ_AT - WAIT_BUFFER + NOTIFICATION.at.incomingLength})) (i32.const 4)))
        (then (local.set $small (i32.add (local.get $small) (i32.const 1)))))
      (br $read)))
    (call $expect (local.get $small) (i32.const 30))
    (call $log $str("read what 30 ended senders left"))`, { 2048: PROCESS, 3000: hex(waitTemplate) });
  const ifaces = ["full-a", "full-b", "full-c", "full-d"].map(testInterface);
  const targets = Object.fromEntries(ifaces.map((h, i) => [2048 + 32 * i, h]));
  const at = (t: string) => `(i32.add (i32.const 2048) (i32.shl ${t} (i32.const 5)))`;
  // One small message to each handler, then (when flooding) 60,000 bytes round and round until refused.
  const flooder = (flood: boolean) => program(PONG, `
    (local $t i32) (local $r i32)
    (loop $each
      (call $expect (call $call ${at("(local.get $t)")} (i32.const 400) (i32.const 4) (i32.const 0)) (i32.const 0))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $t) (i32.const ${ifaces.length}))))
    ${flood ? `
    (block $refused (loop $more
      (local.set $r (call $call ${at("(i32.and (local.get $t) (i32.const 3))")} (i32.const 10000) (i32.const 60000) (i32.const 0)))
      (br_if $refused (local.get $r))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $more)))
    (call $expect (i32.or (i32.eq (local.get $r) (i32.const ${E_KERNEL_QUOTA})) (i32.eq (local.get $r) (i32.const ${abi("E_QUEUE_FULL")}))) (i32.const 1))` : ""}`, targets);
  /** Boots the late readers, 30 flooders (flooding or not), ping and pong. */
  const floodRun = async (flood: boolean) => {
    const log = await run([
      ...ifaces.map((h, i) => ({ name: `reader${i}`, bytes: lateReader(h), grants: [REGISTRY, PROCESS, KERNEL_LOG] })),
      ...Array.from({ length: 30 }, (_, i) => ({ name: `flooder${i}`, bytes: flooder(flood), grants: ifaces })),
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /ping: 200 round trips done/);
    for (let i = 0; i < ifaces.length; i++) assert.match(log, new RegExp(`reader${i}: read what 30 ended senders left`));
    assert.doesNotMatch(log, /trapped/);
    return { held: poolHeld(log), kib: kibInUse(log) };
  };
  // Messages a sender left in a handler's queue, needing no answer, are
  // still delivered after it ends (a last log line must arrive); the pool
  // holds them until they are read or the handler ends. Found by this
  // file's attacks: once forced charges had taken the pool past its limit,
  // a process within its 16 KiB share was refused too; here the readers'
  // process.wait messages must get through a full pool.
  it("delivers what ended senders left queued, lets the handler ask within its share while the pool is full, and gives the pool back once read", async () => {
    const quiet = await floodRun(false);
    const flooded = await floodRun(true);
    assert.equal(flooded.held, quiet.held, "the flooders' messages stayed in the pool after they were read");
    assert.equal(quiet.held, 64, "only pong's registration is left");
    assert.ok(flooded.kib <= quiet.kib + 64, `kernel memory in use grew from ${quiet.kib} KiB to ${flooded.kib} KiB`);
  });
});
