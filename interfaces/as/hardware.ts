// Port I/O for driver modules through the `hardware` interface: each access
// is one message to the kernel, so drivers read status first and move data
// in bounded loops.
import { call } from "./atoll";
import * as hardware from "./generated/hardware";

/** Claims ports [first, first + count); the kernel's refusal, or "" when granted. */
export function claimPorts(first: u32, count: u32): string {
  return call(hardware.INTERFACE, hardware.encodeClaimPorts(first, count)).error;
}

/** The byte at a claimed port; 0 when the kernel refuses. */
export function readPort(address: u32): u32 {
  const answer = call(hardware.INTERFACE, hardware.encodePortRead(address, 1));
  if (answer.isError) return 0;
  const decoded = hardware.decodePortReadAnswer(answer.payload);
  return decoded === null ? 0 : decoded.value;
}

/** Writes a byte to a claimed port; false when the kernel refuses. */
export function writePort(address: u32, value: u32): bool {
  return !call(hardware.INTERFACE, hardware.encodePortWrite(address, 1, value)).isError;
}

/** Delivers ISA interrupt `irq` to this module as events; the refusal, or "". */
export function subscribeIrq(irq: u32): string {
  return call(hardware.INTERFACE, hardware.encodeSubscribeIrq(irq)).error;
}
