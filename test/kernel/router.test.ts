// The router's rules, driven through the hosted kernel: the kernel's
// interfaces cannot be taken over, one process handles a bounded number of
// interfaces, registry.list pages so each answer fits one message, and a
// process's end reaches every kernel service's hook.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { loadDefinitions } from "../../tools/interfaces/catalog.ts";
import { interfaceHash, testInterface } from "../../tools/hosted/programs.ts";
import { newMachine } from "../harness/machine.ts";
import { BootProgram, bootWithPrograms } from "../harness/programs.ts";
import { replies, scriptProgram, Step } from "../harness/script.ts";

const KERNEL_LOG = interfaceHash("kernel-log");
const PROCESS = interfaceHash("process");
const REGISTRY = interfaceHash("registry");
const HARDWARE = interfaceHash("hardware");
const TIME = interfaceHash("time");

/** registry.register's limit per process (kernel/ipc/abi.ts). */
const MAX_HANDLED = 256;
const MAX_MESSAGE_BYTES = 64 << 10;
// A list answer's four list counts and `next`; an entry's hash, name length, pid and kernel flag.
const LIST_FIXED_BYTES = 20;
const ENTRY_BYTES = 32 + 4 + 8 + 1;

const digestOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const call = (iface: string, message: string, ...values: Step["values"] & unknown[]): Step => ({ iface, message, values });
// Stays alive (and keeps its interfaces) once its steps are done.
const STAY = `(drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))`;

async function boot(programs: BootProgram[]): Promise<string> {
  const m = await newMachine();
  const { info, modules } = await bootWithPrograms(programs);
  for (const mod of modules) m.memory.write(mod.address, mod.bytes);
  assert.equal(m.boot(info), "halt");
  return m.serial;
}

const registrations = (chain: number) => Array.from({ length: MAX_HANDLED }, (_, j) => call("registry", "register", testInterface(`r${chain}.${j}`)));

describe("the router (hosted)", function () {
  this.timeout(120_000);

  it("refuses the kernel's interfaces and a 257th per process, and pages registry.list within one message", async () => {
    const chains = 6;
    const names = loadDefinitions().map((d) => d.name);
    const total = names.length + chains * MAX_HANDLED;
    const definedBytes = names.reduce((sum, n) => sum + ENTRY_BYTES + Buffer.byteLength(n), 0);
    const firstPage = names.length + Math.floor((MAX_MESSAGE_BYTES - LIST_FIXED_BYTES - definedBytes) / ENTRY_BYTES);
    assert.ok(firstPage < total, "the interfaces need two pages");
    // Each registrar registers its share, then starts the next; the last one checks.
    let next = scriptProgram([
      ...registrations(chains - 1),
      call("registry", "register", testInterface("one too many")),
      call("registry", "register", TIME),
      call("registry", "handler", TIME),
      call("registry", "list", 0),
      call("registry", "list", firstPage),
      call("registry", "list", total + 5),
    ], STAY);
    const programs: BootProgram[] = [{ name: `r${chains - 1}`, bytes: next, grants: [], notStarted: true }];
    for (let chain = chains - 2; chain >= 0; chain--) {
      next = scriptProgram([...registrations(chain), call("process", "start", digestOf(next), `r${chain + 1}`, [KERNEL_LOG, REGISTRY, PROCESS], [])], STAY);
      programs.unshift({ name: `r${chain}`, bytes: next, grants: [KERNEL_LOG, REGISTRY, PROCESS], notStarted: chain > 0 });
    }
    const serial = await boot(programs);
    for (let chain = 0; chain < chains - 1; chain++) {
      const answers = replies(serial, `r${chain}`);
      assert.equal(answers.length, MAX_HANDLED + 1);
      assert.ok(answers.slice(0, MAX_HANDLED).every((a) => !a.error), `r${chain} registered all ${MAX_HANDLED}`);
    }
    const last = replies(serial, `r${chains - 1}`).slice(MAX_HANDLED);
    assert.equal(last[0].reason, `a process handles at most ${MAX_HANDLED} interfaces`);
    assert.equal(last[1].reason, `interface ${TIME} is handled by the kernel`);
    assert.deepEqual(last[2].as("registry", "handler"), { pid: 0n }, "no process took time over");
    assert.equal(last[3].error, false, "the first page is an answer, not an error");
    assert.equal(last[3].length, LIST_FIXED_BYTES + definedBytes + (firstPage - names.length) * ENTRY_BYTES, "the first page fills the message");
    assert.ok(last[3].length <= MAX_MESSAGE_BYTES);
    const second = last[4].as("registry", "list") as Record<string, unknown[]> & { next: number };
    assert.equal(second.interfaces.length, total - firstPage, "the second page holds the rest");
    assert.equal(second.next, 0, "and is the last");
    assert.deepEqual(second.kernel, second.interfaces.map(() => false));
    const past = last[5].as("registry", "list") as Record<string, unknown[]> & { next: number };
    assert.deepEqual(past, { interfaces: [], names: [], handlers: [], kernel: [], next: 0 }, "a start past the end is an empty last page");
  });

  it("tells every kernel service when a process ends: its hardware claims go", async () => {
    const claimer = scriptProgram([call("hardware", "claimPorts", 0x80, 1)]);
    const parent = scriptProgram([
      call("process", "start", digestOf(claimer), "claimer", [KERNEL_LOG, HARDWARE], []),
      call("process", "wait", 2n),
      call("hardware", "claimPorts", 0x80, 1),
    ]);
    const serial = await boot([
      { name: "parent", bytes: parent, grants: [KERNEL_LOG, PROCESS, HARDWARE] },
      { name: "claimer", bytes: claimer, grants: [], notStarted: true },
    ]);
    assert.equal(replies(serial, "claimer")[0].error, false, "the claimer holds port 0x80");
    const answers = replies(serial, "parent");
    assert.equal(answers.length, 3);
    assert.equal(answers[2].error, false, `the port is free once the claimer ended: ${answers[2].error ? answers[2].reason : ""}`);
  });
});
