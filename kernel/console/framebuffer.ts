// A text console drawn on a linear framebuffer (what GRUB gives under UEFI,
// or under BIOS when a graphics mode is requested). Each cell is drawn into
// a scratch row in linear memory and copied out one pixel row at a time.
import { physFill, physMove, physWrite } from "../arch/hw";
import { Colour, colourRgb } from "./colour";
import { Font } from "./font";
import { PixelFormat } from "./pixel-format";
import { Screen } from "./screen";

export class FramebufferScreen extends Screen {
  private bytesPerPixel: u32;
  private scratch: usize;
  private background: u32;

  constructor(
    private base: u64,
    private pitch: u32,
    width: u32,
    height: u32,
    private format: PixelFormat,
    private font: Font,
  ) {
    super(width / font.width, height / font.height);
    this.bytesPerPixel = (format.bitsPerPixel + 7) >> 3;
    this.scratch = heap.alloc(<usize>font.width * this.bytesPerPixel);
    this.background = format.encode(colourRgb(Colour.Black));
  }

  drawCell(column: u32, row: u32, c: u32, foreground: Colour): void {
    const font = this.font;
    const glyph = font.glyph(c);
    const ink = this.format.encode(colourRgb(foreground));
    const rowBytes = font.width * this.bytesPerPixel;
    let address = this.base + <u64>row * font.height * this.pitch + <u64>column * rowBytes;
    for (let y: u32 = 0; y < font.height; y++) {
      const bits = glyph + <usize>y * font.bytesPerRow;
      for (let x: u32 = 0; x < font.width; x++) {
        const on = (<u32>load<u8>(bits + (x >> 3)) >> (7 - (x & 7))) & 1;
        this.storePixel(this.scratch + <usize>x * this.bytesPerPixel, on ? ink : this.background);
      }
      physWrite(address, this.scratch, rowBytes);
      address += this.pitch;
    }
  }

  scrollUp(): void {
    const rowBytes = <u64>this.font.height * this.pitch;
    physMove(this.base, this.base + rowBytes, rowBytes * (this.rows - 1));
  }

  clearRow(row: u32): void {
    const rowBytes = <u64>this.font.height * this.pitch;
    physFill(this.base + rowBytes * row, 0, rowBytes);
  }

  private storePixel(at: usize, pixel: u32): void {
    for (let i: u32 = 0; i < this.bytesPerPixel; i++) store<u8>(at + i, <u8>(pixel >> (i * 8)));
  }
}
