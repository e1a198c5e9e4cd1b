// Bulk operations finished in pieces: with little fuel per run, memory.fill,
// memory.copy, memory.init, table.fill, table.copy and table.init each do
// what the fuel pays for, stop, and continue in the next run, ending with
// exactly the spec's result (V8's for memories, a model's for tables). Out of
// bounds they still trap having written nothing, and no run does much more
// than its fuel pays for. Runs are counted, never timed.
import { strict as assert } from "node:assert";
import { Engine, THREAD_DONE, THREAD_OUT_OF_FUEL, THREAD_TRAPPED } from "../../tools/spec/engine.ts";
import { buildEngine, wat } from "./helpers.ts";

/** Bytes one unit of fuel pays for (BULK_BYTES_PER_FUEL in kernel/wasm/execute.ts). */
const BYTES_PER_FUEL = 1024;
const MEMORY_BYTES = 64 * 65536;
const SEGMENT_BYTES = 96 * 1024;
const TABLE_SIZE = 65536;
const ELEMENT_BYTES = 8;
/** Entries of the element segment and how many functions it cycles through. */
const SEGMENT_ELEMS = 8192;
const FUNCS = 7;

/** Byte i of the passive data segment: never zero, so every byte it lands on changes. */
const segmentByte = (i: number): number => 1 + (i % 255);
/** Function of entry i of the element segment. */
const segmentFunc = (i: number): number => (i * 3) % FUNCS;

function dataString(bytes: number): string {
  let s = "";
  for (let i = 0; i < bytes; i++) s += "\\" + segmentByte(i).toString(16).padStart(2, "0");
  return s;
}

// "pattern" writes byte i = i mod 251 everywhere: a copy by a distance that is
// not a multiple of 251 changes every byte it writes.
const MEMORY_MODULE = wat(`(module
  (memory (export "memory") 64)
  (data $seg "${dataString(SEGMENT_BYTES)}")
  (func (export "pattern") (local $i i32)
    (loop $next
      (i32.store8 (local.get $i) (i32.rem_u (local.get $i) (i32.const 251)))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const ${MEMORY_BYTES})))))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (memory.init $seg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $seg))
  (func (export "fills") (param $size i32) (param $count i32) (local $at i32)
    (loop $next
      (memory.fill (local.get $at) (i32.const 0xab) (local.get $size))
      (local.set $at (i32.add (local.get $at) (local.get $size)))
      (br_if $next (local.tee $count (i32.sub (local.get $count) (i32.const 1)))))))`);

const funcs = Array.from({ length: FUNCS }, (_, i) => `(func $f${i})`).join(" ");
const probes = Array.from({ length: FUNCS }, (_, i) => `(table.set $probe (i32.const ${i}) (ref.func $f${i}))`).join(" ");
const segment = Array.from({ length: SEGMENT_ELEMS }, (_, i) => `$f${segmentFunc(i)}`).join(" ");

// "list" puts each function's reference (its table value) in table "probe".
const TABLE_MODULE = wat(`(module
  (table $t (export "table") ${TABLE_SIZE} funcref)
  (table $probe (export "probe") ${FUNCS} funcref)
  ${funcs}
  (elem $seg func ${segment})
  (func (export "list") ${probes})
  (func (export "fill") (param $d i32) (param $f i32) (param $n i32)
    (table.fill $t (local.get $d) (table.get $probe (local.get $f)) (local.get $n)))
  (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (table.init $t $seg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (elem.drop $seg)))`);

type Call = [name: string, args: number[]];

/** Where the first difference is, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  if (Buffer.compare(a, b) === 0) return -1;
  return a.findIndex((x, i) => x !== b[i]);
}

function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const at = firstDifference(actual, expected);
  assert.equal(at, -1, `${what}: first difference at byte ${at} (${actual[at]} instead of ${expected[at]})`);
}

/** Bytes that differ (both a whole number of words long, as memories and tables are). */
function changedBytes(before: Uint8Array, after: Uint8Array): number {
  const a = new Uint32Array(before.buffer, before.byteOffset, before.length >> 2);
  const b = new Uint32Array(after.buffer, after.byteOffset, after.length >> 2);
  let n = 0;
  for (let w = 0; w < a.length; w++) {
    if (a[w] === b[w]) continue;
    for (let i = w << 2; i < (w + 1) << 2; i++) if (before[i] !== after[i]) n++;
  }
  return n;
}

/** Memory after `calls` in V8: the reference result. */
function v8Memory(calls: Call[]): Uint8Array {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(MEMORY_MODULE));
  for (const [name, args] of calls) (instance.exports[name] as (...a: number[]) => void)(...args);
  return new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer).slice();
}

interface Sliced {
  status: number;
  runs: number;
  /** Bytes (of the export watched) that each run changed. */
  changed: number[];
}

/**
 * Starts `name` and runs it with `fuel` per run until it stops otherwise,
 * recording what each run changed of export `watched`.
 */
function runSliced(engine: Engine, inst: number, name: string, args: number[], fuel: number, watched: string): Sliced {
  const thread = engine.start(inst, name, args.map(BigInt));
  const changed: number[] = [];
  let before = engine.exportedBytes(inst, watched);
  let status = THREAD_OUT_OF_FUEL;
  while (status === THREAD_OUT_OF_FUEL) {
    status = engine.run(thread, BigInt(fuel));
    const after = engine.exportedBytes(inst, watched);
    changed.push(changedBytes(before, after));
    before = after;
  }
  engine.freeThread(thread);
  return { status, runs: changed.length, changed };
}

function memoryInstance(engine: Engine, setup: Call[]): number {
  const inst = engine.instantiate(engine.load(MEMORY_MODULE));
  for (const [name, args] of setup) engine.invoke(inst, name, args.map(BigInt));
  return inst;
}

/** The run counts a bulk operation over `bytes` may take with `fuel` per run. */
function assertRuns(runs: number, bytes: number, fuel: number, what: string): void {
  const fewest = Math.floor(bytes / ((fuel + 1) * BYTES_PER_FUEL));
  const most = Math.ceil(bytes / (fuel * BYTES_PER_FUEL));
  assert.ok(runs >= fewest && runs <= most, `${what}: ${runs} runs, expected ${fewest} to ${most}`);
}

/** A table as element values, `ref` giving each function's reference. */
function tableBytes(funcsAt: number[], ref: bigint[]): Uint8Array {
  return new Uint8Array(BigUint64Array.from(funcsAt, (f) => (f < 0 ? 0n : ref[f])).buffer);
}

describe("bulk operations in pieces", function () {
  this.timeout(120_000);
  before(() => buildEngine());

  describe("memory", () => {
    const FUEL = 16;
    const cases: { what: string; setup: Call[]; op: Call; bytes: number }[] = [
      { what: "fill of 3 MiB", setup: [], op: ["fill", [100_001, 0x5a, 3 << 20]], bytes: 3 << 20 },
      { what: "copy up, overlapping", setup: [["pattern", []]], op: ["copy", [1000, 0, 3 << 20]], bytes: 3 << 20 },
      { what: "copy down, overlapping", setup: [["pattern", []]], op: ["copy", [0, 1000, 3 << 20]], bytes: 3 << 20 },
      { what: "copy up by one byte", setup: [["pattern", []]], op: ["copy", [1, 0, 2 << 20]], bytes: 2 << 20 },
      { what: "copy, apart", setup: [["pattern", []]], op: ["copy", [3 << 20, 7, 1 << 20]], bytes: 1 << 20 },
      { what: "init", setup: [["pattern", []]], op: ["init", [12_345, 777, SEGMENT_BYTES - 777]], bytes: SEGMENT_BYTES - 777 },
    ];
    for (const { what, setup, op, bytes } of cases) {
      it(`${what}: many runs, the spec's result`, () => {
        const engine = new Engine();
        const inst = memoryInstance(engine, setup);
        const r = runSliced(engine, inst, op[0], op[1], FUEL, "memory");
        assert.equal(r.status, THREAD_DONE);
        assertRuns(r.runs, bytes, FUEL, what);
        assertSameBytes(engine.exportedBytes(inst, "memory"), v8Memory([...setup, op]), what);
      });
    }

    it("charges each piece the fuel it pays for, and takes at least one unit's worth with no fuel", () => {
      const engine = new Engine();
      const inst = memoryInstance(engine, []);
      const thread = engine.start(inst, "fill", [0n, 1n, 100n * 1024n]);
      const filled = (): number => engine.exportedBytes(inst, "memory").indexOf(0);
      assert.equal(engine.run(thread, 10n), THREAD_OUT_OF_FUEL);
      assert.equal(engine.fuelLeft(thread), 0n);
      assert.equal(filled(), 10 * BYTES_PER_FUEL);
      assert.equal(engine.run(thread, 0n), THREAD_OUT_OF_FUEL);
      assert.equal(filled(), 11 * BYTES_PER_FUEL);
      assert.equal(engine.run(thread, 1000n), THREAD_DONE);
      assert.equal(engine.fuelLeft(thread), 1000n - 89n);
      assert.equal(filled(), 100 * BYTES_PER_FUEL);
    });

    it("costs nothing extra for operations under a unit, which finish at once", () => {
      const engine = new Engine();
      const inst = memoryInstance(engine, []);
      const thread = engine.start(inst, "fill", [5n, 9n, 1023n]);
      assert.equal(engine.run(thread, 0n), THREAD_DONE);
      assert.equal(engine.fuelLeft(thread), 0n);
      assertSameBytes(engine.exportedBytes(inst, "memory"), v8Memory([["fill", [5, 9, 1023]]]), "small fill");
    });

    const outOfBounds: { what: string; op: Call }[] = [
      { what: "fill one byte past the end", op: ["fill", [MEMORY_BYTES - 100_000, 1, 100_001]] },
      { what: "fill of the whole memory plus one", op: ["fill", [0, 1, MEMORY_BYTES + 1]] },
      { what: "copy from past the end", op: ["copy", [0, 1, MEMORY_BYTES]] },
      { what: "copy to past the end", op: ["copy", [1, 0, MEMORY_BYTES]] },
      { what: "init past the segment", op: ["init", [0, 1, SEGMENT_BYTES]] },
      { what: "init past the memory", op: ["init", [MEMORY_BYTES - 1000, 0, 1001]] },
    ];
    for (const { what, op } of outOfBounds) {
      it(`${what}: traps in the first run having written nothing`, () => {
        const engine = new Engine();
        const inst = memoryInstance(engine, [["pattern", []]]);
        const before = engine.exportedBytes(inst, "memory");
        const r = runSliced(engine, inst, op[0], op[1], 1, "memory");
        assert.equal(r.status, THREAD_TRAPPED);
        assert.equal(r.runs, 1);
        assertSameBytes(engine.exportedBytes(inst, "memory"), before, what);
      });
    }

    it("traps on init from a dropped segment, except for nothing", () => {
      const engine = new Engine();
      const inst = memoryInstance(engine, [["drop", []]]);
      engine.invoke(inst, "init", [0n, 0n, 0n]);
      assert.equal(runSliced(engine, inst, "init", [0, 0, 1], 1, "memory").status, THREAD_TRAPPED);
    });

    it("no run with fuel F changes more than about F KiB, whatever the shape", () => {
      // Each shape does about 48 runs' worth of work.
      const shapes = (fuel: number): { what: string; setup: Call[]; op: Call }[] => {
        const total = 48 * fuel * BYTES_PER_FUEL;
        return [
          { what: "one fill", setup: [], op: ["fill", [0, 0xab, total]] },
          { what: "a loop of 64 KiB fills", setup: [], op: ["fills", [65536, Math.ceil(total / 65536)]] },
          { what: "a loop of fills just under a unit", setup: [], op: ["fills", [1023, Math.floor(total / 1023)]] },
          { what: "a loop of fills just over a unit", setup: [], op: ["fills", [1025, Math.floor(total / 1025)]] },
          { what: "one copy up by one byte", setup: [["pattern", []]], op: ["copy", [1, 0, total]] },
          { what: "one init", setup: [], op: ["init", [0, 0, Math.min(total, SEGMENT_BYTES)]] },
        ];
      };
      for (const fuel of [1, 8, 64]) {
        for (const { what, setup, op } of shapes(fuel)) {
          const engine = new Engine();
          const inst = memoryInstance(engine, setup);
          const r = runSliced(engine, inst, op[0], op[1], fuel, "memory");
          assert.equal(r.status, THREAD_DONE, what);
          const most = Math.max(...r.changed);
          assert.ok(most <= (fuel + 1) * BYTES_PER_FUEL, `${what} with fuel ${fuel}: a run changed ${most} bytes`);
          assert.ok(r.runs > 1, `${what} with fuel ${fuel} finished in one run`);
        }
      }
    });
  });

  describe("tables", () => {
    const FUEL = 8;
    const ELEMS_PER_RUN = (FUEL * BYTES_PER_FUEL) / ELEMENT_BYTES;

    /** An instance whose table holds the segment again and again, and each function's reference. */
    function patterned(engine: Engine): { inst: number; ref: bigint[]; model: number[] } {
      const inst = engine.instantiate(engine.load(TABLE_MODULE));
      engine.invoke(inst, "list", []);
      const probe = new BigUint64Array(engine.exportedBytes(inst, "probe").buffer);
      for (let at = 0; at < TABLE_SIZE; at += SEGMENT_ELEMS) engine.invoke(inst, "init", [BigInt(at), 0n, BigInt(SEGMENT_ELEMS)]);
      const model = Array.from({ length: TABLE_SIZE }, (_, i) => segmentFunc(i % SEGMENT_ELEMS));
      return { inst, ref: Array.from(probe), model };
    }

    const cases: { what: string; op: Call; apply: (m: number[]) => void; elems: number }[] = [
      { what: "fill", op: ["fill", [3, 5, 60_000]], apply: (m) => m.fill(5, 3, 60_003), elems: 60_000 },
      { what: "copy up, overlapping", op: ["copy", [1000, 0, 60_000]], apply: (m) => m.copyWithin(1000, 0, 60_000), elems: 60_000 },
      { what: "copy down, overlapping", op: ["copy", [0, 1000, 60_000]], apply: (m) => m.copyWithin(0, 1000, 61_000), elems: 60_000 },
      {
        what: "init", op: ["init", [100, 5, SEGMENT_ELEMS - 5]], elems: SEGMENT_ELEMS - 5,
        apply: (m) => { for (let i = 0; i < SEGMENT_ELEMS - 5; i++) m[100 + i] = segmentFunc(5 + i); },
      },
    ];
    for (const { what, op, apply, elems } of cases) {
      it(`${what}: many runs, the spec's result, no run doing much more than its fuel pays for`, () => {
        const engine = new Engine();
        const { inst, ref, model } = patterned(engine);
        const r = runSliced(engine, inst, op[0], op[1], FUEL, "table");
        assert.equal(r.status, THREAD_DONE);
        assertRuns(r.runs, elems * ELEMENT_BYTES, FUEL, what);
        const most = Math.max(...r.changed) / ELEMENT_BYTES;
        assert.ok(most <= ELEMS_PER_RUN + BYTES_PER_FUEL / ELEMENT_BYTES, `a run changed ${most} elements`);
        apply(model);
        assertSameBytes(engine.exportedBytes(inst, "table"), tableBytes(model, ref), what);
      });
    }

    const outOfBounds: { what: string; op: Call }[] = [
      { what: "fill one past the end", op: ["fill", [TABLE_SIZE - 5000, 1, 5001]] },
      { what: "copy from past the end", op: ["copy", [0, 1, TABLE_SIZE]] },
      { what: "copy to past the end", op: ["copy", [1, 0, TABLE_SIZE]] },
      { what: "init past the segment", op: ["init", [0, 1, SEGMENT_ELEMS]] },
      { what: "init past the table", op: ["init", [TABLE_SIZE - 100, 0, 101]] },
    ];
    for (const { what, op } of outOfBounds) {
      it(`${what}: traps in the first run having written nothing`, () => {
        const engine = new Engine();
        const { inst } = patterned(engine);
        const before = engine.exportedBytes(inst, "table");
        const r = runSliced(engine, inst, op[0], op[1], 1, "table");
        assert.equal(r.status, THREAD_TRAPPED);
        assert.equal(r.runs, 1);
        assertSameBytes(engine.exportedBytes(inst, "table"), before, what);
      });
    }

    it("traps on init from a dropped segment", () => {
      const engine = new Engine();
      const { inst } = patterned(engine);
      engine.invoke(inst, "drop", []);
      assert.equal(runSliced(engine, inst, "init", [0, 0, 1], 1, "table").status, THREAD_TRAPPED);
    });
  });
});
