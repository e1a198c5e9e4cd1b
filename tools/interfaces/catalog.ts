// Every interface definition in interfaces/, parsed.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InterfaceDefinition, parseDefinition } from "./definition.ts";

export const INTERFACES_DIR = new URL("../../interfaces/", import.meta.url).pathname;

export function loadDefinitions(dir = INTERFACES_DIR): InterfaceDefinition[] {
  const defs = readdirSync(dir)
    .filter((f) => f.endsWith(".interface"))
    .sort()
    .map((f) => parseDefinition(readFileSync(join(dir, f), "utf8"), join(dir, f)));
  const seen = new Map<string, string>();
  for (const d of defs) {
    const other = seen.get(d.name);
    if (other) throw new Error(`interface '${d.name}' is defined twice: ${other} and ${d.source}`);
    seen.set(d.name, d.source);
  }
  return defs;
}
