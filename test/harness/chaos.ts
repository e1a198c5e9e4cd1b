// A randomised chaos run on the simulated machine: a conductor starts and
// kills hostile modules (floods, a fork bomb, never-read answers, register
// churn, bulk fills, traps, malformed system calls, a module that cannot
// load) in an order drawn from a seed, while an honest client makes round
// trips through an echo server until the conductor has ended. Afterwards the
// kernel must have survived, the round trips gone on during the whole run,
// and the kernel's heap be back at what a run without the hostile modules
// leaves. Shared by test/kernel/chaos.test.ts and `npm run chaos`; the QEMU
// test of hostile modules (test/integration/hostile.test.ts) boots some of
// the same modules.
import { abi } from "../../tools/hosted/abi.ts";
import { encodeMessage } from "../../tools/interfaces/codec.ts";
import { cidOf } from "../../tools/identity/cid.ts";
import { interfaceHash, NOTIFICATION, program, testInterface } from "../../tools/hosted/programs.ts";
import { deafForever, kibInUse, pong, PONG, run } from "./hostile.ts";
import type { BootProgram } from "./programs.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const REGISTRY = interfaceHash("registry");
const PROCESS = interfaceHash("process");
const DEAF = testInterface("chaos-deaf");
const VOID = testInterface("chaos-void");
const CHURN = testInterface("chaos-churn");
const NEEDS_ANSWER = abi("SEND_NEEDS_ANSWER");
const ALLOW_DELAY = abi("SEND_ALLOW_DELAY");
const err = (name: string) => abi(name);
/** One Wasm page: the heap may round differently, but must not keep what the chaos made. */
export const TOLERANCE_KIB = 64;
/** Boot order: the echo server, the honest client, the conductor. */
const CONDUCTOR_PID = 3;
const SLOTS = 32;
const SLOTS_AT = 3000;
const RUNS_AT = 20000;
const LIST_ANSWER_AT = 65536;
const big = (at: number) => at - 4096 + LIST_ANSWER_AT;

/** Registers (ordinal 0) or unregisters (1) the interface at 64, not minding the answer. */
const registryCall = (ordinal: number) => `
    (i32.store8 (i32.const 300) (i32.const ${ordinal}))
    (memory.copy (i32.const 301) (i32.const 64) (i32.const 32))
    (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
    (drop (call $await))`;
/** Sends `len` bytes from 10000 to the interface at `iface` with `flags` until refused; the refusal in $r. */
const untilRefused = (iface: number, len: number, flags: number) => `
    (block $refused (loop $more
      (local.set $r (call $call (i32.const ${iface}) (i32.const 10000) (i32.const ${len}) (i32.const ${flags})))
      (br_if $more (i32.eqz (local.get $r)))))`;
const bombRun = (depth: number) => encodeMessage("process", "run", ["bomb", [String(depth)]]);
const BOMB_DEPTH = 4;

/** What the conductor may start: each by name from the boot configuration, with its grants. */
export const HOSTILE: BootProgram[] = [
  // Floods 60,000-byte messages at a handler that never reads, then at an interface nobody handles.
  { name: "flooder", grants: [DEAF, VOID, KERNEL_LOG], bytes: program(DEAF, `
    (local $r i32)
    ${untilRefused(64, 60000, 0)}
    (call $expect (i32.or (i32.or (i32.eq (local.get $r) (i32.const ${err("E_QUEUE_FULL")})) (i32.eq (local.get $r) (i32.const ${err("E_NO_HANDLER")})))
      (i32.eq (local.get $r) (i32.const ${err("E_KERNEL_QUOTA")}))) (i32.const 1))
    ${untilRefused(2048, 60000, ALLOW_DELAY)}
    (call $expect (i32.or (i32.eq (local.get $r) (i32.const ${err("E_QUEUE_FULL")})) (i32.eq (local.get $r) (i32.const ${err("E_KERNEL_QUOTA")}))) (i32.const 1))
    (call $log $str("flood refused"))
    ${deafForever}`, { 2048: VOID }) },
  // Handles DEAF (when nobody else does) and never reads anything, not even that answer.
  { name: "deaf", grants: [REGISTRY], bytes: program(DEAF, `
    (i32.store8 (i32.const 300) (i32.const 0))
    (memory.copy (i32.const 301) (i32.const 64) (i32.const 32))
    (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
    ${deafForever}`) },
  // Asks the echo server until it may ask no more, and never reads an answer.
  { name: "greedy", grants: [PONG], bytes: program(PONG, `
    (local $r i32)
    ${untilRefused(64, 4, NEEDS_ANSWER | ALLOW_DELAY)}
    (call $expect (i32.or (i32.eq (local.get $r) (i32.const ${err("E_TOO_MANY_PENDING")})) (i32.eq (local.get $r) (i32.const ${err("E_QUEUE_FULL")}))) (i32.const 1))
    ${deafForever}`) },
  // Registers and unregisters an interface for ever.
  { name: "churner", grants: [REGISTRY], bytes: program(CHURN, `
    (loop $churn
      ${registryCall(0)}
      ${registryCall(1)}
      (br $churn))`) },
  // Starts four copies of itself, each one level less deep (its argument), logs a refusal, then ends: 341 processes against a limit of 256.
  { name: "bomb", grants: [PROCESS, KERNEL_LOG], bytes: bomb() },
  { name: "filler", grants: [], bytes: program(PONG, `
    (local $i i32)
    (loop $fill
      (memory.fill (i32.const 65536) (local.get $i) (i32.const 65536))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fill))`) },
  { name: "spinner", grants: [], bytes: program(PONG, `(loop $spin (br $spin))`) },
  { name: "recurse", grants: [], bytes: program(PONG, `(call $deep)`, {}, `(func $deep (call $deep))`) },
  { name: "wide", grants: [], bytes: program(PONG, `(call $deep (i64.const 0))`, {}, `(func $deep (param i64) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (call $deep (local.get 0)))`) },
  // Grows its memory to the 64 MiB limit, then stores past it.
  { name: "grower", grants: [], bytes: program(PONG, `
    (call $expect (memory.grow (i32.const 1022)) (i32.const 2))
    (call $expect (memory.grow (i32.const 1)) (i32.const -1))
    (i32.store (i32.const ${1024 * 65536 - 4}) (i32.const 7))
    (i32.store (i32.const ${1024 * 65536 - 3}) (i32.const 7))`) },
  // Makes malformed system calls for ever, checking each gets its documented error.
  { name: "malformed", grants: [PONG], bytes: program(PONG, `
    (loop $again
      (i32.store (i32.const 104) (i32.const 400)) (i32.store (i32.const 108) (i32.const 4))
      (call $expect (call $send (i32.const 64) (i32.const ${2 * 65536 - 4}) (i32.const 1) (i32.const 0) (i32.const 96)) (i32.const ${err("E_BAD_POINTER")}))
      (call $expect (call $send (i32.const 64) (i32.const 104) (i32.const 17) (i32.const 0) (i32.const 96)) (i32.const ${err("E_INVALID")}))
      (call $expect (call $send (i32.const 64) (i32.const 104) (i32.const 1) (i32.const -1) (i32.const 96)) (i32.const ${err("E_INVALID")}))
      (i32.store (i32.const 108) (i32.const 65537))
      (call $expect (call $send (i32.const 64) (i32.const 104) (i32.const 1) (i32.const 0) (i32.const 96)) (i32.const ${err("E_TOO_LARGE")}))
      (call $expect (call $answer (i64.const -1) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (call $expect (call $cancel (i64.const 12345)) (i32.const ${err("E_UNKNOWN_MESSAGE")}))
      (call $expect (call $wait (i32.const 0) (i32.const 65) (i32.const 0) (i32.const 4096) (i32.const 4096)) (i32.const ${err("E_INVALID")}))
      (call $expect (call $wait (i32.const 0) (i32.const 0) (i32.const 0) (i32.const -1) (i32.const -1)) (i32.const ${err("E_BAD_POINTER")}))
      (br $again))`) },
  { name: "junk", grants: [], bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x60]) },
];
/** The modules whose end by a trap is the attack itself. */
const TRAPPERS = new Set(["recurse", "wide", "grower"]);

function bomb(): Uint8Array {
  const runs: Record<number, string> = {};
  for (let d = 0; d < BOMB_DEPTH; d++) runs[2000 + 64 * d] = Buffer.from(bombRun(d)).toString("hex");
  return program(PONG, `
    (local $depth i32) (local $i i32)
    (i32.store8 (i32.const 600) (i32.const ${encodeMessage("process", "arguments", [])[0]}))
    (call $expect (call $call (i32.const 900) (i32.const 600) (i32.const 1) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
    (call $expect (call $await) (i32.const 0))
    ;; list<string>: a count, then each string's length and its bytes (one digit).
    (local.set $depth (i32.const ${BOMB_DEPTH}))
    (if (i32.load (i32.const ${NOTIFICATION.at.answerData}))
      (then (local.set $depth (i32.sub (i32.load8_u (i32.const ${NOTIFICATION.at.answerData + 8})) (i32.const 48)))))
    (if (local.get $depth) (then
      (block $refused (loop $again
        (call $expect (call $call (i32.const 900) (i32.add (i32.const 2000) (i32.shl (i32.sub (local.get $depth) (i32.const 1)) (i32.const 6))) (i32.const ${bombRun(0).length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
        (br_if $refused (call $await))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 4)))))
      (if (i32.lt_u (local.get $i) (i32.const 4))
        (then (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))))))`, { 900: PROCESS, ...runs });
}

export type Step = { kind: "run"; module: number; slot: number } | { kind: "kill"; slot: number } | { kind: "pause"; fuel: number };

/** A small deterministic generator (mulberry32): the same seed, the same run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` steps drawn from `seed`: half starts, a quarter kills, a quarter pauses. */
export function schedule(seed: number, count: number): Step[] {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const steps: Step[] = [];
  for (let i = 0; i < count; i++) {
    const roll = next();
    if (roll < 0.5) steps.push({ kind: "run", module: pick(HOSTILE.length), slot: pick(SLOTS) });
    else if (roll < 0.75) steps.push({ kind: "kill", slot: pick(SLOTS) });
    else steps.push({ kind: "pause", fuel: 1000 + pick(300_000) });
  }
  return steps;
}

/** Every step in the conductor's code; a slot's process is killed before the slot takes another. */
function stepCode(step: Step): string {
  if (step.kind === "pause") return `(call $pause (i32.const ${step.fuel}))`;
  if (step.kind === "kill") return `(call $killSlot (i32.const ${step.slot}))`;
  const length = encodeMessage("process", "run", [HOSTILE[step.module].name, []]).length;
  return `
    (call $killSlot (i32.const ${step.slot}))
    (call $expect (call $call (i32.const 900) (i32.const ${RUNS_AT + 64 * step.module}) (i32.const ${length}) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
    (if (i32.eqz (call $await)) (then (i64.store (i32.const ${SLOTS_AT + 8 * step.slot}) (i64.load (i32.const ${NOTIFICATION.at.answerData})))))`;
}

const CONDUCTOR_FUNCTIONS = `
  (func $pause (param $n i32)
    (loop $spin (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $spin (i32.gt_s (local.get $n) (i32.const 0)))))
  (func $kill (param $pid i64)
    (i32.store8 (i32.const 700) (i32.const ${encodeMessage("process", "kill", [0n])[0]}))
    (i64.store (i32.const 701) (local.get $pid))
    (call $expect (call $call (i32.const 900) (i32.const 700) (i32.const 9) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
    (drop (call $await)))
  (func $killSlot (param $s i32) (local $at i32)
    (local.set $at (i32.add (i32.const ${SLOTS_AT}) (i32.shl (local.get $s) (i32.const 3))))
    (if (i64.ne (i64.load (local.get $at)) (i64.const 0)) (then
      (call $kill (i64.load (local.get $at)))
      (i64.store (local.get $at) (i64.const 0)))))
  ;; How many processes live, from process.list (its answer into the large buffer).
  (func $live (result i32)
    (i32.store8 (i32.const 710) (i32.const ${encodeMessage("process", "list", [])[0]}))
    (call $expect (call $call (i32.const 900) (i32.const 710) (i32.const 1) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
    (call $expect (i32.gt_s (call $wait (i32.const 96) (i32.const 1) (i32.const 1) (i32.const ${LIST_ANSWER_AT}) (i32.const 65536)) (i32.const 0)) (i32.const 1))
    (call $expect (i32.load8_u (i32.const ${big(NOTIFICATION.at.answerError)})) (i32.const 0))
    (i32.load (i32.const ${big(NOTIFICATION.at.answerData)})))
  ;; Kills every listed process after the first three, the newest first, so
  ;; each is killed while the line to its starter lives; a bomb's orphans
  ;; refuse and end by themselves.
  (func $killListed (local $j i32) (local $pid i64)
    (local.set $j (i32.load (i32.const ${big(NOTIFICATION.at.answerData)})))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $j)))
      (local.set $j (i32.sub (local.get $j) (i32.const 1)))
      (local.set $pid (i64.load (i32.add (i32.const ${big(NOTIFICATION.at.answerData) + 4}) (i32.shl (local.get $j) (i32.const 3)))))
      (if (i64.gt_u (local.get $pid) (i64.const ${CONDUCTOR_PID})) (then (call $kill (local.get $pid))))
      (br $next))))`;

/** The conductor: the steps, a line every 25 of them, then every hostile process killed or gone. */
function conductor(steps: Step[]): Uint8Array {
  const runs: Record<number, string> = {};
  HOSTILE.forEach((h, i) => (runs[RUNS_AT + 64 * i] = Buffer.from(encodeMessage("process", "run", [h.name, []])).toString("hex")));
  const body = steps.map((s, i) => stepCode(s) + (i % 25 === 24 ? `\n(call $log $str("phase"))` : "")).join("\n");
  return program(PONG, `
    (local $s i32) (local $polls i32)
    ${body}
    (loop $slots
      (call $killSlot (local.get $s))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $slots (i32.lt_u (local.get $s) (i32.const ${SLOTS}))))
    (block $quiet (loop $poll
      (br_if $quiet (i32.le_u (call $live) (i32.const ${CONDUCTOR_PID})))
      (call $killListed)
      (call $pause (i32.const 100000))
      (local.set $polls (i32.add (local.get $polls) (i32.const 1)))
      (br_if $poll (i32.lt_u (local.get $polls) (i32.const 1000)))
      (call $log $str("stragglers left"))))
    (call $log $str("chaos done"))`, { 900: PROCESS, ...runs }, CONDUCTOR_FUNCTIONS);
}

/** Round trips through PONG until the conductor has ended, a line every 1024. */
const honest = program(PONG, `
  (local $i i32)
  (i32.store8 (i32.const 700) (i32.const ${encodeMessage("process", "wait", [0n])[0]}))
  (i64.store (i32.const 701) (i64.const ${CONDUCTOR_PID}))
  (call $expect (call $call (i32.const 900) (i32.const 700) (i32.const 9) (i32.const ${NEEDS_ANSWER})) (i32.const 0))
  (i64.store (i32.const 808) (i64.load (i32.const 96)))
  (block $over (loop $again
    (i32.store (i32.const 400) (local.get $i))
    (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const ${NEEDS_ANSWER | ALLOW_DELAY})) (i32.const 0))
    (i64.store (i32.const 800) (i64.load (i32.const 96)))
    (call $expect (i32.gt_s (call $wait (i32.const 800) (i32.const 2) (i32.const 1) (i32.const 4096) (i32.const 4096)) (i32.const 0)) (i32.const 1))
    (br_if $over (i64.eq (i64.load (i32.const ${NOTIFICATION.at.answerId})) (i64.load (i32.const 808))))
    (call $expect (i32.load (i32.const ${NOTIFICATION.at.answerData})) (local.get $i))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (if (i32.eqz (i32.and (local.get $i) (i32.const 1023))) (then (call $log $str("1024 more"))))
    (br $again)))
  (call $log $str("round trips done"))`, { 900: PROCESS });

export interface ChaosRun {
  log: string;
  kib: number;
  seconds: number;
}

/** The boot configuration's line for `p`: started at boot (run) or only by name (program). */
export async function configLine(kind: "run" | "program", p: BootProgram): Promise<string> {
  return `${kind} ${await cidOf(p.bytes)} name=${p.name}${p.grants.length > 0 ? ` grant=${p.grants.join(",")}` : ""}`;
}

/** Boots the echo server, the honest client and a conductor of `steps` until idle. */
export async function chaosRun(steps: Step[]): Promise<ChaosRun> {
  const started = process.hrtime.bigint();
  const lines = await Promise.all(HOSTILE.map((h) => configLine("program", h)));
  const log = await run([
    { name: "pong", bytes: pong, grants: [REGISTRY] },
    { name: "honest", bytes: honest, grants: [KERNEL_LOG, PROCESS, PONG] },
    { name: "conductor", bytes: conductor(steps), grants: [KERNEL_LOG, PROCESS, REGISTRY, PONG, DEAF, VOID] },
    ...HOSTILE.map((h) => ({ ...h, notStarted: true })),
  ], lines.join("\n") + "\n");
  return { log, kib: kibInUse(log), seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** What went wrong in a chaos run, against a run of no steps; empty when nothing did. */
export function chaosProblems(chaos: ChaosRun, baseline: ChaosRun): string[] {
  const { log } = chaos;
  const problems: string[] = [];
  if (/KERNEL PANIC/.test(log)) problems.push("the kernel panicked");
  if (!/no runnable processes/.test(log)) problems.push("the kernel did not go idle");
  if (!/conductor: chaos done/.test(log)) problems.push("the conductor did not finish");
  if (/conductor: stragglers left/.test(log)) problems.push("hostile processes were left when the conductor ended");
  if (!/honest: round trips done/.test(log)) problems.push("the honest client did not finish");
  // The honest client's line between every two of the conductor's: its round trips went on throughout.
  const marks = [...log.matchAll(/conductor: phase|honest: 1024 more/g)].map((m) => m[0]);
  const silent = marks.slice(0, -1).filter((m, i) => m === "conductor: phase" && marks[i + 1] === "conductor: phase").length;
  if (silent > 0) problems.push(`no round trips during ${silent} of the conductor's phases`);
  for (const m of log.matchAll(/(\S+) \(pid \d+\) ended: trapped: (.*)/g)) {
    if (!TRAPPERS.has(m[1])) problems.push(`${m[1]} trapped: ${m[2].trim()}`);
  }
  if (chaos.kib > baseline.kib + TOLERANCE_KIB) problems.push(`kernel memory in use ${chaos.kib} KiB, ${baseline.kib} KiB without the hostile modules`);
  return problems;
}
