// Differential testing against V8: binaryen's fuzzer (wasm-opt
// --translate-to-fuzz) turns seed bytes into valid modules using the
// features the engine supports; every exported function runs in both
// engines, and the results, traps and logged values must agree.
import { spawnSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Engine, EngineError } from "../../tools/spec/engine.ts";
import { buildEngine } from "./helpers.ts";

const WASM_OPT = resolve(import.meta.dirname, "../../node_modules/.bin/wasm-opt");
const FEATURES = [
  "--mvp-features", "--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-mutable-globals",
  "--enable-bulk-memory", "--enable-multivalue",
];
/** How many modules to generate; FUZZ_SEEDS=n runs a longer campaign. */
const SEEDS = Number(process.env.FUZZ_SEEDS ?? 30);

/** What one call produced: its results (NaNs as "nan"), or "trap", plus the values it logged. */
type Outcome = string;

function seedBytes(seed: number): Uint8Array {
  const bytes = new Uint8Array(3000);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < bytes.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

function fuzzModule(dir: string, seed: number): Uint8Array<ArrayBuffer> {
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

type Signature = { params: string[]; results: string[] };

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
function runInEngine(bytes: Uint8Array, exports: string[]): { outcomes: Outcome[]; signatures: Map<string, Signature> } {
  const engine = new Engine();
  const log: string[] = [];
  let instance = -1;
  defineFuzzingSupport(engine, log, (index) => {
    const name = exports[Number(index)];
    const sig = name === undefined ? null : engine.signature(instance, name);
    if (sig === null) return false;
    try {
      engine.invoke(instance, name, zeroBits(sig.params));
      return true;
    } catch (e) {
      if (e instanceof EngineError) return false;
      throw e;
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
    outcomes.push(`${name}: ${result} [${log.join(" ")}]`);
  }
  return { outcomes, signatures };
}

function runInV8(bytes: Uint8Array<ArrayBuffer>, signatures: Map<string, Signature>): Outcome[] {
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

describe("wasm engine against V8 on fuzzed modules", function () {
  this.timeout(120_000);
  let dir = "";
  before(() => {
    buildEngine();
    dir = mkdtempSync(join(tmpdir(), "atoll-fuzz-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`agrees on ${SEEDS} generated modules`, () => {
    let compared = 0;
    let returned = 0;
    let exported = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const bytes = fuzzModule(dir, seed);
      const exportNames = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
      const { outcomes: ours, signatures } = runInEngine(bytes, exportNames);
      const v8 = runInV8(bytes, signatures);
      const agreed = ours.slice(0, Math.min(ours.length, v8.length));
      assert.deepEqual(agreed, v8.slice(0, agreed.length), `seed ${seed}`);
      compared += agreed.length;
      returned += agreed.filter((o) => !o.includes(": trap [")).length;
      exported += signatures.size;
    }
    // An engine that produced no outcomes would agree with anything: demand
    // most exports compared (30 seeds: 283 exports, 284 outcomes compared,
    // 214 of them results rather than traps).
    assert.ok(exported >= 5 * SEEDS, `only ${exported} exported functions`);
    assert.ok(compared >= 0.9 * exported, `only ${compared} of ${exported} outcomes compared`);
    assert.ok(returned >= compared / 2, `only ${returned} of ${compared} outcomes returned results`);
  });
});
