// The hosted build of the engine: a flat API over integer handles for Node
// (tests and tools). Bytes and names go in through memory from alloc();
// text comes back as AssemblyScript strings that the caller reads at once.
// Host functions defined here call out to the embedder's "host.call".
import { decodeModule } from "./decode";
import { Thread, THREAD_BLOCKED } from "./execute";
import { HOST_BLOCK, HOST_DONE, HostFunction } from "./host";
import { INSTANTIATE_OK, instantiate } from "./instance";
import { Limits } from "./limits";
import { Module } from "./module";
import { Extern, GlobalInst, Instance } from "./runtime";
import { Store } from "./store";
import { TRAP_EXHAUSTION } from "./trap";
import {
  EXTERN_FUNC, EXTERN_GLOBAL, EXTERN_MEMORY, EXTERN_TABLE, FuncType, GlobalType, Limits as SizeLimits, TableType,
} from "./types";

/** Calls embedder function `id` with `args` (8-byte slots, results written back); answers HOST_*. */
@external("host", "call")
declare function hostCall(id: i32, args: usize, thread: i32): i32;

let limits = new Limits();
let engineStore = new Store(limits);
let modules: Array<Module | null> = [];
let instances: Array<Instance | null> = [];
let threads: Array<Thread | null> = [];
let lastError = "";
let lastStatus = 0;

class EmbedderFunction extends HostFunction {
  constructor(public id: i32) {
    super();
  }

  invoke(thread: Thread, args: usize): i32 {
    return hostCall(this.id, args, thread.tag);
  }
}

function text(ptr: usize, len: u32): string {
  return String.UTF8.decodeUnsafe(ptr, len);
}

function types(ptr: usize, n: u32): u8[] {
  const out = new Array<u8>();
  for (let i: u32 = 0; i < n; i++) out.push(load<u8>(ptr + i));
  return out;
}

export function alloc(size: u32): usize {
  return heap.alloc(size);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

/** Sets the limits; they apply to what is loaded, created or grown from now on. */
export function setLimits(
  moduleBytes: u32, memoryPages: u32, tableSize: u32, stackSlots: u32, callDepth: u32, totalPages: u32, totalElements: u32,
): void {
  limits.maxModuleBytes = moduleBytes;
  limits.maxMemoryPages = memoryPages;
  limits.maxTableSize = tableSize;
  limits.valueStackSlots = stackSlots;
  limits.maxCallDepth = callDepth;
  limits.maxTotalMemoryPages = totalPages;
  limits.maxTotalTableElements = totalElements;
}

/** Frees every module, instance and thread. */
export function reset(): void {
  for (let i = 0; i < threads.length; i++) {
    const t = threads[i];
    if (t !== null) t.dispose();
  }
  for (let i = 0; i < modules.length; i++) modules[i]!.dispose();
  engineStore.dispose();
  limits = new Limits();
  engineStore = new Store(limits);
  modules = [];
  instances = [];
  threads = [];
}

export function errorText(): string {
  return lastError;
}

/** Status of the last instantiate(): 0 ok, 1 link error, 2 trap. */
export function errorStatus(): i32 {
  return lastStatus;
}

/** Decodes and validates a module; returns its handle, or -1 (see errorText). */
export function loadModule(bytes: usize, length: u32): i32 {
  const result = decodeModule(bytes, length, limits);
  if (result.module === null) {
    lastError = result.error;
    return -1;
  }
  modules.push(result.module);
  return modules.length - 1;
}

/** Number of custom sections of a module, for inspection. */
export function customSectionCount(module: i32): i32 {
  return modules[module]!.customs.length;
}

/** Instruction sequences the compiler fused in a module, for the tests. */
export function fusionCount(module: i32): u32 {
  return modules[module]!.fusions;
}

/** Instantiates a module; returns the instance handle, or -1 (see errorText, errorStatus). */
export function instantiateModule(module: i32): i32 {
  const result = instantiate(engineStore, modules[module]!);
  lastStatus = result.status;
  if (result.status != INSTANTIATE_OK) {
    lastError = result.error;
    return -1;
  }
  instances.push(result.instance);
  return instances.length - 1;
}

export function register(instance: i32, name: usize, nameLength: u32): void {
  engineStore.register(text(name, nameLength), instances[instance]!);
}

function findExport(instance: i32, name: usize, nameLength: u32): Extern | null {
  const exports = instances[instance]!.exports;
  const key = text(name, nameLength);
  return exports.has(key) ? exports.get(key) : null;
}

/** The kind of an export (0 func, 1 table, 2 memory, 3 global), or -1 when there is none. */
export function exportKind(instance: i32, name: usize, nameLength: u32): i32 {
  const e = findExport(instance, name, nameLength);
  return e === null ? -1 : e.kind;
}

/** The value of an exported global (bits in a 64-bit integer). */
export function globalValue(instance: i32, name: usize, nameLength: u32): u64 {
  return findExport(instance, name, nameLength)!.global!.value;
}

/** Number of results of an exported function. */
export function resultCount(instance: i32, name: usize, nameLength: u32): i32 {
  return findExport(instance, name, nameLength)!.func!.type.results.length;
}

/**
 * Writes the parameter then the result type codes of an exported function
 * to `out`; returns (parameter count << 16) | result count, or -1 when
 * there is no such function.
 */
export function signature(instance: i32, name: usize, nameLength: u32, out: usize): i32 {
  const e = findExport(instance, name, nameLength);
  if (e === null || e.func === null) return -1;
  const type = e.func!.type;
  const all = type.params.concat(type.results);
  for (let i = 0; i < all.length; i++) store<u8>(out + i, all[i]);
  return (type.params.length << 16) | type.results.length;
}

/** Where the contents of an exported memory or table lie in this build's memory; 0 for other exports. */
export function exportContents(instance: i32, name: usize, nameLength: u32): usize {
  const e = findExport(instance, name, nameLength)!;
  return e.memory !== null ? e.memory!.base : e.table !== null ? e.table!.elems : 0;
}

/** Bytes of an exported memory's or table's contents (8 per table element); 0 for other exports. */
export function exportContentsLength(instance: i32, name: usize, nameLength: u32): u32 {
  const e = findExport(instance, name, nameLength)!;
  return e.memory !== null ? <u32>e.memory!.byteLength : e.table !== null ? e.table!.size << 3 : 0;
}

/** Starts a thread calling an exported function with arguments from `args`; returns its handle. */
export function threadStart(instance: i32, name: usize, nameLength: u32, args: usize): i32 {
  const thread = new Thread(limits);
  const index = threads.length;
  thread.tag = index;
  threads.push(thread);
  thread.start(findExport(instance, name, nameLength)!.func!, args);
  return index;
}

// A host function may run another thread before it returns (the fuzzer's
// call-export does), and each such run holds a dispatch loop on the
// engine's own stack, which nothing else bounds: past this depth a run
// traps as call stack exhaustion instead of overrunning that stack.
const MAX_NESTED_RUNS: i32 = 64;
let nestedRuns: i32 = 0;

/** Runs a thread with `fuel`; returns its status (1 done, 2 trapped, 3 out of fuel, 4 blocked). */
export function threadRun(thread: i32, fuel: i64): i32 {
  const t = threads[thread]!;
  if (nestedRuns >= MAX_NESTED_RUNS) return t.trap(TRAP_EXHAUSTION);
  nestedRuns++;
  const status = t.run(fuel);
  nestedRuns--;
  return status;
}

export function threadResult(thread: i32, i: i32): u64 {
  return threads[thread]!.result(i);
}

/** The fuel a thread has left of its last run. */
export function threadFuel(thread: i32): i64 {
  return threads[thread]!.fuel;
}

export function threadTrap(thread: i32): string {
  return threads[thread]!.trapMessage;
}

/** Where a blocked thread's host call expects its results. */
export function threadBlockedResults(thread: i32): usize {
  const t = threads[thread]!;
  return t.status == THREAD_BLOCKED ? t.blockedResults : 0;
}

export function threadFree(thread: i32): void {
  threads[thread]!.dispose();
  threads[thread] = null;
}

/** Offers a host function `module`.`name` whose calls go to host.call(id, ...). */
export function defineFunction(
  module: usize, moduleLength: u32, name: usize, nameLength: u32,
  params: usize, paramCount: u32, results: usize, resultCount: u32, id: i32,
): void {
  const type = new FuncType(types(params, paramCount), types(results, resultCount));
  const value = new Extern(EXTERN_FUNC);
  const moduleName = text(module, moduleLength);
  const funcName = text(name, nameLength);
  value.func = engineStore.hostFunction(type, new EmbedderFunction(id), moduleName + "." + funcName);
  engineStore.define(moduleName, funcName, value);
}

export function defineGlobal(
  module: usize, moduleLength: u32, name: usize, nameLength: u32, type: u8, mutable: bool, bits: u64,
): void {
  const value = new Extern(EXTERN_GLOBAL);
  value.global = new GlobalInst(new GlobalType(type, mutable), bits);
  engineStore.define(text(module, moduleLength), text(name, nameLength), value);
}

/** Offers a new table; false when the limits refuse it (see errorText). */
export function defineTable(
  module: usize, moduleLength: u32, name: usize, nameLength: u32, elemType: u8, min: u32, max: u32, hasMax: bool,
): bool {
  const value = new Extern(EXTERN_TABLE);
  value.table = engineStore.createTable(new TableType(elemType, new SizeLimits(min, max, hasMax)), min);
  return offer(module, moduleLength, name, nameLength, value, value.table !== null);
}

/** Defines `value` as `module`.`name` when `created`; otherwise records why not. */
function offer(module: usize, moduleLength: u32, name: usize, nameLength: u32, value: Extern, created: bool): bool {
  if (!created) {
    lastError = engineStore.refusal;
    return false;
  }
  engineStore.define(text(module, moduleLength), text(name, nameLength), value);
  return true;
}

/** Offers a new memory; false when the limits refuse it (see errorText). */
export function defineMemory(
  module: usize, moduleLength: u32, name: usize, nameLength: u32, min: u32, max: u32, hasMax: bool,
): bool {
  const value = new Extern(EXTERN_MEMORY);
  value.memory = engineStore.createMemory(min, max, hasMax);
  return offer(module, moduleLength, name, nameLength, value, value.memory !== null);
}

export { HOST_BLOCK, HOST_DONE };
