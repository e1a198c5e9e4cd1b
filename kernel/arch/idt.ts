// The interrupt descriptor table: 256 16-byte gates, built in linear memory.
// Vectors 0-31 (CPU exceptions) point at the stubs in boot/interrupts.S;
// double faults switch to the IST1 stack so a blown kernel stack still
// reaches the panic dump.
import { isrStub, loadIdt } from "./hw";

const GATES = 256;
const GATE_SIZE = 16;
const KERNEL_CODE: u32 = 0x08;
const INTERRUPT_GATE: u32 = 0x8e; // present, ring 0, 64-bit interrupt gate
export const DOUBLE_FAULT: u32 = 8;
const DOUBLE_FAULT_IST: u32 = 1;

const table = memory.data(GATES * GATE_SIZE, 16);

export function setGate(vector: u32, handler: u64, ist: u32): void {
  const gate = table + <usize>vector * GATE_SIZE;
  store<u16>(gate, <u16>handler);
  store<u16>(gate, <u16>KERNEL_CODE, 2);
  store<u8>(gate, <u8>ist, 4);
  store<u8>(gate, <u8>INTERRUPT_GATE, 5);
  store<u16>(gate, <u16>(handler >> 16), 6);
  store<u32>(gate, <u32>(handler >> 32), 8);
  store<u32>(gate, 0, 12);
}

export function initIdt(): void {
  memory.fill(table, 0, GATES * GATE_SIZE);
  for (let v: u32 = 0; v < 32; v++) setGate(v, isrStub(v), v == DOUBLE_FAULT ? DOUBLE_FAULT_IST : 0);
  loadIdt(table, GATES * GATE_SIZE - 1);
}
