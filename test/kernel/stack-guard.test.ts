// The guard page under the kernel's C stack, on the Node simulator: the
// kernel unmaps it by splitting the 2 MiB identity page around it (the
// simulated boot tables below stand in for boot/multiboot2.S's), and a page
// fault or double fault on it panics as a kernel stack overflow, while the
// same faults anywhere else keep their plain dump.
import assert from "node:assert/strict";
import { newMachine, PML4, STACK_GUARD } from "../harness/machine.ts";
import { smallPc } from "../harness/boots.ts";

const IDENTITY_PDPT = 0x410000;
const IDENTITY_PD = 0x411000;
const FRAME_AT = 0x90000;
const LARGE_PAGE = 2 << 20;

type Machine = Awaited<ReturnType<typeof newMachine>>;

/** Like the boot code: the first 8 MiB identity-mapped with present, writable 2 MiB pages. */
function mapIdentity(m: Machine): void {
  m.memory.writeUint(PML4, 8, BigInt(IDENTITY_PDPT | 3));
  m.memory.writeUint(IDENTITY_PDPT, 8, BigInt(IDENTITY_PD | 3));
  for (let i = 0; i < 4; i++) m.memory.writeUint(IDENTITY_PD + i * 8, 8, BigInt(i * LARGE_PAGE) | 0x83n);
}

async function booted(cmdline = ""): Promise<Machine> {
  const m = await newMachine();
  mapIdentity(m);
  assert.equal(m.boot(smallPc(cmdline).build()), "halt");
  return m;
}

/** A fault frame as boot/interrupts.S saves it: 15 registers, vector, error code, then the CPU's words. */
function fault(m: Machine, vector: number, cr2: number): string {
  m.serial = "";
  m.cr2 = BigInt(cr2);
  const words = [...new Array<bigint>(15).fill(0n), BigInt(vector), 2n, 0x201000n, 8n, 2n, BigInt(cr2), 0x10n];
  words.forEach((w, i) => m.memory.writeUint(FRAME_AT + i * 8, 8, w));
  assert.equal(m.run(() => m.kernel.onException(BigInt(FRAME_AT))), "halt");
  return m.serial;
}

describe("kernel stack guard page (hosted)", () => {
  it("is unmapped, and only it: the 2 MiB page around it is split into small pages of the same memory", async () => {
    const m = await booted();
    const k = m.kernel;
    assert.equal(k.translate(BigInt(STACK_GUARD)), -1n);
    assert.equal(k.translate(BigInt(STACK_GUARD + 0xfff)), -1n);
    for (const address of [STACK_GUARD - 1, STACK_GUARD + 0x1000, 0x200000, 0x3fffff, 0x123456]) {
      assert.equal(k.translate(BigInt(address)), BigInt(address), `0x${address.toString(16)} stays identity-mapped`);
    }
    const directoryEntry = m.memory.readUint(IDENTITY_PD + 8, 8);
    assert.equal(directoryEntry & 0x80n, 0n, "the page directory entry now names a table");
    assert.equal(m.memory.readUint(IDENTITY_PD + 16, 8), BigInt(2 * LARGE_PAGE) | 0x83n, "other large pages are left alone");
  });

  it("names a double fault or page fault on the guard page a kernel stack overflow", async () => {
    const m = await booted();
    assert.match(fault(m, 8, STACK_GUARD + 0xff8), /\*\*\* KERNEL PANIC \*\*\* kernel stack overflow: double fault \(#DF\), vector 8/);
    const m2 = await booted();
    assert.match(fault(m2, 14, STACK_GUARD), /\*\*\* KERNEL PANIC \*\*\* kernel stack overflow: page fault \(#PF\), vector 14/);
  });

  it("keeps the plain dump for faults beside the guard page and for other exceptions", async () => {
    for (const [vector, cr2] of [[14, STACK_GUARD - 8], [14, STACK_GUARD + 0x1000], [8, 0], [13, STACK_GUARD]]) {
      const m = await booted();
      const log = fault(m, vector, cr2);
      assert.match(log, /\*\*\* KERNEL PANIC \*\*\* /);
      assert.doesNotMatch(log, /stack overflow/, `vector ${vector}, cr2 0x${cr2.toString(16)}`);
    }
  });

  it("fault=stack ends in the overflow panic the machine's double fault gives", async () => {
    const m = await booted("fault=stack");
    assert.match(m.serial, /triggering a deliberate fault: stack/);
    assert.match(m.serial, /\*\*\* KERNEL PANIC \*\*\* kernel stack overflow: double fault \(#DF\), vector 8, error code 0x0/);
    assert.match(m.serial, /cr2 0x00000000003feff8/);
  });
});
