// An interface's identity: SHA-256 of its canonical form, which keeps what
// the bytes on the wire depend on (interface name, message names in order,
// field types in order, whether and what each message answers) and drops
// comments, spacing and field names. See docs/interfaces.md.
import { createHash } from "node:crypto";
import { Field, InterfaceDefinition, typeText } from "./definition.ts";

const FORMAT = "atoll-interface 1";

function types(fields: Field[]): string {
  return `(${fields.map((f) => typeText(f.type)).join(",")})`;
}

export function canonicalForm(def: InterfaceDefinition): string {
  const lines = [FORMAT, `interface ${def.name}`];
  for (const m of def.messages) lines.push(`message ${m.ordinal} ${m.name}${types(m.fields)}${m.answer === null ? "" : ` -> ${types(m.answer)}`}`);
  return lines.join("\n") + "\n";
}

export function interfaceHash(def: InterfaceDefinition): Uint8Array {
  return createHash("sha256").update(canonicalForm(def), "utf8").digest();
}

export function interfaceHashHex(def: InterfaceDefinition): string {
  return Buffer.from(interfaceHash(def)).toString("hex");
}
