// Differential fuzzing of the Wasm engine against V8, shared by the short
// run in CI (test/wasm/fuzz.test.ts) and the long campaign (`npm run fuzz`):
// binaryen's fuzzer (wasm-opt --translate-to-fuzz) turns seed bytes into
// valid modules using the features the engine supports; every exported
// function runs in both engines, and the results, traps and logged values
// must agree. Mutated copies of those modules must be accepted exactly when
// V8 accepts them and wabt's validator, limited to the features the engine
// implements, does too (V8 also knows threads, SIMD, exceptions and tail
// calls, which mutations stumble into); they must never crash the engine.
import { spawnSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import wabtInit from "wabt";
import { Engine, EngineError } from "./engine.ts";

const wabt = await wabtInit();
/** The proposals the engine implements, in wabt's names; every other one is off. */
const ENGINE_FEATURES = {
  mutable_globals: true, sat_float_to_int: true, sign_extension: true, bulk_memory: true, multi_value: true, reference_types: true,
  exceptions: false, simd: false, threads: false, tail_call: false, function_references: false, gc: false, memory64: false,
  extended_const: false, relaxed_simd: false, multi_memory: false,
};

const WASM_OPT = resolve(import.meta.dirname, "../../node_modules/.bin/wasm-opt");
const FEATURES = [
  "--mvp-features", "--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-mutable-globals",
  "--enable-bulk-memory", "--enable-multivalue",
];
/** What one call produced: its results (NaNs as "nan"), or "trap", plus the values it logged. */
export type Outcome = string;

function seedBytes(seed: number): Uint8Array {
  const bytes = new Uint8Array(3000);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < bytes.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

export function fuzzModule(dir: string, seed: number): Uint8Array<ArrayBuffer> {
  const input = join(dir, `seed${seed}.dat`);
  const output = join(dir, `seed${seed}.wasm`);
  writeFileSync(input, seedBytes(seed));
  const run = spawnSync(WASM_OPT, [input, "-ttf", ...FEATURES, "-o", output], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return new Uint8Array(readFileSync(output));
}

function show(type: string, value: unknown): string {
  if (type === "f32" || type === "f64") return Number.isNaN(value as number) ? "nan" : String(value);
  return String(value);
}

function fromBits(type: string, bits: bigint): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits, true);
  if (type === "i32") return String(view.getInt32(0, true));
  if (type === "i64") return String(view.getBigInt64(0, true));
  if (type === "f32") return show(type, view.getFloat32(0, true));
  return show(type, view.getFloat64(0, true));
}

function zeroBits(types: string[]): bigint[] {
  return types.map(() => 0n);
}

export type Signature = { params: string[]; results: string[] };

/** The imports binaryen's fuzzer uses; `callExport` runs export number i and says whether it finished. */
function defineFuzzingSupport(engine: Engine, log: string[], callExport: (i: bigint) => boolean): void {
  for (const t of ["i32", "i64", "f32", "f64"]) {
    engine.defineFunction("fuzzing-support", `log-${t}`, {
      params: [t], results: [], impl: ([v]) => { log.push(fromBits(t, v)); return []; },
    });
  }
  engine.defineFunction("fuzzing-support", "call-export", {
    params: ["i32", "i32"], results: [], impl: ([i]) => (callExport(i) ? [] : "trap"),
  });
  engine.defineFunction("fuzzing-support", "call-export-catch", {
    params: ["i32"], results: ["i32"], impl: ([i]) => [callExport(i) ? 0n : 1n],
  });
  engine.defineFunction("fuzzing-support", "sleep", { params: ["i32", "i32"], results: ["i32"], impl: ([, id]) => [id] });
}

/**
 * Runs every exported function in the engine and returns the outcomes and
 * the signatures; stops at the first call stack exhaustion, whose depth
 * differs from V8's.
 */
export function runInEngine(bytes: Uint8Array, exports: string[]): { outcomes: Outcome[]; signatures: Map<string, Signature> } {
  const engine = new Engine();
  const log: string[] = [];
  let instance = -1;
  // Set when a call nested through call-export ran out of stack: V8's
  // depth differs, so the comparison stops there as for any exhaustion.
  let exhausted = false;
  defineFuzzingSupport(engine, log, (index) => {
    const name = exports[Number(index)];
    const sig = name === undefined ? null : engine.signature(instance, name);
    if (sig === null) return false;
    try {
      engine.invoke(instance, name, zeroBits(sig.params));
      return true;
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      if (e.message.startsWith("call stack exhausted")) exhausted = true;
      return false;
    }
  });
  const signatures = new Map<string, Signature>();
  try {
    instance = engine.instantiate(engine.load(bytes));
  } catch (e) {
    if (!(e instanceof EngineError) || e.kind !== "trap") throw e;
    return { outcomes: ["start: trap"], signatures };
  }
  for (const name of exports) {
    const sig = engine.signature(instance, name);
    if (sig !== null) signatures.set(name, sig);
  }
  const outcomes: Outcome[] = [];
  for (const [name, sig] of signatures) {
    log.length = 0;
    let result: string;
    try {
      result = engine.invoke(instance, name, zeroBits(sig.params)).map((bits, i) => fromBits(sig.results[i], bits)).join(",");
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      if (e.message.startsWith("call stack exhausted")) break;
      result = "trap";
    }
    if (exhausted) break;
    outcomes.push(`${name}: ${result} [${log.join(" ")}]`);
  }
  return { outcomes, signatures };
}

export function runInV8(bytes: Uint8Array<ArrayBuffer>, signatures: Map<string, Signature>): Outcome[] {
  const log: string[] = [];
  let exports: WebAssembly.Exports = {};
  const names = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
  const zeros = (sig: Signature) => sig.params.map((t) => (t === "i64" ? 0n : 0));
  const call = (index: number) => (exports[names[index]] as Function)(...zeros(signatures.get(names[index])!));
  const logger = (t: string) => (v: unknown) => { log.push(show(t, v)); };
  const imports = {
    "fuzzing-support": {
      "log-i32": logger("i32"), "log-i64": logger("i64"), "log-f32": logger("f32"), "log-f64": logger("f64"),
      "call-export": (i: number) => call(i),
      "call-export-catch": (i: number) => {
        try {
          call(i);
          return 0;
        } catch {
          return 1;
        }
      },
      "sleep": (_ms: number, id: number) => id,
    },
  };
  try {
    exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports;
  } catch {
    return ["start: trap"];
  }
  const outcomes: Outcome[] = [];
  for (const [name, sig] of signatures) {
    log.length = 0;
    let result: string;
    try {
      const value = (exports[name] as Function)(...zeros(sig));
      const values = sig.results.length > 1 ? (value as unknown[]) : sig.results.length === 1 ? [value] : [];
      result = values.map((v, i) => show(sig.results[i], v)).join(",");
    } catch (e) {
      if (e instanceof RangeError) break; // stack overflow: depth differs from the engine's
      result = "trap";
    }
    outcomes.push(`${name}: ${result} [${log.join(" ")}]`);
  }
  return outcomes;
}

/** What comparing one generated module found: counts, and the first disagreement. */
export interface Comparison {
  exported: number;
  compared: number;
  returned: number;
  /** Where the two engines first disagreed, null when they agreed. */
  mismatch: { engine: Outcome; v8: Outcome } | null;
}

/** Generates the module of `seed` and compares every export's outcome in both engines. */
export function compareSeed(dir: string, seed: number): Comparison {
  const bytes = fuzzModule(dir, seed);
  const exportNames = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
  const { outcomes: ours, signatures } = runInEngine(bytes, exportNames);
  const v8 = runInV8(bytes, signatures);
  const agreed = Math.min(ours.length, v8.length);
  const first = ours.slice(0, agreed).findIndex((o, i) => o !== v8[i]);
  return {
    exported: signatures.size,
    compared: agreed,
    returned: ours.slice(0, agreed).filter((o) => !o.includes(": trap [")).length,
    mismatch: first < 0 ? null : { engine: ours[first], v8: v8[first] },
  };
}

/** A copy of `bytes` with one to three bytes past the header replaced, chosen by `seed`. */
export function mutate(bytes: Uint8Array, seed: number): Uint8Array<ArrayBuffer> {
  const out = Uint8Array.from(bytes);
  let x = seed >>> 0;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8;
  const changes = 1 + (next() % 3);
  for (let k = 0; k < changes; k++) out[8 + (next() % (out.length - 8))] = next() & 0xff;
  return out;
}

/** Whether V8 accepts `bytes` and wabt does with only the engine's features. */
function validForEngine(bytes: Uint8Array<ArrayBuffer>): boolean {
  if (!WebAssembly.validate(bytes)) return false;
  try {
    const module = wabt.readWasm(bytes, ENGINE_FEATURES);
    try {
      module.validate();
      return true;
    } finally {
      module.destroy();
    }
  } catch {
    return false;
  }
}

/** The mutation seed of the `i`th mutation of the module of `seed`. */
export const mutationSeed = (seed: number, i: number) => seed * 1000 + i;

/**
 * Loads `count` mutated copies of `bytes` (the module of `seed`) in one
 * engine: the first mutation it loads or rejects against validForEngine
 * (null: none), and how many loaded. A failure that is not an
 * EngineError (a crash of the engine) is thrown.
 */
export function checkMutations(bytes: Uint8Array, seed: number, count: number): { loaded: number; disagreeing: number | null } {
  const engine = new Engine();
  let loaded = 0;
  for (let i = 0; i < count; i++) {
    const mutated = mutate(bytes, mutationSeed(seed, i));
    let loads = true;
    try {
      engine.load(mutated);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      loads = false;
    }
    if (loads !== validForEngine(mutated)) return { loaded, disagreeing: i };
    if (loads) loaded++;
  }
  return { loaded, disagreeing: null };
}
