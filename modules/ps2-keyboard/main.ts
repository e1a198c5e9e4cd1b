// The PS/2 keyboard driver: claims the i8042's ports, takes IRQ 1, and turns
// scancode set 1 (what the controller's translation gives) into key events
// with modifiers and US-layout text, served on the `keyboard` interface.
// Each keyboard.next() is answered with the next event; events that arrive
// while nobody asks wait in a bounded queue.
import { call, Message, nextEvent, sameInterface } from "../../interfaces/as/atoll";
import * as keyboard from "../../interfaces/as/generated/keyboard";
import * as registry from "../../interfaces/as/generated/registry";
import { claimPorts, readPort, subscribeIrq } from "../../interfaces/as/hardware";
import * as log from "../../interfaces/as/log";
import { KeyEvent, Keymap } from "./keymap";

const DATA: u32 = 0x60;
const STATUS: u32 = 0x64;
const OUTPUT_FULL: u32 = 1;
// A missing controller reads all ones; a real one never has every status bit set.
const ABSENT: u32 = 0xff;
// Bytes taken per interrupt at most, so a stuck controller cannot hold the driver.
const MAX_DRAIN = 32;
// Events kept for a slow reader; older ones go first when it is full.
const MAX_QUEUED = 64;

const keymap = new Keymap();
const events: KeyEvent[] = [];
const readers: Message[] = [];

// Logs a refusal; true when there was none.
function granted(refusal: string): bool {
  if (refusal.length > 0) log.error("ps2-keyboard: " + refusal);
  return refusal.length == 0;
}

function deliver(event: KeyEvent): void {
  if (readers.length > 0) {
    readers.shift().answer(keyboard.encodeNextAnswer(event.key, event.pressed, event.modifiers, event.text));
    return;
  }
  if (events.length == MAX_QUEUED) events.shift();
  events.push(event);
}

function drain(): void {
  for (let i = 0; i < MAX_DRAIN && readPort(STATUS) & OUTPUT_FULL; i++) {
    const event = keymap.scancode(readPort(DATA));
    if (event !== null) deliver(event);
  }
}

function serve(m: Message): void {
  if (!sameInterface(m.iface, keyboard.INTERFACE)) {
    if (m.needsAnswer) m.fail("ps2-keyboard handles only the keyboard interface");
  } else if (keyboard.decodeNext(m.payload) === null || !m.needsAnswer) {
    if (m.needsAnswer) m.fail("malformed keyboard message");
  } else if (events.length > 0) {
    const event = events.shift();
    m.answer(keyboard.encodeNextAnswer(event.key, event.pressed, event.modifiers, event.text));
  } else readers.push(m);
}

// A reader that ended no longer waits for keys.
function forget(pid: u64): void {
  for (let i = readers.length - 1; i >= 0; i--) {
    if (readers[i].sender == pid) readers.splice(i, 1);
  }
}

export function _start(): void {
  if (!granted(claimPorts(DATA, 1)) || !granted(claimPorts(STATUS, 1))) return;
  if (readPort(STATUS) == ABSENT) {
    log.warn("ps2-keyboard: no i8042 controller answers");
    return;
  }
  if (!granted(subscribeIrq(1))) return;
  if (!granted(call(registry.INTERFACE, registry.encodeRegister(keyboard.INTERFACE)).error)) return;
  drain();
  log.info("ps2-keyboard: ready");
  for (;;) {
    const event = nextEvent();
    const m = event.message;
    if (m !== null) serve(m);
    else if (event.irq == 1) drain();
    else if (event.destroyedPid != 0) forget(event.destroyedPid);
  }
}
