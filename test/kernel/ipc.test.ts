import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { newMachine } from "../harness/machine.ts";
import { ping, PONG, run } from "../harness/hostile.ts";
import { startKillCycles } from "../harness/soak.ts";
import { cidOf } from "../../tools/identity/cid.ts";
import { bootWithPrograms } from "../harness/programs.ts";
import { interfaceHash, NOTIFICATION, program } from "../../tools/hosted/programs.ts";
import { abi } from "../../tools/hosted/abi.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const REGISTRY = interfaceHash("registry");

const NEEDS_ANSWER = abi("SEND_NEEDS_ANSWER");

/**
 * Builds at 600 the 50-byte process.start message for the module whose
 * digest is at 64, named "child", with no grants and no arguments.
 */
const START_CHILD = `
      (i32.store8 (i32.const 600) (i32.const 0))
      (memory.copy (i32.const 601) (i32.const 64) (i32.const 32))
      (i32.store (i32.const 633) (i32.const 5))
      (i64.store (i32.const 637) (i64.const 0x646c696863))
      (i32.store (i32.const 642) (i32.const 0))
      (i32.store (i32.const 646) (i32.const 0))`;
const ALLOW_DELAY = abi("SEND_ALLOW_DELAY");

// Registers "pong", then answers every message with its own payload
// (process-destroyed notifications, kind 3, are skipped).
const pong = program(PONG, `
  (call $register (i32.const 64))
  (loop $serve
    (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))
    (br_if $serve (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.destroyed})))
    (call $expect (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming}))
    (i32.store (i32.const 200) (i32.const ${NOTIFICATION.at.incomingData}))
    (i32.store (i32.const 204) (i32.load (i32.const ${NOTIFICATION.at.incomingLength})))
    (call $expect (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 200) (i32.const 1) (i32.const 0)) (i32.const 0))
    (br $serve))`);

describe("processes and IPC (hosted)", function () {
  this.timeout(60_000);

  it("runs a module that writes to the kernel log and exits", async () => {
    const hello = program(PONG, `(call $log $str("hello from wasm"))`);
    const log = await run([{ name: "hello", bytes: hello, grants: [KERNEL_LOG] }]);
    assert.match(log, /started process 1 \(hello\) bafkrei/);
    assert.match(log, /info  hello: hello from wasm/);
    assert.match(log, /hello \(pid 1\) exited with status 0/);
  });

  it("ping-pongs 200 messages, the first ones delayed until pong registers", async () => {
    const log = await run([
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
      { name: "pong", bytes: pong, grants: [REGISTRY] },
    ]);
    assert.match(log, /ping: 200 round trips done/);
    assert.match(log, /ping \(pid 1\) exited with status 0/);
    assert.match(log, /no runnable processes \(1 waiting\)/, "pong waits for more");
    assert.doesNotMatch(log, /trapped/);
  });

  it("serves many clients from one handler", async () => {
    const clients = ["a", "b", "c", "d"].map((n) => ({ name: `ping-${n}`, bytes: ping, grants: [KERNEL_LOG, PONG] }));
    const log = await run([{ name: "pong", bytes: pong, grants: [REGISTRY] }, ...clients]);
    for (const c of clients) assert.match(log, new RegExp(`${c.name}: 200 round trips done`));
    assert.doesNotMatch(log, /trapped/);
  });

  it("refuses a message to an interface that was not granted", async () => {
    const sneaky = program(PONG, `
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 0)) (i32.const ${abi("E_PERMISSION")}))
      (call $log $str("permission denied as expected"))`);
    const log = await run([{ name: "sneaky", bytes: sneaky, grants: [KERNEL_LOG] }]);
    assert.match(log, /sneaky: permission denied as expected/);
    assert.doesNotMatch(log, /trapped/);
  });

  it("fails at once without a handler unless the sender allows delay", async () => {
    const eager = program(PONG, `
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER})) (i32.const ${abi("E_NO_HANDLER")}))
      (call $log $str("no handler, as expected"))`);
    const log = await run([{ name: "eager", bytes: eager, grants: [KERNEL_LOG, PONG] }]);
    assert.match(log, /eager: no handler, as expected/);
  });

  it("answers with an error when the handler dies mid-request, and tells it nothing more", async () => {
    const fragile = program(PONG, `
      (call $register (i32.const 64))
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))
      unreachable`);
    const client = program(PONG, `
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY})) (i32.const 0))
      (call $expect (call $await) (i32.const 1))
      (call $log $str("error answer received"))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`);
    const log = await run([
      { name: "client", bytes: client, grants: [KERNEL_LOG, PONG] },
      { name: "fragile", bytes: fragile, grants: [REGISTRY] },
    ]);
    assert.match(log, /fragile \(pid 2\) ended: trapped: unreachable/);
    assert.match(log, /client: error answer received/);
    assert.match(log, /client: handler 'fragile' ended: trapped: unreachable/);
  });

  it("tells a handler when a process it served is destroyed", async () => {
    const watcher = program(PONG, `
      (call $register (i32.const 64))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)) (i32.const ${NOTIFICATION.at.incomingData - 4096 + 4}))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)) (i32.const ${NOTIFICATION.at.destroyedPid - 4096 + 8}))
      (call $expect (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.destroyed}))
      (call $expect (i32.load (i32.const ${NOTIFICATION.at.destroyedPid})) (i32.const 2))
      (call $log $str("saw process 2 go"))`);
    const fireAndForget = program(PONG, `
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${ALLOW_DELAY})) (i32.const 0))`);
    const log = await run([
      { name: "watcher", bytes: watcher, grants: [REGISTRY, KERNEL_LOG] },
      { name: "sender", bytes: fireAndForget, grants: [PONG] },
    ]);
    assert.match(log, /watcher: saw process 2 go/);
  });

  it("pushes back on a flood while other processes keep running", async () => {
    const deaf = program(PONG, `
      (call $register (i32.const 64))
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 4096) (i32.const 4096)))`);
    const flooder = program(PONG, `
      (local $sent i32)
      (block $full
        (loop $more
          (br_if $full (i32.ne (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 0)) (i32.const 0)))
          (local.set $sent (i32.add (local.get $sent) (i32.const 1)))
          (br $more)))
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 0)) (i32.const ${abi("E_QUEUE_FULL")}))
      (call $expect (local.get $sent) (i32.const 128))
      (call $log $str("queue full after 128 messages"))`);
    const bystander = program(PONG, `(call $log $str("still running"))`);
    const log = await run([
      { name: "deaf", bytes: deaf, grants: [REGISTRY] },
      { name: "flooder", bytes: flooder, grants: [KERNEL_LOG, PONG] },
      { name: "bystander", bytes: bystander, grants: [KERNEL_LOG] },
    ]);
    assert.match(log, /flooder: queue full after 128 messages/);
    assert.match(log, /bystander: still running/);
  });

  it("refuses a second handler for an interface and accepts it after unregister", async () => {
    // first: registers, waits for one message, unregisters, then answers it.
    const first = program(PONG, `
      (call $register (i32.const 64))
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))
      (i64.store (i32.const 500) (i64.load (i32.const ${NOTIFICATION.at.incomingId})))
      (i32.store8 (i32.const 300) (i32.const 1))
      (memory.copy (i32.const 301) (i32.const 64) (i32.const 32))
      (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $expect (call $answer (i64.load (i32.const 500)) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const 0))
      (call $log $str("unregistered"))`);
    // second: is refused, pokes first, and once answered registers itself.
    const second = program(PONG, `
      (i32.store8 (i32.const 300) (i32.const 0))
      (memory.copy (i32.const 301) (i32.const 64) (i32.const 32))
      (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 1))
      (call $log $str("refused while taken"))
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $register (i32.const 64))
      (call $log $str("registered after unregister"))`);
    const log = await run([
      { name: "first", bytes: first, grants: [REGISTRY, KERNEL_LOG] },
      { name: "second", bytes: second, grants: [REGISTRY, KERNEL_LOG, PONG] },
    ]);
    assert.match(log, /second: refused while taken/);
    assert.match(log, /first: unregistered/);
    assert.match(log, /second: registered after unregister/);
    assert.doesNotMatch(log, /trapped/);
  });

  it("lets only the module the boot configuration names handle a reserved interface", async () => {
    const squatter = program(PONG, `
      (i32.store8 (i32.const 300) (i32.const 0))
      (memory.copy (i32.const 301) (i32.const 64) (i32.const 32))
      (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 1))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`);
    const { cidOf } = await import("../../tools/identity/cid.ts");
    const log = await run(
      [
        { name: "squatter", bytes: squatter, grants: [REGISTRY, KERNEL_LOG] },
        { name: "pong", bytes: pong, grants: [REGISTRY], notStarted: true },
      ],
      `run ${await cidOf(pong)} name=pong grant=${REGISTRY} handles=${PONG}\n`,
    );
    assert.match(log, new RegExp(`squatter: interface ${PONG} is reserved for module bafkrei`));
    assert.doesNotMatch(log, /pong \(pid \d+\) (ended|exited)/, "pong registered its own interface");
  });

  it("returns E_BAD_POINTER for pointers outside the module's memory", async () => {
    const wild = program(PONG, `
      (call $expect (call $send (i32.const 200000) (i32.const 104) (i32.const 0) (i32.const 0) (i32.const 96)) (i32.const ${abi("E_BAD_POINTER")}))
      (call $expect (call $call (i32.const 64) (i32.const 131070) (i32.const 4) (i32.const 0)) (i32.const ${abi("E_BAD_POINTER")}))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 131000) (i32.const 4096)) (i32.const ${abi("E_BAD_POINTER")}))
      (call $expect (call $cancel (i64.const 12345)) (i32.const ${abi("E_UNKNOWN_MESSAGE")}))
      (call $log $str("bad pointers refused"))`);
    const log = await run([{ name: "wild", bytes: wild, grants: [KERNEL_LOG, PONG] }]);
    assert.match(log, /wild: bad pointers refused/);
  });

  it("preempts a long computation so others run first", async () => {
    const spinner = program(PONG, `
      (local $i i32)
      (loop $spin
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $spin (i32.lt_u (local.get $i) (i32.const 3000000))))
      (call $log $str("spin done"))`);
    const quick = program(PONG, `(call $log $str("quick done"))`);
    const log = await run([
      { name: "spinner", bytes: spinner, grants: [KERNEL_LOG] },
      { name: "quick", bytes: quick, grants: [KERNEL_LOG] },
    ]);
    const quickAt = log.indexOf("quick: quick done");
    const spinAt = log.indexOf("spinner: spin done");
    assert.ok(quickAt >= 0 && spinAt > quickAt, "quick finished before the spinner");
  });

  it("serves message traffic before a module that computes", async () => {
    // Alone, 200 round trips cost far less fuel than the spin; they used to
    // wait a whole quantum of the spinner's at every message.
    const spinner = program(PONG, `
      (local $i i32)
      (loop $spin
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $spin (i32.lt_u (local.get $i) (i32.const 1000000))))
      (call $log $str("spin done"))`);
    const log = await run([
      { name: "spinner", bytes: spinner, grants: [KERNEL_LOG] },
      { name: "pong", bytes: pong, grants: [REGISTRY] },
      { name: "ping", bytes: ping, grants: [KERNEL_LOG, PONG] },
    ]);
    const pingAt = log.indexOf("ping: 200 round trips done");
    const spinAt = log.indexOf("spinner: spin done");
    assert.ok(pingAt >= 0 && spinAt > pingAt, "the round trips finished before the spinner");
  });

  it("runs a module's start function under fuel too, then _start", async () => {
    const slowStart = program(PONG, `(call $log $str("start function done, now _start"))`, {}, `
      (global $spins (mut i32) (i32.const 0))
      (func $init
        (loop $spin
          (global.set $spins (i32.add (global.get $spins) (i32.const 1)))
          (br_if $spin (i32.lt_u (global.get $spins) (i32.const 3000000)))))
      (start $init)`);
    const trappingStart = program(PONG, `(call $log $str("never"))`, {}, `(func $init unreachable) (start $init)`);
    const quick = program(PONG, `(call $log $str("quick done"))`);
    const log = await run([
      { name: "slow", bytes: slowStart, grants: [KERNEL_LOG] },
      { name: "bad", bytes: trappingStart, grants: [KERNEL_LOG] },
      { name: "quick", bytes: quick, grants: [KERNEL_LOG] },
    ]);
    const quickAt = log.indexOf("quick: quick done");
    const slowAt = log.indexOf("slow: start function done, now _start");
    assert.ok(quickAt >= 0 && slowAt > quickAt, "quick finished while the start function ran");
    assert.match(log, /bad \(pid 2\) ended: trapped: unreachable/);
    assert.doesNotMatch(log, /bad: never/);
  });

  it("refuses programs whose CID matches no boot module, malformed modules and modules without _start", async () => {
    const hello = program(PONG, `(call $log $str("still started"))`);
    const log = await run([
      { name: "wrong-cid", bytes: hello, grants: [], cidOverride: "bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
      { name: "garbage", bytes: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]), grants: [] },
      { name: "no-start", bytes: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), grants: [] },
      { name: "hello", bytes: hello, grants: [KERNEL_LOG] },
    ], "bogus line\nrun bafkreixyz grant=nothex\nrun bafkreixyz kernel-memory=12M\nrun bafkreixyz kernel-memory=0\n");
    assert.match(log, /error cannot start wrong-cid: no boot module has CID bafkreiaaaa/);
    assert.match(log, /error cannot start garbage: /);
    assert.match(log, /error cannot start no-start: module has no _start function/);
    assert.match(log, /warn  boot configuration line \d+: expected 'run\|program <cid>/);
    assert.match(log, /warn  boot configuration line \d+: 'nothex' is not an interface hash/);
    assert.match(log, /warn  boot configuration line \d+: kernel-memory wants a number of bytes above 0, not '12M'/);
    assert.match(log, /warn  boot configuration line \d+: kernel-memory wants a number of bytes above 0, not '0'/);
    assert.match(log, /hello: still started/);
  });
});

describe("program lines of the boot configuration (hosted)", function () {
  this.timeout(60_000);

  it("does not start a program line at boot; start=<name> starts it with that line's grants, other modules with none", async () => {
    const speaker = program(KERNEL_LOG, `
      (if (i32.eq (call $call (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${abi("E_PERMISSION")})) (then unreachable))
      (call $log $str("granted by its program line"))`);
    const mute = program(KERNEL_LOG, `(call $expect (call $call (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${abi("E_PERMISSION")}))`);
    const idle = program(KERNEL_LOG, `(call $log $str("should not run"))`);
    const m = await newMachine();
    const programLine = `program ${await cidOf(speaker)} name=speaker grant=${KERNEL_LOG}\nprogram ${await cidOf(idle)} name=idle grant=${KERNEL_LOG}\n`;
    const { info, modules } = await bootWithPrograms([
      { name: "speaker", bytes: speaker, grants: [], notStarted: true },
      { name: "mute", bytes: mute, grants: [], notStarted: true },
      { name: "idle", bytes: idle, grants: [], notStarted: true },
    ], programLine, "start=speaker,mute");
    for (const mod of modules) m.memory.write(mod.address, mod.bytes);
    assert.equal(m.boot(info), "halt");
    assert.match(m.serial, /speaker: granted by its program line/);
    assert.match(m.serial, /mute \(pid 2\) exited with status 0/);
    assert.doesNotMatch(m.serial, /should not run|started process \d+ \(idle\)|boot configuration line/);
  });
});

describe("time, system-time and random (hosted)", function () {
  this.timeout(60_000);
  const TIME = interfaceHash("time");
  const RANDOM = interfaceHash("random");

  it("answers sleepUntil at its instant, not before, and fills random bytes within the limit", async () => {
    // now() into 520; sleepUntil(now + 50 ms); now() again must be past the deadline.
    const sleeper = program(TIME, `
      (i32.store8 (i32.const 500) (i32.const 0))
      (call $expect (call $call (i32.const 64) (i32.const 500) (i32.const 1) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (i64.store (i32.const 520) (i64.add (i64.load (i32.const ${NOTIFICATION.at.answerData})) (i64.const 50000000)))
      (i32.store8 (i32.const 511) (i32.const 1))
      (i64.store (i32.const 512) (i64.load (i32.const 520)))
      (call $expect (call $call (i32.const 64) (i32.const 511) (i32.const 9) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $expect (call $call (i32.const 64) (i32.const 500) (i32.const 1) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $expect (i64.ge_u (i64.load (i32.const ${NOTIFICATION.at.answerData})) (i64.load (i32.const 520))) (i32.const 1))
      (call $log $str("woke after the deadline"))`);
    const dice = program(RANDOM, `
      (i32.store8 (i32.const 500) (i32.const 0))
      (i32.store (i32.const 501) (i32.const 16))
      (call $expect (call $call (i32.const 64) (i32.const 500) (i32.const 5) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 0))
      (call $expect (i32.load (i32.const ${NOTIFICATION.at.answerData})) (i32.const 16))
      (i32.store (i32.const 501) (i32.const 5000))
      (call $expect (call $call (i32.const 64) (i32.const 500) (i32.const 5) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const 1))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`);
    const log = await run([
      { name: "sleeper", bytes: sleeper, grants: [TIME, KERNEL_LOG] },
      { name: "dice", bytes: dice, grants: [RANDOM, KERNEL_LOG] },
    ]);
    assert.match(log, /sleeper: woke after the deadline/);
    assert.match(log, /dice: at most 4096 random bytes per message/);
    assert.doesNotMatch(log, /trapped/);
  });
});

describe("pci interface (hosted)", function () {
  this.timeout(60_000);
  const PCI = interfaceHash("pci");

  it("is refused without a grant and names a missing function with one", async () => {
    const body = `
      (i32.store8 (i32.const 500) (i32.const 1))
      (i32.store (i32.const 501) (i32.const 0x7ff))
      (if (i32.eq (call $call (i32.const 64) (i32.const 500) (i32.const 5) (i32.const ${NEEDS_ANSWER})) (i32.const ${abi("E_PERMISSION")}))
        (then (call $log $str("permission denied")))
        (else
          (call $expect (call $await) (i32.const 1))
          (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))))`;
    const log = await run([
      { name: "nogrant", bytes: program(PCI, body), grants: [KERNEL_LOG] },
      { name: "granted", bytes: program(PCI, body), grants: [KERNEL_LOG, PCI] },
    ]);
    assert.match(log, /nogrant: permission denied/);
    assert.match(log, /granted: no PCI function at address 0x7ff/);
  });
});

describe("hardware interface (hosted)", function () {
  this.timeout(60_000);
  const HARDWARE = interfaceHash("hardware");

  // Sends the message of `length` bytes at `at` and expects the answer's error flag to be `error`.
  const ask = (at: number, length: number, error: number) => `
      (call $expect (call $call (i32.const 64) (i32.const ${at}) (i32.const ${length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (call $expect (call $await) (i32.const ${error}))`;
  const logAnswer = `(call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`;

  it("gives claimed ports to one process at a time and refuses unclaimed ones", async () => {
    const driver = program(HARDWARE, `
      (i32.store8 (i32.const 500) (i32.const 0)) (i32.store (i32.const 501) (i32.const 0x3f8)) (i32.store (i32.const 505) (i32.const 8))
      ${ask(500, 9, 0)}
      (i32.store8 (i32.const 520) (i32.const 2)) (i32.store (i32.const 521) (i32.const 0x3f8)) (i32.store8 (i32.const 525) (i32.const 1)) (i32.store (i32.const 526) (i32.const 90))
      ${ask(520, 10, 0)}
      (i32.store8 (i32.const 540) (i32.const 1)) (i32.store (i32.const 541) (i32.const 0x60)) (i32.store8 (i32.const 545) (i32.const 1))
      ${ask(540, 6, 1)}
      ${logAnswer}
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))`);
    const rival = program(HARDWARE, `
      (i32.store8 (i32.const 500) (i32.const 0)) (i32.store (i32.const 501) (i32.const 0x3fc)) (i32.store (i32.const 505) (i32.const 1))
      ${ask(500, 9, 1)}
      ${logAnswer}`);
    const log = await run([
      { name: "driver", bytes: driver, grants: [HARDWARE, KERNEL_LOG] },
      { name: "rival", bytes: rival, grants: [HARDWARE, KERNEL_LOG] },
      { name: "outsider", bytes: program(HARDWARE, `(call $expect (call $call (i32.const 64) (i32.const 500) (i32.const 9) (i32.const 1)) (i32.const ${abi("E_PERMISSION")}))`), grants: [] },
    ]);
    assert.match(log, /\r\nZ\[ +\d+\.\d+\]/, "the driver wrote to COM1 through the port it claimed");
    assert.match(log, /driver: port 0x60 is not claimed by this process/);
    assert.match(log, /rival: port 0x3fc is claimed by process 1/);
    assert.doesNotMatch(log, /trapped/);
  });

  it("hands out DMA buffers, reads and writes only claimed memory, and takes everything back at exit", async () => {
    const dma = program(HARDWARE, `
      (i32.store8 (i32.const 600) (i32.const 4)) (i32.store (i32.const 601) (i32.const 5000))
      ${ask(600, 5, 0)}
      (i64.store (i32.const 700) (i64.load (i32.const ${NOTIFICATION.at.answerData})))
      (i32.store8 (i32.const 620) (i32.const 7)) (i64.store (i32.const 621) (i64.load (i32.const 700))) (i32.store (i32.const 629) (i32.const 4)) (i32.store (i32.const 633) (i32.const 0x64636261))
      ${ask(620, 17, 0)}
      (i32.store8 (i32.const 640) (i32.const 6)) (i64.store (i32.const 641) (i64.load (i32.const 700))) (i32.store (i32.const 649) (i32.const 4))
      ${ask(640, 13, 0)}
      (call $expect (i32.load (i32.const ${NOTIFICATION.at.answerData + 4})) (i32.const 0x64636261))
      (i32.store8 (i32.const 660) (i32.const 3)) (i64.store (i32.const 661) (i64.const 0x100000)) (i64.store (i32.const 669) (i64.const 4096))
      ${ask(660, 17, 1)}
      ${logAnswer}
      (i32.store8 (i32.const 680) (i32.const 5)) (i64.store (i32.const 681) (i64.load (i32.const 700)))
      ${ask(680, 9, 0)}
      ${ask(640, 13, 1)}
      (i32.store (i32.const 601) (i32.const 65536))
      ${ask(600, 5, 0)}
      (call $log $str("DMA checks done"))`);
    const m = await newMachine();
    const { info, modules } = await bootWithPrograms([{ name: "dma", bytes: dma, grants: [HARDWARE, KERNEL_LOG] }]);
    for (const mod of modules) m.memory.write(mod.address, mod.bytes);
    assert.equal(m.boot(info), "halt");
    assert.match(m.serial, /dma: memory at 0x100000 is RAM; use allocateDma/);
    assert.match(m.serial, /dma: DMA checks done/);
    const total = BigInt(/frames: (\d+) free/.exec(m.serial)![1]);
    assert.equal(m.kernel.freeFrameCount(), total, "the 64 KiB buffer left allocated came back when dma exited");
  });
});

describe("process lifecycle (hosted)", function () {
  this.timeout(120_000);
  const PROCESS = interfaceHash("process");
  const sleeper = program(PONG, `(drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))`);
  const digest = createHash("sha256").update(sleeper).digest("hex");

  it("refuses a malformed module a thousand times without keeping memory", async () => {
    const garbage = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96]);
    const garbageDigest = createHash("sha256").update(garbage).digest("hex");
    const tries = (n: number) => program(garbageDigest, `
      (local $i i32)
      ${START_CHILD}
      (loop $again
        (call $expect (call $call (i32.const 900) (i32.const 600) (i32.const 50) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
        (call $expect (call $await) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const ${n}))))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`, { 900: PROCESS });
    const kib = async (n: number) => {
      const log = await run([
        { name: "starter", bytes: tries(n), grants: [KERNEL_LOG, PROCESS] },
        { name: "garbage", bytes: garbage, grants: [], notStarted: true },
      ]);
      assert.match(log, /starter: \S/, "the refusal reason is logged");
      return Number(/kernel memory \d+ KiB, (\d+) KiB in use/.exec(log)![1]);
    };
    const few = await kib(10);
    const many = await kib(1000);
    assert.ok(many <= few + 64, `kernel memory grew from ${few} KiB to ${many} KiB`);
  });

  it("refuses to start more than 256 processes, and more than 64 live ones from one starter", async () => {
    // Each starter starts sleepers until refused, logs why, and stays.
    const starter = program(digest, `
      (local $i i32)
      ${START_CHILD}
      (loop $again
        (call $expect (call $call (i32.const 900) (i32.const 600) (i32.const 50) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.eqz (call $await))))
      (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))
      (call $expect (i32.le_u (local.get $i) (i32.const 65)) (i32.const 1))
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 4096) (i32.const 4096)))`, { 900: PROCESS });
    const starters = ["a", "b", "c", "d", "e"].map((n) => ({ name: `starter-${n}`, bytes: starter, grants: [KERNEL_LOG, PROCESS] }));
    const log = await run([...starters, { name: "sleeper", bytes: sleeper, grants: [], notStarted: true }]);
    assert.match(log, /starter-\w: too many processes \(256\)/);
    assert.match(log, /starter-\w: at most 64 live processes started by one process/);
    assert.doesNotMatch(log, /trapped/);
  });

  it("starts and kills a thousand processes with kernel memory back at its baseline", async () => {
    // What is in use after a full collection: the heap's mapped size steps
    // up once, somewhere, as the incremental collector lets garbage pile up.
    const few = await startKillCycles(500);
    const many = await startKillCycles(1500);
    assert.match(many.log, /cycler: cycles done/);
    assert.equal(many.log.match(/ended: killed by process 1/g)?.length, 1500);
    // One Wasm page of slack: the heap may round differently, but must not grow with the cycles.
    assert.ok(many.kib <= few.kib + 64, `kernel memory in use grew from ${few.kib} KiB to ${many.kib} KiB`);
  });
});

describe("loading modules through the loader interface (hosted)", function () {
  this.timeout(60_000);
  const PROCESS = interfaceHash("process");
  const LOADER = interfaceHash("loader");
  const fetched = program(PONG, `(call $log $str("fetched and running"))`);
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
  const digestOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

  // A loader that answers every load() with the bytes it carries at 20000.
  function loader(bytes: Uint8Array): Uint8Array {
    const body = `
      (call $register (i32.const 64))
      (i32.store (i32.const 19996) (i32.const ${bytes.length}))
      (i32.store (i32.const 200) (i32.const 19996))
      (i32.store (i32.const 204) (i32.const ${bytes.length + 4}))
      (loop $serve
        (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))
        (if (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming}))
          (then (drop (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 200) (i32.const 1) (i32.const 0)))))
        (br $serve))`;
    return program(LOADER, body, { 20000: hex(bytes) });
  }

  // Asks the process interface to start the module with `digest`; logs the outcome.
  function starter(digest: string): Uint8Array {
    return program(digest, `
      (i32.store8 (i32.const 600) (i32.const 0))
      (memory.copy (i32.const 601) (i32.const 64) (i32.const 32))
      (i32.store (i32.const 633) (i32.const 5))
      (i64.store (i32.const 637) (i64.const 0x6863746566))
      (i32.store (i32.const 642) (i32.const 1))
      (memory.copy (i32.const 646) (i32.const 0) (i32.const 32))
      (i32.store (i32.const 678) (i32.const 0))
      (call $expect (call $call (i32.const 900) (i32.const 600) (i32.const 82) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
      (if (call $await)
        (then (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength}))))
        (else (call $log $str("started"))))`, { 900: PROCESS });
  }

  it("starts a module that no boot module holds by asking the loader, after checking its hash", async () => {
    const log = await run([
      { name: "store", bytes: loader(fetched), grants: [REGISTRY] },
      { name: "starter", bytes: starter(digestOf(fetched)), grants: [PROCESS, KERNEL_LOG] },
    ]);
    assert.match(log, /starter: started/);
    assert.match(log, /fetch: fetched and running/);
  });

  it("refuses bytes that do not hash to the CID asked for", async () => {
    const other = program(PONG, `(call $log $str("an impostor"))`);
    const log = await run([
      { name: "store", bytes: loader(other), grants: [REGISTRY] },
      { name: "starter", bytes: starter(digestOf(fetched)), grants: [PROCESS, KERNEL_LOG] },
    ]);
    assert.match(log, /starter: the loader's bytes do not hash to bafkrei/);
    assert.doesNotMatch(log, /an impostor/);
  });

  it("says so when neither a boot module nor a loader has the CID", async () => {
    const log = await run([{ name: "starter", bytes: starter(digestOf(fetched)), grants: [PROCESS, KERNEL_LOG] }]);
    assert.match(log, /starter: no boot module has CID bafkrei\w+ and no loader can be asked/);
  });
});
