// Runs the commands of one converted spec script against a fresh hosted
// engine and counts passes and failures per command kind.
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import wabtInit from "wabt";
import { Engine, EngineError } from "./engine.ts";
import { Action, Command, Value, convert, readCommands } from "./wast.ts";

export const COMMAND_KINDS = [
  "module", "register", "action", "assert_return", "assert_trap", "assert_exhaustion", "assert_invalid",
  "assert_malformed", "assert_unlinkable", "assert_uninstantiable",
];

export interface ScriptResult {
  name: string;
  passed: Record<string, number>;
  failed: Record<string, number>;
  failures: string[];
}

const wabt = await wabtInit();

/** Assembles a text-format module file with wabt; null when the text is malformed. */
export function assembleText(path: string): Uint8Array | null {
  try {
    const parsed = wabt.parseWat(basename(path), readFileSync(path, "utf8"));
    const binary = parsed.toBinary({}).buffer;
    parsed.destroy();
    return binary;
  } catch {
    return null;
  }
}

/** The `spectest` module every script may import from. */
function defineSpectest(engine: Engine): void {
  const print = (params: string[]) => engine.defineFunction("spectest", params.length ? `print_${params.join("_")}` : "print",
    { params, results: [], impl: () => [] });
  print([]);
  print(["i32"]);
  print(["i64"]);
  print(["f32"]);
  print(["f64"]);
  print(["i32", "f32"]);
  print(["f64", "f64"]);
  const f32 = new DataView(new ArrayBuffer(8));
  f32.setFloat32(0, 666.6, true);
  const f64 = new DataView(new ArrayBuffer(8));
  f64.setFloat64(0, 666.6, true);
  engine.defineGlobal("spectest", "global_i32", "i32", false, 666n);
  engine.defineGlobal("spectest", "global_i64", "i64", false, 666n);
  engine.defineGlobal("spectest", "global_f32", "f32", false, BigInt(f32.getUint32(0, true)));
  engine.defineGlobal("spectest", "global_f64", "f64", false, f64.getBigUint64(0, true));
  engine.defineTable("spectest", "table", "funcref", 10, 20);
  engine.defineMemory("spectest", "memory", 1, 2);
}

/** A JSON argument as a 64-bit slot: references are 0 for null, else value + 1. */
export function toSlot(v: Value): bigint {
  const text = v.value as string;
  if (v.type === "funcref" || v.type === "externref") return text === "null" ? 0n : BigInt(text) + 1n;
  return BigInt(text);
}

/** Why `actual` does not match `expected`, or null when it does (bit-exact; NaN classes for floats). */
export function mismatch(expected: Value, actual: bigint): string | null {
  const text = expected.value as string | undefined;
  const bits = expected.type === "i32" || expected.type === "f32" ? actual & 0xffffffffn : actual;
  if (expected.type === "f32" && text?.startsWith("nan:")) {
    const ok = text === "nan:canonical" ? (bits & 0x7fffffffn) === 0x7fc00000n : (bits & 0x7fc00000n) === 0x7fc00000n;
    return ok ? null : `expected ${text}, got f32 bits ${bits}`;
  }
  if (expected.type === "f64" && text?.startsWith("nan:")) {
    const ok = text === "nan:canonical"
      ? (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n
      : (bits & 0x7ff8000000000000n) === 0x7ff8000000000000n;
    return ok ? null : `expected ${text}, got f64 bits ${bits}`;
  }
  if ((expected.type === "funcref" || expected.type === "externref") && text === undefined) {
    return bits !== 0n ? null : `expected a non-null ${expected.type}, got null`;
  }
  const want = toSlot(expected);
  return want === bits ? null : `expected ${expected.type} ${text}, got ${bits}`;
}

/** How a rejection command's module must fail. */
export function expectedFailure(c: Command): "load" | "link" | "trap" {
  return c.type === "assert_unlinkable" ? "link" : c.type === "assert_uninstantiable" ? "trap" : "load";
}

export function emptyResult(name: string): ScriptResult {
  return { name, passed: {}, failed: {}, failures: [] };
}

/** Adds one command's outcome (null for a pass) to the counts. */
export function countOutcome(r: ScriptResult, kind: string, failure: string | null, line: number): void {
  const table = failure === null ? r.passed : r.failed;
  table[kind] = (table[kind] ?? 0) + 1;
  if (failure !== null) r.failures.push(`line ${line} ${kind}: ${failure}`);
}

/** Checks the results of an assert_return. */
export function checkResults(expected: Value[], results: bigint[]): string | null {
  if (results.length !== expected.length) return `got ${results.length} results, expected ${expected.length}`;
  for (let i = 0; i < results.length; i++) {
    const problem = mismatch(expected[i], results[i]);
    if (problem !== null) return `result ${i}: ${problem}`;
  }
  return null;
}

class ScriptRunner {
  engine = new Engine();
  instances = new Map<string, number>();
  current = -1;
  result: ScriptResult;

  constructor(public dir: string, name: string) {
    this.result = emptyResult(name);
    defineSpectest(this.engine);
  }

  private bytes(file: string): Uint8Array {
    return readFileSync(join(this.dir, file));
  }

  private instanceOf(action: Action): number {
    if (action.module === undefined) return this.current;
    const handle = this.instances.get(action.module);
    if (handle === undefined) throw new Error(`unknown module ${action.module}`);
    return handle;
  }

  private perform(action: Action): bigint[] {
    const instance = this.instanceOf(action);
    if (action.type === "get") return [this.engine.globalValue(instance, action.field)];
    return this.engine.invoke(instance, action.field, (action.args ?? []).map(toSlot));
  }

  /** Runs `f`, turning any exception into a failure text. */
  private attempt(f: () => string | null): string | null {
    try {
      return f();
    } catch (e) {
      return `unexpected error: ${(e as Error).message}`;
    }
  }

  /** Expects loading (and, for some kinds, instantiating) to fail the right way. */
  private expectRejected(c: Command): string | null {
    if (c.module_type === "text") return this.expectTextRejected(c);
    try {
      const module = this.engine.load(this.bytes(c.filename!));
      if (c.type === "assert_invalid" || c.type === "assert_malformed") return `module accepted, expected "${c.text}"`;
      this.engine.instantiate(module);
      return `module instantiated, expected "${c.text}"`;
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      const wanted = expectedFailure(c);
      return e.kind === wanted ? null : `failed as ${e.kind} ("${e.message}"), expected ${wanted} "${c.text}"`;
    }
  }

  /** Text-format modules are rejected by the text parser; any it accepts must then fail to load. */
  private expectTextRejected(c: Command): string | null {
    const binary = assembleText(join(this.dir, c.filename!));
    if (binary === null) return null;
    try {
      this.engine.load(binary);
      return `text module accepted, expected "${c.text}"`;
    } catch (e) {
      return e instanceof EngineError ? null : `unexpected error: ${(e as Error).message}`;
    }
  }

  private expectTrap(c: Command): string | null {
    try {
      const results = this.perform(c.action!);
      return `returned ${results.join(", ")}, expected trap "${c.text}"`;
    } catch (e) {
      if (!(e instanceof EngineError) || e.kind !== "trap") throw e;
      return e.message.startsWith(c.text!) ? null : `trapped with "${e.message}", expected "${c.text}"`;
    }
  }

  private expectReturn(c: Command): string | null {
    return checkResults(c.expected ?? [], this.perform(c.action!));
  }

  private instantiate(c: Command): string | null {
    const handle = this.engine.instantiate(this.engine.load(this.bytes(c.filename!)));
    this.current = handle;
    if (c.name !== undefined) this.instances.set(c.name, handle);
    return null;
  }

  private register(c: Command): string | null {
    const handle = c.name === undefined ? this.current : this.instances.get(c.name)!;
    this.engine.register(handle, c.as!);
    return null;
  }

  run(c: Command): void {
    const outcome = this.attempt(() => {
      switch (c.type) {
        case "module": return this.instantiate(c);
        case "register": return this.register(c);
        case "action": this.perform(c.action!); return null;
        case "assert_return": return this.expectReturn(c);
        case "assert_trap": case "assert_exhaustion": return this.expectTrap(c);
        case "assert_invalid": case "assert_malformed": case "assert_unlinkable": case "assert_uninstantiable":
          return this.expectRejected(c);
      }
      return `unknown command type ${c.type}`;
    });
    countOutcome(this.result, c.type, outcome, c.line);
  }
}

/** Converts and runs one .wast script. */
export function runScript(script: string): ScriptResult {
  const json = convert(script);
  const runner = new ScriptRunner(dirname(json), basename(script, ".wast"));
  for (const c of readCommands(json)) runner.run(c);
  return runner.result;
}

export function total(r: ScriptResult, table: "passed" | "failed"): number {
  return Object.values(r[table]).reduce((a, b) => a + b, 0);
}

/** The per-script table and the totals per command kind. */
export function formatTable(results: ScriptResult[]): string {
  const lines: string[] = [];
  const width = Math.max(...results.map((r) => r.name.length), 6);
  lines.push(`${"script".padEnd(width)}  passed  failed`);
  for (const r of results) {
    lines.push(`${r.name.padEnd(width)}  ${String(total(r, "passed")).padStart(6)}  ${String(total(r, "failed")).padStart(6)}`);
  }
  lines.push("");
  lines.push(`${"command".padEnd(22)}  passed  failed`);
  let passed = 0;
  let failed = 0;
  for (const kind of COMMAND_KINDS) {
    const p = results.reduce((n, r) => n + (r.passed[kind] ?? 0), 0);
    const f = results.reduce((n, r) => n + (r.failed[kind] ?? 0), 0);
    passed += p;
    failed += f;
    lines.push(`${kind.padEnd(22)}  ${String(p).padStart(6)}  ${String(f).padStart(6)}`);
  }
  lines.push(`${"total".padEnd(22)}  ${String(passed).padStart(6)}  ${String(failed).padStart(6)}`);
  lines.push(`${results.length} scripts`);
  return lines.join("\n");
}
