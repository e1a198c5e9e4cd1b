// The screen's contents as a grid of cells, written to like a small
// terminal: text wraps and scrolls, and a few ANSI escapes (ESC[2J clear,
// ESC[H / ESC[<r>;<c>H move, ESC[K erase to the end of the line, ESC[<n>C/D
// forward/back, ESC[<n>m colours) are understood. Rows that changed, and
// how far the contents scrolled, are remembered so the display moves what
// it already shows and redraws only the rest.

const ESC: i32 = 0x1b;
const DEFAULT_FOREGROUND: u8 = 7;
const DEFAULT_BACKGROUND: u8 = 0;
// ANSI colour order (black red green yellow blue magenta cyan white) in the VGA palette.
const ANSI_TO_VGA: StaticArray<u8> = [0, 4, 2, 6, 1, 5, 3, 7];

const enum Parse {
  Text,
  Escape,
  Csi,
}

export class Terminal {
  /** Per cell: the code point, and the colours as background << 4 | foreground. */
  chars: StaticArray<u32>;
  colours: StaticArray<u8>;
  dirty: StaticArray<bool>;
  column: u32 = 0;
  row: u32 = 0;
  /** Lines scrolled since the display last looked (takeScrolled). */
  private scrolled: u32 = 0;
  private colour: u8 = (DEFAULT_BACKGROUND << 4) | DEFAULT_FOREGROUND;
  private parse: Parse = Parse.Text;
  private parameters: string = "";

  constructor(public columns: u32, public rows: u32) {
    this.chars = new StaticArray<u32>(<i32>(columns * rows));
    this.colours = new StaticArray<u8>(<i32>(columns * rows));
    this.dirty = new StaticArray<bool>(<i32>rows);
    this.clear();
  }

  write(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.codePointAt(i);
      if (c > 0xffff) i++;
      this.put(c);
    }
  }

  clear(): void {
    for (let r: u32 = 0; r < this.rows; r++) this.eraseRow(r, 0);
    this.column = 0;
    this.row = 0;
    this.scrolled = 0;
  }

  /** How many lines the contents moved up since the last call; every row is dirty when it is all of them. */
  takeScrolled(): u32 {
    const lines = this.scrolled;
    this.scrolled = 0;
    return lines;
  }

  private put(c: i32): void {
    if (this.parse == Parse.Escape) {
      this.parse = c == 0x5b ? Parse.Csi : Parse.Text;
      this.parameters = "";
    } else if (this.parse == Parse.Csi) {
      if ((c >= 0x30 && c <= 0x39) || c == 0x3b) this.parameters += String.fromCharCode(c);
      else {
        this.parse = Parse.Text;
        this.control(c);
      }
    } else if (c == ESC) this.parse = Parse.Escape;
    else if (c == 0x0a) this.newLine();
    else if (c == 0x0d) this.column = 0;
    else if (c == 0x08) {
      if (this.column > 0) this.column--;
    } else if (c == 0x09) {
      do this.put(0x20);
      while (this.column % 8 != 0);
    } else if (c >= 0x20) this.printable(<u32>c);
  }

  private printable(c: u32): void {
    if (this.column >= this.columns) this.newLine();
    const at = <i32>(this.row * this.columns + this.column);
    this.chars[at] = c;
    this.colours[at] = this.colour;
    this.dirty[this.row] = true;
    this.column++;
  }

  private newLine(): void {
    this.column = 0;
    if (this.row + 1 < this.rows) this.row++;
    else this.scroll();
  }

  private scroll(): void {
    const columns = <i32>this.columns;
    const cells = <i32>(this.columns * (this.rows - 1));
    for (let i = 0; i < cells; i++) {
      this.chars[i] = this.chars[i + columns];
      this.colours[i] = this.colours[i + columns];
    }
    // A row's dirt moves up with it; the display moves the rows it drew.
    for (let r: u32 = 0; r + 1 < this.rows; r++) this.dirty[r] = this.dirty[r + 1];
    if (++this.scrolled >= this.rows) for (let r: u32 = 0; r < this.rows; r++) this.dirty[r] = true;
    this.eraseRow(this.rows - 1, 0);
  }

  private eraseRow(row: u32, from: u32): void {
    for (let c = from; c < this.columns; c++) {
      const at = <i32>(row * this.columns + c);
      this.chars[at] = 0x20;
      this.colours[at] = this.colour & 0xf0 | DEFAULT_FOREGROUND;
    }
    this.dirty[row] = true;
  }

  private number(index: i32, fallback: u32): u32 {
    const parts = this.parameters.split(";");
    if (index >= parts.length || parts[index].length == 0) return fallback;
    return <u32>I32.parseInt(parts[index]);
  }

  private control(final: i32): void {
    if (final == 0x4a) this.clear(); // J
    else if (final == 0x4b) this.eraseRow(this.row, this.column); // K
    else if (final == 0x48) this.moveTo(this.number(0, 1), this.number(1, 1)); // H
    else if (final == 0x43) this.column = min(this.column + this.number(0, 1), this.columns - 1); // C
    else if (final == 0x44) this.column -= min(this.column, this.number(0, 1)); // D
    else if (final == 0x6d) this.select(); // m
  }

  private moveTo(row: u32, column: u32): void {
    this.row = min(max(row, 1), this.rows) - 1;
    this.column = min(max(column, 1), this.columns) - 1;
  }

  /** SGR: 0 resets, 1 brightens, 30-37 and 40-47 pick the foreground and background. */
  private select(): void {
    const parts = this.parameters.split(";");
    for (let i = 0; i < parts.length; i++) {
      const n = parts[i].length == 0 ? 0 : I32.parseInt(parts[i]);
      if (n == 0) this.colour = (DEFAULT_BACKGROUND << 4) | DEFAULT_FOREGROUND;
      else if (n == 1) this.colour |= 8;
      else if (n >= 30 && n <= 37) this.colour = (this.colour & 0xf8) | ANSI_TO_VGA[n - 30];
      else if (n >= 40 && n <= 47) this.colour = (this.colour & 0x0f) | (ANSI_TO_VGA[n - 40] << 4);
    }
  }
}
