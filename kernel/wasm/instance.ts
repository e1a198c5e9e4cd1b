// Instantiation: resolve imports against the store (link errors), allocate
// the module's own functions, tables, memory and globals, evaluate constant
// expressions, apply active element and data segments (a trap here leaves
// earlier writes in place, as the spec says), and run the start function.
// Each phase is a loop over items, so an instantiation can stop between two
// of them and go on later: the kernel does a huge one in slices.
import { Thread, THREAD_BLOCKED, THREAD_DONE, THREAD_OUT_OF_FUEL } from "./execute";
import {
  CONST_GLOBAL, CONST_REF_FUNC, CONST_REF_NULL, ConstExpr, DataSegment, ElemSegment, Export, Import, Module, SEGMENT_ACTIVE, SEGMENT_PASSIVE,
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

/** Instantiates `m` in one go. */
export function instantiate(store: Store, m: Module): InstantiateResult {
  const job = new Instantiation(store, m);
  job.work(i64.MAX_VALUE);
  return job.result;
}

// The phases of an instantiation, in the order the spec gives; each is a
// loop over items (types, imports, functions...), so it can stop between two.
const TYPES = 0;
const IMPORTS = 1;
const EXPORT_NAMES = 2;
const FUNCS = 3;
const STORAGE = 4;
const GLOBALS = 5;
const EXPORTS = 6;
const ELEMS = 7;
const DATAS = 8;
const START = 9;
const PHASES = 10;

/** Bytes of a data segment copied as one piece of an instantiation. */
const DATA_PIECE: u32 = 64 << 10;
/** Entries of an element segment evaluated as one piece. */
const ENTRY_PIECE: u32 = 4096;
/** Units of one item of a phase, beside the units of its size (see Instantiation). */
const ITEM_UNITS: i64 = 8;

/**
 * An instantiation done in slices: each work() call does items of its
 * phases until it has used about the units it was given (ITEM_UNITS per
 * item, one per element of a segment or a table, one per 64 bytes of
 * memory created or copied; segments go in pieces), so a huge module is
 * instantiated a piece at a time between other work. A failed or abandoned
 * one leaves what it created in the store, which the caller disposes of.
 */
export class Instantiation {
  inst: Instance;
  done: bool = false;
  result: InstantiateResult = new InstantiateResult(null, INSTANTIATE_OK, "");
  private phase: i32 = TYPES;
  private index: i32 = 0;
  /** How far the current segment is: bytes of data copied, or element entries done. */
  private progress: u32 = 0;
  /** The references of the current element segment, as they are evaluated. */
  private values: StaticArray<u64> = DROPPED_ELEMS;
  /** The first export naming each function, for the names of functions without one in the name section. */
  private exportNames: Map<u32, string> = new Map();

  constructor(public store: Store, public m: Module) {
    this.inst = new Instance(m, store.funcs);
  }

  /** Instantiates until about `budget` units are used or it is done; returns what is left of `budget`. */
  work(budget: i64): i64 {
    while (!this.done && budget > 0) {
      if (this.phase == PHASES) {
        this.end(new InstantiateResult(this.inst, INSTANTIATE_OK, ""));
      } else if (this.index >= this.count(this.phase)) {
        this.phase++;
        this.index = 0;
      } else {
        budget -= ITEM_UNITS + this.item(this.phase, this.index);
        if (this.progress == 0) this.index++;
      }
    }
    return budget;
  }

  private end(result: InstantiateResult): void {
    this.result = result;
    this.done = true;
  }

  private count(phase: i32): i32 {
    const m = this.m;
    switch (phase) {
      case TYPES: return m.types.length;
      case IMPORTS: return m.imports.length;
      case EXPORT_NAMES: return m.exports.length;
      case FUNCS: return m.bodies.length;
      case STORAGE: return 1;
      case GLOBALS: return m.globalDefs.length;
      case EXPORTS: return m.exports.length;
      case ELEMS: return m.elems.length;
      case DATAS: return m.datas.length;
      default: return m.start >= 0 ? 1 : 0;
    }
  }

  /** Item `i` of `phase`; returns its units beyond ITEM_UNITS. */
  private item(phase: i32, i: i32): i64 {
    const inst = this.inst;
    const m = this.m;
    switch (phase) {
      case TYPES: inst.typeIds.push(this.store.typeId(m.types[i])); return 0;
      case IMPORTS: return this.failIf(linkImport(this.store, inst, m.imports[i]), INSTANTIATE_LINK_ERROR);
      case EXPORT_NAMES: this.nameExport(m.exports[i]); return 0;
      case FUNCS: this.addFunction(i); return 0;
      case STORAGE: return this.failIf(allocateStorage(this.store, inst), INSTANTIATE_LINK_ERROR) + storageUnits(inst);
      case GLOBALS: inst.globals.push(new GlobalInst(m.globalDefs[i].type, evalConst(inst, m.globalDefs[i].init))); return 0;
      case EXPORTS: exportOne(inst, m.exports[i]); return 0;
      case ELEMS: return this.elementPiece(i);
      case DATAS: return this.dataPiece(i);
      default: return this.failIf(runStart(this.store, inst.funcs[m.start]), INSTANTIATE_TRAP);
    }
  }

  private failIf(error: string | null, status: i32): i64 {
    if (error !== null) this.end(new InstantiateResult(null, status, error));
    return 0;
  }

  private nameExport(e: Export): void {
    if (e.kind == EXTERN_FUNC && !this.exportNames.has(e.index)) this.exportNames.set(e.index, e.name);
  }

  private addFunction(i: i32): void {
    const m = this.m;
    const inst = this.inst;
    const index = m.importedFuncs + <u32>i;
    const typeIndex = m.funcTypes[index];
    const name = m.funcNames.has(index) ? m.funcNames.get(index) : this.exportNames.has(index) ? this.exportNames.get(index) : "#" + index.toString();
    const f = new FuncInst(m.types[typeIndex], inst.typeIds[typeIndex], inst, m.bodies[i], null, name);
    inst.funcs.push(this.store.addFunc(f));
  }

  /**
   * The next piece of element segment `i`: its references evaluated and, if
   * it is active, written to its table (a trap if it does not fit); only
   * passive segments stay available to table.init. Returns its units.
   */
  private elementPiece(i: i32): i64 {
    const inst = this.inst;
    const seg = this.m.elems[i];
    const items = seg.items;
    const active = seg.mode == SEGMENT_ACTIVE;
    if (this.progress == 0) {
      this.values = new StaticArray<u64>(items.length);
      if (active && this.elementOffset(seg) + <u64>items.length > <u64>inst.tables[seg.table].size) return this.failIf(trapText(TRAP_TABLE_BOUNDS), INSTANTIATE_TRAP);
    }
    const from = this.progress;
    const to = min(from + ENTRY_PIECE, <u32>items.length);
    const offset = active ? <u32>this.elementOffset(seg) : 0;
    for (let j = from; j < to; j++) {
      const value = evalConst(inst, items[j]);
      this.values[j] = value;
      if (active) inst.tables[seg.table].set(offset + j, value);
    }
    this.progress = to;
    if (to == <u32>items.length) {
      inst.elems.push(seg.mode == SEGMENT_PASSIVE ? this.values : DROPPED_ELEMS);
      this.progress = 0;
    }
    return <i64>(to - from);
  }

  private elementOffset(seg: ElemSegment): u64 {
    return <u64><u32>evalConst(this.inst, seg.offset!);
  }

  /** The next piece of data segment `i`; a trap if it does not fit. Returns its units. */
  private dataPiece(i: i32): i64 {
    const inst = this.inst;
    const seg = this.m.datas[i];
    if (this.progress == 0) {
      inst.droppedData.push(false);
      if (seg.mode != SEGMENT_ACTIVE || seg.length == 0) return this.activeEmpty(seg, i);
      if (this.dataOffset(seg) + <u64>seg.length > inst.memory!.byteLength) return this.failIf(trapText(TRAP_MEMORY_BOUNDS), INSTANTIATE_TRAP);
    }
    const piece = min(DATA_PIECE, seg.length - this.progress);
    memory.copy(inst.memory!.base + <usize>(this.dataOffset(seg) + this.progress), seg.bytes + this.progress, piece);
    this.progress += piece;
    if (this.progress == seg.length) {
      this.progress = 0;
      inst.droppedData[i] = true;
    }
    return <i64>(piece >> 6);
  }

  /** An active segment without bytes still checks its offset; a passive one stays available. */
  private activeEmpty(seg: DataSegment, i: i32): i64 {
    if (seg.mode != SEGMENT_ACTIVE) return 0;
    if (this.dataOffset(seg) > this.inst.memory!.byteLength) return this.failIf(trapText(TRAP_MEMORY_BOUNDS), INSTANTIATE_TRAP);
    this.inst.droppedData[i] = true;
    return 0;
  }

  private dataOffset(seg: DataSegment): u64 {
    return <u64><u32>evalConst(this.inst, seg.offset!);
  }
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

/** Creates the module's own memory and tables; returns a limit error or null. */
function allocateStorage(store: Store, inst: Instance): string | null {
  const m = inst.module;
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
  return null;
}

/** Units of creating the memory and tables: one per 64 bytes of memory, one per table element. */
function storageUnits(inst: Instance): i64 {
  let units: i64 = inst.memory !== null ? <i64>(inst.memory!.byteLength >> 6) : 0;
  for (let i = 0; i < inst.tables.length; i++) units += <i64>inst.tables[i].size;
  return units;
}

function evalConst(inst: Instance, e: ConstExpr): u64 {
  if (e.kind == CONST_GLOBAL) return inst.globals[e.index].value;
  if (e.kind == CONST_REF_NULL) return 0;
  if (e.kind == CONST_REF_FUNC) return <u64>inst.funcs[e.index].address + 1;
  return e.value;
}

function exportOne(inst: Instance, e: Export): void {
  const value = new Extern(e.kind);
  if (e.kind == EXTERN_FUNC) value.func = inst.funcs[e.index];
  else if (e.kind == EXTERN_TABLE) value.table = inst.tables[e.index];
  else if (e.kind == EXTERN_MEMORY) value.memory = inst.memory;
  else value.global = inst.globals[e.index];
  inst.exports.set(e.name, value);
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
