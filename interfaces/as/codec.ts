// The wire encoding of interface messages, for modules: little-endian
// fixed-size fields, bool as one byte, string and bytes as a u32 length then
// the bytes (UTF-8 for strings), hash as 32 bytes, list<T> as a u32 count
// then the elements. Generated code (interfaces/as/generated/) builds on it.

export class Writer {
  private buffer: Uint8Array = new Uint8Array(64);
  private length: i32 = 0;

  private reserve(n: i32): usize {
    if (this.length + n > this.buffer.length) {
      const bigger = new Uint8Array(max(this.buffer.length * 2, this.length + n));
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    const at = this.buffer.dataStart + <usize>this.length;
    this.length += n;
    return at;
  }

  u8(v: u8): Writer { store<u8>(this.reserve(1), v); return this; }
  u16(v: u16): Writer { store<u16>(this.reserve(2), v); return this; }
  u32(v: u32): Writer { store<u32>(this.reserve(4), v); return this; }
  u64(v: u64): Writer { store<u64>(this.reserve(8), v); return this; }
  i8(v: i8): Writer { return this.u8(<u8>v); }
  i16(v: i16): Writer { return this.u16(<u16>v); }
  i32(v: i32): Writer { return this.u32(<u32>v); }
  i64(v: i64): Writer { return this.u64(<u64>v); }
  f32(v: f32): Writer { store<f32>(this.reserve(4), v); return this; }
  f64(v: f64): Writer { store<f64>(this.reserve(8), v); return this; }
  bool(v: bool): Writer { return this.u8(v ? 1 : 0); }

  bytes(v: Uint8Array): Writer {
    this.u32(v.length);
    memory.copy(this.reserve(v.length), v.dataStart, v.length);
    return this;
  }

  string(v: string): Writer {
    return this.bytes(Uint8Array.wrap(String.UTF8.encode(v)));
  }

  hash(v: StaticArray<u8>): Writer {
    memory.copy(this.reserve(32), changetype<usize>(v), 32);
    return this;
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

/** Reads fields in order; any read past the end sets `failed` and yields zeros. */
export class Reader {
  private at: i32 = 0;
  failed: bool = false;

  constructor(private data: Uint8Array) {}

  private take(n: i32): usize {
    if (n < 0 || this.at + n > this.data.length) {
      this.failed = true;
      return 0;
    }
    const address = this.data.dataStart + <usize>this.at;
    this.at += n;
    return address;
  }

  u8(): u8 { const a = this.take(1); return a ? load<u8>(a) : 0; }
  u16(): u16 { const a = this.take(2); return a ? load<u16>(a) : 0; }
  u32(): u32 { const a = this.take(4); return a ? load<u32>(a) : 0; }
  u64(): u64 { const a = this.take(8); return a ? load<u64>(a) : 0; }
  i8(): i8 { return <i8>this.u8(); }
  i16(): i16 { return <i16>this.u16(); }
  i32(): i32 { return <i32>this.u32(); }
  i64(): i64 { return <i64>this.u64(); }
  f32(): f32 { const a = this.take(4); return a ? load<f32>(a) : 0; }
  f64(): f64 { const a = this.take(8); return a ? load<f64>(a) : 0; }
  bool(): bool { return this.u8() != 0; }

  bytes(): Uint8Array {
    const n = <i32>this.u32();
    const a = this.take(n);
    const out = new Uint8Array(a ? n : 0);
    if (a) memory.copy(out.dataStart, a, n);
    return out;
  }

  string(): string {
    const n = <i32>this.u32();
    const a = this.take(n);
    return a ? String.UTF8.decodeUnsafe(a, n) : "";
  }

  hash(): StaticArray<u8> {
    const out = new StaticArray<u8>(32);
    const a = this.take(32);
    if (a) memory.copy(changetype<usize>(out), a, 32);
    return out;
  }

  /** True when every byte was read and nothing ran past the end. */
  done(): bool {
    return !this.failed && this.at == this.data.length;
  }
}
