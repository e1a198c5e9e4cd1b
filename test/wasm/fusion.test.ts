// The compiler fuses common instruction sequences (compare-and-branch,
// constant operands, indexed loads, results written straight to locals).
// Each fused form must compute exactly what its parts do: these functions
// exercise every one on edge values, and V8 is the reference.
import { strict as assert } from "node:assert";
import { Engine, EngineError } from "../../tools/spec/engine.ts";
import { buildEngine, wat } from "./helpers.ts";

const COMPARISONS = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
const CONSTANT_OPS = ["add", "sub", "mul", "and", "or", "xor", "shl", "shr_s", "shr_u"];
const VALUES = [0, 1, -1, 2, 7, -5, 31, 33, 0x7fffffff, -0x80000000, 12345];
const CONSTANT = -5;

/** Functions of the fused forms, then two that check what a local holds around a fusion. */
function fusedFunctions(): string[] {
  const f: string[] = [];
  for (const c of COMPARISONS) {
    f.push(`(func (export "br_if_${c}") (param i32 i32) (result i32)
      (block (result i32) (i32.const 1) (br_if 0 (i32.${c} (local.get 0) (local.get 1))) (drop) (i32.const 0)))`);
    f.push(`(func (export "br_if_${c}_k") (param i32 i32) (result i32)
      (block (result i32) (i32.const 1) (br_if 0 (i32.${c} (local.get 0) (i32.const ${CONSTANT}))) (drop) (i32.const 0)))`);
    f.push(`(func (export "if_${c}") (param i32 i32) (result i32)
      (if (result i32) (i32.${c} (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))`);
    f.push(`(func (export "if_${c}_k") (param i32 i32) (result i32)
      (if (result i32) (i32.${c} (local.get 0) (i32.const ${CONSTANT})) (then (i32.const 1)) (else (i32.const 0))))`);
  }
  f.push(`(func (export "br_if_eqz") (param i32 i32) (result i32)
    (block (result i32) (i32.const 1) (br_if 0 (i32.eqz (local.get 0))) (drop) (i32.const 0)))`);
  f.push(`(func (export "if_eqz") (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (i32.const 0))))`);
  for (const op of CONSTANT_OPS) {
    f.push(`(func (export "k_${op}") (param i32 i32) (result i32) (i32.${op} (local.get 0) (i32.const ${CONSTANT})))`);
    f.push(`(func (export "k_${op}_set") (param i32 i32) (result i32) (local i32)
      (local.set 2 (i32.${op} (local.get 0) (i32.const 3))) (local.get 2))`);
  }
  f.push(`(func (export "shl_add") (param i32 i32) (result i32) (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3))))`);
  f.push(`(func (export "load_indexed") (param i32 i32) (result i32)
    (i32.load offset=4 (i32.add (i32.and (local.get 0) (i32.const 255)) (i32.shl (i32.and (local.get 1) (i32.const 15)) (i32.const 2)))))`);
  f.push(`(func (export "load_added") (param i32 i32) (result i32)
    (i32.load offset=8 (i32.add (i32.and (local.get 0) (i32.const 1023)) (i32.const 12))))`);
  f.push(`(func (export "load_added_wraps") (param i32 i32) (result i32)
    (i32.load offset=4 (i32.add (local.get 0) (i32.const -5))))`);
  f.push(`(func (export "load_indexed_trap") (param i32 i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))))`);
  return f;
}

/** Functions whose locals must keep their old values; set_keeps_old has nothing to fuse. */
function localFunctions(): string[] {
  const f: string[] = [];
  f.push(`(func (export "tee_keeps_old") (param i32 i32) (result i32)
    (i32.sub (local.get 0) (local.tee 0 (i32.add (local.get 1) (i32.const 1)))))`);
  f.push(`(func (export "set_keeps_old") (param i32 i32) (result i32)
    (local.get 0) (local.set 0 (local.get 1)) (local.get 0) (i32.sub))`);
  return f;
}

function moduleText(functions: string[]): string {
  return `(module (memory 1) (data (i32.const 0) "${"\\01\\23\\45\\67\\89\\ab\\cd\\ef".repeat(40)}")\n${functions.join("\n")})`;
}

describe("fused instructions", function () {
  this.timeout(60_000);
  before(() => buildEngine());

  it("compute what their parts compute, on edge values", () => {
    const bytes = wat(moduleText([...fusedFunctions(), ...localFunctions()]));
    const engine = new Engine();
    const ours = engine.instantiate(engine.load(bytes));
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
    let checked = 0;
    for (const name of Object.keys(v8)) {
      if (typeof v8[name] !== "function") continue;
      for (const a of VALUES) {
        for (const b of VALUES) {
          let expected: string;
          try {
            expected = String((v8[name] as (a: number, b: number) => number)(a, b) | 0);
          } catch {
            expected = "trap";
          }
          let actual: string;
          try {
            actual = String(Number(BigInt.asIntN(32, engine.invoke(ours, name, [BigInt(a >>> 0), BigInt(b >>> 0)])[0])));
          } catch (e) {
            if (!(e instanceof EngineError)) throw e;
            actual = "trap";
          }
          assert.equal(actual, expected, `${name}(${a}, ${b})`);
          checked++;
        }
      }
    }
    assert.ok(checked > 5000);
  });

  it("are emitted: each fused form's function compiles with a fusion, plain code with none", () => {
    const engine = new Engine();
    for (const func of fusedFunctions()) {
      const module = engine.load(wat(moduleText([func])));
      assert.ok(engine.fusionCount(module) >= 1, `no fusion in ${func}`);
    }
    const plain = `(func (export "plain") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)) (drop) (call 0 (local.get 1) (local.get 0)))`;
    assert.equal(engine.fusionCount(engine.load(wat(moduleText([plain])))), 0);
  });
});
