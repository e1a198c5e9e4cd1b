// PC Screen Font (PSF1 and PSF2) parsing: the bitmap font the framebuffer
// console draws with. The font bytes are embedded at build time from a
// Debian console font (see tools/gen-font.ts).

const PSF1_MAGIC: u32 = 0x0436;
const PSF1_MODE_512: u8 = 0x01;
const PSF1_MODE_TABLE: u8 = 0x02;
const PSF2_MAGIC: u32 = 0x864ab572;
const PSF2_FLAG_TABLE: u32 = 0x01;

export class Font {
  /** Glyph index for each Unicode code point the font's table lists. */
  private glyphOf: Map<u32, u32> = new Map();
  private fallback: u32 = 0;

  constructor(
    private glyphBase: usize,
    public glyphCount: u32,
    public bytesPerGlyph: u32,
    public width: u32,
    public height: u32,
  ) {}

  get bytesPerRow(): u32 {
    return (this.width + 7) >> 3;
  }

  /** Address of the bitmap for `c`: rows of bytesPerRow, MSB leftmost. */
  glyph(c: u32): usize {
    let index = this.fallback;
    if (this.glyphOf.size == 0) {
      if (c < this.glyphCount) index = c;
    } else if (this.glyphOf.has(c)) {
      index = this.glyphOf.get(c);
    }
    return this.glyphBase + <usize>index * this.bytesPerGlyph;
  }

  mapCodePoint(c: u32, index: u32): void {
    if (index < this.glyphCount && !this.glyphOf.has(c)) this.glyphOf.set(c, index);
  }

  useFallback(c: u32): void {
    if (this.glyphOf.has(c)) this.fallback = this.glyphOf.get(c);
  }
}

export let fontError = "";

/** Parses a PSF1 or PSF2 font at `data`; null (with `error` set) if malformed. */
export function parseFont(data: usize, length: u32): Font | null {
  if (length >= 4 && load<u32>(data) == PSF2_MAGIC) return parsePsf2(data, length);
  if (length >= 4 && <u32>load<u16>(data) == PSF1_MAGIC) return parsePsf1(data, length);
  fontError = "not a PSF font (bad magic)";
  return null;
}

function parsePsf1(data: usize, length: u32): Font | null {
  const mode = load<u8>(data, 2);
  const height = <u32>load<u8>(data, 3);
  const count: u32 = mode & PSF1_MODE_512 ? 512 : 256;
  if (height == 0 || <u32>4 + count * height > length) {
    fontError = "PSF1 glyphs run past the end of the font";
    return null;
  }
  const font = new Font(data + 4, count, height, 8, height);
  if (mode & PSF1_MODE_TABLE) readPsf1Table(font, data + 4 + count * height, data + length);
  font.useFallback(0x3f);
  return font;
}

// Each glyph's entry is a list of UCS-2 values ended by 0xFFFF; after 0xFFFE
// come multi-character sequences, which a cell console cannot use.
function readPsf1Table(font: Font, at: usize, end: usize): void {
  let glyph: u32 = 0;
  let inSequences = false;
  while (at + 2 <= end && glyph < font.glyphCount) {
    const value = <u32>load<u16>(at);
    at += 2;
    if (value == 0xffff) {
      glyph++;
      inSequences = false;
    } else if (value == 0xfffe) {
      inSequences = true;
    } else if (!inSequences) {
      font.mapCodePoint(value, glyph);
    }
  }
}

function parsePsf2(data: usize, length: u32): Font | null {
  if (length < 32) {
    fontError = "PSF2 header truncated";
    return null;
  }
  const headerSize = load<u32>(data, 8);
  const flags = load<u32>(data, 12);
  const count = load<u32>(data, 16);
  const bytesPerGlyph = load<u32>(data, 20);
  const height = load<u32>(data, 24);
  const width = load<u32>(data, 28);
  const glyphBytes = <u64>count * bytesPerGlyph;
  if (width == 0 || height == 0 || bytesPerGlyph < height * ((width + 7) >> 3) || <u64>headerSize + glyphBytes > length) {
    fontError = "PSF2 header describes glyphs the font does not hold";
    return null;
  }
  const font = new Font(data + headerSize, count, bytesPerGlyph, width, height);
  if (flags & PSF2_FLAG_TABLE) readPsf2Table(font, data + headerSize + <usize>glyphBytes, data + length);
  font.useFallback(0x3f);
  return font;
}

// UTF-8 code points per glyph, ended by 0xFF; 0xFE starts sequences.
function readPsf2Table(font: Font, at: usize, end: usize): void {
  let glyph: u32 = 0;
  let inSequences = false;
  while (at < end && glyph < font.glyphCount) {
    const lead = <u32>load<u8>(at);
    if (lead == 0xff) {
      glyph++;
      inSequences = false;
      at++;
      continue;
    }
    if (lead == 0xfe) {
      inSequences = true;
      at++;
      continue;
    }
    const extra: u32 = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
    if (at + extra >= end) return;
    let c: u32 = extra == 0 ? lead : lead & (0x3f >> extra);
    for (let i: u32 = 1; i <= extra; i++) c = (c << 6) | (<u32>load<u8>(at + i) & 0x3f);
    at += 1 + extra;
    if (!inSequences) font.mapCodePoint(c, glyph);
  }
}
