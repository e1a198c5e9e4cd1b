// Builds multiboot2 boot information as GRUB lays it out (the multiboot2
// specification, section 3.6): the hosted kernel boots from it, and the
// hosted tests feed the kernel real bytes, malformed ones included.

export interface Region {
  base: number;
  length: number;
  type: number;
}

export const AVAILABLE = 1;
export const RESERVED = 2;

export class BootInfoBuilder {
  private tags: Uint8Array[] = [];

  /** Adds a tag with any payload; the builder pads it to 8 bytes. */
  tag(type: number, payload: Uint8Array, declaredSize = 8 + payload.length): this {
    const bytes = new Uint8Array(8 + payload.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, type, true);
    view.setUint32(4, declaredSize, true);
    bytes.set(payload, 8);
    this.tags.push(bytes);
    return this;
  }

  private static cstring(text: string): Uint8Array {
    return new Uint8Array([...Buffer.from(text, "utf8"), 0]);
  }

  commandLine(text: string): this {
    return this.tag(1, BootInfoBuilder.cstring(text));
  }

  loaderName(text: string): this {
    return this.tag(2, BootInfoBuilder.cstring(text));
  }

  module(start: number, end: number, name: string): this {
    const payload = new Uint8Array(8 + name.length + 1);
    const view = new DataView(payload.buffer);
    view.setUint32(0, start, true);
    view.setUint32(4, end, true);
    payload.set(BootInfoBuilder.cstring(name), 8);
    return this.tag(3, payload);
  }

  memoryMap(regions: Region[], entrySize = 24): this {
    const payload = new Uint8Array(8 + regions.length * entrySize);
    const view = new DataView(payload.buffer);
    view.setUint32(0, entrySize, true);
    view.setUint32(4, 0, true);
    regions.forEach((r, i) => {
      const at = 8 + i * entrySize;
      view.setBigUint64(at, BigInt(r.base), true);
      view.setBigUint64(at + 8, BigInt(r.length), true);
      view.setUint32(at + 16, r.type, true);
    });
    return this.tag(6, payload);
  }

  framebufferRgb(address: number, width: number, height: number, bpp = 32): this {
    const payload = new Uint8Array(30);
    const view = new DataView(payload.buffer);
    view.setBigUint64(0, BigInt(address), true);
    view.setUint32(8, width * (bpp / 8), true);
    view.setUint32(12, width, true);
    view.setUint32(16, height, true);
    payload[20] = bpp;
    payload[21] = 1;
    payload.set([16, 8, 8, 8, 0, 8], 24);
    return this.tag(8, payload);
  }

  framebufferText(address: number, columns: number, rows: number): this {
    const payload = new Uint8Array(24);
    const view = new DataView(payload.buffer);
    view.setBigUint64(0, BigInt(address), true);
    view.setUint32(8, columns * 2, true);
    view.setUint32(12, columns, true);
    view.setUint32(16, rows, true);
    payload[20] = 16;
    payload[21] = 2;
    return this.tag(8, payload);
  }

  rsdp(version: 1 | 2): this {
    const bytes = new Uint8Array(version === 1 ? 20 : 36);
    bytes.set(Buffer.from("RSD PTR "), 0);
    bytes[15] = version === 1 ? 0 : 2;
    return this.tag(version === 1 ? 14 : 15, bytes);
  }

  efi64(): this {
    return this.tag(12, new Uint8Array(8));
  }

  /** The whole block: header, tags at 8-byte boundaries, end tag. */
  build(declaredTotal?: number): Uint8Array {
    const parts: Uint8Array[] = [];
    for (const t of this.tags) {
      parts.push(t);
      const pad = (8 - (t.length % 8)) % 8;
      if (pad) parts.push(new Uint8Array(pad));
    }
    parts.push(new Uint8Array([0, 0, 0, 0, 8, 0, 0, 0]));
    const total = 8 + parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    view.setUint32(0, declaredTotal ?? total, true);
    let at = 8;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** Bytes at a physical address. */
export interface Placed {
  address: number;
  bytes: Uint8Array;
}

/** Boot modules laid out from `start`, each on its own pages, as GRUB does; `placed` says where. */
export class ModuleLayout {
  readonly placed: Placed[] = [];

  constructor(
    private info: BootInfoBuilder,
    private at: number,
  ) {}

  place(bytes: Uint8Array, name: string): void {
    this.placed.push({ address: this.at, bytes });
    this.info.module(this.at, this.at + bytes.length, name);
    this.at += (bytes.length + 0xfff) & ~0xfff;
  }
}
