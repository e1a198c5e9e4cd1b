// How a framebuffer pixel holds red, green and blue: shared by the kernel's
// framebuffer console and the console module, which draws the same way.

/** Where each colour channel sits in a pixel, from the multiboot2 tag. */
export class PixelFormat {
  constructor(
    public bitsPerPixel: u32,
    public redShift: u32,
    public redBits: u32,
    public greenShift: u32,
    public greenBits: u32,
    public blueShift: u32,
    public blueBits: u32,
  ) {}

  encode(rgb: u32): u32 {
    return (
      channel(rgb >> 16, this.redBits, this.redShift) |
      channel(rgb >> 8, this.greenBits, this.greenShift) |
      channel(rgb, this.blueBits, this.blueShift)
    );
  }
}

function channel(value: u32, bits: u32, shift: u32): u32 {
  return bits == 0 ? 0 : (((value & 0xff) >> (8 - min(bits, 8))) << shift);
}
