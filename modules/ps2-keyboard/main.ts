// The PS/2 keyboard driver: claims the i8042's ports, takes IRQ 1, turns
// scancode set 1 (what the controller's translation gives) into US-layout
// text with shift and caps lock, and logs each line when Enter is pressed.
import { call, nextEvent } from "../../interfaces/as/atoll";
import * as hardware from "../../interfaces/as/generated/hardware";
import * as log from "../../interfaces/as/log";

const DATA: u32 = 0x60;
const STATUS: u32 = 0x64;
const OUTPUT_FULL: u32 = 1;
const RELEASE: u32 = 0x80;
const LEFT_SHIFT: u32 = 0x2a;
const RIGHT_SHIFT: u32 = 0x36;
const CAPS_LOCK: u32 = 0x3a;
const ENTER: u32 = 0x1c;
const BACKSPACE: u32 = 0x0e;
// A missing controller reads all ones; a real one never has every status bit set.
const ABSENT: u32 = 0xff;
// Bytes taken per interrupt at most, so a stuck controller cannot hold the driver.
const MAX_DRAIN = 32;

// Set 1 make codes 0x00-0x39 on a US keyboard, unshifted and shifted.
const PLAIN = "\0\x1b1234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
const SHIFTED = "\0\x1b!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

let shift = false;
let capsLock = false;
let line = "";

function request(message: Uint8Array): bool {
  const answer = call(hardware.INTERFACE, message);
  if (answer.isError) log.error("ps2-keyboard: " + answer.error);
  return !answer.isError;
}

function port(address: u32): u32 {
  const answer = call(hardware.INTERFACE, hardware.encodePortRead(address, 1));
  if (answer.isError) return 0;
  const decoded = hardware.decodePortReadAnswer(answer.payload);
  return decoded === null ? 0 : decoded.value;
}

function character(code: u32): string {
  if (code >= <u32>PLAIN.length) return "";
  const letter = PLAIN.charCodeAt(<i32>code) >= 0x61 && PLAIN.charCodeAt(<i32>code) <= 0x7a;
  const upper = letter ? shift != capsLock : shift;
  const c = (upper ? SHIFTED : PLAIN).charAt(<i32>code);
  return c == "\0" ? "" : c;
}

function scancode(code: u32): void {
  const released = (code & RELEASE) != 0;
  const key = code & ~RELEASE;
  if (key == LEFT_SHIFT || key == RIGHT_SHIFT) shift = !released;
  else if (released) return;
  else if (key == CAPS_LOCK) capsLock = !capsLock;
  else if (key == ENTER) {
    log.info("ps2-keyboard: typed '" + line + "'");
    line = "";
  } else if (key == BACKSPACE) {
    if (line.length > 0) line = line.substring(0, line.length - 1);
  } else line += character(key);
}

function drain(): void {
  for (let i = 0; i < MAX_DRAIN && port(STATUS) & OUTPUT_FULL; i++) scancode(port(DATA));
}

export function _start(): void {
  if (!request(hardware.encodeClaimPorts(DATA, 1)) || !request(hardware.encodeClaimPorts(STATUS, 1))) return;
  if (port(STATUS) == ABSENT) {
    log.warn("ps2-keyboard: no i8042 controller answers");
    return;
  }
  if (!request(hardware.encodeSubscribeIrq(1))) return;
  drain();
  log.info("ps2-keyboard: ready");
  for (;;) {
    if (nextEvent().irq == 1) drain();
  }
}
