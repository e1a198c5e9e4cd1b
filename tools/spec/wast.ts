// Finds the WebAssembly spec suite and converts its .wast scripts to JSON
// commands plus .wasm/.wat files with wabt's wast2json.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";

export const SUITE_HINT =
  "get the WebAssembly spec test suite: git clone https://github.com/WebAssembly/testsuite " +
  "and check out commit 3a04b2c, then put it at ../shared/wasm-spec-testsuite or set WASM_SPEC_TESTSUITE";

const ROOT = resolve(import.meta.dirname, "../..");
export const SPEC_OUT = join(ROOT, "out/spec");

/** The suite folder, or throws an error telling where to get it. */
export function suiteDir(): string {
  const dir = process.env.WASM_SPEC_TESTSUITE ?? resolve(ROOT, "../shared/wasm-spec-testsuite");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`spec suite not found at ${dir}: ${SUITE_HINT}`);
  return dir;
}

/** The top-level scripts that do not test SIMD (the 89 of WebAssembly 2.0 without vectors). */
export function specScripts(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".wast") && !name.startsWith("simd_"))
    .sort()
    .map((name) => join(dir, name));
}

/** Converts one script (once; reused while newer than the script) and returns the JSON path. */
export function convert(script: string): string {
  const name = basename(script, ".wast");
  const dir = join(SPEC_OUT, name);
  const json = join(dir, `${name}.json`);
  if (existsSync(json) && statSync(json).mtimeMs >= statSync(script).mtimeMs) return json;
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync("wast2json", ["--enable-all", script, "-o", json], { stdio: "pipe" });
  } catch {
    execFileSync("wast2json", [script, "-o", json], { stdio: "pipe" });
  }
  return json;
}

export interface Value {
  type: string;
  value?: string | string[];
}

export interface Action {
  type: "invoke" | "get";
  module?: string;
  field: string;
  args?: Value[];
}

export interface Command {
  type: string;
  line: number;
  name?: string;
  as?: string;
  filename?: string;
  text?: string;
  module_type?: "binary" | "text";
  action?: Action;
  expected?: Value[];
}

export function readCommands(json: string): Command[] {
  return JSON.parse(readFileSync(json, "utf8")).commands;
}
