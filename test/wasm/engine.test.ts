// Behaviour of the engine beyond the spec suite: preemption by fuel,
// blocking host calls, trap messages, per-instance limits, and hostile input.
import { strict as assert } from "node:assert";
import {
  DEFAULT_LIMITS, Engine, EngineError, THREAD_BLOCKED, THREAD_DONE, THREAD_OUT_OF_FUEL, THREAD_TRAPPED,
} from "../../tools/spec/engine.ts";
import { buildEngine, wat } from "./helpers.ts";


function instantiate(engine: Engine, source: string): number {
  return engine.instantiate(engine.load(wat(source)));
}

function rejection(f: () => unknown): EngineError {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  assert.fail("expected an engine error");
}

/** True when the module loads; false when the engine refuses it with an error (anything else fails). */
function loadsOrRejects(engine: Engine, bytes: Uint8Array): boolean {
  try {
    engine.load(bytes);
    return true;
  } catch (e) {
    assert.ok(e instanceof EngineError, String(e));
    return false;
  }
}

/** Offsets where a section ends: cutting a module there leaves a shorter valid module. */
function sectionBoundaries(bytes: Uint8Array): Set<number> {
  const ends = new Set<number>([8]);
  let pos = 8;
  while (pos < bytes.length) {
    pos++; // section id
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++];
      size |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
    }
    pos += size;
    ends.add(pos);
  }
  return ends;
}

describe("wasm engine", function () {
  this.timeout(60_000);
  before(() => buildEngine());

  describe("preemption by fuel", () => {
    it("stops an infinite loop and can resume it", () => {
      const engine = new Engine();
      const inst = instantiate(engine, `(module (func (export "spin") (loop (br 0))))`);
      const thread = engine.start(inst, "spin", []);
      for (let slice = 0; slice < 5; slice++) assert.equal(engine.run(thread, 1000n), THREAD_OUT_OF_FUEL);
    });

    it("finishes a long computation over many slices with the right result", () => {
      const engine = new Engine();
      const inst = instantiate(engine, `(module
        (func $sum (export "sum") (param $n i64) (result i64) (local $acc i64)
          (block $done (loop $next
            (br_if $done (i64.eqz (local.get $n)))
            (local.set $acc (i64.add (local.get $acc) (local.get $n)))
            (local.set $n (i64.sub (local.get $n) (i64.const 1)))
            (br $next)))
          (local.get $acc)))`);
      const thread = engine.start(inst, "sum", [100000n]);
      let slices = 0;
      let status = THREAD_OUT_OF_FUEL;
      while (status === THREAD_OUT_OF_FUEL) {
        status = engine.run(thread, 777n);
        slices++;
      }
      assert.equal(status, THREAD_DONE);
      assert.ok(slices > 100, `only ${slices} slices`);
      assert.deepEqual(engine.results(thread), [5000050000n]);
    });

    it("charges bulk operations by size: a loop of large fills takes more slices, and finishes right", () => {
      const engine = new Engine();
      const inst = instantiate(engine, `(module (memory (export "memory") 2)
        (func (export "fills") (param $size i32) (param $count i32) (result i32)
          (loop $next
            (memory.fill (i32.const 0) (local.get $count) (local.get $size))
            (br_if $next (local.tee $count (i32.sub (local.get $count) (i32.const 1)))))
          (i32.add (i32.load8_u (i32.const 0)) (i32.load8_u (i32.sub (local.get $size) (i32.const 1))))))`);
      const slicesFor = (size: bigint): number => {
        const thread = engine.start(inst, "fills", [size, 200n]);
        let slices = 1;
        while (engine.run(thread, 1000n) === THREAD_OUT_OF_FUEL) slices++;
        // The last fill (count 1) wrote ones from the first byte to the last.
        assert.deepEqual(engine.results(thread), [2n], `fills of ${size}`);
        return slices;
      };
      const small = slicesFor(16n);
      const large = slicesFor(65536n);
      assert.equal(small, 1);
      // 200 fills of 64 KiB at 1 unit per KiB: about 12800 units, 13 slices of 1000.
      assert.ok(large >= 10, `only ${large} slices`);
    });

    it("preempts recursion without loops, at calls", () => {
      const engine = new Engine();
      const inst = instantiate(engine, `(module
        (func $fib (export "fib") (param i32) (result i32)
          (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
            (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                           (call $fib (i32.sub (local.get 0) (i32.const 2))))))))`);
      const thread = engine.start(inst, "fib", [20n]);
      let slices = 0;
      while (engine.run(thread, 100n) === THREAD_OUT_OF_FUEL) slices++;
      assert.ok(slices > 50);
      assert.deepEqual(engine.results(thread), [6765n]);
    });
  });

  describe("blocking host calls", () => {
    it("suspends the caller and resumes it with the host's results", () => {
      const engine = new Engine();
      const calls: bigint[][] = [];
      engine.defineFunction("sys", "wait", {
        params: ["i32"], results: ["i32", "i64"],
        impl: (args) => { calls.push(args); return "block"; },
      });
      const inst = instantiate(engine, `(module
        (import "sys" "wait" (func $wait (param i32) (result i32 i64)))
        (func $inner (param $x i32) (result i64) (local $small i32) (local $big i64)
          (call $wait (local.get $x))
          (local.set $big)
          (local.set $small)
          (i64.add (local.get $big) (i64.extend_i32_u (local.get $small)))
          (i64.add (i64.extend_i32_u (local.get $x))))
        (func (export "main") (param i32) (result i64)
          (i64.mul (call $inner (local.get 0)) (i64.const 2))))`);
      const thread = engine.start(inst, "main", [7n]);
      assert.equal(engine.run(thread), THREAD_BLOCKED);
      assert.deepEqual(calls, [[7n]]);
      engine.answerBlocked(thread, [5n, 1000n]);
      assert.equal(engine.run(thread), THREAD_DONE);
      // (wait's i64 + its i32, plus the argument) * 2 = (1000 + 5 + 7) * 2
      assert.deepEqual(engine.results(thread), [2024n]);
    });

    it("answers at once when the host does not block, and traps when it fails", () => {
      const engine = new Engine();
      engine.defineFunction("sys", "double", { params: ["i32"], results: ["i32"], impl: ([x]) => [x * 2n] });
      engine.defineFunction("sys", "fail", { params: [], results: [], impl: () => "trap" });
      const inst = instantiate(engine, `(module
        (import "sys" "double" (func $double (param i32) (result i32)))
        (import "sys" "fail" (func $fail))
        (func (export "twice") (param i32) (result i32) (call $double (call $double (local.get 0))))
        (func $caller (export "fail") (call $fail)))`);
      assert.deepEqual(engine.invoke(inst, "twice", [3n]), [12n]);
      const e = rejection(() => engine.invoke(inst, "fail", []));
      assert.equal(e.kind, "trap");
      assert.match(e.message, /host function failed in function \$?caller/);
    });
  });

  describe("traps", () => {
    const engine = new Engine();
    let inst = 0;
    before(() => {
      inst = instantiate(engine, `(module
        (memory 1)
        (table 2 funcref)
        (func $divide (export "divide") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
        (func $peek (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
        (func $convert (export "convert") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
        (func $indirect (export "indirect") (param i32) (call_indirect (local.get 0)))
        (func $recurse (export "recurse") (call $recurse))
        (func $stop (export "stop") (unreachable)))`);
    });

    const cases: [string, bigint[], RegExp][] = [
      ["divide", [1n, 0n], /^integer divide by zero in function \$?divide$/],
      ["peek", [65534n], /^out of bounds memory access in function \$?peek$/],
      ["convert", [0x7ff8000000000000n], /^invalid conversion to integer in function \$?convert$/],
      ["convert", [0x41f0000000000000n], /^integer overflow in function \$?convert$/],
      ["indirect", [5n], /^undefined element 5 in function \$?indirect$/],
      ["indirect", [1n], /^uninitialized element 1 in function \$?indirect$/],
      ["recurse", [], /^call stack exhausted in function \$?recurse$/],
      ["stop", [], /^unreachable in function \$?stop$/],
    ];
    for (const [name, args, message] of cases) {
      it(`${name}(${args.join(", ")}) traps with a message naming the function`, () => {
        const thread = engine.start(inst, name, args);
        assert.equal(engine.run(thread), THREAD_TRAPPED);
        assert.match(engine.trapMessage(thread), message);
        engine.freeThread(thread);
      });
    }
  });

  describe("limits", () => {
    it("refuses a memory larger than the page limit, and grows only up to it", () => {
      const engine = new Engine();
      engine.setLimits({ ...DEFAULT_LIMITS, memoryPages: 4 });
      const e = rejection(() => instantiate(engine, `(module (memory 5))`));
      assert.equal(e.kind, "link");
      assert.match(e.message, /memory of 5 pages exceeds the limit of 4/);
      const inst = instantiate(engine, `(module (memory 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
      assert.deepEqual(engine.invoke(inst, "grow", [3n]), [1n]);
      assert.deepEqual(engine.invoke(inst, "grow", [1n]), [0xffffffffn]);
    });

    it("refuses a table larger than the limit, and grows only up to it", () => {
      const engine = new Engine();
      engine.setLimits({ ...DEFAULT_LIMITS, tableSize: 10 });
      assert.match(rejection(() => instantiate(engine, `(module (table 11 funcref))`)).message, /table of 11 elements/);
      const inst = instantiate(engine, `(module (table 10 externref)
        (func (export "grow") (result i32) (table.grow (ref.null extern) (i32.const 1))))`);
      assert.deepEqual(engine.invoke(inst, "grow", []), [0xffffffffn]);
    });

    it("ends deep recursion at the call-depth and value-stack limits", () => {
      const engine = new Engine();
      const source = `(module (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))`;
      engine.setLimits({ ...DEFAULT_LIMITS, callDepth: 100 });
      const shallow = instantiate(engine, source);
      assert.deepEqual(engine.invoke(shallow, "down", [98n]), [98n]);
      assert.match(rejection(() => engine.invoke(shallow, "down", [100n])).message, /call stack exhausted/);
      engine.setLimits({ ...DEFAULT_LIMITS, stackSlots: 64 });
      assert.match(rejection(() => engine.invoke(shallow, "down", [50n])).message, /call stack exhausted/);
    });

    it("gives back the memory of modules and instances it frees", () => {
      const engine = new Engine();
      const source = `(module (memory 64) (table 1000 funcref)
        (func (export "touch") (i32.store (i32.const 4000000) (i32.const 1))))`;
      for (let round = 0; round < 40; round++) {
        engine.invoke(instantiate(engine, source), "touch", []);
        engine.reset();
      }
      // 40 rounds of 4 MiB memories would need 160 MiB if nothing were freed.
      assert.ok(engine.footprint < 32 << 20, `engine holds ${engine.footprint} bytes`);
    });

    it("keeps all the memories and tables of a store within its totals", () => {
      const engine = new Engine();
      engine.setLimits({ ...DEFAULT_LIMITS, totalPages: 10, totalElements: 100 });
      // Two instances use 8 pages and 80 elements; a third does not fit.
      const source = `(module (memory 4) (table 40 funcref)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "more") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))`;
      const first = instantiate(engine, source);
      instantiate(engine, source);
      assert.match(rejection(() => instantiate(engine, source)).message, /exceeds what is left of the 10 pages/);
      assert.deepEqual(engine.invoke(first, "grow", [3n]), [0xffffffffn]);
      assert.deepEqual(engine.invoke(first, "grow", [2n]), [4n]);
      assert.deepEqual(engine.invoke(first, "more", [21n]), [0xffffffffn]);
      assert.deepEqual(engine.invoke(first, "more", [20n]), [40n]);
      engine.setLimits({ ...DEFAULT_LIMITS, totalElements: 10 });
      assert.match(rejection(() => instantiate(engine, source)).message, /exceeds what is left of the 10 elements/);
    });

    it("refuses a module larger than the size limit", () => {
      const engine = new Engine();
      engine.setLimits({ ...DEFAULT_LIMITS, moduleBytes: 16 });
      const e = rejection(() => engine.load(wat(`(module (func (export "f") (result i32) (i32.const 1)))`)));
      assert.equal(e.kind, "load");
      assert.match(e.message, /module too large/);
    });
  });

  describe("malformed and unsupported modules", () => {
    const valid = wat(`(module
      (type (func (param i32 i64) (result f64)))
      (import "env" "f" (func (type 0)))
      (memory 1 2) (table 3 funcref) (global (mut i32) (i32.const 7))
      (func $g (export "g") (param i32) (result i32)
        (block (result i32) (loop (br_if 1 (local.get 0) (i32.const 1)) (drop) (br 0)) (unreachable)))
      (elem (i32.const 0) $g) (data (i32.const 8) "hello")
      (func (export "h") (result i32) (i32.load8_u (i32.const 9))))`);

    it("rejects every truncation inside a section with an error", () => {
      const engine = new Engine();
      const boundaries = sectionBoundaries(valid);
      for (let n = 0; n < valid.length; n++) {
        if (boundaries.has(n)) loadsOrRejects(engine, valid.subarray(0, n));
        else assert.equal(rejection(() => engine.load(valid.subarray(0, n))).kind, "load");
      }
    });

    it("never crashes on mutated modules, and accepts exactly those V8 accepts", () => {
      const engine = new Engine();
      let seed = 12345;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
      let accepted = 0;
      for (let round = 0; round < 3000; round++) {
        const bytes = Uint8Array.from(valid);
        for (let k = 0; k <= round % 3; k++) bytes[8 + (random() % (bytes.length - 8))] = random() & 0xff;
        const loads = loadsOrRejects(engine, bytes);
        assert.equal(loads, WebAssembly.validate(bytes), `mutated module ${Buffer.from(bytes).toString("hex")}`);
        if (loads) accepted++;
      }
      assert.ok(accepted < 3000);
    });

    it("rejects SIMD with a clear error", () => {
      const engine = new Engine();
      const simd = wat(`(module (func (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))`, { simd: true });
      assert.equal(rejection(() => engine.load(simd)).message, "unsupported feature: SIMD");
    });

    it("keeps custom sections", () => {
      const engine = new Engine();
      // The module from above plus a custom section "atoll" with two bytes of content.
      const custom = Uint8Array.from([0, 8, 5, ...Buffer.from("atoll"), 1, 2]);
      const handle = engine.load(Uint8Array.from([...valid, ...custom]));
      assert.equal(engine.customSectionCount(handle), 2); // with wabt's "name" section
    });
  });
});
