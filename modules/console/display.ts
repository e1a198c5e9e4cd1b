// Draws the terminal's changed rows on the screen the kernel handed over:
// VGA text cells or framebuffer pixels, written into the screen's memory
// with hardware.memoryWrite; rows that only scrolled are moved in place
// with hardware.memoryCopy. The cursor is the cell drawn with its colours
// swapped.
import { call } from "../../interfaces/as/atoll";
import * as displayInterface from "../../interfaces/as/generated/display";
import * as hardware from "../../interfaces/as/generated/hardware";
// The same palette, PSF parser, font and pixel packing the kernel's own
// console uses, so the screen looks the same before and after the handover.
import { colourRgb } from "../../kernel/console/colour";
import { Font, parseFont } from "../../kernel/console/font";
import { FONT_PSF, FONT_PSF_LENGTH } from "../../kernel/console/font-data.generated";
import { PixelFormat } from "../../kernel/console/pixel-format";
import { Terminal } from "./terminal";

export const KIND_NONE: u8 = 0;
export const KIND_TEXT: u8 = 1;
export const KIND_FRAMEBUFFER: u8 = 2;
// memoryWrite carries at most 64 KiB with its header; rows go in pieces below that.
const MAX_WRITE: u32 = 60 << 10;

function writeMemory(physical: u64, data: Uint8Array): bool {
  for (let at: u32 = 0; at < <u32>data.length; at += MAX_WRITE) {
    const piece = data.subarray(<i32>at, <i32>min(at + MAX_WRITE, <u32>data.length));
    if (call(hardware.INTERFACE, hardware.encodeMemoryWrite(physical + at, piece)).isError) return false;
  }
  return true;
}

function codePage437(c: u32): u8 {
  return c >= 0x20 && c < 0x7f ? <u8>c : 0x3f;
}

export abstract class Display {
  private lastCursorRow: u32 = 0;

  constructor(public columns: u32, public rows: u32, protected physical: u64, protected rowBytes: u64) {}

  /** Moves the rows up by `lines` on the screen itself; false when the kernel refused. */
  private move(lines: u32): bool {
    const copy = hardware.encodeMemoryCopy(this.physical, this.physical + lines * this.rowBytes, (this.rows - lines) * this.rowBytes);
    return !call(hardware.INTERFACE, copy).isError;
  }

  /** Redraws the dirty rows and the cursor's row; false when the screen refused a write. */
  flush(terminal: Terminal, cursorShown: bool): bool {
    const scrolled = terminal.takeScrolled();
    if (scrolled > 0 && scrolled < this.rows && !this.move(scrolled)) return false;
    // The cursor drawn last time moved up with its row.
    const staleCursor = this.lastCursorRow >= scrolled ? this.lastCursorRow - scrolled : this.rows;
    const cursorRow = terminal.row;
    const cursorColumn = min(terminal.column, terminal.columns - 1);
    for (let r: u32 = 0; r < terminal.rows; r++) {
      if (!terminal.dirty[r] && r != cursorRow && r != staleCursor) continue;
      const cursor = cursorShown && r == cursorRow ? <i32>cursorColumn : -1;
      if (!this.drawRow(terminal, r, cursor)) return false;
      terminal.dirty[r] = false;
    }
    this.lastCursorRow = cursorRow;
    return true;
  }

  protected abstract drawRow(terminal: Terminal, row: u32, cursorColumn: i32): bool;
}

/** Cell colours, swapped on the cursor's cell. */
function cellColours(terminal: Terminal, at: i32, isCursor: bool): u8 {
  const colours = terminal.colours[at];
  return isCursor ? (colours << 4) | (colours >> 4) : colours;
}

class TextDisplay extends Display {
  private line: Uint8Array;

  constructor(physical: u64, columns: u32, rows: u32) {
    super(columns, rows, physical, <u64>columns * 2);
    this.line = new Uint8Array(<i32>columns * 2);
  }

  protected drawRow(terminal: Terminal, row: u32, cursorColumn: i32): bool {
    for (let c: u32 = 0; c < this.columns; c++) {
      const at = <i32>(row * terminal.columns + c);
      this.line[c * 2] = codePage437(terminal.chars[at]);
      this.line[c * 2 + 1] = cellColours(terminal, at, <i32>c == cursorColumn);
    }
    return writeMemory(this.physical + <u64>row * this.rowBytes, this.line);
  }
}

class FramebufferDisplay extends Display {
  private pixels: Uint8Array;
  private bytesPerPixel: u32;
  private palette: StaticArray<u32> = new StaticArray<u32>(16);
  private pairs: StaticArray<u64> = new StaticArray<u64>(4);

  constructor(physical: u64, private pitch: u32, width: u32, height: u32, format: PixelFormat, private font: Font) {
    super(width / font.width, height / font.height, physical, <u64>pitch * font.height);
    this.pixels = new Uint8Array(<i32>(pitch * font.height));
    this.bytesPerPixel = (format.bitsPerPixel + 7) >> 3;
    for (let i = 0; i < 16; i++) this.palette[i] = format.encode(colourRgb(i));
  }

  protected drawRow(terminal: Terminal, row: u32, cursorColumn: i32): bool {
    for (let c: u32 = 0; c < this.columns; c++) {
      const at = <i32>(row * terminal.columns + c);
      this.drawGlyph(c, terminal.chars[at], cellColours(terminal, at, <i32>c == cursorColumn));
    }
    return writeMemory(this.physical + <u64>row * this.rowBytes, this.pixels);
  }

  private drawGlyph(column: u32, c: u32, colours: u8): void {
    const font = this.font;
    const glyph = font.glyph(c);
    const ink = this.palette[colours & 15];
    const paper = this.palette[colours >> 4];
    const start = this.pixels.dataStart + <usize>column * font.width * this.bytesPerPixel;
    if (this.bytesPerPixel == 4 && font.width == 8) this.drawNarrow32(start, glyph, ink, paper);
    else this.drawAny(start, glyph, ink, paper);
  }

  // The common case (8-pixel glyphs, 32-bit pixels) two pixels to a store:
  // each pair of glyph bits picks one of four ink/paper pairs.
  private drawNarrow32(start: usize, glyph: usize, ink: u32, paper: u32): void {
    const pairs = this.pairs;
    unchecked((pairs[0] = (<u64>paper << 32) | paper));
    unchecked((pairs[1] = (<u64>ink << 32) | paper));
    unchecked((pairs[2] = (<u64>paper << 32) | ink));
    unchecked((pairs[3] = (<u64>ink << 32) | ink));
    let at = start;
    for (let y: u32 = 0; y < this.font.height; y++) {
      const bits = <u32>load<u8>(glyph + y);
      store<u64>(at, unchecked(pairs[bits >> 6]));
      store<u64>(at, unchecked(pairs[(bits >> 4) & 3]), 8);
      store<u64>(at, unchecked(pairs[(bits >> 2) & 3]), 16);
      store<u64>(at, unchecked(pairs[bits & 3]), 24);
      at += this.pitch;
    }
  }

  private drawAny(start: usize, glyph: usize, ink: u32, paper: u32): void {
    const font = this.font;
    const bpp = this.bytesPerPixel;
    let rowStart = start;
    for (let y: u32 = 0; y < font.height; y++) {
      const bits = glyph + <usize>y * font.bytesPerRow;
      for (let x: u32 = 0; x < font.width; x++) {
        const on = (<u32>load<u8>(bits + (x >> 3)) >> (7 - (x & 7))) & 1;
        const pixel = on ? ink : paper;
        const at = rowStart + <usize>x * bpp;
        for (let i: u32 = 0; i < bpp; i++) store<u8>(at + i, <u8>(pixel >> (i * 8)));
      }
      rowStart += this.pitch;
    }
  }

}

/** The display the kernel describes, or null when there is none or it cannot be drawn on. */
export function openDisplay(info: displayInterface.InfoAnswer): Display | null {
  if (info.kind == KIND_TEXT) return new TextDisplay(info.physical, info.width, info.height);
  if (info.kind != KIND_FRAMEBUFFER) return null;
  const font = parseFont(FONT_PSF, FONT_PSF_LENGTH);
  if (font === null) return null;
  const format = new PixelFormat(
    info.bitsPerPixel, info.redShift, info.redSize, info.greenShift, info.greenSize, info.blueShift, info.blueSize,
  );
  return new FramebufferDisplay(info.physical, info.pitch, info.width, info.height, format, font);
}
