// Where console text goes: COM1 always, and the screen once one is set up.
// Nothing here allocates, so the panic path can use it with a broken heap.
import { Colour } from "./colour";
import { Screen } from "./screen";
import { serialStartLine, serialWriteCodePoint } from "./serial";

let screen: Screen | null = null;
/** The screen while a process owns it (display.takeOver): not drawn on. */
let lent: Screen | null = null;

export function attachScreen(s: Screen): void {
  s.clear();
  screen = s;
}

/** Stops drawing on the screen (text goes on to COM1) until resumeScreen. */
export function lendScreen(): void {
  if (screen === null) return;
  lent = screen;
  screen = null;
}

/** Draws on the screen again, from a cleared one: the owner left it in any state. */
export function resumeScreen(): void {
  const s = lent;
  lent = null;
  if (s !== null) attachScreen(s);
}

export function setColour(colour: Colour): void {
  const s = screen;
  if (s) s.foreground = colour;
}

/** Ends the serial port's current line if something (a console module's prompt) left it open. */
export function startLine(): void {
  serialStartLine();
}

export function writeCodePoint(c: u32): void {
  serialWriteCodePoint(c);
  const s = screen;
  if (s) s.putCodePoint(c);
}

export function write(text: string): void {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = <u32>text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      const low = <u32>text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    writeCodePoint(c);
  }
}

const DIGITS = "0123456789abcdef";

/** Writes `value` in base 16 with at least `width` digits. */
export function writeHex(value: u64, width: i32 = 1): void {
  let digits = 1;
  while (digits < 16 && value >> (<u64>digits * 4) != 0) digits++;
  for (let i = digits; i < width; i++) writeCodePoint(0x30);
  for (let i = digits - 1; i >= 0; i--) writeCodePoint(DIGITS.charCodeAt(<i32>((value >> (<u64>i * 4)) & 0xf)));
}

/** Writes `value` in base 10, padded with spaces to `width` characters. */
export function writeDecimal(value: u64, width: i32 = 1, pad: u32 = 0x20): void {
  let digits = 1;
  let scale: u64 = 1;
  while (value / scale >= 10) {
    scale *= 10;
    digits++;
  }
  for (let i = digits; i < width; i++) writeCodePoint(pad);
  for (; scale > 0; scale /= 10) writeCodePoint(0x30 + <u32>((value / scale) % 10));
}
