// Leaving QEMU with a status: the isa-debug-exit device (port 0xf4) turns a
// write of v into exit status (v << 1) | 1. Used only in test mode.
import { outl } from "./hw";

export const QEMU_EXIT_PORT: u32 = 0xf4;
/** Exit statuses 33, 35 and 37: values QEMU never returns on its own. */
export const EXIT_SUCCESS: u32 = 0x10;
export const EXIT_FAILURE: u32 = 0x11;
export const EXIT_PANIC: u32 = 0x12;

export function qemuExit(value: u32): void {
  outl(QEMU_EXIT_PORT, value);
}
