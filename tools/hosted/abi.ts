// The system call ABI's numbers (flags, error codes, limits) for the tools
// and tests that write programs in the Wasm text format, read from their one
// definition, kernel/ipc/abi.ts, so no test spells an error code as -1; and
// WASI's errnos from kernel/wasi/errno.ts.
import { readFileSync } from "node:fs";

const ABI_SOURCE = new URL("../../kernel/ipc/abi.ts", import.meta.url).pathname;
const WASI_ERRNO_SOURCE = new URL("../../kernel/wasi/errno.ts", import.meta.url).pathname;

function constants(source = ABI_SOURCE): Map<string, number> {
  const text = readFileSync(source, "utf8");
  const found = new Map<string, number>();
  for (const [, name, value] of text.matchAll(/^export const (\w+): \w+ = (-?\d+);/gm)) found.set(name, Number(value));
  return found;
}

const ABI = constants();

/** The value of `name` in kernel/ipc/abi.ts, e.g. abi("E_PERMISSION"). */
export function abi(name: string): number {
  const value = ABI.get(name);
  if (value === undefined) throw new Error(`kernel/ipc/abi.ts defines no numeric constant ${name}`);
  return value;
}

/** The WASI errnos the kernel gives (kernel/wasi/errno.ts), by name without the E: { badf: 8, ... }. */
export function wasiErrnos(): Record<string, number> {
  return Object.fromEntries([...constants(WASI_ERRNO_SOURCE)].map(([name, value]) => [name.slice(1).toLowerCase(), value]));
}
