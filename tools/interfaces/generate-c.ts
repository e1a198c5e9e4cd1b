// Writes the C headers of every interface for modules
// (interfaces/c/generated/<name>.h): the interface hash, each message's
// ordinal and fixed field offsets, and encode/decode functions for it and
// its answer, built on the writer and reader of interfaces/c/atoll.h.
// Usage: tsx tools/interfaces/generate-c.ts <output dir>
import { writeForEachInterface } from "./catalog.ts";
import { constantName, Field, FieldType, fixedOffsets, InterfaceDefinition, Primitive } from "./definition.ts";
import { interfaceHash } from "./hash.ts";

const C_TYPES: Record<Primitive, string> = {
  u8: "uint8_t", u16: "uint16_t", u32: "uint32_t", u64: "uint64_t", i8: "int8_t", i16: "int16_t", i32: "int32_t", i64: "int64_t",
  f32: "float", f64: "double", bool: "bool", string: "atoll_bytes", bytes: "atoll_bytes", hash: "const uint8_t *",
};

// Field names that are C keywords get a trailing underscore.
const RESERVED = new Set(["auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool", "true", "false"]);
const fieldName = (f: Field) => (RESERVED.has(f.name) ? `${f.name}_` : f.name);
const snake = (name: string) => name.replace(/-/g, "_").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

/** An encoder's parameters for a field: a list is a C array and its count. */
function parameters(f: Field): string {
  const name = fieldName(f);
  if (f.type.kind === "primitive") return `${C_TYPES[f.type.name]} ${name}`;
  const element = f.type.element === "hash" ? "atoll_hash" : C_TYPES[f.type.element];
  return `const ${element} *${name}, uint32_t ${name}_count`;
}

function put(f: Field): string {
  const name = fieldName(f);
  if (f.type.kind === "primitive") return `atoll_put_${f.type.name}(w, ${name});`;
  const element = f.type.element === "hash" ? `${name}[i].bytes` : `${name}[i]`;
  return `atoll_put_u32(w, ${name}_count); for (uint32_t i = 0; i < ${name}_count; i++) atoll_put_${f.type.element}(w, ${element});`;
}

function memberType(t: FieldType): string {
  return t.kind === "list" ? "atoll_list" : C_TYPES[t.name];
}

// A list is walked once to find where it ends; its count is checked against
// the bytes there are, so a hostile count cannot make the walk run long.
function get(f: Field): string {
  const target = `out->${fieldName(f)}`;
  if (f.type.kind === "primitive") return `${target} = atoll_get_${f.type.name}(&r);`;
  return [
    `{ uint32_t n = atoll_get_u32(&r), start = r.at; if (n > payload.length) return false;`,
    ` for (uint32_t i = 0; i < n && !r.failed; i++) (void)atoll_get_${f.type.element}(&r);`,
    ` ${target} = (atoll_list){n, {payload.data + start, r.at - start}}; }`,
  ].join("");
}

/** The struct, encoder and decoder of a message (its ordinal's constant given) or an answer (null). */
function codec(name: string, fields: Field[], ordinal: string | null): string[] {
  const params = ["atoll_writer *w", ...fields.map(parameters)].join(", ");
  const lead = ordinal === null ? [] : [`  atoll_put_u8(w, ${ordinal});`];
  const check = ordinal === null ? [] : [`  if (atoll_get_u8(&r) != ${ordinal}) return false;`];
  const out = fields.length > 0 ? `, ${name}_t *out` : "";
  const struct = fields.length > 0 ? [`typedef struct {`, ...fields.map((f) => `  ${memberType(f.type)} ${fieldName(f)};`), `} ${name}_t;`] : [];
  return [
    ...struct,
    `/* Encodes into w; false when it did not fit. */`,
    `static inline bool ${name}_encode(${params}) {`,
    ...lead,
    ...fields.map((f) => `  ${put(f)}`),
    `  return !w->overflow;`,
    `}`,
    `/* Decodes payload${fields.length > 0 ? " into *out (strings, bytes, hashes and lists point into it)" : ""}; false when malformed. */`,
    `static inline bool ${name}_decode(atoll_bytes payload${out}) {`,
    `  atoll_reader r = atoll_reader_on(payload);`,
    ...check,
    ...fields.map((f) => `  ${get(f)}`),
    `  return atoll_reader_done(&r);`,
    `}`,
  ];
}

function generate(def: InterfaceDefinition): string {
  const prefix = snake(def.name);
  const guard = `ATOLL_GENERATED_${constantName(def.name)}_H`;
  const hash = [...interfaceHash(def)].map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(", ");
  const parts = [
    `/* Generated from ${def.source.replace(/^.*\/interfaces\//, "interfaces/")} by tools/interfaces/generate-c.ts; do not edit. */`,
    // Outside the guard: atoll.h includes the notification header midway,
    // once the codec this header builds on is defined.
    `#include "../atoll.h"`,
    `#ifndef ${guard}`,
    `#define ${guard}`,
    ``,
    `/* The hash that names the interface "${def.name}". */`,
    `static const uint8_t ${constantName(def.name, "interface")}[32] = {${hash}};`,
  ];
  for (const m of def.messages) {
    const ordinal = constantName(def.name, m.name);
    parts.push("", `#define ${ordinal} ${m.ordinal}`);
    for (const [field, at] of fixedOffsets(m.fields)) parts.push(`#define ${constantName(def.name, m.name, field, "at")} ${at}`);
    parts.push(...codec(`${prefix}_${snake(m.name)}`, m.fields, ordinal));
    if (m.answer !== null) parts.push(...codec(`${prefix}_${snake(m.name)}_answer`, m.answer, null));
  }
  parts.push("", "#endif", "");
  return parts.join("\n");
}

writeForEachInterface("generate-c.ts", ".h", generate);
