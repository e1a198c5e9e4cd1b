// The console: owns the screen after boot and serves the `console`
// interface. Output goes to the screen (when the kernel has one to hand
// over) and to the serial port; input comes from the keyboard driver and
// the serial port alike. Readers (readLine, readKey) are served one at a
// time in the order they asked; keys typed while nobody reads wait.
import { Answer, call, Message, nextEvent, request, sameInterface } from "../../interfaces/as/atoll";
import * as consoleInterface from "../../interfaces/as/generated/console";
import * as displayInterface from "../../interfaces/as/generated/display";
import * as keyboard from "../../interfaces/as/generated/keyboard";
import * as kernelLog from "../../interfaces/as/generated/kernel-log";
import * as registry from "../../interfaces/as/generated/registry";
import * as log from "../../interfaces/as/log";
import { Display, openDisplay } from "./display";
import { Key, keyFromKeyboard, SerialDecoder } from "./keys";
import { LineEditor } from "./line-editor";
import { openSerial, readSerial, SERIAL_IRQ } from "./serial";
import { Terminal } from "./terminal";

// The size a serial terminal is assumed to have when there is no screen.
const SERIAL_COLUMNS: u32 = 80;
const SERIAL_ROWS: u32 = 25;
const MAX_QUEUED_KEYS = 256;
const MAX_READERS = 32;
// Characters sent to the serial port per kernel-log.print message.
const MAX_PRINT = 4096;

let display: Display | null = null;
let terminal = new Terminal(SERIAL_COLUMNS, SERIAL_ROWS);
const editor = new LineEditor();
const serialInput = new SerialDecoder();
const readers: Message[] = [];
/** console.interrupt requests, answered at the next Control-C typed outside readLine. */
const watchers: Message[] = [];
const typedAhead: Key[] = [];
let keyboardRequest: i64 = 0;

function output(text: string): void {
  if (text.length == 0) return;
  // A serial terminal moves down on LF but goes back to the margin only on CR.
  const serial = text.replaceAll("\n", "\r\n");
  for (let at = 0; at < serial.length; at += MAX_PRINT) {
    call(kernelLog.INTERFACE, kernelLog.encodePrint(serial.substring(at, at + MAX_PRINT)));
  }
  terminal.write(text);
}

function isReadLine(m: Message): bool {
  return m.payload.length > 0 && m.payload[0] == consoleInterface.READ_LINE;
}

/** Makes the first reader current: a line reader's prompt is shown and typed-ahead keys go to it. */
function startReader(): void {
  if (readers.length == 0) return;
  const m = readers[0];
  if (isReadLine(m)) {
    const decoded = consoleInterface.decodeReadLine(m.payload);
    output(editor.begin(decoded === null ? "" : decoded.prompt));
  }
  while (typedAhead.length > 0 && readers.length > 0 && readers[0] === m) input(typedAhead.shift());
}

function isInterrupt(key: Key): bool {
  return key.text == "\x03" && watchers.length > 0 && (readers.length == 0 || !isReadLine(readers[0]));
}

function input(key: Key): void {
  if (isInterrupt(key)) {
    while (watchers.length > 0) watchers.shift().answer(consoleInterface.encodeInterruptAnswer());
    return;
  }
  if (readers.length == 0) {
    if (typedAhead.length < MAX_QUEUED_KEYS) typedAhead.push(key);
    return;
  }
  const m = readers[0];
  if (!isReadLine(m)) {
    m.answer(consoleInterface.encodeReadKeyAnswer(key.typed));
  } else {
    output(editor.key(key));
    if (!editor.finished) return;
    m.answer(consoleInterface.encodeReadLineAnswer(editor.line));
  }
  readers.shift();
  startReader();
}

function serve(m: Message): void {
  const p = m.payload;
  const ordinal = p.length > 0 ? p[0] : 0xff;
  if (!sameInterface(m.iface, consoleInterface.INTERFACE)) {
    if (m.needsAnswer) m.fail("the console handles only the console interface");
  } else if (ordinal == consoleInterface.WRITE) {
    const decoded = consoleInterface.decodeWrite(p);
    if (decoded === null) m.fail("malformed console write");
    else {
      output(decoded.text);
      m.answer(consoleInterface.encodeWriteAnswer());
    }
  } else if (ordinal == consoleInterface.SIZE && consoleInterface.decodeSize(p) !== null) {
    m.answer(consoleInterface.encodeSizeAnswer(terminal.columns, terminal.rows));
  } else if (ordinal == consoleInterface.INTERRUPT && consoleInterface.decodeInterrupt(p) !== null && m.needsAnswer) {
    if (watchers.length >= MAX_READERS) m.fail("too many processes are waiting for Control-C");
    else watchers.push(m);
  } else if (!m.needsAnswer || (consoleInterface.decodeReadLine(p) === null && consoleInterface.decodeReadKey(p) === null)) {
    if (m.needsAnswer) m.fail("malformed console message");
  } else if (readers.length >= MAX_READERS) {
    m.fail("too many processes are waiting for input");
  } else {
    readers.push(m);
    if (readers.length == 1) startReader();
  }
}

function dropSender(list: Message[], pid: u64): void {
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i].sender == pid) list.splice(i, 1);
  }
}

// A reader that ended waits no more; if it was reading a line, the line is abandoned.
function forget(pid: u64): void {
  dropSender(watchers, pid);
  const current = readers.length > 0 ? readers[0] : null;
  dropSender(readers, pid);
  if (current !== null && current.sender == pid) {
    if (isReadLine(current)) output("\n");
    startReader();
  }
}

function askKeyboard(): void {
  keyboardRequest = request(keyboard.INTERFACE, keyboard.encodeNext());
}

// When the driver goes away or talks nonsense, the serial port still works.
function keyboardStopped(reason: string): void {
  log.warn("console: keyboard input stopped: " + reason);
  keyboardRequest = 0;
}

function keyboardAnswered(answer: Answer): void {
  if (answer.isError) {
    keyboardStopped(answer.error);
    return;
  }
  const event = keyboard.decodeNextAnswer(answer.payload);
  if (event === null) {
    keyboardStopped("malformed keyboard event");
    return;
  }
  const key = keyFromKeyboard(event.key, event.pressed, event.text);
  if (key !== null) input(key);
  askKeyboard();
}

function serialInterrupt(): void {
  const bytes = readSerial();
  for (let i = 0; i < bytes.length; i++) {
    const key = serialInput.byte(bytes[i]);
    if (key !== null) input(key);
  }
}

/** Takes the screen when the kernel has one and lets us; shows the kernel's recent log on it. */
function takeScreen(): void {
  const info = call(displayInterface.INTERFACE, displayInterface.encodeInfo());
  if (info.isError) return;
  const decoded = displayInterface.decodeInfoAnswer(info.payload);
  if (decoded === null) return;
  const opened = openDisplay(decoded);
  if (opened === null) return;
  const taken = call(displayInterface.INTERFACE, displayInterface.encodeTakeOver());
  if (taken.isError) {
    log.warn("console: cannot take the screen: " + taken.error);
    return;
  }
  display = opened;
  terminal = new Terminal(opened.columns, opened.rows);
  const recent = call(kernelLog.INTERFACE, kernelLog.encodeRecent(1, opened.rows - 1));
  if (recent.isError) return;
  const lines = kernelLog.decodeRecentAnswer(recent.payload);
  if (lines === null) return;
  for (let i = 0; i < lines.lines.length; i++) terminal.write(lines.lines[i] + "\n");
}

function redraw(): void {
  const d = display;
  if (d !== null && !d.flush(terminal, readers.length > 0)) {
    log.warn("console: the screen refused a write; going on with the serial port only");
    display = null;
  }
}

export function _start(): void {
  const registered = call(registry.INTERFACE, registry.encodeRegister(consoleInterface.INTERFACE));
  if (registered.isError) {
    log.error("console: cannot handle console: " + registered.error);
    return;
  }
  takeScreen();
  const serial = openSerial();
  if (serial.length > 0) log.warn("console: no serial input: " + serial);
  askKeyboard();
  redraw();
  for (;;) {
    const event = nextEvent(keyboardRequest > 0 ? [<u64>keyboardRequest] : []);
    const answer = event.answer;
    const m = event.message;
    if (answer !== null) keyboardAnswered(answer);
    else if (m !== null) serve(m);
    else if (event.irq == SERIAL_IRQ) serialInterrupt();
    else if (event.destroyedPid != 0) forget(event.destroyedPid);
    redraw();
  }
}
