// The store: every function, table, memory and global instance the engine
// runs, the interned function types, and the names under which instances
// and the host offer exports to modules that import them.
import { HostFunction } from "./host";
import { Limits } from "./limits";
import { Extern, FuncInst, Instance, MemoryInst, TableInst } from "./runtime";
import { FuncType } from "./types";

export class Store {
  funcs: FuncInst[] = [];
  /** Memories and tables created in this store, freed together by dispose(). */
  private memories: MemoryInst[] = [];
  private tables: TableInst[] = [];
  private typeIdsByKey: Map<string, i32> = new Map();
  private registry: Map<string, Map<string, Extern>> = new Map();

  constructor(public limits: Limits) {}

  /** A number equal for structurally equal function types. */
  typeId(t: FuncType): i32 {
    const key = t.key();
    if (this.typeIdsByKey.has(key)) return this.typeIdsByKey.get(key);
    const id = this.typeIdsByKey.size;
    this.typeIdsByKey.set(key, id);
    return id;
  }

  addMemory(m: MemoryInst): MemoryInst {
    this.memories.push(m);
    return m;
  }

  addTable(t: TableInst): TableInst {
    this.tables.push(t);
    return t;
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
