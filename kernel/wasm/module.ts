// The decoded, validated form of a module: everything instantiation needs,
// with function bodies already compiled to internal code.
import { FuncType, GlobalType, Limits, TableType } from "./types";

/** A constant expression reduced to its single instruction. */
export const CONST_VALUE: u8 = 0; // i32/i64/f32/f64.const, value holds the bits
export const CONST_GLOBAL: u8 = 1; // global.get, index
export const CONST_REF_NULL: u8 = 2;
export const CONST_REF_FUNC: u8 = 3; // ref.func, index

export class ConstExpr {
  constructor(public kind: u8, public value: u64, public index: u32) {}
}

export class Import {
  constructor(
    public module: string,
    public name: string,
    public kind: u8,
    /** Type index for functions. */
    public typeIndex: u32,
    public table: TableType | null,
    public memory: Limits | null,
    public global: GlobalType | null,
  ) {}
}

export class Export {
  constructor(public name: string, public kind: u8, public index: u32) {}
}

export class GlobalDef {
  constructor(public type: GlobalType, public init: ConstExpr) {}
}

export const SEGMENT_ACTIVE: u8 = 0;
export const SEGMENT_PASSIVE: u8 = 1;
export const SEGMENT_DECLARATIVE: u8 = 2;

export class ElemSegment {
  constructor(
    public mode: u8,
    public elemType: u8,
    public table: u32,
    public offset: ConstExpr | null,
    public items: ConstExpr[],
  ) {}
}

export class DataSegment {
  constructor(
    public mode: u8,
    public offset: ConstExpr | null,
    /** Pointer into the module's copy of its bytes, and length. */
    public bytes: usize,
    public length: u32,
  ) {}
}

/** A function defined by the module, after compilation. */
export class FuncBody {
  /** Offset of the first instruction in Module.code (in bytes). */
  entry: u32 = 0;
  /** Locals beyond the parameters, zeroed on entry. */
  extraLocals: u32 = 0;
  /** Deepest operand stack (in slots) above the locals. */
  maxStack: u32 = 0;
}

export class CustomSection {
  constructor(public name: string, public bytes: usize, public length: u32) {}
}

export class Module {
  types: FuncType[] = [];
  imports: Import[] = [];
  /** Type index of every function, imported ones first. */
  funcTypes: u32[] = [];
  importedFuncs: u32 = 0;
  tables: TableType[] = [];
  importedTables: u32 = 0;
  memories: Limits[] = [];
  importedMemories: u32 = 0;
  globals: GlobalType[] = [];
  importedGlobals: u32 = 0;
  globalDefs: GlobalDef[] = [];
  exports: Export[] = [];
  start: i32 = -1;
  /** Instruction sequences the compiler fused (see peephole.ts). */
  fusions: u32 = 0;
  elems: ElemSegment[] = [];
  datas: DataSegment[] = [];
  dataCount: i32 = -1;
  bodies: FuncBody[] = [];
  customs: CustomSection[] = [];
  /** Function names from the "name" custom section, by function index. */
  funcNames: Map<u32, string> = new Map();
  /** Functions that ref.func may name: those referenced outside function bodies. */
  declaredRefs: Set<u32> = new Set();
  /** Compiled code of all bodies, 32-bit words. */
  code: usize = 0;
  codeLength: u32 = 0;
  /** The module's own copy of its bytes; data segments point into it. */
  bytes: usize = 0;
  byteLength: u32 = 0;

  /** Frees the module's copy of its bytes and its code; no instance of it may run afterwards. */
  dispose(): void {
    heap.free(this.bytes);
    if (this.code != 0) heap.free(this.code);
    this.bytes = 0;
    this.code = 0;
  }

  funcType(index: u32): FuncType {
    return this.types[this.funcTypes[index]];
  }

  funcName(index: u32): string {
    return this.funcNames.has(index) ? this.funcNames.get(index) : "#" + index.toString();
  }
}
