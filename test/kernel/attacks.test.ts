// Attacks on the kernel written from the documentation alone (docs/ipc.md,
// interfaces/*.interface): hostile modules that misuse the four system
// calls and the kernel's interfaces. Each test asserts what the docs
// promise: the kernel survives, the attacker gets the documented error or
// an error answer, neighbours still get their answers, and kernel memory
// does not grow with the number of attempts.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { LARGER_PC } from "../harness/boots.ts";
import { assertSurvived, deafForever, forever, kibInUse, nextIncoming, ping, pong, PONG, run } from "../harness/hostile.ts";
import { replies, scriptProgram } from "../harness/script.ts";
import { abi } from "../../tools/hosted/abi.ts";
import { encodeMessage } from "../../tools/interfaces/codec.ts";
import { interfaceHash, NOTIFICATION, program, testInterface, wat2wasm } from "../../tools/hosted/programs.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const REGISTRY = interfaceHash("registry");
const PROCESS = interfaceHash("process");
const NEEDS_ANSWER = abi("SEND_NEEDS_ANSWER");
const ALLOW_DELAY = abi("SEND_ALLOW_DELAY");
const err = (name: string) => abi(name);

/** send() with the buffer list at `list`, `count` buffers, `flags`, id written at `idOut`. */
const send = (list: number, count: number, flags: number, idOut = 96) =>
  `(call $send (i32.const 64) (i32.const ${list}) (i32.const ${count}) (i32.const ${flags}) (i32.const ${idOut}))`;
/** Stores one (pointer, length) pair at 104. */
const buffer = (ptr: number, len: number) => `(i32.store (i32.const 104) (i32.const ${ptr})) (i32.store (i32.const 108) (i32.const ${len}))`;

describe("attacks on the system calls (hosted)", function () {
  this.timeout(120_000);

  it("refuses every malformed send, answer, wait and cancel with its documented code", async () => {
    const top = 2 * 65536;
    const attacker = program(PONG, `
      (local $i i32)
      ${buffer(400, 4)}
      (call $expect ${send(top - 4, 1, 0)} (i32.const ${err("E_BAD_POINTER")}))
      (call $expect ${send(104, 1, 0, top - 4)} (i32.const ${err("E_BAD_POINTER")}))
      (call $expect ${send(104, 1, 0, -8)} (i32.const ${err("E_BAD_POINTER")}))
      (call $expect (call $send (i32.const ${top - 16}) (i32.const 104) (i32.const 1) (i32.const 0) (i32.const 96)) (i32.const ${err("E_BAD_POINTER")}))
      (call $expect ${send(104, 17, 0)} (i32.const ${err("E_INVALID")}))
      (call $expect ${send(104, -1, 0)} (i32.const ${err("E_INVALID")}))
      (call $expect ${send(104, 1, 4)} (i32.const ${err("E_INVALID")}))
      (call $expect ${send(104, 1, -1)} (i32.const ${err("E_INVALID")}))
      ${buffer(top - 100, 1000)}
      (call $expect ${send(104, 1, 0)} (i32.const ${err("E_BAD_POINTER")}))
      ${buffer(-1, 4)}
      (call $expect ${send(104, 1, 0)} (i32.const ${err("E_BAD_POINTER")}))
      ${buffer(0, 65537)}
      (call $expect ${send(104, 1, 0)} (i32.const ${err("E_TOO_LARGE")}))
      ;; 16 buffers of 4 KiB + 1 byte each: 65,552 bytes gathered.
      (block $built (loop $fill
        (i32.store (i32.add (i32.const 1000) (i32.shl (local.get $i) (i32.const 3))) (i32.const 0))
        (i32.store (i32.add (i32.const 1004) (i32.shl (local.get $i) (i32.const 3))) (i32.const 4097))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $fill (i32.lt_u (local.get $i) (i32.const 16)))))
      (call $expect ${send(1000, 16, 0)} (i32.const ${err("E_TOO_LARGE")}))
      ${buffer(0, -1)}
      (call $expect (i32.or
        (i32.eq ${send(104, 1, 0)} (i32.const ${err("E_TOO_LARGE")}))
        (i32.eq ${send(104, 1, 0)} (i32.const ${err("E_BAD_POINTER")}))) (i32.const 1))
      (call $expect (call $answer (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (call $expect (call $answer (i64.const -1) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (call $expect (call $answer (i64.const 12345) (i32.const 0) (i32.const 0) (i32.const 1)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (call $expect (call $cancel (i64.const 0)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (call $expect (call $cancel (i64.const -1)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (call $expect (call $wait (i32.const 0) (i32.const 65) (i32.const 0) (i32.const 4096) (i32.const 4096)) (i32.const ${err("E_INVALID")}))
      (call $expect (call $wait (i32.const 0) (i32.const -1) (i32.const 0) (i32.const 4096) (i32.const 4096)) (i32.const ${err("E_INVALID")}))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 4096) (i32.const 4096)) (i32.const ${err("E_INVALID")}))
      (call $expect (call $wait (i32.const ${top - 8}) (i32.const 2) (i32.const 0) (i32.const 4096) (i32.const 4096)) (i32.const ${err("E_BAD_POINTER")}))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 0) (i32.const ${top - 10}) (i32.const 100)) (i32.const ${err("E_BAD_POINTER")}))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 0) (i32.const -1) (i32.const -1)) (i32.const ${err("E_BAD_POINTER")}))
      (call $log $str("every malformed call refused"))`);
    const log = await run([
      { name: "attacker", bytes: attacker, grants: [KERNEL_LOG, PONG] },
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /attacker: every malformed call refused/);
    assert.match(log, /ping: 200 round trips done/);
  });

  it("refuses answering one's own sent message, answering twice and cancelling another's message", async () => {
    // pid 1 handles PONG: answers the first message twice (0, then -7),
    // and holds the second's id at 500 for pid 3 to guess.
    const handler = program(PONG, `
      (call $register (i32.const 64))
      ${nextIncoming}
      (i64.store (i32.const 500) (i64.load (i32.const ${NOTIFICATION.at.incomingId})))
      (call $expect (call $cancel (i64.load (i32.const 500))) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const 0))
      (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 0) (i32.const 0) (i32.const 1)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (call $log $str("second answer refused"))
      ${forever}`);
    // pid 2 sends, then tries to answer its own message and ids near it.
    const client = program(PONG, `
      (local $d i64)
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY})) (i32.const 0))
      (call $expect (call $answer (i64.load (i32.const 96)) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (local.set $d (i64.const -20))
      (loop $near
        (call $expect (call $answer (i64.add (i64.load (i32.const 96)) (local.get $d)) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
        (local.set $d (i64.add (local.get $d) (i64.const 1)))
        (br_if $near (i64.lt_s (local.get $d) (i64.const 20))))
      (call $expect (call $await) (i32.const 0))
      (call $log $str("own message not answerable, real answer arrived"))`);
    // pid 3 tries to cancel and answer every small id: none is its own.
    const meddler = program(PONG, `
      (local $id i64)
      (loop $guess
        (call $expect (call $cancel (local.get $id)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
        (call $expect (call $answer (local.get $id) (i32.const 0) (i32.const 0) (i32.const 1)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
        (local.set $id (i64.add (local.get $id) (i64.const 1)))
        (br_if $guess (i64.lt_u (local.get $id) (i64.const 2000))))
      (call $log $str("no foreign id touched"))`);
    const log = await run([
      { name: "handler", bytes: handler, grants: [REGISTRY, KERNEL_LOG] },
      { name: "client", bytes: client, grants: [KERNEL_LOG, PONG] },
      { name: "meddler", bytes: meddler, grants: [KERNEL_LOG] },
    ]);
    assertSurvived(log);
    assert.match(log, /handler: second answer refused/);
    assert.match(log, /client: own message not answerable, real answer arrived/);
    assert.match(log, /meddler: no foreign id touched/);
  });

  it("keeps a message bigger than the wait buffer queued and delivers it whole later", async () => {
    const big = 60000;
    const receiver = program(PONG, `
      (call $register (i32.const 64))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 65536) (i32.const 0)) (i32.const ${err("E_BUFFER_TOO_SMALL")}))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 65536) (i32.const 1)) (i32.const ${err("E_BUFFER_TOO_SMALL")}))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 65536) (i32.const ${big})) (i32.const ${err("E_BUFFER_TOO_SMALL")}))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 65536) (i32.const 65536)) (i32.const ${big + 54}))
      (call $expect (i32.load8_u (i32.const 65536)) (i32.const ${NOTIFICATION.kind.incoming}))
      (call $expect (i32.load (i32.const ${65536 + NOTIFICATION.at.incomingLength - 4096})) (i32.const ${big}))
      (call $expect (i32.load8_u (i32.const ${65536 + NOTIFICATION.at.incomingData - 4096 + big - 1})) (i32.const 0x5a))
      (call $log $str("big message kept, then delivered whole"))`);
    const sender = program(PONG, `
      (memory.fill (i32.const 10000) (i32.const 0x5a) (i32.const ${big}))
      (call $expect (call $call (i32.const 64) (i32.const 10000) (i32.const ${big}) (i32.const ${ALLOW_DELAY})) (i32.const 0))
      ${deafForever}`);
    const log = await run([
      { name: "sender", bytes: sender, grants: [PONG] },
      { name: "receiver", bytes: receiver, grants: [REGISTRY, KERNEL_LOG] },
    ]);
    assertSurvived(log);
    assert.match(log, /receiver: big message kept, then delivered whole/);
  });
});

describe("attacks on the kernel's interfaces (hosted)", function () {
  this.timeout(120_000);

  it("answers nonsense about processes and interfaces with error answers", async () => {
    const garbage = "ff".repeat(32);
    const steps = [
      { iface: "process", message: "kill", values: [1n] },
      { iface: "process", message: "kill", values: [0n] },
      { iface: "process", message: "kill", values: [2n] },
      { iface: "process", message: "kill", values: [0xffffffffffffffffn] },
      { iface: "process", message: "wait", values: [1n] },
      { iface: "process", message: "wait", values: [0n] },
      { iface: "process", message: "wait", values: [0xffffffffffffffffn] },
      { iface: "process", message: "grants", values: [0n] },
      { iface: "process", message: "start", values: [garbage, "", [], []] },
      { iface: "process", message: "start", values: [garbage, "x".repeat(65), [], []] },
      { iface: "process", message: "run", values: ["no-such-program", []] },
      { iface: "random", message: "fill", values: [4097] },
      { iface: "registry", message: "unregister", values: [garbage] },
      { iface: "registry", message: "register", values: [REGISTRY] },
      { iface: "process", message: "kill", raw: new Uint8Array([2, 1, 2]) },
      { iface: "registry", message: "handler", raw: new Uint8Array([2, 0xff]) },
      { iface: "registry", message: "handler", raw: new Uint8Array([250]) },
      { iface: "process", message: "start", raw: new Uint8Array([0, ...new Uint8Array(32), 0xff, 0xff, 0xff, 0xff]) },
    ];
    const good = [
      { iface: "registry", message: "handler", values: [garbage] },
      { iface: "registry", message: "list", values: [0xffffffff] },
      { iface: "kernel-log", message: "recent", values: [0, 0xffffffff] },
    ];
    const attacker = scriptProgram([...steps, ...good]);
    const napper = program(PONG, deafForever);
    const log = await run([
      { name: "attacker", bytes: attacker, grants: [KERNEL_LOG, PROCESS, REGISTRY, interfaceHash("random")] },
      { name: "napper", bytes: napper, grants: [] },
    ]);
    assertSurvived(log);
    const answers = replies(log, "attacker");
    assert.equal(answers.length, steps.length + good.length);
    steps.forEach((s, i) => assert.ok(answers[i].error, `${s.iface}.${s.message} #${i} was not refused`));
    for (const a of answers.slice(0, steps.length)) assert.ok(a.reason.length > 0);
    assert.match(answers[14].reason, /malformed process message/);
    assert.match(answers[15].reason, /malformed registry message/);
    assert.deepEqual(answers[steps.length].as("registry", "handler"), { pid: 0n });
    const page = answers[steps.length + 1].as("registry", "list") as { interfaces: unknown[]; next: number };
    assert.equal(page.interfaces.length, 0);
    assert.equal(page.next, 0);
    assert.doesNotMatch(log, /napper \(pid 2\) ended/);
  });
});

describe("attacks on the kernel's bounds (hosted)", function () {
  this.timeout(300_000);

  it("keeps no more kernel memory for a client that never reads the answers it asked for", async () => {
    // pid 1 answers every message with 60,000 bytes.
    const generous = program(PONG, `
      (call $register (i32.const 64))
      (i32.store (i32.const 200) (i32.const 10000))
      (i32.store (i32.const 204) (i32.const 60000))
      (loop $serve
        ${nextIncoming}
        (drop (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 200) (i32.const 1) (i32.const 0)))
        (br $serve))`);
    // pid 2 asks n times, reading only the answers to its registry calls.
    // pid 2 asks n times, reading only the answers to its registry calls
    // in between; answers it never read still count against its 64.
    const greedy = (n: number) => program(PONG, `
      (local $i i32)
      (block $bounded (loop $again
        (drop (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER})))
        (i32.store8 (i32.const 300) (i32.const 2))
        (memory.copy (i32.const 301) (i32.const 64) (i32.const 32))
        (br_if $bounded (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})))
        (call $expect (call $await) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const ${n})))))
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER})) (i32.const ${err("E_TOO_MANY_PENDING")}))
      (call $expect (local.get $i) (i32.const ${abi("MAX_PENDING_ANSWERS") - 1}))
      (call $log $str("asked and never read"))
      ${deafForever}`);
    const kib = async (n: number) => {
      const log = await run([
        { name: "generous", bytes: generous, grants: [REGISTRY] },
        { name: "greedy", bytes: greedy(n), grants: [REGISTRY, KERNEL_LOG, PONG] },
      ]);
      assertSurvived(log);
      assert.match(log, /greedy: asked and never read/);
      return kibInUse(log);
    };
    const few = await kib(100);
    const many = await kib(3000);
    assert.ok(many <= few + 64, `kernel memory in use grew from ${few} KiB to ${many} KiB`);
  });

  it("answers every message of a client while its handler registers and unregisters in a loop", async () => {
    const answerDrained = `
      (block $empty (loop $drain
        (br_if $empty (i32.le_s (call $wait (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 4096) (i32.const 4096)) (i32.const 0)))
        (if (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming})) (then
          (call $expect (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const 0))))
        (br $drain)))`;
    const registryCall = (ordinal: number) => `
      (i32.store8 (i32.const 300) (i32.const ${ordinal}))
      (memory.copy (i32.const 301) (i32.const 64) (i32.const 32))
      (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))`;
    const churner = program(PONG, `
      (local $round i32)
      (loop $churn
        ${registryCall(0)}
        ${answerDrained}
        ${registryCall(1)}
        ${answerDrained}
        (local.set $round (i32.add (local.get $round) (i32.const 1)))
        (br_if $churn (i32.lt_u (local.get $round) (i32.const 2000))))
      ${registryCall(0)}
      (loop $serve
        ${nextIncoming}
        (call $expect (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const 0))
        (br $serve))`);
    const client = program(PONG, `
      (local $i i32)
      (loop $again
        (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY})) (i32.const 0))
        (call $expect (call $await) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 300))))
      (call $log $str("300 answers through the churn"))`);
    const log = await run([
      { name: "churner", bytes: churner, grants: [REGISTRY] },
      { name: "client", bytes: client, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /client: 300 answers through the churn/);
    assert.doesNotMatch(log, /trapped/);
  });

  it("bounds a fork bomb by the children and process limits, and its neighbours go on", async () => {
    const runBomb = encodeMessage("process", "run", ["bomb", []]);
    const bomb = program(PONG, `
      (local $i i32)
      (block $refused (loop $again
        (call $expect (call $call (i32.const 900) (i32.const 2000) (i32.const ${runBomb.length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
        (br_if $refused (call $await))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 70)))))
      (call $expect (i32.le_u (local.get $i) (i32.const 64)) (i32.const 1))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))
      ${deafForever}`, { 900: PROCESS, 2000: Buffer.from(runBomb).toString("hex") });
    const log = await run([
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "bomb", bytes: bomb, grants: [PROCESS, KERNEL_LOG] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /ping: 200 round trips done/);
    const waiting = /no runnable processes \((\d+) waiting\)/.exec(log);
    assert.ok(waiting && Number(waiting[1]) <= abi("MAX_PROCESSES"), `processes left: ${waiting?.[1]}`);
    assert.match(log, /bomb: too many processes \(256\)/);
    assert.doesNotMatch(log, /trapped/);
  });

  it("gives a neighbour its answers beside a module filling 64 KiB over and over", async () => {
    const filler = program(PONG, `
      (local $i i32)
      (loop $again
        (memory.fill (i32.const 65536) (local.get $i) (i32.const 65536))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 20000))))
      (call $log $str("fills done"))`);
    const log = await run([
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "filler", bytes: filler, grants: [KERNEL_LOG] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    const pinged = log.indexOf("ping: 200 round trips done");
    const filled = log.indexOf("filler: fills done");
    assert.ok(pinged >= 0 && filled >= 0);
    assert.ok(pinged < filled, "the round trips waited for the fills");
  });
});

describe("hostile modules against the per-process limits (hosted)", function () {
  this.timeout(120_000);

  const ends = (log: string, name: string) => new RegExp(`${name} \\(pid \\d+\\) ended: trapped: `);

  // On a PC with the RAM for 64 MiB: on the small one the kernel refuses the growth first (below).
  it("ends a module that recurses without end, one that grows its stack of values, and one that grows memory past 64 MiB", async () => {
    const recurse = program(PONG, `(call $deep)`, {}, `(func $deep (call $deep))`);
    const wide = program(PONG, `(call $deep (i64.const 0))`, {}, `(func $deep (param i64) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (call $deep (local.get 0)))`);
    const grower = program(PONG, `
      (call $expect (memory.grow (i32.const 1022)) (i32.const 2))
      (call $expect (memory.grow (i32.const 1)) (i32.const -1))
      (call $expect (memory.grow (i32.const 65535)) (i32.const -1))
      (call $expect (memory.grow (i32.const -1)) (i32.const -1))
      (i32.store (i32.const ${1024 * 65536 - 4}) (i32.const 7))
      (call $log $str("memory stops at 1024 pages"))
      (i32.store (i32.const ${1024 * 65536 - 3}) (i32.const 7))
      (call $log $str("never"))`);
    const log = await run([
      { name: "recurse", bytes: recurse, grants: [] },
      { name: "wide", bytes: wide, grants: [] },
      { name: "grower", bytes: grower, grants: [KERNEL_LOG] },
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ], "", LARGER_PC);
    assertSurvived(log);
    assert.match(log, ends(log, "recurse"));
    assert.match(log, ends(log, "wide"));
    assert.match(log, /grower: memory stops at 1024 pages/);
    assert.match(log, ends(log, "grower"));
    assert.doesNotMatch(log, /grower: never/);
    assert.match(log, /ping: 200 round trips done/);
  });

  it("refuses memory.grow (-1) before the kernel loses its reserve, and the kernel and a neighbour go on", async () => {
    // One page at a time until refused: on a 32 MiB machine the kernel runs
    // short long before the process limit of 1024 pages; then a round trip.
    const grower = program(PONG, `
      (block $refused (loop $more
        (br_if $refused (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more)))
      (call $expect (i32.lt_u (memory.size) (i32.const 1024)) (i32.const 1))
      (call $log $str("refused below the process limit"))
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $log $str("pong still answers"))
      ${forever}`);
    const log = await run([
      { name: "grower", bytes: grower, grants: [KERNEL_LOG, PONG] },
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /grower: refused below the process limit/);
    assert.match(log, /grower: pong still answers/);
    assert.match(log, /ping: 200 round trips done/);
    assert.doesNotMatch(log, /ended: trapped/);
  });

  it("refuses to start malformed modules and modules past the memory limit", async () => {
    const huge = wat2wasm(`(module (memory (export "memory") 1025) (func (export "_start") (unreachable)))`);
    const junk = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x60]);
    const noise = new Uint8Array(4096).map((_, i) => (i * 131 + 7) & 0xff);
    const log = await run([
      { name: "huge", bytes: huge, grants: [KERNEL_LOG] },
      { name: "junk", bytes: junk, grants: [KERNEL_LOG] },
      { name: "noise", bytes: noise, grants: [KERNEL_LOG] },
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    for (const name of ["huge", "junk", "noise"]) assert.match(log, new RegExp(`cannot start ${name}: `));
    assert.doesNotMatch(log, /huge \(pid \d+\) ended/);
    assert.match(log, /ping: 200 round trips done/);
  });

  it("refuses a 257th interface and frees all 256 when unregistered", async () => {
    const collector = (rounds: number) => program(PONG, `
      (local $i i32) (local $r i32)
      (loop $round
        (local.set $i (i32.const 0))
        (loop $reg
          (i32.store (i32.const 64) (local.get $i))
          (call $register (i32.const 64))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $reg (i32.lt_u (local.get $i) (i32.const ${abi("MAX_HANDLED_INTERFACES")}))))
        (i32.store (i32.const 64) (local.get $i))
        (i32.store8 (i32.const 300) (i32.const 0))
        (memory.copy (i32.const 301) (i32.const 64) (i32.const 32))
        (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
        (call $expect (call $await) (i32.const 1))
        (local.set $i (i32.const 0))
        (loop $unreg
          (i32.store (i32.const 64) (local.get $i))
          (i32.store8 (i32.const 300) (i32.const 1))
          (memory.copy (i32.const 301) (i32.const 64) (i32.const 32))
          (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
          (call $expect (call $await) (i32.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $unreg (i32.lt_u (local.get $i) (i32.const ${abi("MAX_HANDLED_INTERFACES")}))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $round (i32.lt_u (local.get $r) (i32.const ${rounds}))))
      (call $log $str("rounds done"))
      ${deafForever}`);
    const refusal = program(PONG, `
      (local $i i32)
      (loop $reg
        (i32.store (i32.const 64) (local.get $i))
        (call $register (i32.const 64))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $reg (i32.lt_u (local.get $i) (i32.const 256))))
      (i32.store (i32.const 64) (local.get $i))
      (i32.store8 (i32.const 300) (i32.const 0))
      (memory.copy (i32.const 301) (i32.const 64) (i32.const 32))
      (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 1))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`);
    const first = await run([{ name: "refusal", bytes: refusal, grants: [REGISTRY, KERNEL_LOG] }]);
    assertSurvived(first);
    assert.match(first, /refusal: a process handles at most 256 interfaces/);
    const kib = async (rounds: number) => {
      const log = await run([{ name: "collector", bytes: collector(rounds), grants: [REGISTRY, KERNEL_LOG] }]);
      assertSurvived(log);
      assert.match(log, /collector: rounds done/);
      return kibInUse(log);
    };
    const few = await kib(2);
    const many = await kib(40);
    assert.ok(many <= few + 64, `kernel memory in use grew from ${few} KiB to ${many} KiB`);
  });
});

describe("attacks on the kernel heap and on authority (hosted)", function () {
  this.timeout(300_000);

  it("survives floods of 60,000-byte messages to deaf handlers and to interfaces nobody handles", async () => {
    const deaf = (iface: string) => program(iface, `
      (call $register (i32.const 64))
      ${deafForever}`);
    const ifaces = ["deaf-a", "deaf-b", "deaf-c", "deaf-d"].map(testInterface);
    const nobody = ["void-a", "void-b"].map(testInterface);
    // Sends 60,000 bytes to each interface at 2048 + 32 i until refused.
    const flooder = (targets: string[], flags: number) => program(PONG, `
      (local $t i32) (local $r i32) (local $n i32)
      (loop $target
        (local.set $n (i32.const 0))
        (block $refused (loop $more
          (local.set $r (call $call (i32.add (i32.const 2048) (i32.shl (local.get $t) (i32.const 5))) (i32.const 10000) (i32.const 60000) (i32.const ${flags})))
          (br_if $refused (i32.ne (local.get $r) (i32.const 0)))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br_if $more (i32.lt_u (local.get $n) (i32.const 1000)))))
        (call $expect (i32.lt_u (local.get $n) (i32.const 1000)) (i32.const 1))
        (call $expect (i32.or (i32.or (i32.eq (local.get $r) (i32.const ${err("E_QUEUE_FULL")})) (i32.eq (local.get $r) (i32.const ${err("E_NO_HANDLER")})))
          (i32.eq (local.get $r) (i32.const ${err("E_KERNEL_QUOTA")}))) (i32.const 1))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $target (i32.lt_u (local.get $t) (i32.const ${targets.length}))))
      (call $log $str("flood refused"))
      ${deafForever}`, Object.fromEntries(targets.map((h, i) => [2048 + 32 * i, h])));
    const log = await run([
      ...ifaces.map((h, i) => ({ name: `deaf${i}`, bytes: deaf(h), grants: [REGISTRY] })),
      { name: "flooder", bytes: flooder(ifaces, 0), grants: [KERNEL_LOG, ...ifaces] },
      { name: "delayer1", bytes: flooder(nobody, ALLOW_DELAY), grants: [KERNEL_LOG, ...nobody] },
      { name: "delayer2", bytes: flooder(nobody, ALLOW_DELAY), grants: [KERNEL_LOG, ...nobody] },
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /ping: 200 round trips done/);
    for (const name of ["flooder", "delayer1", "delayer2"]) assert.match(log, new RegExp(`${name}: flood refused`));
  });
});

const digestOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("attacks on answers and on kill authority (hosted)", function () {
  this.timeout(120_000);

  it("keeps a message answerable after every malformed answer to it", async () => {
    const careful = program(PONG, `
      (call $register (i32.const 64))
      ${nextIncoming}
      (i64.store (i32.const 500) (i64.load (i32.const ${NOTIFICATION.at.incomingId})))
      ${buffer(0, 65537)}
      (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 104) (i32.const 1) (i32.const 0)) (i32.const ${err("E_TOO_LARGE")}))
      ${buffer(2 * 65536 - 2, 4)}
      (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 104) (i32.const 1) (i32.const 0)) (i32.const ${err("E_BAD_POINTER")}))
      (call $expect (call $answer (i64.load (i32.const 500)) (i32.const ${2 * 65536 - 4}) (i32.const 1) (i32.const 0)) (i32.const ${err("E_BAD_POINTER")}))
      (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 104) (i32.const 17) (i32.const 0)) (i32.const ${err("E_INVALID")}))
      (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 104) (i32.const 0) (i32.const 6)) (i32.const ${err("E_INVALID")}))
      (i64.store (i32.const 400) (i64.const 0x6b6f))
      ${buffer(400, 2)}
      (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 104) (i32.const 1) (i32.const 0)) (i32.const 0))
      ${forever}`);
    const client = program(PONG, `
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`);
    const log = await run([
      { name: "careful", bytes: careful, grants: [REGISTRY] },
      { name: "client", bytes: client, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    assert.match(log, /client: ok\r/);
    assert.doesNotMatch(log, /trapped/);
  });

  it("lets a parent kill the grandchild orphaned when the child between them ended, and refuses a child's kill of its parent", async () => {
    const napper = program(PONG, deafForever);
    // The child starts a grandchild, tries to kill its parent (pid 1), and exits.
    const child = scriptProgram([
      { iface: "process", message: "start", values: [digestOf(napper), "grandchild", [], []] },
      { iface: "process", message: "kill", values: [1n] },
    ]);
    const parent = scriptProgram([
      { iface: "process", message: "start", values: [digestOf(child), "child", [PROCESS, KERNEL_LOG], []] },
      { iface: "process", message: "wait", values: [2n] },
      { iface: "process", message: "kill", values: [3n] },
    ]);
    const log = await run([
      { name: "parent", bytes: parent, grants: [KERNEL_LOG, PROCESS] },
      { name: "child", bytes: child, grants: [], notStarted: true },
      { name: "napper", bytes: napper, grants: [], notStarted: true },
    ]);
    assertSurvived(log);
    const [grandchild, parricide] = replies(log, "child");
    assert.deepEqual(grandchild.as("process", "start"), { pid: 3n });
    assert.equal(parricide.reason, "process 1 was not started by this process nor its descendants");
    const [started, waited, kill] = replies(log, "parent");
    assert.deepEqual(started.as("process", "start"), { pid: 2n });
    assert.equal((waited.as("process", "wait") as { status: number }).status, 0);
    // The orphan went to the ended child's own starter.
    assert.deepEqual(kill.as("process", "kill"), {});
    assert.match(log, /grandchild \(pid 3\) ended: killed by process 1/);
  });
});

/** The bytes of the kernel's message pool still held when the machine went idle. */
const poolHeld = (log: string) => {
  const found = /message pool (\d+) bytes held/.exec(log);
  assert.ok(found, "pool figure missing");
  return Number(found[1]);
};

describe("attacks on the kernel heap by many processes together (hosted)", function () {
  this.timeout(300_000);

  const GENEROUS = testInterface("generous");
  // Answers every message with `size` bytes (from 10,000), forever.
  const generousWith = (size: number) => program(GENEROUS, `
    (call $register (i32.const 64))
    (i32.store (i32.const 200) (i32.const 10000))
    (i32.store (i32.const 204) (i32.const ${size}))
    (loop $serve
      ${nextIncoming}
      (drop (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 200) (i32.const 1) (i32.const 0)))
      (br $serve))`);
  const generous = generousWith(60000);
  // Asks for 63 answers and never reads them.
  const greedy = program(GENEROUS, `
    (local $i i32)
    (loop $again
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY})) (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 63))))
    ${deafForever}`);

  it("bounds the answers that clients asking for 60,000 bytes and never reading make the kernel keep", async () => {
    const kib = async (answerBytes: number) => {
      const log = await run([
        { name: "generous", bytes: generousWith(answerBytes), grants: [REGISTRY] },
        ...Array.from({ length: 24 }, (_, i) => ({ name: `greedy${i}`, bytes: greedy, grants: [GENEROUS] })),
        { name: "pong", bytes: pong, grants: [REGISTRY] },
        { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
      ]);
      assertSurvived(log);
      assert.match(log, /ping: 200 round trips done/);
      return { inUse: kibInUse(log), held: poolHeld(log) };
    };
    const small = await kib(4);
    // Without a bound the kernel would keep 24 x 63 x 60,000 bytes (87 MiB) of answers.
    const large = await kib(60000);
    assert.ok(large.held >= 2 << 20, `the pool holds ${large.held} bytes`);
    assert.ok(large.held <= 8 << 20, `the pool holds ${large.held} bytes`);
    assert.ok(large.inUse <= small.inUse + (8 << 10), `kernel memory in use grew from ${small.inUse} KiB to ${large.inUse} KiB`);
  });

  it("turns an answer the asker's account has no room for into an error answer saying so", async () => {
    // Asks 63 times, then reads every answer: whole ones until its 2,000,000-byte account is full, then errors.
    const reader = program(GENEROUS, `
      (local $i i32) (local $whole i32) (local $dropped i32)
      ${buffer(400, 4)}
      (loop $ask
        (call $expect (call $send (i32.const 64) (i32.const 104) (i32.const 1) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY}) (i32.add (i32.const 1000) (i32.shl (local.get $i) (i32.const 3)))) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $ask (i32.lt_u (local.get $i) (i32.const 63))))
      (loop $read
        (call $expect (i32.gt_s (call $wait (i32.const 1000) (i32.const 63) (i32.const 1) (i32.const 4096) (i32.const 66000)) (i32.const 0)) (i32.const 1))
        (if (i32.load8_u (i32.const ${NOTIFICATION.at.answerError}))
          (then (local.set $dropped (i32.add (local.get $dropped) (i32.const 1))))
          (else
            (call $expect (i32.load (i32.const ${NOTIFICATION.at.answerLength})) (i32.const 60000))
            (local.set $whole (i32.add (local.get $whole) (i32.const 1)))))
        (br_if $read (i32.lt_u (i32.add (local.get $whole) (local.get $dropped)) (i32.const 63))))
      (call $expect (i32.and (i32.gt_u (local.get $whole) (i32.const 0)) (i32.gt_u (local.get $dropped) (i32.const 0))) (i32.const 1))
      (call $expect (i32.lt_u (local.get $whole) (i32.const 34)) (i32.const 1))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`);
    const log = await run([
      { name: "reader", bytes: reader, grants: [GENEROUS, KERNEL_LOG], kernelMemory: 2_000_000 },
      { name: "generous", bytes: generous, grants: [REGISTRY] },
    ]);
    assertSurvived(log);
    assert.match(log, /reader: answer of 60000 bytes dropped: process 1 holds \d+ KiB of kernel memory, its quota is 1954 KiB/);
    assert.match(log, /reader \(pid 1\) exited with status 0/);
    assert.equal(poolHeld(log), 64, "only generous's registration is left");
  });

  it("refuses a flood to many deaf handlers at the sender's account or the pool, while a neighbour goes on", async () => {
    const deaf = (iface: string) => program(iface, `(call $register (i32.const 64)) ${deafForever}`);
    const ifaces = Array.from({ length: 12 }, (_, i) => testInterface(`deaf-${i}`));
    // Sends 60,000 bytes to each of its interfaces in turn until refused, and says how.
    const flooder = program(PONG, `
      (local $t i32) (local $r i32)
      (block $refused (loop $more
        (local.set $r (call $call (i32.add (i32.const 2048) (i32.shl (local.get $t) (i32.const 5))) (i32.const 10000) (i32.const 60000) (i32.const 0)))
        (br_if $refused (i32.ne (local.get $r) (i32.const 0)))
        (local.set $t (i32.rem_u (i32.add (local.get $t) (i32.const 1)) (i32.const ${ifaces.length})))
        (br $more)))
      (call $expect (local.get $r) (i32.const ${err("E_KERNEL_QUOTA")}))
      (call $log $str("flood refused at its quota"))
      ${deafForever}`, Object.fromEntries(ifaces.map((h, i) => [2048 + 32 * i, h])));
    const log = await run([
      ...ifaces.map((h, i) => ({ name: `deaf${i}`, bytes: deaf(h), grants: [REGISTRY] })),
      ...[1, 2, 3].map((i) => ({ name: `flooder${i}`, bytes: flooder, grants: [KERNEL_LOG, ...ifaces] })),
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    assertSurvived(log);
    for (const i of [1, 2, 3]) assert.match(log, new RegExp(`flooder${i}: flood refused at its quota`));
    assert.match(log, /ping: 200 round trips done/);
  });

  it("refuses to start a program whose code, tables and stacks exceed its kernel memory quota", async () => {
    const small = program(PONG, `(call $log $str("started"))`);
    const log = await run([
      { name: "tight", bytes: small, grants: [KERNEL_LOG], kernelMemory: 100_000 },
      { name: "roomy", bytes: small, grants: [KERNEL_LOG], kernelMemory: 1_000_000 },
    ]);
    assertSurvived(log);
    assert.match(log, /cannot start tight: it needs \d+ KiB of kernel memory, its quota is 97 KiB/);
    assert.match(log, /roomy: started/);
    assert.doesNotMatch(log, /tight: started/);
  });
});
