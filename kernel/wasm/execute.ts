// The executor. A thread owns a value stack and a frame stack in unmanaged
// memory; the dispatch loop never recurses on the native stack, so it can
// stop at any instruction boundary (fuel exhausted, host call blocked) and
// continue later from exactly the saved state.
import { HOST_BLOCK, HOST_DONE } from "./host";
import { Limits } from "./limits";
import * as op from "./opcodes";
import { FuncInst, Instance, MemoryInst, TableInst } from "./runtime";
import * as numeric from "./numeric";
import {
  TRAP_DIVIDE_BY_ZERO, TRAP_EXHAUSTION, TRAP_HOST, TRAP_INDIRECT_TYPE, TRAP_INTEGER_OVERFLOW, TRAP_INVALID_CONVERSION,
  TRAP_MEMORY_BOUNDS, TRAP_NONE, TRAP_TABLE_BOUNDS, TRAP_UNDEFINED_ELEMENT, TRAP_UNINITIALIZED_ELEMENT,
  TRAP_UNREACHABLE, trapText,
} from "./trap";

export const THREAD_READY = 0;
export const THREAD_DONE = 1;
export const THREAD_TRAPPED = 2;
export const THREAD_OUT_OF_FUEL = 3;
export const THREAD_BLOCKED = 4;

/** Saved caller state per call: return address, frame pointer, function. */
const FRAME_BYTES: usize = 24;

export class Thread {
  stack: usize;
  stackEnd: usize;
  frames: usize;
  frameCount: u32 = 0;
  maxFrames: u32;
  ip: usize = 0;
  sp: usize;
  fp: usize;
  func: FuncInst | null = null;
  fuel: i64 = 0;
  status: i32 = THREAD_READY;
  trapKind: i32 = TRAP_NONE;
  trapMessage: string = "";
  /** Set by a host function before it answers HOST_TRAP. */
  hostMessage: string = "";
  /** Where a blocked host call's results go. */
  blockedResults: usize = 0;
  /** The function that ran first; its results are at `stack` when done. */
  entry: FuncInst | null = null;

  constructor(limits: Limits) {
    this.stack = heap.alloc(<usize>limits.valueStackSlots << 3);
    this.stackEnd = this.stack + (<usize>limits.valueStackSlots << 3);
    this.maxFrames = limits.maxCallDepth;
    this.frames = heap.alloc(<usize>this.maxFrames * FRAME_BYTES);
    this.sp = this.stack;
    this.fp = this.stack;
  }

  /** Frees the stacks; the thread must not run again. */
  dispose(): void {
    heap.free(this.stack);
    heap.free(this.frames);
  }

  /** The instance whose code made the current call (for host functions). */
  get caller(): Instance | null {
    const f = this.func;
    return f === null ? null : f.instance;
  }

  /** Starts `func` with arguments copied from `args` (8-byte slots); then call run(). */
  start(func: FuncInst, args: usize): void {
    const n = <usize>func.type.params.length;
    memory.copy(this.stack, args, n << 3);
    this.frameCount = 0;
    this.sp = this.stack + (n << 3);
    this.fp = this.stack;
    this.ip = 0;
    this.func = null;
    this.entry = func;
    this.trapKind = TRAP_NONE;
    this.status = THREAD_READY;
    this.enter(func);
  }

  /** Result `i` of the finished entry function. */
  result(i: i32): u64 {
    return load<u64>(this.stack + (<usize>i << 3));
  }

  private trap(kind: i32, detail: string = ""): i32 {
    this.trapKind = kind;
    const f = this.func;
    let text = trapText(kind) + detail;
    if (kind == TRAP_HOST && this.hostMessage.length > 0) text += ": " + this.hostMessage;
    this.trapMessage = f === null ? text : text + " in function " + f.name;
    this.status = THREAD_TRAPPED;
    return THREAD_TRAPPED;
  }

  /**
   * Calls `f` with its arguments on top of the stack. For a wasm function,
   * pushes a frame and leaves the thread at its first instruction; a host
   * function runs to its answer here. Returns false when the thread stopped.
   */
  enter(f: FuncInst): bool {
    const argBytes = <usize>f.type.params.length << 3;
    const host = f.host;
    if (host !== null) return this.callHost(f, argBytes);
    const body = f.body!;
    const fp = this.sp - argBytes;
    const localsEnd = this.sp + (<usize>body.extraLocals << 3);
    if (this.frameCount >= this.maxFrames || localsEnd + (<usize>body.maxStack << 3) > this.stackEnd) {
      this.trap(TRAP_EXHAUSTION);
      return false;
    }
    const frame = this.frames + <usize>this.frameCount * FRAME_BYTES;
    store<usize>(frame, this.ip);
    store<usize>(frame, this.fp, 8);
    store<usize>(frame, changetype<usize>(this.func), 16);
    this.frameCount++;
    memory.fill(this.sp, 0, localsEnd - this.sp);
    this.func = f;
    this.fp = fp;
    this.sp = localsEnd;
    this.ip = f.instance!.module.code + body.entry;
    return true;
  }

  private callHost(f: FuncInst, argBytes: usize): bool {
    const args = this.sp - argBytes;
    const resultBytes = <usize>f.type.results.length << 3;
    if (args + resultBytes > this.stackEnd) {
      this.trap(TRAP_EXHAUSTION);
      return false;
    }
    const answer = f.host!.invoke(this, args);
    this.sp = args + resultBytes;
    if (answer == HOST_DONE) {
      if (this.frameCount == 0) this.status = THREAD_DONE;
      return true;
    }
    if (answer == HOST_BLOCK) {
      this.blockedResults = args;
      this.status = THREAD_BLOCKED;
      return false;
    }
    this.trap(TRAP_HOST);
    return false;
  }

  /** Returns from the current function; false when the entry function returned. */
  private leave(): bool {
    this.frameCount--;
    const frame = this.frames + <usize>this.frameCount * FRAME_BYTES;
    this.ip = load<usize>(frame);
    this.fp = load<usize>(frame, 8);
    this.func = changetype<FuncInst | null>(load<usize>(frame, 16));
    if (this.frameCount == 0) {
      this.status = THREAD_DONE;
      return false;
    }
    return true;
  }

  /** Runs until done, trapped, out of `fuel`, or blocked; returns the status. */
  run(fuel: i64): i32 {
    if (this.status == THREAD_DONE || this.status == THREAD_TRAPPED) return this.status;
    if (this.status == THREAD_BLOCKED && this.frameCount == 0) {
      this.status = THREAD_DONE;
      return THREAD_DONE;
    }
    this.status = THREAD_READY;
    this.fuel = fuel;
    return this.loop();
  }

  private loop(): i32 {
    let ip = this.ip;
    let sp = this.sp;
    let fp = this.fp;
    let fuel = this.fuel;
    let inst = this.func!.instance!;
    let code = inst.module.code;
    let mem = inst.memory;
    let memBase: usize = mem === null ? 0 : mem.base;
    let memLen: u64 = mem === null ? 0 : mem.byteLength;
    while (true) {
      const opcode = load<i32>(ip);
      switch (opcode) {
        case op.OP_UNREACHABLE: {
          this.ip = ip; this.sp = sp;
          return this.trap(TRAP_UNREACHABLE);
        }
        case op.OP_FUEL: {
          if (fuel <= 0) {
            this.ip = ip; this.sp = sp; this.fuel = 0;
            this.status = THREAD_OUT_OF_FUEL;
            return THREAD_OUT_OF_FUEL;
          }
          fuel--;
          ip += 4;
          break;
        }
        case op.OP_BR_UNLESS: {
          sp -= 8;
          ip = load<i32>(sp) == 0 ? code + load<i32>(ip, 4) : ip + 8;
          break;
        }
        case op.OP_BR: {
          ip = code + load<i32>(ip, 4);
          break;
        }
        case op.OP_BR_IF: {
          sp -= 8;
          ip = load<i32>(sp) != 0 ? code + load<i32>(ip, 4) : ip + 8;
          break;
        }
        case op.OP_BR_DROP: {
          sp = branchDrop(sp, ip + 8);
          ip = code + load<i32>(ip, 4);
          break;
        }
        case op.OP_BR_IF_DROP: {
          sp -= 8;
          if (load<i32>(sp) != 0) {
            sp = branchDrop(sp, ip + 8);
            ip = code + load<i32>(ip, 4);
          } else {
            ip += 16;
          }
          break;
        }
        case op.OP_BR_TABLE: {
          const count = load<u32>(ip, 4);
          sp -= 8;
          let i = load<u32>(sp);
          if (i > count) i = count;
          const entry = ip + 8 + <usize>i * 12;
          sp = branchDrop(sp, entry + 4);
          ip = code + load<i32>(entry);
          break;
        }
        case op.OP_RETURN: {
          const bytes = <usize>load<i32>(ip, 4) << 3;
          memory.copy(fp, sp - bytes, bytes);
          this.sp = fp + bytes;
          if (!this.leave()) {
            this.fuel = fuel;
            return THREAD_DONE;
          }
          ip = this.ip; sp = this.sp; fp = this.fp;
          inst = this.func!.instance!;
          code = inst.module.code;
          mem = inst.memory;
          memBase = mem === null ? 0 : mem.base;
          memLen = mem === null ? 0 : mem.byteLength;
          break;
        }
        case op.OP_CALL:
        case op.OP_CALL_INDIRECT: {
          if (fuel <= 0) {
            this.ip = ip; this.sp = sp; this.fuel = 0;
            this.status = THREAD_OUT_OF_FUEL;
            return THREAD_OUT_OF_FUEL;
          }
          fuel--;
          let callee: FuncInst;
          if (opcode == op.OP_CALL) {
            callee = inst.funcs[load<i32>(ip, 4)];
            this.ip = ip + 8;
          } else {
            sp -= 8;
            this.ip = ip; this.sp = sp;
            const found = this.indirectTarget(inst, load<i32>(ip, 4), load<i32>(ip, 8), load<u32>(sp));
            if (found === null) return THREAD_TRAPPED;
            callee = found;
            this.ip = ip + 12;
          }
          this.sp = sp;
          this.fuel = fuel;
          if (!this.enter(callee)) return this.status;
          ip = this.ip; sp = this.sp; fp = this.fp;
          inst = this.func!.instance!;
          code = inst.module.code;
          mem = inst.memory;
          memBase = mem === null ? 0 : mem.base;
          memLen = mem === null ? 0 : mem.byteLength;
          break;
        }
        case op.OP_DROP: {
          sp -= 8;
          ip += 4;
          break;
        }
        case op.OP_SELECT: {
          sp -= 16;
          if (load<i32>(sp, 8) == 0) store<u64>(sp - 8, load<u64>(sp));
          ip += 4;
          break;
        }
        case op.OP_LOCAL_GET: {
          store<u64>(sp, load<u64>(fp + (<usize>load<u32>(ip, 4) << 3)));
          sp += 8;
          ip += 8;
          break;
        }
        case op.OP_LOCAL_SET: {
          sp -= 8;
          store<u64>(fp + (<usize>load<u32>(ip, 4) << 3), load<u64>(sp));
          ip += 8;
          break;
        }
        case op.OP_LOCAL_TEE: {
          store<u64>(fp + (<usize>load<u32>(ip, 4) << 3), load<u64>(sp - 8));
          ip += 8;
          break;
        }
        case op.OP_GLOBAL_GET: {
          store<u64>(sp, inst.globals[load<i32>(ip, 4)].value);
          sp += 8;
          ip += 8;
          break;
        }
        case op.OP_GLOBAL_SET: {
          sp -= 8;
          inst.globals[load<i32>(ip, 4)].value = load<u64>(sp);
          ip += 8;
          break;
        }
        case op.OP_TABLE_GET: {
          const table = inst.tables[load<i32>(ip, 4)];
          const i = load<u32>(sp - 8);
          if (i >= table.size) { this.ip = ip; this.sp = sp; return this.trap(TRAP_TABLE_BOUNDS); }
          store<u64>(sp - 8, table.get(i));
          ip += 8;
          break;
        }
        case op.OP_TABLE_SET: {
          const table = inst.tables[load<i32>(ip, 4)];
          sp -= 16;
          const i = load<u32>(sp);
          if (i >= table.size) { this.ip = ip; this.sp = sp; return this.trap(TRAP_TABLE_BOUNDS); }
          table.set(i, load<u64>(sp, 8));
          ip += 8;
          break;
        }
        case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e: case 0x2f:
        case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: {
          const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4);
          if (!loadValue(opcode, sp - 8, memBase, ea, memLen)) {
            this.ip = ip; this.sp = sp;
            return this.trap(TRAP_MEMORY_BOUNDS);
          }
          ip += 8;
          break;
        }
        case 0x36: case 0x37: case 0x38: case 0x39: case 0x3a: case 0x3b: case 0x3c: case 0x3d: case 0x3e: {
          sp -= 16;
          const ea = <u64>load<u32>(sp) + <u64>load<u32>(ip, 4);
          if (!storeValue(opcode, sp + 8, memBase, ea, memLen)) {
            this.ip = ip; this.sp = sp;
            return this.trap(TRAP_MEMORY_BOUNDS);
          }
          ip += 8;
          break;
        }
        case op.OP_MEMORY_SIZE: {
          store<i32>(sp, mem!.pages);
          sp += 8;
          ip += 4;
          break;
        }
        case op.OP_MEMORY_GROW: {
          const m = mem!;
          store<i32>(sp - 8, m.grow(load<u32>(sp - 8)));
          memBase = m.base;
          memLen = m.byteLength;
          ip += 4;
          break;
        }
        case op.OP_I32_CONST:
        case op.OP_F32_CONST: {
          store<i32>(sp, load<i32>(ip, 4));
          sp += 8;
          ip += 8;
          break;
        }
        case op.OP_I64_CONST:
        case op.OP_F64_CONST: {
          store<u64>(sp, load<u64>(ip, 4));
          sp += 8;
          ip += 12;
          break;
        }
        case op.OP_REF_NULL: {
          store<u64>(sp, 0);
          sp += 8;
          ip += 4;
          break;
        }
        case op.OP_REF_IS_NULL: {
          store<i32>(sp - 8, <i32>(load<u64>(sp - 8) == 0));
          ip += 4;
          break;
        }
        case op.OP_REF_FUNC: {
          store<u64>(sp, <u64>inst.funcs[load<i32>(ip, 4)].address + 1);
          sp += 8;
          ip += 8;
          break;
        }
        case op.OP_MEMORY_INIT:
        case op.OP_DATA_DROP:
        case op.OP_MEMORY_COPY:
        case op.OP_MEMORY_FILL: {
          this.ip = ip;
          sp = this.bulkMemory(opcode, inst, load<u32>(ip, 4), sp);
          if (sp == 0) return THREAD_TRAPPED;
          ip += opcode == op.OP_MEMORY_INIT || opcode == op.OP_DATA_DROP ? 8 : 4;
          break;
        }
        case op.OP_TABLE_INIT:
        case op.OP_ELEM_DROP:
        case op.OP_TABLE_COPY:
        case op.OP_TABLE_GROW:
        case op.OP_TABLE_SIZE:
        case op.OP_TABLE_FILL: {
          this.ip = ip;
          sp = this.tableOp(opcode, inst, load<u32>(ip, 4), load<u32>(ip, 8), sp);
          if (sp == 0) return THREAD_TRAPPED;
          ip += opcode == op.OP_TABLE_INIT || opcode == op.OP_TABLE_COPY ? 12 : 8;
          break;
        }
        default: {
          // Everything left is a numeric instruction: 0x45..0xC4 and 0xE0..0xE7.
          const trap = numeric.execute(opcode, sp);
          if (trap > 0) {
            this.ip = ip; this.sp = sp;
            return this.trap(trap);
          }
          sp += <usize>trap;
          ip += 4;
        }
      }
    }
  }

  /** call_indirect's callee: the table entry, checked for bounds, null and type. */
  private indirectTarget(inst: Instance, typeIndex: i32, tableIndex: i32, i: u32): FuncInst | null {
    const table = inst.tables[tableIndex];
    if (i >= table.size) {
      this.trap(TRAP_UNDEFINED_ELEMENT, " " + i.toString());
      return null;
    }
    const ref = table.get(i);
    if (ref == 0) {
      this.trap(TRAP_UNINITIALIZED_ELEMENT, " " + i.toString());
      return null;
    }
    const callee = inst.storeFuncs[<i32>(ref - 1)];
    if (callee.typeId != inst.typeIds[typeIndex]) {
      this.trap(TRAP_INDIRECT_TYPE);
      return null;
    }
    return callee;
  }

  /** memory.init, data.drop, memory.copy, memory.fill; returns the new sp, or 0 after a trap. */
  private bulkMemory(opcode: i32, inst: Instance, segment: u32, sp: usize): usize {
    if (opcode == op.OP_DATA_DROP) {
      inst.droppedData[segment] = true;
      return sp;
    }
    sp -= 24;
    const mem = inst.memory!;
    const d = <u64>load<u32>(sp);
    const s = <u64>load<u32>(sp, 8);
    const n = <u64>load<u32>(sp, 16);
    if (opcode == op.OP_MEMORY_FILL) {
      if (d + n > mem.byteLength) return this.trapAt(TRAP_MEMORY_BOUNDS, sp);
      memory.fill(mem.base + <usize>d, <u8>s, <usize>n);
    } else if (opcode == op.OP_MEMORY_COPY) {
      if (d + n > mem.byteLength || s + n > mem.byteLength) return this.trapAt(TRAP_MEMORY_BOUNDS, sp);
      memory.copy(mem.base + <usize>d, mem.base + <usize>s, <usize>n);
    } else {
      const data = inst.module.datas[segment];
      const length: u64 = inst.droppedData[segment] ? 0 : data.length;
      if (d + n > mem.byteLength || s + n > length) return this.trapAt(TRAP_MEMORY_BOUNDS, sp);
      memory.copy(mem.base + <usize>d, data.bytes + <usize>s, <usize>n);
    }
    return sp;
  }

  /** Table instructions of the 0xFC group; returns the new sp, or 0 after a trap. */
  private tableOp(opcode: i32, inst: Instance, a: u32, b: u32, sp: usize): usize {
    switch (opcode) {
      case op.OP_ELEM_DROP: {
        inst.elems[a] = new StaticArray<u64>(0);
        return sp;
      }
      case op.OP_TABLE_SIZE: {
        store<i32>(sp, inst.tables[a].size);
        return sp + 8;
      }
      case op.OP_TABLE_GROW: {
        sp -= 8;
        store<i32>(sp - 8, inst.tables[a].grow(load<u32>(sp), load<u64>(sp - 8)));
        return sp;
      }
    }
    sp -= 24;
    const d = load<u32>(sp);
    const n = load<u32>(sp, 16);
    if (opcode == op.OP_TABLE_FILL) {
      const table = inst.tables[a];
      if (<u64>d + n > table.size) return this.trapAt(TRAP_TABLE_BOUNDS, sp);
      table.fill(d, n, load<u64>(sp, 8));
      return sp;
    }
    const s = load<u32>(sp, 8);
    if (opcode == op.OP_TABLE_COPY) {
      const dst = inst.tables[a];
      const src = inst.tables[b];
      if (<u64>d + n > dst.size || <u64>s + n > src.size) return this.trapAt(TRAP_TABLE_BOUNDS, sp);
      memory.copy(dst.elems + (<usize>d << 3), src.elems + (<usize>s << 3), <usize>n << 3);
      return sp;
    }
    const elems = inst.elems[a];
    const table = inst.tables[b];
    if (<u64>d + n > table.size || <u64>s + n > <u64>elems.length) return this.trapAt(TRAP_TABLE_BOUNDS, sp);
    for (let i: u32 = 0; i < n; i++) table.set(d + i, elems[s + i]);
    return sp;
  }

  private trapAt(kind: i32, sp: usize): usize {
    this.sp = sp;
    this.trap(kind);
    return 0;
  }
}

/** Moves the `keep` values on top down over `drop` values; the immediates are at `imm`. */
// @ts-ignore: decorator
@inline function branchDrop(sp: usize, imm: usize): usize {
  const keep = <usize>load<u32>(imm) << 3;
  const drop = <usize>load<u32>(imm, 4) << 3;
  memory.copy(sp - keep - drop, sp - keep, keep);
  return sp - drop;
}

/** Performs load `opcode` from `ea` into the slot at `slot`; false when out of bounds. */
// @ts-ignore: decorator
@inline function loadValue(opcode: i32, slot: usize, base: usize, ea: u64, length: u64): bool {
  const p = base + <usize>ea;
  switch (opcode) {
    case 0x28: case 0x2a: if (ea + 4 > length) return false; store<i32>(slot, load<i32>(p)); break;
    case 0x29: case 0x2b: if (ea + 8 > length) return false; store<i64>(slot, load<i64>(p)); break;
    case 0x2c: if (ea + 1 > length) return false; store<i32>(slot, load<i8>(p)); break;
    case 0x2d: if (ea + 1 > length) return false; store<i32>(slot, load<u8>(p)); break;
    case 0x2e: if (ea + 2 > length) return false; store<i32>(slot, load<i16>(p)); break;
    case 0x2f: if (ea + 2 > length) return false; store<i32>(slot, load<u16>(p)); break;
    case 0x30: if (ea + 1 > length) return false; store<i64>(slot, load<i8>(p)); break;
    case 0x31: if (ea + 1 > length) return false; store<i64>(slot, load<u8>(p)); break;
    case 0x32: if (ea + 2 > length) return false; store<i64>(slot, load<i16>(p)); break;
    case 0x33: if (ea + 2 > length) return false; store<i64>(slot, load<u16>(p)); break;
    case 0x34: if (ea + 4 > length) return false; store<i64>(slot, load<i32>(p)); break;
    default: if (ea + 4 > length) return false; store<i64>(slot, load<u32>(p));
  }
  return true;
}

/** Performs store `opcode` of the slot at `slot` to `ea`; false when out of bounds. */
// @ts-ignore: decorator
@inline function storeValue(opcode: i32, slot: usize, base: usize, ea: u64, length: u64): bool {
  const p = base + <usize>ea;
  switch (opcode) {
    case 0x36: case 0x38: case 0x3e: if (ea + 4 > length) return false; store<i32>(p, load<i32>(slot)); break;
    case 0x37: case 0x39: if (ea + 8 > length) return false; store<i64>(p, load<i64>(slot)); break;
    case 0x3a: case 0x3c: if (ea + 1 > length) return false; store<i8>(p, load<i8>(slot)); break;
    default: if (ea + 2 > length) return false; store<i16>(p, load<i16>(slot));
  }
  return true;
}
