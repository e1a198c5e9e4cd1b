// A small binary writer for the loading tests: adds many tiny functions to
// a module made by wat2wasm, so that a test has a valid module of megabytes
// without megabytes of text. The new functions take and return nothing and
// come after the module's own, so no index in it changes.

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function readLeb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value, next: at };
  }
}

interface Section {
  id: number;
  body: Uint8Array;
}

function sectionsOf(module: Uint8Array): Section[] {
  const found: Section[] = [];
  let at = 8;
  while (at < module.length) {
    const id = module[at];
    const size = readLeb(module, at + 1);
    found.push({ id, body: module.subarray(size.next, size.next + size.value) });
    at = size.next + size.value;
  }
  return found;
}

/** A vector section's body with `extra` more items appended. */
function appended(body: Uint8Array, count: number, extra: Uint8Array): Uint8Array {
  const old = readLeb(body, 0);
  return Buffer.concat([Buffer.from(leb(old.value + count)), body.subarray(old.next), extra]);
}

export interface ManyFunctions {
  /** Functions to add. */
  count: number;
  /** `nop`s in each body. */
  nops: number;
  /** Makes the last body invalid (an i32.add with nothing to add), for a refusal found late. */
  brokenLast?: boolean;
}

/** `module` with `count` functions of `nops` nops each added; it must have a type, function and code section. */
export function withManyFunctions(module: Uint8Array, { count, nops, brokenLast = false }: ManyFunctions): Uint8Array {
  const sections = sectionsOf(module);
  const types = sections.find((s) => s.id === 1)!;
  const typeIndex = readLeb(types.body, 0).value;
  const body = Buffer.from([0, ...new Array<number>(nops).fill(0x01), 0x0b]);
  const sized = Buffer.concat([Buffer.from(leb(body.length)), body]);
  const broken = Buffer.from(sized);
  broken[broken.length - 2] = 0x6a;
  const codes = Buffer.concat([...new Array<Buffer>(count - 1).fill(sized), brokenLast ? broken : sized]);
  const rewritten = sections.map((s) => {
    if (s.id === 1) return { id: 1, body: appended(s.body, 1, Buffer.from([0x60, 0, 0])) };
    if (s.id === 3) return { id: 3, body: appended(s.body, count, Buffer.from(new Array<number>(count).fill(typeIndex).flatMap(leb))) };
    if (s.id === 10) return { id: 10, body: appended(s.body, count, codes) };
    return s;
  });
  const parts = [Buffer.from(module.subarray(0, 8))];
  for (const s of rewritten) parts.push(Buffer.from([s.id, ...leb(s.body.length)]), Buffer.from(s.body));
  return new Uint8Array(Buffer.concat(parts));
}
