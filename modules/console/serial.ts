// Input from COM1: the console claims the UART's ports, takes IRQ 4 and
// turns on the receive interrupt. Output still goes through the kernel
// (kernel-log.print), which owns the transmitter for its own log.
import { claimPorts, readPort, subscribeIrq, writePort } from "../../interfaces/as/hardware";

export const SERIAL_IRQ: i32 = 4;
const COM1: u32 = 0x3f8;
const PORTS: u32 = 8;
const INTERRUPT_ENABLE: u32 = COM1 + 1;
const MODEM_CONTROL: u32 = COM1 + 4;
const LINE_STATUS: u32 = COM1 + 5;
const DATA_READY: u32 = 1;
const RECEIVE_INTERRUPT: u32 = 1;
// DTR, RTS, and OUT2, which on a PC connects the UART's interrupt line.
const MODEM_READY: u32 = 0x0b;
// Bytes taken per interrupt at most: more than the FIFO holds, yet bounded.
const MAX_DRAIN = 64;

/** Claims COM1 and its interrupt; the reason when that fails, else "". */
export function openSerial(): string {
  const claimed = claimPorts(COM1, PORTS);
  if (claimed.length > 0) return claimed;
  const subscribed = subscribeIrq(SERIAL_IRQ);
  if (subscribed.length > 0) return subscribed;
  if (!writePort(MODEM_CONTROL, MODEM_READY) || !writePort(INTERRUPT_ENABLE, RECEIVE_INTERRUPT)) return "cannot program the UART";
  return "";
}

/** The bytes waiting in the UART. */
export function readSerial(): u8[] {
  const bytes: u8[] = [];
  for (let i = 0; i < MAX_DRAIN && (readPort(LINE_STATUS) & DATA_READY) != 0; i++) bytes.push(<u8>readPort(COM1));
  return bytes;
}
