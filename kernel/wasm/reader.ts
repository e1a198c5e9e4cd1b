// A cursor over module bytes. AssemblyScript has no exceptions, so the first
// error is recorded in `error` and every later read returns zero; callers
// check `failed` at loop boundaries to stop early.

export class Reader {
  pos: usize;
  error: string | null = null;

  constructor(public base: usize, public end: usize) {
    this.pos = base;
  }

  get failed(): bool {
    return this.error !== null;
  }

  get atEnd(): bool {
    return this.pos >= this.end;
  }

  get remaining(): usize {
    return this.pos < this.end ? this.end - this.pos : 0;
  }

  /** Offset from the start of the buffer, for error messages. */
  get offset(): usize {
    return this.pos - this.base;
  }

  fail(message: string): void {
    if (this.error === null) this.error = message;
    this.pos = this.end;
  }

  u8(): u8 {
    if (this.pos >= this.end) {
      this.fail("unexpected end");
      return 0;
    }
    const b = load<u8>(this.pos);
    this.pos++;
    return b;
  }

  bytes(n: usize): usize {
    if (n > this.remaining) {
      this.fail("unexpected end");
      return this.base;
    }
    const p = this.pos;
    this.pos += n;
    return p;
  }

  u32(): u32 {
    return <u32>this.unsigned(32);
  }

  s32(): i32 {
    return <i32>this.signed(32);
  }

  s33(): i64 {
    return this.signed(33);
  }

  s64(): i64 {
    return this.signed(64);
  }

  f32bits(): u32 {
    const p = this.bytes(4);
    return this.failed ? 0 : load<u32>(p);
  }

  f64bits(): u64 {
    const p = this.bytes(8);
    return this.failed ? 0 : load<u64>(p);
  }

  /** LEB128 unsigned of at most `bits` bits: ceil(bits/7) bytes, spare bits zero. */
  private unsigned(bits: i32): u64 {
    let result: u64 = 0;
    let shift: i32 = 0;
    while (true) {
      const b = this.u8();
      if (this.failed) return 0;
      result |= (<u64>(b & 0x7f)) << shift;
      shift += 7;
      if ((b & 0x80) == 0) {
        if (shift > bits && (<i32>b >> (bits - (shift - 7))) != 0) {
          this.fail("integer too large");
          return 0;
        }
        return result;
      }
      if (shift >= bits) {
        this.fail("integer representation too long");
        return 0;
      }
    }
  }

  /** LEB128 signed of at most `bits` bits; spare bits of the last byte must repeat the sign. */
  private signed(bits: i32): i64 {
    let result: i64 = 0;
    let shift: i32 = 0;
    while (true) {
      const b = this.u8();
      if (this.failed) return 0;
      result |= (<i64>(b & 0x7f)) << shift;
      shift += 7;
      if ((b & 0x80) == 0) {
        if (shift > bits) {
          // Bits of the last byte at and above the sign bit must all be equal.
          const used = bits - (shift - 7);
          const spare = (<i32>b << 25) >> (25 + used - 1);
          if (spare != 0 && spare != -1) {
            this.fail("integer too large");
            return 0;
          }
        }
        if (shift < 64 && (b & 0x40) != 0) result |= (<i64>-1) << shift;
        return result;
      }
      if (shift >= bits) {
        this.fail("integer representation too long");
        return 0;
      }
    }
  }

  /** A name: a length-prefixed, valid UTF-8 string. */
  name(): string {
    const len = this.u32();
    const p = this.bytes(len);
    if (this.failed) return "";
    if (!isValidUtf8(p, len)) {
      this.fail("malformed UTF-8 encoding");
      return "";
    }
    return String.UTF8.decodeUnsafe(p, len);
  }
}

/** Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
export function isValidUtf8(p: usize, len: usize): bool {
  const end = p + len;
  while (p < end) {
    const b0 = <u32>load<u8>(p);
    let need: i32;
    let min: u32;
    let cp: u32;
    if (b0 < 0x80) { p++; continue; }
    else if ((b0 & 0xe0) == 0xc0) { need = 1; min = 0x80; cp = b0 & 0x1f; }
    else if ((b0 & 0xf0) == 0xe0) { need = 2; min = 0x800; cp = b0 & 0x0f; }
    else if ((b0 & 0xf8) == 0xf0) { need = 3; min = 0x10000; cp = b0 & 0x07; }
    else return false;
    if (end - p <= <usize>need) return false;
    for (let i = 1; i <= need; i++) {
      const b = <u32>load<u8>(p + i);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    p += need + 1;
  }
  return true;
}
