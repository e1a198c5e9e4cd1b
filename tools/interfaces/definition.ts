// Interface definitions (interfaces/*.interface): parsing and validation.
//
//   # comment
//   interface log
//   message write(level: u8, text: string)
//   message count() -> (lines: u64)
//
// A message without "->" expects no answer; "-> ()" is an empty answer.

export const PRIMITIVES = ["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64", "bool", "string", "bytes", "hash"] as const;
export type Primitive = (typeof PRIMITIVES)[number];
export type FieldType = { kind: "primitive"; name: Primitive } | { kind: "list"; element: Primitive };

export interface Field {
  name: string;
  type: FieldType;
}

export interface Message {
  name: string;
  ordinal: number;
  fields: Field[];
  /** null: the message expects no answer. */
  answer: Field[] | null;
}

export interface InterfaceDefinition {
  name: string;
  messages: Message[];
  source: string;
}

export class DefinitionError extends Error {
  constructor(source: string, line: number, message: string) {
    super(`${source}:${line}: ${message}`);
  }
}

const NAME = /^[a-z][a-z0-9-]*$/;
const IDENT = /^[a-z][a-zA-Z0-9_]*$/;
const MAX_MESSAGES = 256;

const FIXED_SIZES: Partial<Record<Primitive, number>> = { u8: 1, u16: 2, u32: 4, u64: 8, i8: 1, i16: 2, i32: 4, i64: 8, f32: 4, f64: 8, bool: 1, hash: 32 };

/**
 * Byte offset of each field of a message whose offset is fixed (every field
 * before it has a fixed size), counting the ordinal byte first.
 */
export function fixedOffsets(fields: Field[]): Map<string, number> {
  const offsets = new Map<string, number>();
  let at = 1;
  for (const f of fields) {
    offsets.set(f.name, at);
    const size = f.type.kind === "primitive" ? FIXED_SIZES[f.type.name] : undefined;
    if (size === undefined) break;
    at += size;
  }
  return offsets;
}

/** A C-style constant name from name parts: ("kernel-log", "payloadAt") -> KERNEL_LOG_PAYLOAD_AT. */
export function constantName(...parts: string[]): string {
  return parts.join("_").replace(/[-]/g, "_").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

export function typeText(t: FieldType): string {
  return t.kind === "list" ? `list<${t.element}>` : t.name;
}

function parseType(text: string, fail: (m: string) => never): FieldType {
  const list = /^list<(\w+)>$/.exec(text);
  const name = list ? list[1] : text;
  if (!(PRIMITIVES as readonly string[]).includes(name)) fail(`unknown type '${text}' (use ${PRIMITIVES.join(", ")} or list<T>)`);
  return list ? { kind: "list", element: name as Primitive } : { kind: "primitive", name: name as Primitive };
}

function parseFields(text: string, fail: (m: string) => never): Field[] {
  const fields: Field[] = [];
  if (text.trim() === "") return fields;
  for (const part of text.split(",")) {
    const m = /^\s*(\w+)\s*:\s*([\w<>]+)\s*$/.exec(part);
    if (!m) fail(`expected 'name: type', found '${part.trim()}'`);
    if (!IDENT.test(m[1])) fail(`field name '${m[1]}' must start with a lowercase letter`);
    if (fields.some((f) => f.name === m[1])) fail(`field '${m[1]}' declared twice`);
    fields.push({ name: m[1], type: parseType(m[2], fail) });
  }
  return fields;
}

export function parseDefinition(text: string, source: string): InterfaceDefinition {
  let name: string | null = null;
  const messages: Message[] = [];
  text.split("\n").forEach((raw, index) => {
    // Typed on the name, so the compiler knows a call to it never returns.
    const fail: (m: string) => never = (m) => {
      throw new DefinitionError(source, index + 1, m);
    };
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    const iface = /^interface\s+(\S+)$/.exec(line);
    if (iface) {
      if (name !== null) fail("a file defines one interface");
      if (!NAME.test(iface[1])) fail(`interface name '${iface[1]}' must be lowercase letters, digits and '-'`);
      name = iface[1];
      return;
    }
    const msg = /^message\s+(\w+)\s*\(([^)]*)\)\s*(?:->\s*\(([^)]*)\))?$/.exec(line);
    if (!msg) fail(`expected 'interface NAME' or 'message NAME(fields) [-> (fields)]'`);
    if (name === null) fail("'interface NAME' must come first");
    if (!IDENT.test(msg[1])) fail(`message name '${msg[1]}' must start with a lowercase letter`);
    if (messages.some((m) => m.name === msg[1])) fail(`message '${msg[1]}' declared twice`);
    if (messages.length === MAX_MESSAGES) fail(`more than ${MAX_MESSAGES} messages`);
    messages.push({ name: msg[1], ordinal: messages.length, fields: parseFields(msg[2], fail), answer: msg[3] === undefined ? null : parseFields(msg[3], fail) });
  });
  if (name === null) throw new DefinitionError(source, 1, "no 'interface NAME' line");
  if (messages.length === 0) throw new DefinitionError(source, 1, `interface '${name}' has no messages`);
  return { name, messages, source };
}
