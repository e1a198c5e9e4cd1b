// Every interface definition in interfaces/, parsed.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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

/** A generator's main: writes generate(def) for every interface to <dir given on the command line>/<name><extension>. */
export function writeForEachInterface(tool: string, extension: string, generate: (def: InterfaceDefinition) => string): void {
  const output = process.argv[2];
  if (!output) {
    console.error(`usage: ${tool} <output dir>`);
    process.exit(2);
  }
  mkdirSync(output, { recursive: true });
  for (const def of loadDefinitions()) writeFileSync(join(output, `${def.name}${extension}`), generate(def));
}
