// Instantiation: resolve imports against the store (link errors), allocate
// the module's own functions, tables, memory and globals, evaluate constant
// expressions, apply active element and data segments (a trap here leaves
// earlier writes in place, as the spec says), and run the start function.
import { Thread, THREAD_BLOCKED, THREAD_DONE, THREAD_OUT_OF_FUEL } from "./execute";
import {
  CONST_GLOBAL, CONST_REF_FUNC, CONST_REF_NULL, ConstExpr, Import, Module, SEGMENT_ACTIVE, SEGMENT_PASSIVE,
} from "./module";
import { DROPPED_ELEMS, Extern, FuncInst, GlobalInst, Instance } from "./runtime";
import { Store } from "./store";
import { TRAP_MEMORY_BOUNDS, TRAP_TABLE_BOUNDS, trapText } from "./trap";
import { EXTERN_FUNC, EXTERN_GLOBAL, EXTERN_MEMORY, EXTERN_TABLE } from "./types";

export const INSTANTIATE_OK = 0;
/** Imports could not be resolved, or a resource limit refused the module. */
export const INSTANTIATE_LINK_ERROR = 1;
/** A segment or the start function trapped. */
export const INSTANTIATE_TRAP = 2;

export class InstantiateResult {
  constructor(public instance: Instance | null, public status: i32, public error: string) {}
}

function linkError(message: string): InstantiateResult {
  return new InstantiateResult(null, INSTANTIATE_LINK_ERROR, message);
}

function trapped(message: string): InstantiateResult {
  return new InstantiateResult(null, INSTANTIATE_TRAP, message);
}

export function instantiate(store: Store, m: Module): InstantiateResult {
  const inst = new Instance(m, store.funcs);
  for (let i = 0; i < m.types.length; i++) inst.typeIds.push(store.typeId(m.types[i]));
  for (let i = 0; i < m.imports.length; i++) {
    const error = linkImport(store, inst, m.imports[i]);
    if (error !== null) return linkError(error);
  }
  const allocError = allocate(store, inst);
  if (allocError !== null) return linkError(allocError);
  exportAll(inst);
  resolveSegments(inst);
  const segmentTrap = applySegments(inst);
  if (segmentTrap !== null) return trapped(segmentTrap);
  if (m.start >= 0) {
    const error = runStart(store, inst.funcs[m.start]);
    if (error !== null) return trapped(error);
  }
  return new InstantiateResult(inst, INSTANTIATE_OK, "");
}

function importName(imp: Import): string {
  return "\"" + imp.module + "\" \"" + imp.name + "\"";
}

/** Checks one import against what the store offers and adds it to the instance; returns an error or null. */
function linkImport(store: Store, inst: Instance, imp: Import): string | null {
  const found = store.lookup(imp.module, imp.name);
  if (found === null) return "unknown import " + importName(imp);
  const incompatible = "incompatible import type for " + importName(imp);
  if (found.kind != imp.kind) return incompatible;
  if (imp.kind == EXTERN_FUNC) {
    const f = found.func!;
    if (f.typeId != inst.typeIds[imp.typeIndex]) return incompatible;
    inst.funcs.push(f);
  } else if (imp.kind == EXTERN_TABLE) {
    const t = found.table!;
    if (t.type.elemType != imp.table!.elemType || !t.limits.fitsWithin(imp.table!.limits)) return incompatible;
    inst.tables.push(t);
  } else if (imp.kind == EXTERN_MEMORY) {
    const mem = found.memory!;
    if (!mem.limits.fitsWithin(imp.memory!)) return incompatible;
    inst.memory = mem;
  } else {
    const g = found.global!;
    const expected = imp.global!;
    if (g.type.valType != expected.valType || g.type.mutable != expected.mutable) return incompatible;
    inst.globals.push(g);
  }
  return null;
}

function functionName(m: Module, index: u32): string {
  if (m.funcNames.has(index)) return m.funcNames.get(index);
  for (let i = 0; i < m.exports.length; i++) {
    const e = m.exports[i];
    if (e.kind == EXTERN_FUNC && e.index == index) return e.name;
  }
  return "#" + index.toString();
}

/** Creates the module's own functions, tables, memory and globals; returns a limit error or null. */
function allocate(store: Store, inst: Instance): string | null {
  const m = inst.module;
  for (let i: u32 = 0; i < <u32>m.bodies.length; i++) {
    const index = m.importedFuncs + i;
    const typeIndex = m.funcTypes[index];
    const f = new FuncInst(m.types[typeIndex], inst.typeIds[typeIndex], inst, m.bodies[i], null, functionName(m, index));
    inst.funcs.push(store.addFunc(f));
  }
  if (m.memories.length > <i32>m.importedMemories) {
    const mem = m.memories[0];
    inst.memory = store.createMemory(mem.min, mem.max, mem.hasMax);
    if (inst.memory === null) return store.refusal;
  }
  for (let i = <i32>m.importedTables; i < m.tables.length; i++) {
    const t = store.createTable(m.tables[i], m.tables[i].limits.min);
    if (t === null) return store.refusal;
    inst.tables.push(t);
  }
  for (let i = 0; i < m.globalDefs.length; i++) {
    const def = m.globalDefs[i];
    inst.globals.push(new GlobalInst(def.type, evalConst(inst, def.init)));
  }
  for (let i = 0; i < m.datas.length; i++) inst.droppedData.push(false);
  return null;
}

function evalConst(inst: Instance, e: ConstExpr): u64 {
  if (e.kind == CONST_GLOBAL) return inst.globals[e.index].value;
  if (e.kind == CONST_REF_NULL) return 0;
  if (e.kind == CONST_REF_FUNC) return <u64>inst.funcs[e.index].address + 1;
  return e.value;
}

function exportAll(inst: Instance): void {
  const m = inst.module;
  for (let i = 0; i < m.exports.length; i++) {
    const e = m.exports[i];
    const value = new Extern(e.kind);
    if (e.kind == EXTERN_FUNC) value.func = inst.funcs[e.index];
    else if (e.kind == EXTERN_TABLE) value.table = inst.tables[e.index];
    else if (e.kind == EXTERN_MEMORY) value.memory = inst.memory;
    else value.global = inst.globals[e.index];
    inst.exports.set(e.name, value);
  }
}

/** Evaluates the items of every element segment; only passive ones stay available to table.init. */
function resolveSegments(inst: Instance): void {
  const elems = inst.module.elems;
  for (let i = 0; i < elems.length; i++) {
    const items = elems[i].items;
    const values = new StaticArray<u64>(items.length);
    for (let j = 0; j < items.length; j++) values[j] = evalConst(inst, items[j]);
    inst.elems.push(values);
  }
}

/** Applies active segments in order; returns a trap message or null. */
function applySegments(inst: Instance): string | null {
  const m = inst.module;
  for (let i = 0; i < m.elems.length; i++) {
    const seg = m.elems[i];
    const values = inst.elems[i];
    if (seg.mode == SEGMENT_ACTIVE) {
      const table = inst.tables[seg.table];
      const offset = <u64><u32>evalConst(inst, seg.offset!);
      if (offset + <u64>values.length > <u64>table.size) return trapText(TRAP_TABLE_BOUNDS);
      for (let j = 0; j < values.length; j++) table.set(<u32>offset + j, values[j]);
    }
    if (seg.mode != SEGMENT_PASSIVE) inst.elems[i] = DROPPED_ELEMS;
  }
  for (let i = 0; i < m.datas.length; i++) {
    const seg = m.datas[i];
    if (seg.mode != SEGMENT_ACTIVE) continue;
    const mem = inst.memory!;
    const offset = <u64><u32>evalConst(inst, seg.offset!);
    if (offset + <u64>seg.length > mem.byteLength) return trapText(TRAP_MEMORY_BOUNDS);
    memory.copy(mem.base + <usize>offset, seg.bytes, seg.length);
    inst.droppedData[i] = true;
  }
  return null;
}

/** Runs the start function to completion; returns a trap message or null. */
function runStart(store: Store, f: FuncInst): string | null {
  const thread = new Thread(store.limits);
  thread.start(f, 0);
  const status = thread.run(i64.MAX_VALUE);
  const message = thread.trapMessage;
  thread.dispose();
  if (status == THREAD_DONE) return null;
  if (status == THREAD_BLOCKED || status == THREAD_OUT_OF_FUEL) return "start function did not finish";
  return message;
}
