// The console's and the keyboard driver's pure logic, compiled on its own
// for Node (see logic.test.ts): scancodes to events, serial bytes to keys,
// the line editor, and the terminal's cells.
import { Keymap } from "../../modules/ps2-keyboard/keymap";
import { Key, keyFromKeyboard, SerialDecoder } from "../../modules/console/keys";
import { LineEditor } from "../../modules/console/line-editor";
import { Terminal } from "../../modules/console/terminal";

/** Each event as key/pressed/modifiers/text, separated by newlines. */
export function scancodes(bytes: Uint8Array): string {
  const keymap = new Keymap();
  const events: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const e = keymap.scancode(bytes[i]);
    if (e !== null) events.push(e.key.toString(16) + "/" + (e.pressed ? "1" : "0") + "/" + e.modifiers.toString() + "/" + e.text);
  }
  return events.join("\n");
}

function rows(terminal: Terminal): string {
  const lines: string[] = [];
  for (let r: u32 = 0; r < terminal.rows; r++) {
    let line = "";
    for (let c: u32 = 0; c < terminal.columns; c++) line += String.fromCodePoint(terminal.chars[<i32>(r * terminal.columns + c)]);
    lines.push(line.trimEnd());
  }
  return lines.join("\n");
}

/** Types `typed` (serial bytes) into readLine sessions on a columns x rows terminal; the lines read, then the screen. */
export function session(typed: Uint8Array, columns: u32, rows_: u32): string {
  const terminal = new Terminal(columns, rows_);
  const editor = new LineEditor();
  const serial = new SerialDecoder();
  const lines: string[] = [];
  terminal.write(editor.begin("> "));
  for (let i = 0; i < typed.length; i++) {
    const key = serial.byte(typed[i]);
    if (key === null) continue;
    terminal.write(editor.key(key));
    if (!editor.finished) continue;
    lines.push(editor.line);
    terminal.write(editor.begin("> "));
  }
  return lines.join("|") + "\n" + rows(terminal);
}

/** What the terminal shows after `text` is written to it. */
export function render(text: string, columns: u32, rows_: u32): string {
  const terminal = new Terminal(columns, rows_);
  terminal.write(text);
  return rows(terminal) + "\n@" + terminal.row.toString() + "," + terminal.column.toString();
}

/** The colours byte of a cell after `text`. */
export function colourAt(text: string, column: u32): u8 {
  const terminal = new Terminal(20, 2);
  terminal.write(text);
  return terminal.colours[<i32>column];
}

/** readKey's text for keyboard events: the arrows become escapes. */
export function typedFor(key: u16, text: string): string {
  const k: Key | null = keyFromKeyboard(key, true, text);
  return k === null ? "(none)" : k.typed;
}
