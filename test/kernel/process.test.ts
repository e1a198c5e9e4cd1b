import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cidOf } from "../../tools/identity/cid.ts";
import { loadDefinitions } from "../../tools/interfaces/catalog.ts";
import { interfaceHash, program, testInterface, wat2wasm } from "../../tools/hosted/programs.ts";
import { abi } from "../../tools/hosted/abi.ts";
import { newMachine } from "../harness/machine.ts";
import { BootProgram, bootWithPrograms } from "../harness/programs.ts";
import { replies, scriptProgram, Step } from "../harness/script.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const PROCESS = interfaceHash("process");
const REGISTRY = interfaceHash("registry");
const SYSTEM = interfaceHash("system");
const PCI = interfaceHash("pci");
const PONG = testInterface("pong");

const digestOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const call = (iface: string, message: string, ...values: Step["values"] & unknown[]): Step => ({ iface, message, values });

async function boot(programs: BootProgram[], extraConfig = ""): Promise<string> {
  const m = await newMachine();
  const { info, modules } = await bootWithPrograms(programs, extraConfig);
  for (const mod of modules) m.memory.write(mod.address, mod.bytes);
  assert.equal(m.boot(info), "halt");
  return m.serial;
}

// Blocks for good in wait(), so it stays alive until killed.
const sleeper = program(PONG, `(drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))`);
const trapper = program(PONG, `unreachable`);

describe("the process interface (hosted)", function () {
  this.timeout(60_000);

  it("starts a module with arguments and the grants the sender holds, and waits for its exit status", async () => {
    const child = scriptProgram([call("process", "arguments"), { iface: "process", message: "exit", values: [7], noAnswer: true }], `(call $log $str("still running after exit"))`);
    const parent = scriptProgram([
      call("process", "start", digestOf(child), "kid", [KERNEL_LOG, PROCESS, PCI], ["one", "two words"]),
      call("process", "grants", 2n),
      call("process", "wait", 2n),
      call("process", "wait", 2n),
      call("process", "wait", 1n),
      call("process", "wait", 99n),
    ]);
    const serial = await boot([
      { name: "parent", bytes: parent, grants: [KERNEL_LOG, PROCESS] },
      { name: "kid", bytes: child, grants: [], notStarted: true },
    ]);
    const [started, grants, waited, waitedAgain, self, unknown] = replies(serial, "parent");
    assert.deepEqual(started.as("process", "start"), { pid: 2n });
    assert.deepEqual(new Set(grants.as("process", "grants").interfaces as string[]), new Set([KERNEL_LOG, PROCESS]), "pci is not the parent's to give");
    assert.deepEqual(waited.as("process", "wait"), { status: 7, reason: "" });
    assert.deepEqual(waitedAgain.as("process", "wait"), { status: 7, reason: "" }, "a recent end is remembered");
    assert.equal(self.reason, "a process cannot wait for itself");
    assert.match(unknown.reason, /^no process 99 /);
    assert.deepEqual(replies(serial, "kid")[0].as("process", "arguments"), { arguments: ["one", "two words"] });
    assert.match(serial, /info  kid \(pid 2\) exited with status 7\r?\n/);
    assert.doesNotMatch(serial, /still running after exit/);
  });

  it("reports a trap and a kill as status -1 with the reason, and refuses unknown pids", async () => {
    const parent = scriptProgram([
      call("process", "start", digestOf(trapper), "trapper", [], []),
      call("process", "wait", 2n),
      call("process", "start", digestOf(sleeper), "sleeper", [], []),
      call("process", "kill", 3n),
      call("process", "wait", 3n),
      call("process", "kill", 3n),
      call("process", "kill", 1n),
      call("process", "grants", 3n),
    ]);
    const serial = await boot([
      { name: "parent", bytes: parent, grants: [KERNEL_LOG, PROCESS] },
      { name: "trapper", bytes: trapper, grants: [], notStarted: true },
      { name: "sleeper", bytes: sleeper, grants: [], notStarted: true },
    ]);
    const r = replies(serial, "parent");
    assert.deepEqual(r[1].as("process", "wait"), { status: -1, reason: "trapped: unreachable in function _start" });
    assert.deepEqual(r[3].as("process", "kill"), {});
    assert.deepEqual(r[4].as("process", "wait"), { status: -1, reason: "killed by process 1" });
    assert.equal(r[5].reason, "no process 3");
    assert.match(r[6].reason, /cannot kill itself/);
    assert.equal(r[7].reason, "no process 3");
    assert.match(serial, /info  trapper \(pid 2\) ended: trapped: unreachable in function _start\r?\n/);
    assert.match(serial, /info  sleeper \(pid 3\) ended: killed by process 1\r?\n/);
  });

  it("runs boot-configuration programs by name with their grants, less the sender's", async () => {
    const worker = scriptProgram([call("process", "arguments")]);
    const workerCid = await cidOf(worker);
    const parent = scriptProgram([
      call("process", "run", "worker", ["x"]),
      call("process", "grants", 3n),
      call("process", "run", "napper", []),
      call("process", "run", "nosuch", []),
      call("process", "run", "", []),
    ]);
    const serial = await boot([
      { name: "napper", bytes: sleeper, grants: [] },
      { name: "parent", bytes: parent, grants: [KERNEL_LOG, PROCESS] },
      { name: "worker", bytes: worker, grants: [], notStarted: true },
    ], `program ${workerCid} name=worker grant=${KERNEL_LOG},${PROCESS},${PCI}\n`);
    const r = replies(serial, "parent");
    assert.deepEqual(r[0].as("process", "run"), { pid: 3n });
    assert.deepEqual(new Set(r[1].as("process", "grants").interfaces as string[]), new Set([KERNEL_LOG, PROCESS]));
    assert.deepEqual(r[2].as("process", "run"), { pid: 4n }, "a run line's program starts by name too");
    assert.equal(r[3].reason, "the boot configuration has no program called 'nosuch'");
    assert.match(r[4].reason, /a process name has 1 to 64 bytes/);
    assert.deepEqual(replies(serial, "worker")[0].as("process", "arguments"), { arguments: ["x"] });
    assert.doesNotMatch(serial, /started process \d+ \(worker\)/, "a program line does not start at boot");
  });

  it("lists live processes, their grants and the boot modules", async () => {
    const lister = scriptProgram([call("process", "list"), call("process", "grants", 1n), call("process", "grants", 42n), call("process", "modules")]);
    const serial = await boot([
      { name: "napper", bytes: sleeper, grants: [PONG] },
      { name: "lister", bytes: lister, grants: [KERNEL_LOG, PROCESS] },
    ]);
    const [list, grants, unknown, modules] = replies(serial, "lister");
    const l = list.as("process", "list") as Record<string, unknown[]>;
    assert.deepEqual(l.pids, [1n, 2n]);
    assert.deepEqual(l.names, ["napper", "lister"]);
    assert.deepEqual(l.cids, [await cidOf(sleeper), await cidOf(lister)]);
    assert.deepEqual(l.states, [1, 0], "napper waits, lister runs");
    for (const bytes of l.memory as bigint[]) assert.ok(bytes > 2n * 65536n + 512n * 1024n, `memory ${bytes} counts two pages and the value stack`);
    assert.ok((l.fuel as bigint[])[1] > 0n, "the lister has run");
    assert.deepEqual(grants.as("process", "grants"), { interfaces: [PONG] });
    assert.equal(unknown.reason, "no process 42");
    const m = modules.as("process", "modules");
    assert.deepEqual(m.names, ["napper", "lister"], "the configuration is not a module");
    assert.deepEqual(m.cids, l.cids);
  });

  it("refuses malformed messages and senders without the grant", async () => {
    const bad = (iface: string, bytes: number[]): Step => ({ iface, message: "", raw: new Uint8Array(bytes) });
    const sender = scriptProgram([
      bad("process", [9]),
      bad("process", [0, 1, 2]),
      bad("process", [2, 1, 0, 0]),
      bad("process", [6, 0]),
      bad("registry", [3, 0]),
      bad("kernel-log", [1, 1]),
      bad("kernel-log", [2, 9, 0, 0, 0, 65]),
      bad("system", [0, 0]),
    ]);
    const denied = program(PROCESS, `
      (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 1) (i32.const 1)) (i32.const ${abi("E_PERMISSION")}))
      (call $expect (call $call (i32.const 128) (i32.const 400) (i32.const 1) (i32.const 1)) (i32.const ${abi("E_PERMISSION")}))
      (call $log $str("denied twice"))`, { 128: SYSTEM });
    const serial = await boot([
      { name: "sender", bytes: sender, grants: [KERNEL_LOG, PROCESS, REGISTRY, SYSTEM] },
      { name: "denied", bytes: denied, grants: [KERNEL_LOG] },
    ]);
    assert.deepEqual(replies(serial, "sender").map((r) => r.reason), [
      "malformed process message", "malformed process message", "malformed process message", "malformed process message",
      "malformed registry message", "malformed kernel-log message", "malformed kernel-log message", "malformed system message",
    ]);
    assert.match(serial, /denied: denied twice/);
  });

  it("refuses to start a process the kernel has no memory for", async () => {
    const huge = wat2wasm(`(module (memory 1000) (func (export "_start")))`);
    const parent = scriptProgram([call("process", "start", digestOf(huge), "huge", [], [])]);
    const serial = await boot([
      { name: "parent", bytes: parent, grants: [KERNEL_LOG, PROCESS] },
      { name: "huge", bytes: huge, grants: [], notStarted: true },
    ]);
    assert.match(replies(serial, "parent")[0].reason, /^not enough memory to start another process \(it needs \d+ KiB, \d+ KiB are free and the kernel keeps 2048 KiB\)$/);
  });
});

describe("registry.list, kernel-log and system (hosted)", function () {
  this.timeout(60_000);

  it("lists every defined interface and those handled by processes", async () => {
    const handler = program(PONG, `
      (call $register (i32.const 64))
      (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))`);
    const lister = scriptProgram([call("registry", "list", 0)]);
    const serial = await boot([
      { name: "handler", bytes: handler, grants: [REGISTRY] },
      { name: "lister", bytes: lister, grants: [KERNEL_LOG, REGISTRY] },
    ]);
    const answer = replies(serial, "lister")[0].as("registry", "list");
    assert.equal(answer.next, 0, "one page holds them all");
    const l = answer as Record<string, unknown[]>;
    const row = (hash: string) => {
      const i = (l.interfaces as string[]).indexOf(hash);
      assert.ok(i >= 0, `${hash} listed`);
      return { name: l.names[i], handler: l.handlers[i], kernel: l.kernel[i] };
    };
    for (const def of loadDefinitions()) assert.equal(row(interfaceHash(def.name)).name, def.name);
    assert.deepEqual(row(PROCESS), { name: "process", handler: 0n, kernel: true });
    assert.deepEqual(row(SYSTEM), { name: "system", handler: 0n, kernel: true });
    assert.deepEqual(row(interfaceHash("log")), { name: "log", handler: 0n, kernel: false });
    assert.deepEqual(row(PONG), { name: "", handler: 1n, kernel: false });
  });

  it("keeps recent lines by level, prints raw text, and caps print", async () => {
    const kl = scriptProgram([
      call("kernel-log", "write", 2, "beta"),
      call("kernel-log", "write", 0, "gamma, below the threshold"),
      call("kernel-log", "recent", 1, 3),
      call("kernel-log", "recent", 2, 10),
      call("kernel-log", "print", "<raw text>"),
      call("kernel-log", "print", "x".repeat(16 * 1024 + 1)),
      call("kernel-log", "write", 4, "no such level"),
    ]);
    const serial = await boot([{ name: "kl", bytes: kl, grants: [KERNEL_LOG] }]);
    const r = replies(serial, "kl");
    assert.deepEqual(r[2].as("kernel-log", "recent"), { levels: [2, 1, 1], lines: ["kl: beta", "kl: 0 ", "kl: 0 "] });
    const warnings = r[3].as("kernel-log", "recent") as { levels: number[]; lines: string[] };
    assert.ok(warnings.levels.every((l) => l >= 2));
    assert.equal(warnings.lines.at(-1), "kl: beta");
    assert.match(serial, /\n<raw text>\r?\n\[/, "printed as is; the next log line starts on a line of its own");
    assert.equal(r[5].reason, "print takes at most 16384 bytes a message");
    assert.equal(r[6].reason, "malformed kernel-log message");
  });

  it("keeps at most 256 lines and 32 KiB of them", async () => {
    const line = "y".repeat(150);
    const chatty = program(PONG, `
      (local $i i32)
      (loop $again
        (call $log $str("${line}"))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 300))))`);
    const reader = scriptProgram([call("process", "wait", 1n), call("kernel-log", "recent", 0, 1000), call("kernel-log", "recent", 0, 3)]);
    const serial = await boot([
      { name: "chatty", bytes: chatty, grants: [KERNEL_LOG] },
      { name: "reader", bytes: reader, grants: [KERNEL_LOG, PROCESS] },
    ]);
    const [, all, last] = replies(serial, "reader");
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
    // Two u32 counts, then per line its level, a u32 length and the text.
    assert.ok(all.length <= 8 + 256 * 5 + 32 * 1024, `${all.length} bytes`);
    assert.ok(all.length > 30 * 1024, `the ring is used to its size (${all.length} bytes)`);
    assert.deepEqual(last.as("kernel-log", "recent").lines, ["chatty (pid 1) exited with status 0", `reader: 0 ${"00".repeat(8)}`, `reader: 0L${hex(all.bytes)}`]);
  });

  it("reports physical memory and the kernel heap", async () => {
    const asker = scriptProgram([call("system", "memory")]);
    const serial = await boot([{ name: "asker", bytes: asker, grants: [KERNEL_LOG, SYSTEM] }]);
    const m = replies(serial, "asker")[0].as("system", "memory") as Record<string, bigint>;
    const frames = BigInt(/frames: (\d+) free/.exec(serial)![1]);
    assert.equal(m.physicalTotal, frames * 4096n);
    assert.ok(m.physicalFree > 0n && m.physicalFree <= m.physicalTotal);
    assert.ok(m.heapMapped % 65536n === 0n && m.heapUsed > 0n && m.heapUsed < m.heapMapped, `${m.heapUsed} of ${m.heapMapped}`);
  });
});
