// The store: every function, table, memory and global instance the engine
// runs, the interned function types, and the names under which instances
// and the host offer exports to modules that import them.
import { HostFunction } from "./host";
import { Budget, Limits } from "./limits";
import { Extern, FuncInst, Instance, MemoryInst, TableInst } from "./runtime";
import { FuncType, TableType } from "./types";

export class Store {
  funcs: FuncInst[] = [];
  /** Memories and tables created in this store, freed together by dispose(). */
  private memories: MemoryInst[] = [];
  private tables: TableInst[] = [];
  private typeIdsByKey: Map<string, i32> = new Map();
  private registry: Map<string, Map<string, Extern>> = new Map();

  budget: Budget;
  /** Why the last createMemory or createTable refused. */
  refusal: string = "";

  constructor(public limits: Limits) {
    this.budget = new Budget(limits);
  }

  /** A new memory within the limits, or null (see `refusal`). */
  createMemory(pages: u32, max: u32, hasMax: bool): MemoryInst | null {
    const ceiling = this.budget.memoryCeiling;
    if (pages > ceiling) {
      this.refusal = "memory of " + pages.toString() + " pages exceeds the limit of " + ceiling.toString();
      return null;
    }
    if (!this.budget.takePages(pages)) {
      this.refusal = "memory of " + pages.toString() + " pages exceeds what is left of the "
        + this.limits.maxTotalMemoryPages.toString() + " pages of all memories";
      return null;
    }
    const m = new MemoryInst(pages, max, hasMax, this.budget);
    this.memories.push(m);
    return m;
  }

  /** A new table within the limits, or null (see `refusal`). */
  createTable(type: TableType, size: u32): TableInst | null {
    if (size > this.limits.maxTableSize) {
      this.refusal = "table of " + size.toString() + " elements exceeds the limit of " + this.limits.maxTableSize.toString();
      return null;
    }
    if (!this.budget.takeElements(size)) {
      this.refusal = "table of " + size.toString() + " elements exceeds what is left of the "
        + this.limits.maxTotalTableElements.toString() + " elements of all tables";
      return null;
    }
    const t = new TableInst(type, size, this.budget, 0);
    this.tables.push(t);
    return t;
  }

  /** A number equal for structurally equal function types. */
  typeId(t: FuncType): i32 {
    const key = t.key();
    if (this.typeIdsByKey.has(key)) return this.typeIdsByKey.get(key);
    const id = this.typeIdsByKey.size;
    this.typeIdsByKey.set(key, id);
    return id;
  }

  /** Frees every memory and table of the store (a process ends); its instances must not run again. */
  dispose(): void {
    for (let i = 0; i < this.memories.length; i++) this.memories[i].dispose();
    for (let i = 0; i < this.tables.length; i++) this.tables[i].dispose();
    this.memories = [];
    this.tables = [];
  }

  addFunc(f: FuncInst): FuncInst {
    f.address = this.funcs.length;
    this.funcs.push(f);
    return f;
  }

  /** A host function with the given type, not yet offered under any name. */
  hostFunction(type: FuncType, host: HostFunction, name: string): FuncInst {
    return this.addFunc(new FuncInst(type, this.typeId(type), null, null, host, name));
  }

  /** Offers `value` to importers as `module`.`name`. */
  define(module: string, name: string, value: Extern): void {
    if (!this.registry.has(module)) this.registry.set(module, new Map());
    this.registry.get(module).set(name, value);
  }

  /** Offers every export of `instance` under the module name `module`. */
  register(module: string, instance: Instance): void {
    const names = instance.exports.keys();
    for (let i = 0; i < names.length; i++) this.define(module, names[i], instance.exports.get(names[i]));
  }

  lookup(module: string, name: string): Extern | null {
    if (!this.registry.has(module)) return null;
    const exports = this.registry.get(module);
    return exports.has(name) ? exports.get(name) : null;
  }
}
