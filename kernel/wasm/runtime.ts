// Runtime objects of the store: function, table, memory and global
// instances, and module instances that tie them together.
import { HostFunction } from "./host";
import { Budget } from "./limits";
import { FuncBody, Module } from "./module";
import { FuncType, GlobalType, Limits as SizeLimits, PAGE_SIZE, TableType } from "./types";

export class FuncInst {
  /** Store-wide address; a funcref to this function is address + 1 (0 is null). */
  address: u32 = 0;
  // Precomputed for the call path: sizes in bytes of the parameters, the
  // other locals and the deepest operand stack, and the first instruction.
  paramBytes: usize;
  localBytes: usize = 0;
  stackBytes: usize = 0;
  entry: usize = 0;

  constructor(
    public type: FuncType,
    /** Store-wide id of the type, equal for structurally equal types. */
    public typeId: i32,
    public instance: Instance | null,
    public body: FuncBody | null,
    public host: HostFunction | null,
    public name: string,
  ) {
    this.paramBytes = <usize>type.params.length << 3;
    if (body !== null && instance !== null) {
      this.localBytes = <usize>body.extraLocals << 3;
      this.stackBytes = <usize>body.maxStack << 3;
      this.entry = instance.module.code + body.entry;
    }
  }
}

export class MemoryInst {
  base: usize;
  byteLength: u64;
  pages: u32;

  /** `max` is the declared maximum (for import matching); `budget` has already granted `pages`. */
  constructor(pages: u32, public max: u32, public hasMax: bool, public budget: Budget) {
    this.pages = pages;
    this.byteLength = <u64>pages * PAGE_SIZE;
    this.base = heap.alloc(<usize>this.byteLength + 8);
    memory.fill(this.base, 0, <usize>this.byteLength);
  }

  get limits(): SizeLimits {
    return new SizeLimits(this.pages, this.max, this.hasMax);
  }

  dispose(): void {
    heap.free(this.base);
    this.budget.memoryPages -= this.pages;
    this.base = 0;
    this.pages = 0;
    this.byteLength = 0;
  }

  /** Grows by `delta` pages; returns the old size, or -1 when the limits forbid it. */
  grow(delta: u32): i32 {
    const old = this.pages;
    const wanted = <u64>old + delta;
    if (wanted > <u64>this.budget.memoryCeiling || (this.hasMax && wanted > <u64>this.max)) return -1;
    if (delta == 0) return <i32>old;
    const bytes = wanted * PAGE_SIZE;
    const affordable = this.budget.limits.canGrowMemory;
    if (!affordable(this.byteLength, bytes)) return -1;
    if (!this.budget.takePages(delta)) return -1;
    this.base = heap.realloc(this.base, <usize>bytes + 8);
    memory.fill(this.base + <usize>this.byteLength, 0, <usize>(bytes - this.byteLength));
    this.pages = <u32>wanted;
    this.byteLength = bytes;
    return <i32>old;
  }
}

/** Bytes of one table element in kernel memory. */
export const TABLE_ELEMENT_BYTES: u64 = 8;

/** Reference values are 64-bit: 0 is null, a funcref is address + 1, an externref is the host's value + 1. */
export class TableInst {
  elems: usize;
  size: u32;

  /** `budget` has already granted `size` elements. */
  constructor(public type: TableType, size: u32, public budget: Budget, init: u64) {
    this.size = size;
    this.elems = heap.alloc((<usize>size << 3) + 8);
    this.fill(0, size, init);
  }

  get limits(): SizeLimits {
    return new SizeLimits(this.size, this.type.limits.max, this.type.limits.hasMax);
  }

  dispose(): void {
    heap.free(this.elems);
    this.budget.tableElements -= this.size;
    this.elems = 0;
    this.size = 0;
  }

  get(i: u32): u64 {
    return load<u64>(this.elems + (<usize>i << 3));
  }

  set(i: u32, value: u64): void {
    store<u64>(this.elems + (<usize>i << 3), value);
  }

  fill(start: u32, n: u32, value: u64): void {
    for (let i: u32 = 0; i < n; i++) this.set(start + i, value);
  }

  grow(delta: u32, init: u64): i32 {
    const old = this.size;
    const wanted = <u64>old + delta;
    const limits = this.type.limits;
    if (wanted > <u64>this.budget.limits.maxTableSize || (limits.hasMax && wanted > <u64>limits.max)) return -1;
    if (!this.budget.takeElements(delta)) return -1;
    this.elems = heap.realloc(this.elems, (<usize>wanted << 3) + 8);
    this.size = <u32>wanted;
    this.fill(old, delta, init);
    return <i32>old;
  }
}

export class GlobalInst {
  constructor(public type: GlobalType, public value: u64) {}
}

/** An export or an import: one of the four kinds of external value. */
export class Extern {
  func: FuncInst | null = null;
  table: TableInst | null = null;
  memory: MemoryInst | null = null;
  global: GlobalInst | null = null;

  constructor(public kind: u8) {}
}

/** The contents of a dropped element segment, shared so that elem.drop allocates nothing. */
export const DROPPED_ELEMS = new StaticArray<u64>(0);

export class Instance {
  funcs: FuncInst[] = [];
  tables: TableInst[] = [];
  memory: MemoryInst | null = null;
  globals: GlobalInst[] = [];
  /** Store type id of each of the module's types, for call_indirect checks. */
  typeIds: i32[] = [];
  /** Resolved references of each element segment; empty once dropped. */
  elems: StaticArray<u64>[] = [];
  /** Whether each data segment has been dropped. */
  droppedData: bool[] = [];
  exports: Map<string, Extern> = new Map();

  /** `storeFuncs` is the store's table of all functions, which funcref values index. */
  constructor(public module: Module, public storeFuncs: FuncInst[]) {}

  funcName(index: u32): string {
    return this.module.funcName(index);
  }
}
