// Writes the kernel's view of interfaces/: each interface's hash (as the hex
// key the kernel's tables use), the ordinal of each message, and the offset
// of every field that sits at a fixed place in its message.
// Usage: tsx tools/interfaces/generate-kernel.ts <output.ts>
import { writeFileSync } from "node:fs";
import { loadDefinitions } from "./catalog.ts";
import { constantName as constant, fixedOffsets } from "./definition.ts";
import { interfaceHashHex } from "./hash.ts";

const output = process.argv[2];
if (!output) {
  console.error("usage: generate-kernel.ts <output.ts>");
  process.exit(2);
}
const lines = ["// Generated from interfaces/*.interface by tools/interfaces/generate-kernel.ts; do not edit.", ""];
for (const def of loadDefinitions()) {
  lines.push(`export const ${constant(def.name, "interface")} = "${interfaceHashHex(def)}";`);
  for (const m of def.messages) {
    lines.push(`export const ${constant(def.name, m.name)}: u8 = ${m.ordinal};`);
    for (const [field, at] of fixedOffsets(m.fields)) lines.push(`export const ${constant(def.name, m.name, field, "at")}: u32 = ${at};`);
  }
  lines.push("");
}
writeFileSync(output, lines.join("\n"));
