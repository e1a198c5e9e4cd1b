// COM1, the console every log line reaches first: it needs no setup from
// the boot loader and QEMU connects it to the terminal or a log file.
import { inb, outb } from "../arch/hw";

const COM1: u32 = 0x3f8;
const LINE_STATUS: u32 = COM1 + 5;
const TRANSMIT_EMPTY: u32 = 0x20;
// Bounded wait, so a missing or stuck UART cannot hang the kernel.
const MAX_SPINS = 100_000;

let present = false;
// Whether the last byte sent ended a line: a console module's prompt may not have.
let atLineStart = true;

/** Moves to a new line unless the last byte sent ended one, so a log line never starts mid-line. */
export function serialStartLine(): void {
  if (!atLineStart) serialWriteCodePoint(0x0a);
}

/** Programs 115200 baud 8N1 with FIFOs, after checking a UART answers. */
export function initSerial(): void {
  outb(COM1 + 7, 0xa5); // scratch register: absent hardware reads back 0xff
  if (inb(COM1 + 7) != 0xa5) return;
  outb(COM1 + 1, 0x00); // no interrupts
  outb(COM1 + 3, 0x80); // divisor latch
  outb(COM1 + 0, 0x01); // 115200 baud
  outb(COM1 + 1, 0x00);
  outb(COM1 + 3, 0x03); // 8 bits, no parity, one stop bit
  outb(COM1 + 2, 0xc7); // FIFOs on, cleared, 14-byte threshold
  outb(COM1 + 4, 0x03); // DTR, RTS
  present = true;
}

export function serialWriteByte(byte: u32): void {
  if (!present) return;
  for (let spins = 0; spins < MAX_SPINS; spins++) {
    if (inb(LINE_STATUS) & TRANSMIT_EMPTY) break;
  }
  outb(COM1, byte);
  atLineStart = byte == 0x0a;
}

/** Writes one Unicode code point as UTF-8, turning "\n" into CR LF. */
export function serialWriteCodePoint(c: u32): void {
  if (c == 0x0a) {
    serialWriteByte(0x0d);
    serialWriteByte(0x0a);
  } else if (c < 0x80) {
    serialWriteByte(c);
  } else if (c < 0x800) {
    serialWriteByte(0xc0 | (c >> 6));
    serialWriteByte(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    serialWriteByte(0xe0 | (c >> 12));
    serialWriteByte(0x80 | ((c >> 6) & 0x3f));
    serialWriteByte(0x80 | (c & 0x3f));
  } else {
    serialWriteByte(0xf0 | (c >> 18));
    serialWriteByte(0x80 | ((c >> 12) & 0x3f));
    serialWriteByte(0x80 | ((c >> 6) & 0x3f));
    serialWriteByte(0x80 | (c & 0x3f));
  }
}
