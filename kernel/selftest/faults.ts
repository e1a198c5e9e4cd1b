// Deliberate failures for the panic tests (command line "fault=<kind>").
import { overflowStack, peek8 } from "../arch/hw";

// Nothing is mapped this high: the boot code maps only the first 4 GiB and
// the linear memory window.
const UNMAPPED: u64 = 0x0dea_d000_0000;

function pageFault(): u32 {
  return peek8(UNMAPPED);
}

function wasmTrap(): void {
  unreachable();
}

function failedAssertion(): void {
  assert(false, "deliberate assertion failure");
}

/** Faults as asked; returns false only for an unknown kind. */
export function triggerFault(kind: string): bool {
  if (kind == "page") pageFault();
  else if (kind == "trap") wasmTrap();
  else if (kind == "abort") failedAssertion();
  // In C: wasm2c's call-depth limit traps an AssemblyScript recursion long before the stack is used up.
  else if (kind == "stack") overflowStack();
  else return false;
  return true;
}
