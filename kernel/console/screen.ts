// A grid of character cells with a cursor, wrapping and scrolling. The two
// displays (VGA text memory, a pixel framebuffer) only say how to draw one
// cell, scroll by one row and clear a row.
import { Colour } from "./colour";

export abstract class Screen {
  column: u32 = 0;
  row: u32 = 0;
  foreground: Colour = Colour.LightGrey;

  constructor(public columns: u32, public rows: u32) {}

  abstract drawCell(column: u32, row: u32, c: u32, foreground: Colour): void;
  abstract scrollUp(): void;
  abstract clearRow(row: u32): void;

  clear(): void {
    for (let r: u32 = 0; r < this.rows; r++) this.clearRow(r);
    this.column = 0;
    this.row = 0;
  }

  putCodePoint(c: u32): void {
    if (c == 0x0a) {
      this.newLine();
      return;
    }
    if (c == 0x0d) {
      this.column = 0;
      return;
    }
    if (c == 0x09) {
      do this.putCodePoint(0x20);
      while (this.column % 8 != 0);
      return;
    }
    if (this.column >= this.columns) this.newLine();
    this.drawCell(this.column, this.row, c, this.foreground);
    this.column++;
  }

  private newLine(): void {
    this.column = 0;
    if (this.row + 1 < this.rows) {
      this.row++;
      return;
    }
    this.scrollUp();
    this.clearRow(this.rows - 1);
  }
}
