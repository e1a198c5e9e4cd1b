// Every message of every kernel-handled interface, sent truncated by a byte,
// overlong by a byte, and with values its handler must refuse: each gets an
// error answer that says why, and the kernel goes on answering. The
// messages come from the definitions in interfaces/, so a new message or a
// new kernel service is covered without editing this file.
import assert from "node:assert/strict";
import { loadDefinitions } from "../../tools/interfaces/catalog.ts";
import { Value } from "../../tools/interfaces/codec.ts";
import { FieldType } from "../../tools/interfaces/definition.ts";
import { encodeMessage } from "../../tools/interfaces/codec.ts";
import { interfaceHash } from "../../tools/hosted/programs.ts";
import { newMachine } from "../harness/machine.ts";
import { bootWithPrograms } from "../harness/programs.ts";
import { replies, scriptProgram, Step } from "../harness/script.ts";

/** The interfaces kernel/services.ts lists; the test checks registry.list agrees. */
const KERNEL_INTERFACES = ["registry", "process", "kernel-log", "system", "time", "system-time", "random", "pci", "hardware", "power", "display"];

function sample(type: FieldType): Value {
  if (type.kind === "list") return [];
  const name = type.name;
  if (name === "bool") return false;
  if (name === "hash") return interfaceHash("echo");
  if (name === "string") return "x";
  if (name === "bytes") return new Uint8Array([1]);
  return 1;
}

interface Case {
  step: Step;
  /** What the error answer says. */
  reason: string | RegExp;
}

function malformedCases(): Case[] {
  const cases: Case[] = [];
  for (const def of loadDefinitions().filter((d) => KERNEL_INTERFACES.includes(d.name))) {
    for (const m of def.messages) {
      const valid = encodeMessage(def.name, m.name, m.fields.map((f) => sample(f.type)));
      const reason = `malformed ${def.name} message`;
      cases.push({ step: { iface: def.name, message: `${m.name} truncated`, raw: valid.subarray(0, valid.length - 1) }, reason });
      cases.push({ step: { iface: def.name, message: `${m.name} overlong`, raw: new Uint8Array([...valid, 0]) }, reason });
    }
  }
  return cases;
}

const bad = (iface: string, message: string, values: Value[], reason: string | RegExp): Case => ({ step: { iface, message, values }, reason });

const BAD_VALUES: Case[] = [
  bad("registry", "register", [interfaceHash("time")], /^interface [0-9a-f]{64} is handled by the kernel$/),
  bad("registry", "unregister", [interfaceHash("echo")], /^not the handler of interface [0-9a-f]{64}$/),
  bad("process", "kill", [999n], "no process 999"),
  bad("process", "grants", [999n], "no process 999"),
  bad("kernel-log", "write", [9, "level nine"], "malformed kernel-log message"),
  bad("random", "fill", [4097], "at most 4096 random bytes per message"),
  bad("pci", "readConfig", [0xffffff, 0], "no PCI function at address 0xffffff"),
  bad("pci", "claim", [0xffffff], "no PCI function at address 0xffffff"),
  bad("hardware", "claimPorts", [0, 0], "ports are 0 to 0xffff"),
  bad("hardware", "claimPorts", [0xffff, 2], "ports are 0 to 0xffff"),
  bad("hardware", "portRead", [0x80, 3], "port width must be 1, 2 or 4"),
  bad("hardware", "portWrite", [0x80, 1, 0], "port 0x80 is not claimed by this process"),
  bad("hardware", "claimMemory", [0n, 0n], "memory range outside the first 4 GiB"),
  bad("hardware", "allocateDma", [0], /^DMA buffers are 1 byte to \d+ bytes$/),
  bad("hardware", "freeDma", [0x1000n], "no DMA buffer of this process at 0x1000"),
  bad("hardware", "memoryRead", [0xfee00000n, 4], "memory 0xfee00000 (4 bytes) is not claimed by this process"),
  bad("hardware", "memoryWrite", [0xfee00000n, new Uint8Array(4)], "memory 0xfee00000 (4 bytes) is not claimed by this process"),
  bad("hardware", "memoryCopy", [0n, 0xfee00000n, 4n], "memory 0xfee00000 (4 bytes) is not claimed by this process"),
  bad("hardware", "subscribeIrq", [16], "ISA interrupts are 0 to 15"),
  bad("power", "reboot", [9], "malformed power message"),
];

describe("kernel services refuse malformed messages (hosted)", function () {
  this.timeout(120_000);

  it("answers every kernel message truncated, overlong or with bad values with the reason, and lists exactly those services", async () => {
    const cases = [...malformedCases(), ...BAD_VALUES];
    const list: Step = { iface: "registry", message: "list", values: [0] };
    const sender = scriptProgram([list, ...cases.map((c) => c.step), { iface: "time", message: "now", values: [] }]);
    const m = await newMachine();
    const grants = ["kernel-log", ...KERNEL_INTERFACES].map(interfaceHash);
    const { info, modules } = await bootWithPrograms([{ name: "sender", bytes: sender, grants }]);
    for (const mod of modules) m.memory.write(mod.address, mod.bytes);
    assert.equal(m.boot(info), "halt");
    const answers = replies(m.serial, "sender");
    assert.equal(answers.length, cases.length + 2, "every message was answered");
    const listed = answers[0].as("registry", "list") as Record<string, Value[]>;
    const kernelNames = listed.names.filter((_, i) => listed.kernel[i]);
    assert.deepEqual([...kernelNames].sort(), [...KERNEL_INTERFACES].sort(), "the test covers every kernel service");
    cases.forEach((c, i) => {
      const what = `${c.step.iface}.${c.step.message}`;
      assert.ok(answers[i + 1].error, `${what} refused`);
      if (typeof c.reason === "string") assert.equal(answers[i + 1].reason, c.reason, what);
      else assert.match(answers[i + 1].reason, c.reason, what);
    });
    assert.equal(answers[cases.length + 1].error, false, "the kernel still answers afterwards");
  });
});
