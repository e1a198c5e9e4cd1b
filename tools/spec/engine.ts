// Node-side wrapper of the hosted engine build (out/engine/engine.wasm):
// one Engine per WebAssembly instance of the engine, so each user of it
// (a spec script, a test) starts from an empty store.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ENGINE_WASM = join(import.meta.dirname, "../../out/engine/engine.wasm");

export const THREAD_DONE = 1;
export const THREAD_TRAPPED = 2;
export const THREAD_OUT_OF_FUEL = 3;
export const THREAD_BLOCKED = 4;
export const HOST_DONE = 0;
export const HOST_BLOCK = 1;
export const HOST_TRAP = 2;
export const UNLIMITED_FUEL = 0x7fffffffffffffffn;

export const TYPE_CODES: Record<string, number> = {
  i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, funcref: 0x70, externref: 0x6f,
};

/** A host function: reads its arguments (64-bit slots) and returns results, or asks to block or trap. */
export type HostImpl = (args: bigint[], thread: number) => bigint[] | "block" | "trap";

export interface HostFunctionSpec {
  params: string[];
  results: string[];
  impl: HostImpl;
}

/** The engine's limits (kernel/wasm/limits.ts). */
export interface EngineLimits {
  moduleBytes: number;
  memoryPages: number;
  tableSize: number;
  stackSlots: number;
  callDepth: number;
  totalPages: number;
  totalElements: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  moduleBytes: 64 << 20, memoryPages: 8192, tableSize: 1 << 20, stackSlots: 1 << 20, callDepth: 20000,
  totalPages: 16384, totalElements: 1 << 22,
};

export class EngineError extends Error {
  constructor(message: string, public kind: "load" | "link" | "trap") {
    super(message);
  }
}

let compiled: WebAssembly.Module | null = null;

export class Engine {
  private exports: any;
  private hosts: { spec: HostFunctionSpec }[] = [];
  /** Result types of the function each thread runs. */
  private resultTypes = new Map<number, string[]>();

  constructor() {
    compiled ??= new WebAssembly.Module(readFileSync(ENGINE_WASM));
    const instance = new WebAssembly.Instance(compiled, {
      env: {
        abort: (msg: number, file: number, line: number, col: number) => {
          throw new Error(`engine abort: ${this.readString(msg)} at ${this.readString(file)}:${line}:${col}`);
        },
      },
      host: { call: (id: number, args: number, thread: number) => this.callHost(id, args, thread) },
    });
    this.exports = instance.exports;
  }

  private get memory(): WebAssembly.Memory {
    return this.exports.memory;
  }

  readString(ptr: number): string {
    if (ptr === 0) return "";
    const bytes = new Uint32Array(this.memory.buffer, ptr - 4, 1)[0];
    return Buffer.from(new Uint8Array(this.memory.buffer, ptr, bytes)).toString("utf16le");
  }

  /** Copies bytes into engine memory; the caller frees the pointer. */
  private copyIn(bytes: Uint8Array): number {
    const ptr = this.exports.alloc(Math.max(bytes.length, 1));
    new Uint8Array(this.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  }

  /** Calls `f` with a UTF-8 copy of each string argument as (pointer, length). */
  private withStrings<T>(strings: string[], f: (...ptrLen: number[]) => T): T {
    const args: number[] = [];
    const ptrs: number[] = [];
    for (const s of strings) {
      const bytes = Buffer.from(s, "utf8");
      const ptr = this.copyIn(bytes);
      ptrs.push(ptr);
      args.push(ptr, bytes.length);
    }
    try {
      return f(...args);
    } finally {
      for (const p of ptrs) this.exports.free(p);
    }
  }

  private slots(values: bigint[]): number {
    const ptr = this.exports.alloc(Math.max(values.length, 1) * 8);
    const view = new BigUint64Array(this.memory.buffer, ptr, values.length);
    values.forEach((v, i) => (view[i] = BigInt.asUintN(64, v)));
    return ptr;
  }

  private callHost(id: number, args: number, thread: number): number {
    const { spec } = this.hosts[id];
    const view = new BigUint64Array(this.memory.buffer, args, spec.params.length);
    // 32-bit values use only the low half of their slot.
    const values = Array.from(view, (v, i) => (spec.params[i] === "i32" || spec.params[i] === "f32" ? v & 0xffffffffn : v));
    const answer = spec.impl(values, thread);
    if (answer === "block") return HOST_BLOCK;
    if (answer === "trap") return HOST_TRAP;
    this.writeSlots(args, answer);
    return HOST_DONE;
  }

  writeSlots(ptr: number, values: bigint[]): void {
    const out = new BigUint64Array(this.memory.buffer, ptr, values.length);
    values.forEach((v, i) => (out[i] = BigInt.asUintN(64, v)));
  }

  /** Frees every module, instance and thread (their memories, tables, code and stacks). */
  reset(): void {
    this.exports.reset();
  }

  /** Bytes of memory the engine itself holds from its host. */
  get footprint(): number {
    return this.memory.buffer.byteLength;
  }

  setLimits(l: EngineLimits): void {
    this.exports.setLimits(l.moduleBytes, l.memoryPages, l.tableSize, l.stackSlots, l.callDepth, l.totalPages, l.totalElements);
  }

  /** Decodes and validates; returns a module handle or throws EngineError("load"). */
  load(bytes: Uint8Array): number {
    const ptr = this.copyIn(bytes);
    const handle = this.exports.loadModule(ptr, bytes.length);
    this.exports.free(ptr);
    if (handle < 0) throw new EngineError(this.readString(this.exports.errorText()), "load");
    return handle;
  }

  customSectionCount(module: number): number {
    return this.exports.customSectionCount(module);
  }

  /** How many instruction sequences the compiler fused in a loaded module. */
  fusionCount(module: number): number {
    return this.exports.fusionCount(module);
  }

  instantiate(module: number): number {
    const handle = this.exports.instantiateModule(module);
    if (handle < 0) {
      const kind = this.exports.errorStatus() === 1 ? "link" : "trap";
      throw new EngineError(this.readString(this.exports.errorText()), kind);
    }
    return handle;
  }

  register(instance: number, name: string): void {
    this.withStrings([name], (p, n) => this.exports.register(instance, p, n));
  }

  exportKind(instance: number, name: string): number {
    return this.withStrings([name], (p, n) => this.exports.exportKind(instance, p, n));
  }

  globalValue(instance: number, name: string): bigint {
    return BigInt.asUintN(64, this.withStrings([name], (p, n) => this.exports.globalValue(instance, p, n)));
  }

  /** Parameter and result types of an exported function, or null when there is none. */
  signature(instance: number, name: string): { params: string[]; results: string[] } | null {
    const out = this.exports.alloc(1024);
    try {
      const packed = this.withStrings([name], (p, n) => this.exports.signature(instance, p, n, out));
      if (packed < 0) return null;
      const names = Object.fromEntries(Object.entries(TYPE_CODES).map(([k, v]) => [v, k]));
      const codes = Array.from(new Uint8Array(this.memory.buffer, out, (packed >>> 16) + (packed & 0xffff)));
      const types = codes.map((c) => names[c]);
      return { params: types.slice(0, packed >>> 16), results: types.slice(packed >>> 16) };
    } finally {
      this.exports.free(out);
    }
  }

  /** Starts a thread on an exported function; run it with run(). */
  start(instance: number, name: string, args: bigint[]): number {
    const argsPtr = this.slots(args);
    try {
      const thread = this.withStrings([name], (p, n) => this.exports.threadStart(instance, p, n, argsPtr));
      this.resultTypes.set(thread, this.signature(instance, name)!.results);
      return thread;
    } finally {
      this.exports.free(argsPtr);
    }
  }

  run(thread: number, fuel: bigint = UNLIMITED_FUEL): number {
    return this.exports.threadRun(thread, fuel);
  }

  /** The results of a finished thread; 32-bit values are taken from the low half of their slot. */
  results(thread: number): bigint[] {
    return (this.resultTypes.get(thread) ?? []).map((type, i) => {
      const bits = BigInt.asUintN(64, this.exports.threadResult(thread, i));
      return type === "i32" || type === "f32" ? bits & 0xffffffffn : bits;
    });
  }

  /** The fuel a thread has left of its last run. */
  fuelLeft(thread: number): bigint {
    return this.exports.threadFuel(thread);
  }

  /** A copy of an exported memory's bytes, or of an exported table's elements (8 bytes each, as stored). */
  exportedBytes(instance: number, name: string): Uint8Array {
    const [at, bytes] = this.withStrings([name], (p, n) =>
      [this.exports.exportContents(instance, p, n), this.exports.exportContentsLength(instance, p, n)]);
    return new Uint8Array(this.memory.buffer, at, bytes).slice();
  }

  trapMessage(thread: number): string {
    return this.readString(this.exports.threadTrap(thread));
  }

  /** Writes the results of a blocked host call; run() then continues the thread. */
  answerBlocked(thread: number, results: bigint[]): void {
    const ptr = this.exports.threadBlockedResults(thread);
    if (ptr === 0) throw new Error("thread is not blocked");
    this.writeSlots(ptr, results);
  }

  freeThread(thread: number): void {
    this.exports.threadFree(thread);
    this.resultTypes.delete(thread);
  }

  /** Calls an export to completion; returns its results or throws EngineError("trap"). */
  invoke(instance: number, name: string, args: bigint[]): bigint[] {
    const thread = this.start(instance, name, args);
    try {
      const status = this.run(thread);
      if (status === THREAD_TRAPPED) throw new EngineError(this.trapMessage(thread), "trap");
      if (status !== THREAD_DONE) throw new Error(`thread stopped with status ${status}`);
      return this.results(thread);
    } finally {
      this.freeThread(thread);
    }
  }

  defineFunction(module: string, name: string, spec: HostFunctionSpec): void {
    const id = this.hosts.length;
    this.hosts.push({ spec });
    const params = this.copyIn(Uint8Array.from(spec.params.map((t) => TYPE_CODES[t])));
    const results = this.copyIn(Uint8Array.from(spec.results.map((t) => TYPE_CODES[t])));
    this.withStrings([module, name], (mp, mn, np, nn) =>
      this.exports.defineFunction(mp, mn, np, nn, params, spec.params.length, results, spec.results.length, id));
    this.exports.free(params);
    this.exports.free(results);
  }

  defineGlobal(module: string, name: string, type: string, mutable: boolean, bits: bigint): void {
    this.withStrings([module, name], (mp, mn, np, nn) =>
      this.exports.defineGlobal(mp, mn, np, nn, TYPE_CODES[type], mutable ? 1 : 0, bits));
  }

  defineTable(module: string, name: string, elemType: string, min: number, max?: number): void {
    this.created(this.withStrings([module, name], (mp, mn, np, nn) =>
      this.exports.defineTable(mp, mn, np, nn, TYPE_CODES[elemType], min, max ?? 0, max === undefined ? 0 : 1)));
  }

  defineMemory(module: string, name: string, min: number, max?: number): void {
    this.created(this.withStrings([module, name], (mp, mn, np, nn) =>
      this.exports.defineMemory(mp, mn, np, nn, min, max ?? 0, max === undefined ? 0 : 1)));
  }

  /** Throws EngineError("link") when a definition was refused. */
  private created(ok: number): void {
    if (!ok) throw new EngineError(this.readString(this.exports.errorText()), "link");
  }
}
