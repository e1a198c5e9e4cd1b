// The wire encoding of interface messages for Node tools and tests, driven
// by the definitions in interfaces/ (the same layout interfaces/as/codec.ts
// writes for modules): the message ordinal (u8), then the fields in order,
// little-endian; bool one byte; string and bytes a u32 length then the
// bytes; hash 32 bytes (given and returned as 64 hex digits); list<T> a u32
// count then the elements. 64-bit integers are bigints.
import { loadDefinitions } from "./catalog.ts";
import { Field, Message, Primitive } from "./definition.ts";

export type Value = number | bigint | boolean | string | Uint8Array | Value[];

const INTEGERS: Partial<Record<Primitive, [number, boolean]>> = {
  u8: [1, false], u16: [2, false], u32: [4, false], u64: [8, false], i8: [1, true], i16: [2, true], i32: [4, true], i64: [8, true],
};

function message(iface: string, name: string): Message {
  const def = loadDefinitions().find((d) => d.name === iface);
  const m = def?.messages.find((x) => x.name === name);
  if (!m) throw new Error(`no message ${iface}.${name} in interfaces/`);
  return m;
}

function encodePrimitive(type: Primitive, value: Value): Buffer {
  const integer = INTEGERS[type];
  if (integer) {
    const b = Buffer.alloc(integer[0]);
    if (integer[0] === 8) integer[1] ? b.writeBigInt64LE(BigInt(value as number)) : b.writeBigUInt64LE(BigInt(value as number));
    else integer[1] ? b.writeIntLE(Number(value), 0, integer[0]) : b.writeUIntLE(Number(value), 0, integer[0]);
    return b;
  }
  if (type === "bool") return Buffer.from([value ? 1 : 0]);
  if (type === "hash") return Buffer.from(value as string, "hex");
  if (type === "f32" || type === "f64") {
    const b = Buffer.alloc(type === "f32" ? 4 : 8);
    type === "f32" ? b.writeFloatLE(Number(value)) : b.writeDoubleLE(Number(value));
    return b;
  }
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value as Uint8Array);
  return Buffer.concat([encodePrimitive("u32", bytes.length), bytes]);
}

function encodeFields(fields: Field[], values: Value[]): Buffer {
  if (values.length !== fields.length) throw new Error(`expected ${fields.length} values, got ${values.length}`);
  return Buffer.concat(fields.map((f, i) => {
    if (f.type.kind === "primitive") return encodePrimitive(f.type.name, values[i]);
    const list = values[i] as Value[];
    const element = f.type.element;
    return Buffer.concat([encodePrimitive("u32", list.length), ...list.map((v) => encodePrimitive(element, v))]);
  }));
}

/** The payload of message `iface`.`name` with these field values. */
export function encodeMessage(iface: string, name: string, values: Value[]): Uint8Array {
  const m = message(iface, name);
  return new Uint8Array(Buffer.concat([Buffer.from([m.ordinal]), encodeFields(m.fields, values)]));
}

class Cursor {
  at = 0;
  constructor(readonly bytes: Buffer) {}
  take(n: number): Buffer {
    if (this.at + n > this.bytes.length) throw new Error(`answer ends at ${this.bytes.length} bytes, wanted ${this.at + n}`);
    this.at += n;
    return this.bytes.subarray(this.at - n, this.at);
  }
}

function decodePrimitive(type: Primitive, c: Cursor): Value {
  const integer = INTEGERS[type];
  if (integer) {
    const b = c.take(integer[0]);
    if (integer[0] === 8) return integer[1] ? b.readBigInt64LE() : b.readBigUInt64LE();
    return integer[1] ? b.readIntLE(0, integer[0]) : b.readUIntLE(0, integer[0]);
  }
  if (type === "bool") return c.take(1)[0] !== 0;
  if (type === "hash") return c.take(32).toString("hex");
  if (type === "f32") return c.take(4).readFloatLE();
  if (type === "f64") return c.take(8).readDoubleLE();
  const bytes = c.take(c.take(4).readUInt32LE());
  return type === "string" ? bytes.toString("utf8") : new Uint8Array(bytes);
}

/** The fields of the answer to `iface`.`name`, by field name; throws unless `bytes` is exactly one answer. */
export function decodeAnswer(iface: string, name: string, bytes: Uint8Array): Record<string, Value> {
  const fields = message(iface, name).answer;
  if (fields === null) throw new Error(`${iface}.${name} has no answer`);
  const c = new Cursor(Buffer.from(bytes));
  const out: Record<string, Value> = {};
  for (const f of fields) {
    if (f.type.kind === "primitive") out[f.name] = decodePrimitive(f.type.name, c);
    else {
      const element = f.type.element;
      out[f.name] = Array.from({ length: c.take(4).readUInt32LE() }, () => decodePrimitive(element, c));
    }
  }
  if (c.at !== bytes.length) throw new Error(`${bytes.length - c.at} bytes left after the answer to ${iface}.${name}`);
  return out;
}
