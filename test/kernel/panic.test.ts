import assert from "node:assert/strict";
import { newMachine } from "../harness/machine.ts";
import { MODULE_START, smallPc } from "../harness/boots.ts";
import { BootInfoBuilder } from "../../tools/hosted/multiboot2.ts";

const SYMBOLS = "200000 _start\n201000 Z_hwZ_peek8\n202000 w2c_kernel_main_kmain\n203000 boot_main\n";
const FRAME_AT = 0x90000;
const STACK = 0x91000;

// Boots with a symbol table module, so panics can name functions.
async function machineWithSymbols(cmdline = "", expectedEnd: "halt" | number = "halt") {
  const m = await newMachine();
  m.memory.write(MODULE_START, new Uint8Array(Buffer.from(SYMBOLS)));
  const info = new BootInfoBuilder().commandLine(cmdline).module(MODULE_START, MODULE_START + SYMBOLS.length, "symbols").memoryMap(smallPcMap()).build();
  assert.equal(m.boot(info), expectedEnd);
  m.serial = "";
  return m;
}

function smallPcMap() {
  return [{ base: 0x100000, length: 31 << 20, type: 1 }];
}

/** Lays out the frame boot/interrupts.S saves: 15 registers, vector, error, then the CPU's words. */
function writeFrame(m: Awaited<ReturnType<typeof newMachine>>, vector: number, error: number, rip: number, rbp: number): void {
  const words: bigint[] = [];
  for (let i = 0; i < 15; i++) words.push(BigInt(0x1111 * (i + 1)));
  words[6] = BigInt(rbp);
  words.push(BigInt(vector), BigInt(error), BigInt(rip), 8n, 0x202n, BigInt(STACK), 0x10n);
  words.forEach((w, i) => m.memory.writeUint(FRAME_AT + i * 8, 8, w));
}

describe("panic path (hosted)", () => {
  it("dumps a CPU exception with names, registers, CR2 and a symbolised backtrace", async () => {
    const m = await machineWithSymbols();
    m.cr2 = 0xdead0000n;
    // Two saved frames: [rbp] = next rbp, [rbp+8] = return address.
    m.memory.writeUint(STACK, 8, BigInt(STACK + 0x40));
    m.memory.writeUint(STACK + 8, 8, 0x202010n);
    m.memory.writeUint(STACK + 0x40, 8, 0n);
    m.memory.writeUint(STACK + 0x48, 8, 0x203020n);
    writeFrame(m, 14, 2, 0x201004, STACK);
    assert.equal(m.run(() => m.kernel.onException(BigInt(FRAME_AT))), "halt");
    const log = m.serial;
    assert.match(log, /\*\*\* KERNEL PANIC \*\*\* page fault \(#PF\), vector 14, error code 0x2/);
    assert.match(log, /at Z_hwZ_peek8\+0x4/);
    assert.match(log, /rax 0x0000000000001111 rbx 0x0000000000002222/);
    assert.match(log, /rip 0x0000000000201004/);
    assert.match(log, /cr2 0x00000000dead0000/);
    assert.match(log, /backtrace:\r\n {4}0x0000000000202010 w2c_kernel_main_kmain\+0x10\r\n {4}0x0000000000203020 boot_main\+0x20/);
  });

  it("stops a backtrace at a frame pointer that goes backwards", async () => {
    const m = await machineWithSymbols();
    m.memory.writeUint(STACK, 8, BigInt(STACK - 0x100));
    m.memory.writeUint(STACK + 8, 8, 0x202010n);
    writeFrame(m, 13, 0, 0x201000, STACK);
    m.run(() => m.kernel.onException(BigInt(FRAME_AT)));
    assert.match(m.serial, /general protection fault \(#GP\)/);
    assert.equal(m.serial.match(/w2c_kernel_main_kmain/g)?.length, 1);
  });

  it("names a wasm trap's function and, in test mode, exits QEMU with the panic status", async () => {
    const m = await machineWithSymbols("test", 0x10);
    assert.equal(m.run(() => m.kernel.onTrap(5, 0x202020n)), 0x12);
    assert.match(m.serial, /wasm trap: unreachable executed in w2c_kernel_main_kmain\+0x20/);
  });

  it("prints '?' for addresses when there is no symbol table", async () => {
    const m = await newMachine();
    m.boot(smallPc().build());
    m.run(() => m.kernel.onTrap(3, 0x201000n));
    assert.match(m.serial, /wasm trap: integer divide by zero in \?/);
  });

  it("reports an AssemblyScript abort with message, file and line", async () => {
    const m = await newMachine();
    assert.equal(m.boot(smallPc("fault=abort").build()), "halt");
    assert.match(m.serial, /triggering a deliberate fault: abort/);
    assert.match(m.serial, /\*\*\* KERNEL PANIC \*\*\* abort: deliberate assertion failure at kernel\/selftest\/faults\.ts:\d+:\d+/);
  });

  it("logs an unknown fault kind and carries on", async () => {
    const m = await newMachine();
    assert.equal(m.boot(smallPc("fault=gremlin").build()), "halt");
    assert.match(m.serial, /error unknown fault kind 'gremlin'/);
    assert.match(m.serial, /info  idle/);
  });
});
