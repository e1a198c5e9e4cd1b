// Writes the AssemblyScript library of every interface for modules
// (interfaces/as/generated/<name>.ts): the interface hash, and for each
// message an encoder, a class and a decoder, and the same for its answer.
// Usage: tsx tools/interfaces/generate-as.ts <output dir>
import { writeForEachInterface } from "./catalog.ts";
import { Field, FieldType, fixedOffsets, InterfaceDefinition, Primitive } from "./definition.ts";
import { interfaceHash } from "./hash.ts";

const AS_TYPES: Record<Primitive, string> = {
  u8: "u8", u16: "u16", u32: "u32", u64: "u64", i8: "i8", i16: "i16", i32: "i32", i64: "i64",
  f32: "f32", f64: "f64", bool: "bool", string: "string", bytes: "Uint8Array", hash: "StaticArray<u8>",
};
const DEFAULTS: Record<string, string> = { string: '""', Uint8Array: "new Uint8Array(0)", "StaticArray<u8>": "new StaticArray<u8>(32)", bool: "false" };

// Field names that are keywords in AssemblyScript get a trailing underscore.
const RESERVED = new Set(["interface", "class", "function", "var", "let", "const", "return", "type", "default", "new", "delete", "in", "of", "enum", "export", "import", "package", "private", "public", "static", "this", "void", "with", "yield", "switch", "case", "break", "continue", "do", "while", "for", "if", "else", "try", "catch", "finally", "throw", "instanceof", "typeof", "null", "true", "false", "super", "extends", "implements"]);
const fieldName = (f: Field) => (RESERVED.has(f.name) ? `${f.name}_` : f.name);

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
const pascal = (name: string) => name.replace(/(^|[-_])(\w)/g, (_, __, c: string) => c.toUpperCase());

function asType(t: FieldType): string {
  return t.kind === "list" ? `Array<${AS_TYPES[t.element]}>` : AS_TYPES[t.name];
}

function defaultValue(t: FieldType): string {
  return t.kind === "list" ? `new ${asType(t)}()` : DEFAULTS[asType(t)] ?? "0";
}

function writeField(f: Field): string {
  const value = fieldName(f);
  if (f.type.kind === "primitive") return `w.${f.type.name}(${value});`;
  return `w.u32(${value}.length); for (let i = 0; i < ${value}.length; i++) w.${f.type.element}(${value}[i]);`;
}

// A list's count is checked against the bytes left, so a hostile count
// cannot make the decoder allocate without bound.
function readField(f: Field, target: string): string {
  if (f.type.kind === "primitive") return `${target} = r.${f.type.name}();`;
  return `{ const n = <i32>r.u32(); if (n > payload.length) return null; for (let i = 0; i < n && !r.failed; i++) ${target}.push(r.${f.type.element}()); }`;
}

function codec(name: string, fields: Field[], ordinal: number | null): string {
  const params = fields.map((f) => `${fieldName(f)}: ${asType(f.type)}`).join(", ");
  const lead = ordinal === null ? "" : `w.u8(${ordinal}); `;
  const check = ordinal === null ? "" : `if (r.u8() != ${ordinal}) return null; `;
  return [
    `export class ${name} {`,
    ...fields.map((f) => `  ${fieldName(f)}: ${asType(f.type)} = ${defaultValue(f.type)};`),
    `}`,
    `export function encode${name}(${params}): Uint8Array {`,
    `  const w = new Writer(); ${lead}${fields.map(writeField).join(" ")}`,
    `  return w.finish();`,
    `}`,
    `export function decode${name}(payload: Uint8Array): ${name} | null {`,
    `  const r = new Reader(payload); ${check}const m = new ${name}();`,
    ...fields.map((f) => `  ${readField(f, `m.${fieldName(f)}`)}`),
    `  return r.done() ? m : null;`,
    `}`,
  ].join("\n");
}

function generate(def: InterfaceDefinition): string {
  const hash = [...interfaceHash(def)].join(", ");
  const parts = [
    `// Generated from ${def.source.replace(/^.*\/interfaces\//, "interfaces/")} by tools/interfaces/generate-as.ts; do not edit.`,
    `import { Reader, Writer } from "../codec";`,
    ``,
    `/** The hash that names the interface "${def.name}". */`,
    `export const INTERFACE: StaticArray<u8> = [${hash}];`,
  ];
  for (const m of def.messages) {
    parts.push("", `export const ${snake(m.name)}: u8 = ${m.ordinal};`);
    for (const [field, at] of fixedOffsets(m.fields)) parts.push(`export const ${snake(m.name)}_${snake(field)}_AT: u32 = ${at};`);
    parts.push(codec(pascal(m.name), m.fields, m.ordinal));
    if (m.answer !== null) parts.push(codec(`${pascal(m.name)}Answer`, m.answer, null));
  }
  parts.push("");
  return parts.join("\n");
}

writeForEachInterface("generate-as.ts", ".ts", generate);
