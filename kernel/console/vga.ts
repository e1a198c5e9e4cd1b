// VGA text mode: 16-bit cells (character, attribute) in memory at 0xB8000,
// the display GRUB leaves us under BIOS.
import { outb, physMove, poke16 } from "../arch/hw";
import { Colour } from "./colour";
import { Screen } from "./screen";

export class VgaTextScreen extends Screen {
  constructor(private base: u64, columns: u32, rows: u32, private pitch: u32) {
    super(columns, rows);
    // The blinking cursor GRUB leaves behind would sit on a random cell;
    // CRTC register 0x0A bit 5 turns it off.
    outb(0x3d4, 0x0a);
    outb(0x3d5, 0x20);
  }

  drawCell(column: u32, row: u32, c: u32, foreground: Colour): void {
    poke16(this.cellAddress(column, row), (<u32>foreground << 8) | codePage437(c));
  }

  scrollUp(): void {
    physMove(this.base, this.base + this.pitch, <u64>this.pitch * (this.rows - 1));
  }

  clearRow(row: u32): void {
    // Blank cells keep a light grey attribute so the hardware cursor shows.
    for (let column: u32 = 0; column < this.columns; column++) {
      poke16(this.cellAddress(column, row), (<u32>Colour.LightGrey << 8) | 0x20);
    }
  }

  private cellAddress(column: u32, row: u32): u64 {
    return this.base + <u64>row * this.pitch + <u64>column * 2;
  }
}

/** The VGA font is code page 437: ASCII maps to itself, the rest to '?'. */
function codePage437(c: u32): u32 {
  return c >= 0x20 && c < 0x7f ? c : 0x3f;
}
