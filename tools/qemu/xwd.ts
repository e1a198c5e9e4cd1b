// Reads what `xwd -root` writes (X Window Dump, version 7, ZPixmap of 24
// or 32 bits per pixel, true colour): the window test grabs the X display
// QEMU's window is on with it and looks at, and keeps, what it shows.

export interface Picture {
  width: number;
  height: number;
  /** RGB, three bytes a pixel, row after row. */
  rgb: Buffer;
}

const FIELDS = ["headerSize", "version", "format", "depth", "width", "height", "xOffset", "byteOrder", "bitmapUnit", "bitOrder",
  "bitmapPad", "bitsPerPixel", "bytesPerLine", "visualClass", "redMask", "greenMask", "blueMask", "bitsPerRgb", "colormapEntries",
  "colours"] as const;
const ZPIXMAP = 2;
const COLOUR_BYTES = 12;

// The lowest set bit of a mask: where its channel starts.
function shift(mask: number): number {
  return mask === 0 ? 0 : 31 - Math.clz32(mask & -mask);
}

export function readXwd(dump: Buffer): Picture {
  const h = Object.fromEntries(FIELDS.map((name, i) => [name, dump.readUInt32BE(i * 4)])) as Record<(typeof FIELDS)[number], number>;
  if (h.version !== 7 || h.format !== ZPIXMAP || ![24, 32].includes(h.bitsPerPixel)) {
    throw new Error(`not a true-colour ZPixmap XWD (version ${h.version}, format ${h.format}, ${h.bitsPerPixel} bits a pixel)`);
  }
  const data = h.headerSize + h.colours * COLOUR_BYTES;
  const bytes = h.bitsPerPixel / 8;
  const rgb = Buffer.alloc(h.width * h.height * 3);
  const masks = [h.redMask, h.greenMask, h.blueMask];
  for (let y = 0; y < h.height; y++) {
    for (let x = 0; x < h.width; x++) {
      const at = data + y * h.bytesPerLine + x * bytes;
      const pixel = h.byteOrder === 0 ? dump.readUIntLE(at, bytes) : dump.readUIntBE(at, bytes);
      masks.forEach((mask, c) => (rgb[(y * h.width + x) * 3 + c] = ((pixel & mask) >>> shift(mask)) & 0xff));
    }
  }
  return { width: h.width, height: h.height, rgb };
}

/** The picture as a binary PPM, which tools/screenshot.ts turns into a PNG. */
export function toPpm(p: Picture): Buffer {
  return Buffer.concat([Buffer.from(`P6\n${p.width} ${p.height}\n255\n`), p.rgb]);
}

/** How many different colours the rectangle shows: 1 for a blank one. */
export function coloursIn(p: Picture, x: number, y: number, width: number, height: number): number {
  const seen = new Set<number>();
  for (let row = Math.max(0, y); row < Math.min(p.height, y + height); row++) {
    for (let col = Math.max(0, x); col < Math.min(p.width, x + width); col++) seen.add(p.rgb.readUIntBE((row * p.width + col) * 3, 3));
  }
  return seen.size;
}
