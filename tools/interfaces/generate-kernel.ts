// Writes the kernel's view of interfaces/: each interface's hash (as the hex
// key the kernel's tables use), the ordinal of each message, the offset of
// every field that sits at a fixed place in its message, and the name of
// every interface by hash (registry.list reports them). The kernel decodes
// and encodes whole messages with the modules' generated codecs
// (interfaces/as/generated/).
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
const definitions = loadDefinitions();
for (const def of definitions) {
  lines.push(`export const ${constant(def.name, "interface")} = "${interfaceHashHex(def)}";`);
  for (const m of def.messages) {
    lines.push(`export const ${constant(def.name, m.name)}: u8 = ${m.ordinal};`);
    for (const [field, at] of fixedOffsets(m.fields)) lines.push(`export const ${constant(def.name, m.name, field, "at")}: u32 = ${at};`);
  }
  lines.push("");
}
lines.push("/** Every interface defined in interfaces/, by hash key, and its name at the same index. */");
lines.push(`export const INTERFACE_KEYS: StaticArray<string> = [${definitions.map((d) => `"${interfaceHashHex(d)}"`).join(", ")}];`);
lines.push(`export const INTERFACE_NAMES: StaticArray<string> = [${definitions.map((d) => `"${d.name}"`).join(", ")}];`);
lines.push("");
writeFileSync(output, lines.join("\n"));
