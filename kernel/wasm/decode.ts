// Decodes and validates a module from its binary form. Function bodies are
// validated and compiled as their section is read (see compile.ts). The
// decoder advances one section item at a time (a type, an import, a function
// body...), so a caller can decode a huge module in slices. Errors
// come back as text: "malformed" problems of the encoding and "invalid"
// problems of typing alike, since the kernel only needs to refuse the module.
import { CodeBuffer } from "./codebuffer";
import { FunctionCompiler } from "./compile";
import { Limits } from "./limits";
import {
  CONST_GLOBAL, CONST_REF_FUNC, CONST_REF_NULL, CONST_VALUE, ConstExpr, CustomSection, DataSegment,
  ElemSegment, Export, GlobalDef, Import, Module, SEGMENT_ACTIVE, SEGMENT_DECLARATIVE, SEGMENT_PASSIVE,
} from "./module";
import { Reader } from "./reader";
import {
  EXTERN_FUNC, EXTERN_GLOBAL, EXTERN_MEMORY, EXTERN_TABLE, F32, F64, FUNCREF, FuncType, GlobalType, I32, I64,
  Limits as SizeLimits, MAX_PAGES, TableType, readRefType, readValType,
} from "./types";

export class DecodeResult {
  constructor(public module: Module | null, public error: string) {}
}

/** Position of each section id in the required order (custom sections excluded). */
function sectionOrder(id: u8): i32 {
  if (id == 12) return 10; // data count sits between element and code
  if (id == 10) return 11;
  if (id == 11) return 12;
  return id;
}

/**
 * Units of decoding work: a byte read, and ITEM_UNITS for each item of a
 * section (a type, an import, a function body...), which costs objects and
 * bookkeeping beyond its bytes.
 */
export const ITEM_UNITS: i64 = 64;
/** Units of one entry of an element segment beside its bytes: far less work than an item. */
const ENTRY_UNITS: i64 = 8;

/** Decodes, validates and compiles a module in one go. */
export function decodeModule(bytes: usize, length: u32, limits: Limits): DecodeResult {
  const job = new DecodeJob(bytes, length, limits);
  job.work(i64.MAX_VALUE);
  return job.result;
}

/**
 * A decode done in slices: each work() call reads sections item by item
 * until it has used about the units it was given, so a huge module can be
 * decoded a piece at a time between other work. The job copies the bytes
 * at once; the caller may free its own.
 */
export class DecodeJob {
  private d: Decoder | null = null;
  done: bool = false;
  result: DecodeResult = new DecodeResult(null, "");

  constructor(bytes: usize, length: u32, limits: Limits) {
    if (length > limits.maxModuleBytes) {
      this.end("module too large: " + length.toString() + " bytes, limit " + limits.maxModuleBytes.toString());
    } else {
      this.begin(bytes, length);
    }
  }

  private begin(bytes: usize, length: u32): void {
    const m = new Module();
    m.byteLength = length;
    m.bytes = heap.alloc(<usize>max<u32>(length, 1));
    memory.copy(m.bytes, bytes, length);
    const d = new Decoder(m, new Reader(m.bytes, m.bytes + length));
    this.d = d;
    d.header();
    if (d.r.error !== null) this.end(d.r.error!);
  }

  /** Decodes until about `budget` units are used or the module is done; returns what is left of `budget`. */
  work(budget: i64): i64 {
    const d = this.d;
    while (!this.done && d !== null && budget > 0) {
      budget -= d.advance();
      if (d.r.error !== null) this.end(d.r.error!);
      else if (d.finished) this.end("");
    }
    return budget;
  }

  /** Drops an unfinished decode and everything it holds. */
  cancel(): void {
    if (!this.done) this.end("cancelled");
  }

  private end(error: string): void {
    this.done = true;
    const d = this.d;
    this.d = null;
    if (d === null) {
      this.result = new DecodeResult(null, error);
    } else if (error.length > 0) {
      // A refused module keeps nothing: its copy and its half-compiled code go.
      heap.free(d.m.bytes);
      heap.free(d.code.data);
      this.result = new DecodeResult(null, error);
    } else {
      this.result = new DecodeResult(d.m, "");
    }
  }
}

class Decoder {
  code: CodeBuffer = new CodeBuffer();
  declaredFuncs: u32 = 0;
  codeCount: i32 = -1;
  finished: bool = false;
  // The section being read: its reader and id, its item count and the next item.
  private section: Reader | null = null;
  private sectionId: u8 = 0;
  private items: u32 = 0;
  private next: u32 = 0;
  private lastOrder: i32 = 0;
  private exportNames: Set<string> = new Set();
  // The element segment whose entries are being read, how many it has and of which kind.
  private segment: ElemSegment | null = null;
  private segmentLength: u32 = 0;
  private segmentUsesExprs: bool = false;

  constructor(public m: Module, public r: Reader) {}

  header(): void {
    const r = this.r;
    if (r.remaining < 4 || load<u32>(r.pos) != 0x6d736100) {
      r.fail("magic header not detected");
      return;
    }
    r.pos += 4;
    if (r.remaining < 4 || load<u32>(r.pos) != 1) {
      r.fail("unknown binary version");
      return;
    }
    r.pos += 4;
  }

  /** One piece of work: opening or closing a section, one of its items or one element segment entry; returns its units. */
  advance(): i64 {
    const s = this.section;
    if (s === null) {
      if (this.r.atEnd) this.finish();
      else this.open();
      return ITEM_UNITS;
    }
    const segment = this.segment;
    if (segment !== null && !s.failed) {
      const before = s.pos;
      this.segmentEntry(s, segment);
      return ENTRY_UNITS + <i64>(s.pos - before);
    }
    if (this.next < this.items && !s.failed) {
      const before = s.pos;
      this.item(this.sectionId, s, this.next++);
      return ITEM_UNITS + <i64>(s.pos - before);
    }
    this.close(s);
    return 0;
  }

  private open(): void {
    const r = this.r;
    const id = r.u8();
    const size = r.u32();
    if (r.failed) return;
    if (<usize>size > r.remaining) {
      r.fail("section size mismatch: unexpected end");
      return;
    }
    if (id > 12) {
      r.fail("malformed section id");
      return;
    }
    if (id != 0) {
      const order = sectionOrder(id);
      if (order <= this.lastOrder) {
        r.fail("unexpected content after last section");
        return;
      }
      this.lastOrder = order;
    }
    const section = new Reader(r.pos, r.pos + size);
    section.base = r.base;
    r.pos += size;
    this.section = section;
    this.sectionId = id;
    this.next = 0;
    this.items = this.begin(id, section);
  }

  private close(s: Reader): void {
    if (s.error === null && !s.atEnd) s.fail("section size mismatch");
    if (s.error !== null) this.r.fail(s.error!);
    this.section = null;
  }

  private finish(): void {
    const m = this.m;
    const defined = <i32>this.declaredFuncs;
    if ((this.codeCount < 0 ? 0 : this.codeCount) != defined) {
      this.r.fail("function and code section have inconsistent lengths");
      return;
    }
    if (m.dataCount >= 0 && m.dataCount != m.datas.length) {
      this.r.fail("data count and data section have inconsistent lengths");
      return;
    }
    m.code = this.code.data;
    m.codeLength = this.code.length;
    this.finished = true;
  }

  /** Reads what a section starts with; returns how many items follow (1 for a section read whole). */
  private begin(id: u8, r: Reader): u32 {
    if (id == 0 || id == 8 || id == 12) return 1;
    const n = this.count(r);
    if (id == 3) this.declaredFuncs = n;
    if (id == 10) {
      this.codeCount = n;
      if (n != this.declaredFuncs) r.fail("function and code section have inconsistent lengths");
    }
    return n;
  }

  /** Item `i` of section `id`. */
  private item(id: u8, r: Reader, i: u32): void {
    switch (id) {
      case 0: this.custom(r); break;
      case 1: this.typeItem(r); break;
      case 2: this.importItem(r); break;
      case 3: this.functionItem(r); break;
      case 4: this.m.tables.push(this.tableType(r)); break;
      case 5: this.addMemory(r, this.memoryType(r)); break;
      case 6: this.globalItem(r); break;
      case 7: this.exportItem(r); break;
      case 8: this.start(r); break;
      case 9: this.elementItem(r); break;
      case 10: this.codeItem(r, i); break;
      case 11: this.dataItem(r); break;
      case 12: this.m.dataCount = <i32>r.u32(); break;
    }
  }

  /** Reads a vector length, refusing counts that cannot fit in what is left. */
  private count(r: Reader): u32 {
    const n = r.u32();
    if (<usize>n > r.remaining) {
      r.fail("unexpected end of section or function");
      return 0;
    }
    return n;
  }

  private custom(r: Reader): void {
    const name = r.name();
    if (r.failed) return;
    const length = <u32>r.remaining;
    const bytes = r.bytes(length);
    this.m.customs.push(new CustomSection(name, bytes, length));
    if (name == "name") this.names(new Reader(bytes, bytes + length));
  }

  /** The function-names subsection; a damaged name section is ignored, as the spec allows. */
  private names(r: Reader): void {
    while (!r.atEnd && !r.failed) {
      const id = r.u8();
      const size = r.u32();
      const end = r.pos + size;
      if (r.failed || end > r.end) return;
      if (id == 1) {
        const n = this.count(r);
        const found = new Map<u32, string>();
        for (let i: u32 = 0; i < n && !r.failed; i++) {
          const index = r.u32();
          const name = r.name();
          if (!r.failed) found.set(index, name);
        }
        if (!r.failed) this.m.funcNames = found;
        return;
      }
      r.pos = end;
    }
  }

  private valTypes(r: Reader): u8[] {
    const n = this.count(r);
    const types = new Array<u8>();
    for (let i: u32 = 0; i < n && !r.failed; i++) types.push(readValType(r));
    return types;
  }

  private typeItem(r: Reader): void {
    if (r.u8() != 0x60) {
      r.fail("malformed function type");
      return;
    }
    const params = this.valTypes(r);
    const results = this.valTypes(r);
    this.m.types.push(new FuncType(params, results));
  }

  private limits(r: Reader, ceiling: u64, what: string): SizeLimits {
    const flag = r.u8();
    if (flag > 1) {
      r.fail(flag == 2 || flag == 3 ? "integer too large" : "malformed limits flags");
      return new SizeLimits(0, 0, false);
    }
    const min = r.u32();
    const max = flag == 1 ? r.u32() : 0;
    if (r.failed) return new SizeLimits(0, 0, false);
    if (<u64>min > ceiling || (flag == 1 && <u64>max > ceiling)) r.fail(what);
    else if (flag == 1 && min > max) r.fail("size minimum must not be greater than maximum");
    return new SizeLimits(min, max, flag == 1);
  }

  private tableType(r: Reader): TableType {
    const t = readRefType(r);
    return new TableType(t, this.limits(r, 0xffffffff, "table size"));
  }

  private memoryType(r: Reader): SizeLimits {
    return this.limits(r, MAX_PAGES, "memory size must be at most 65536 pages (4GiB)");
  }

  private globalType(r: Reader): GlobalType {
    const t = readValType(r);
    const mut = r.u8();
    if (mut > 1) r.fail("malformed mutability");
    return new GlobalType(t, mut == 1);
  }

  private addMemory(r: Reader, limits: SizeLimits): void {
    this.m.memories.push(limits);
    if (this.m.memories.length > 1) r.fail("multiple memories");
  }

  private importItem(r: Reader): void {
    const m = this.m;
    const module = r.name();
    const name = r.name();
    const kind = r.u8();
    if (r.failed) return;
    if (kind == EXTERN_FUNC) {
      const type = r.u32();
      if (!r.failed && type >= <u32>m.types.length) r.fail("unknown type");
      m.imports.push(new Import(module, name, kind, type, null, null, null));
      m.funcTypes.push(type);
      m.importedFuncs++;
    } else if (kind == EXTERN_TABLE) {
      const t = this.tableType(r);
      m.imports.push(new Import(module, name, kind, 0, t, null, null));
      m.tables.push(t);
      m.importedTables++;
    } else if (kind == EXTERN_MEMORY) {
      const limits = this.memoryType(r);
      m.imports.push(new Import(module, name, kind, 0, null, limits, null));
      this.addMemory(r, limits);
      m.importedMemories++;
    } else if (kind == EXTERN_GLOBAL) {
      const g = this.globalType(r);
      m.imports.push(new Import(module, name, kind, 0, null, null, g));
      m.globals.push(g);
      m.importedGlobals++;
    } else {
      r.fail("malformed import kind");
    }
  }

  private functionItem(r: Reader): void {
    const type = r.u32();
    if (!r.failed && type >= <u32>this.m.types.length) r.fail("unknown type");
    this.m.funcTypes.push(type);
  }

  /** A constant expression of type `expected`: one constant instruction, then `end`. */
  private constExpr(r: Reader, expected: u8): ConstExpr {
    const code = r.u8();
    let e = new ConstExpr(CONST_VALUE, 0, 0);
    let t: u8 = 0;
    switch (code) {
      case 0x41: e.value = <u64><u32>r.s32(); t = I32; break;
      case 0x42: e.value = <u64>r.s64(); t = I64; break;
      case 0x43: e.value = r.f32bits(); t = F32; break;
      case 0x44: e.value = r.f64bits(); t = F64; break;
      case 0xd0: e.kind = CONST_REF_NULL; t = readRefType(r); break;
      case 0xd2: e = this.constRefFunc(r); t = FUNCREF; break;
      case 0x23: e = this.constGlobal(r); t = r.failed ? 0 : this.m.globals[e.index].valType; break;
      case 0x0b: r.fail("type mismatch"); return e;
      default: r.fail("constant expression required"); return e;
    }
    if (r.failed) return e;
    const end = r.u8();
    if (end != 0x0b) {
      r.fail(end == 0x41 || end == 0x42 || end == 0x43 || end == 0x44 || end == 0x23 || end == 0xd0 || end == 0xd2
        ? "type mismatch" : "constant expression required");
    } else if (t != expected) {
      r.fail("type mismatch");
    }
    return e;
  }

  private constRefFunc(r: Reader): ConstExpr {
    const index = r.u32();
    if (!r.failed && index >= <u32>this.m.funcTypes.length) r.fail("unknown function");
    this.m.declaredRefs.add(index);
    return new ConstExpr(CONST_REF_FUNC, 0, index);
  }

  /** Constant expressions may only read imported, immutable globals (WebAssembly 2.0). */
  private constGlobal(r: Reader): ConstExpr {
    const index = r.u32();
    if (r.failed) return new ConstExpr(CONST_GLOBAL, 0, 0);
    if (index >= this.m.importedGlobals) r.fail("unknown global " + index.toString());
    else if (this.m.globals[index].mutable) r.fail("constant expression required");
    return new ConstExpr(CONST_GLOBAL, 0, index);
  }

  private globalItem(r: Reader): void {
    const type = this.globalType(r);
    if (r.failed) return;
    const init = this.constExpr(r, type.valType);
    this.m.globalDefs.push(new GlobalDef(type, init));
    this.m.globals.push(type);
  }

  private exportItem(r: Reader): void {
    const m = this.m;
    const name = r.name();
    const kind = r.u8();
    const index = r.u32();
    if (r.failed) return;
    if (this.exportNames.has(name)) {
      r.fail("duplicate export name");
      return;
    }
    this.exportNames.add(name);
    let bound: u32 = 0;
    if (kind == EXTERN_FUNC) bound = m.funcTypes.length;
    else if (kind == EXTERN_TABLE) bound = m.tables.length;
    else if (kind == EXTERN_MEMORY) bound = m.memories.length;
    else if (kind == EXTERN_GLOBAL) bound = m.globals.length;
    else {
      r.fail("malformed export kind");
      return;
    }
    if (index >= bound) {
      r.fail(kind == EXTERN_FUNC ? "unknown function" : kind == EXTERN_TABLE ? "unknown table"
        : kind == EXTERN_MEMORY ? "unknown memory" : "unknown global");
      return;
    }
    if (kind == EXTERN_FUNC) m.declaredRefs.add(index);
    m.exports.push(new Export(name, kind, index));
  }

  private start(r: Reader): void {
    const index = r.u32();
    if (r.failed) return;
    if (index >= <u32>this.m.funcTypes.length) {
      r.fail("unknown function");
      return;
    }
    const t = this.m.funcType(index);
    if (t.params.length != 0 || t.results.length != 0) r.fail("start function must have type [] -> []");
    this.m.start = <i32>index;
  }

  private tableIndex(r: Reader, index: u32): u32 {
    if (!r.failed && index >= <u32>this.m.tables.length) r.fail("unknown table " + index.toString());
    return index;
  }

  private elementItem(r: Reader): void {
    const flags = r.u32();
    if (r.failed) return;
    if (flags > 7) {
      r.fail("malformed elements segment kind");
      return;
    }
    this.elementSegment(r, flags);
  }

  /**
   * The head of an element segment; its entries follow one per advance().
   * Flags: bit 0 passive/declarative (else active), bit 1 explicit table
   * index (active) or declarative (otherwise), bit 2 expressions instead of
   * function indices.
   */
  private elementSegment(r: Reader, flags: u32): void {
    const active = (flags & 1) == 0;
    const mode = active ? SEGMENT_ACTIVE : (flags & 2) != 0 ? SEGMENT_DECLARATIVE : SEGMENT_PASSIVE;
    const table = active && (flags & 2) != 0 ? r.u32() : 0;
    const offset = active ? this.constExpr(r, I32) : null;
    let elemType = FUNCREF;
    const usesExprs = (flags & 4) != 0;
    if (!active || (flags & 2) != 0) {
      if (usesExprs) {
        elemType = readRefType(r);
      } else if (r.u8() != 0 && !r.failed) {
        r.fail("malformed element kind");
      }
    }
    const n = this.count(r);
    if (r.failed) return;
    const segment = new ElemSegment(mode, elemType, table, offset, []);
    this.segment = segment;
    this.segmentLength = n;
    this.segmentUsesExprs = usesExprs;
    if (n == 0) this.endSegment(r, segment);
  }

  private segmentEntry(r: Reader, segment: ElemSegment): void {
    segment.items.push(this.segmentUsesExprs ? this.constExpr(r, segment.elemType) : this.constRefFunc(r));
    if (!r.failed && <u32>segment.items.length == this.segmentLength) this.endSegment(r, segment);
  }

  private endSegment(r: Reader, segment: ElemSegment): void {
    if (segment.mode == SEGMENT_ACTIVE) {
      this.tableIndex(r, segment.table);
      if (!r.failed && this.m.tables[segment.table].elemType != segment.elemType) r.fail("type mismatch");
    }
    this.m.elems.push(segment);
    this.segment = null;
  }

  /** The body of function `i` of the module's own: validated and compiled. */
  private codeItem(r: Reader, i: u32): void {
    const m = this.m;
    const size = r.u32();
    if (r.failed) return;
    if (<usize>size > r.remaining) {
      r.fail("unexpected end");
      return;
    }
    const body = new Reader(r.pos, r.pos + size);
    body.base = r.base;
    const compiler = new FunctionCompiler(m, body, this.code);
    const compiled = compiler.compile(m.importedFuncs + i);
    m.fusions += compiler.peep.fusions;
    if (compiled === null) {
      r.fail(body.error!);
      return;
    }
    m.bodies.push(compiled);
    r.pos += size;
  }

  private dataItem(r: Reader): void {
    const flags = r.u32();
    if (r.failed) return;
    if (flags > 2) {
      r.fail("malformed data segment kind");
      return;
    }
    const memoryIndex = flags == 2 ? r.u32() : 0;
    if (flags != 1 && !r.failed && memoryIndex >= <u32>this.m.memories.length) {
      r.fail("unknown memory " + memoryIndex.toString());
      return;
    }
    const offset = flags != 1 ? this.constExpr(r, I32) : null;
    const length = r.u32();
    const bytes = r.bytes(length);
    this.m.datas.push(new DataSegment(flags == 1 ? SEGMENT_PASSIVE : SEGMENT_ACTIVE, offset, bytes, length));
  }
}
