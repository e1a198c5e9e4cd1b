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
    if (f.host !== null) return this.callHost(f);
    const sp = this.sp;
    const localsEnd = sp + f.localBytes;
    if (this.frameCount >= this.maxFrames || localsEnd + f.stackBytes > this.stackEnd) {
      this.trap(TRAP_EXHAUSTION);
      return false;
    }
    const frame = this.frames + <usize>this.frameCount * FRAME_BYTES;
    store<usize>(frame, this.ip);
    store<usize>(frame, this.fp, 8);
    store<usize>(frame, changetype<usize>(this.func), 16);
    this.frameCount++;
    if (f.localBytes != 0) memory.fill(sp, 0, f.localBytes);
    this.func = f;
    this.fp = sp - f.paramBytes;
    this.sp = localsEnd;
    this.ip = f.entry;
    return true;
  }

  private callHost(f: FuncInst): bool {
    const args = this.sp - f.paramBytes;
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
        case op.OP_UNREACHABLE:
        default: {
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
          const count = load<i32>(ip, 4);
          if (count == 1) store<u64>(fp, load<u64>(sp - 8));
          else memory.copy(fp, sp - (<usize>count << 3), <usize>count << 3);
          this.sp = fp + (<usize>count << 3);
          if (!this.leave()) {
            this.fuel = fuel;
            return THREAD_DONE;
          }
          ip = this.ip; sp = this.sp; fp = this.fp;
          if (this.func!.instance !== inst) {
            inst = this.func!.instance!;
            code = inst.module.code;
            mem = inst.memory;
          }
          // A callee may have grown the memory, wherever it lives.
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
          this.fp = fp;
          if (!this.enter(callee)) return this.status;
          ip = this.ip; sp = this.sp; fp = this.fp;
          if (this.func!.instance !== inst) {
            inst = this.func!.instance!;
            code = inst.module.code;
            mem = inst.memory;
          }
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
        case 0x28: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 4 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(sp - 8, load<i32>(memBase + <usize>ea)); ip += 8; break; }
        case 0x29: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 8 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(sp - 8, load<i64>(memBase + <usize>ea)); ip += 8; break; }
        case 0x2a: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 4 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(sp - 8, load<i32>(memBase + <usize>ea)); ip += 8; break; }
        case 0x2b: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 8 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(sp - 8, load<i64>(memBase + <usize>ea)); ip += 8; break; }
        case 0x2c: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 1 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(sp - 8, load<i8>(memBase + <usize>ea)); ip += 8; break; }
        case 0x2d: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 1 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(sp - 8, load<u8>(memBase + <usize>ea)); ip += 8; break; }
        case 0x2e: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 2 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(sp - 8, load<i16>(memBase + <usize>ea)); ip += 8; break; }
        case 0x2f: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 2 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(sp - 8, load<u16>(memBase + <usize>ea)); ip += 8; break; }
        case 0x30: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 1 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(sp - 8, load<i8>(memBase + <usize>ea)); ip += 8; break; }
        case 0x31: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 1 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(sp - 8, load<u8>(memBase + <usize>ea)); ip += 8; break; }
        case 0x32: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 2 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(sp - 8, load<i16>(memBase + <usize>ea)); ip += 8; break; }
        case 0x33: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 2 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(sp - 8, load<u16>(memBase + <usize>ea)); ip += 8; break; }
        case 0x34: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 4 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(sp - 8, load<i32>(memBase + <usize>ea)); ip += 8; break; }
        case 0x35: { const ea = <u64>load<u32>(sp - 8) + <u64>load<u32>(ip, 4); if (ea + 4 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(sp - 8, load<u32>(memBase + <usize>ea)); ip += 8; break; }
        case 0x36: { sp -= 16; const ea = <u64>load<u32>(sp) + <u64>load<u32>(ip, 4); if (ea + 4 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(memBase + <usize>ea, load<i32>(sp, 8)); ip += 8; break; }
        case 0x37: { sp -= 16; const ea = <u64>load<u32>(sp) + <u64>load<u32>(ip, 4); if (ea + 8 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(memBase + <usize>ea, load<i64>(sp, 8)); ip += 8; break; }
        case 0x38: { sp -= 16; const ea = <u64>load<u32>(sp) + <u64>load<u32>(ip, 4); if (ea + 4 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(memBase + <usize>ea, load<i32>(sp, 8)); ip += 8; break; }
        case 0x39: { sp -= 16; const ea = <u64>load<u32>(sp) + <u64>load<u32>(ip, 4); if (ea + 8 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(memBase + <usize>ea, load<i64>(sp, 8)); ip += 8; break; }
        case 0x3a: { sp -= 16; const ea = <u64>load<u32>(sp) + <u64>load<u32>(ip, 4); if (ea + 1 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i8>(memBase + <usize>ea, load<i8>(sp, 8)); ip += 8; break; }
        case 0x3b: { sp -= 16; const ea = <u64>load<u32>(sp) + <u64>load<u32>(ip, 4); if (ea + 2 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i16>(memBase + <usize>ea, load<i16>(sp, 8)); ip += 8; break; }
        case 0x3c: { sp -= 16; const ea = <u64>load<u32>(sp) + <u64>load<u32>(ip, 4); if (ea + 1 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i8>(memBase + <usize>ea, load<i8>(sp, 8)); ip += 8; break; }
        case 0x3d: { sp -= 16; const ea = <u64>load<u32>(sp) + <u64>load<u32>(ip, 4); if (ea + 2 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i16>(memBase + <usize>ea, load<i16>(sp, 8)); ip += 8; break; }
        case 0x3e: { sp -= 16; const ea = <u64>load<u32>(sp) + <u64>load<u32>(ip, 4); if (ea + 4 > memLen) { this.ip = ip; this.sp = sp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(memBase + <usize>ea, load<i32>(sp, 8)); ip += 8; break; }
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
        // The numeric instructions: 0x45..0xC4 and the saturating truncations 0xE0..0xE7.
        case 0x45: { const a = load<i32>(sp - 8); store<i32>(sp - 8, <i32>(a == 0)); ip += 4; break; }
        case 0x46: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a == b)); sp -= 8; ip += 4; break; }
        case 0x47: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a != b)); sp -= 8; ip += 4; break; }
        case 0x48: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); sp -= 8; ip += 4; break; }
        case 0x49: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); sp -= 8; ip += 4; break; }
        case 0x4a: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); sp -= 8; ip += 4; break; }
        case 0x4b: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); sp -= 8; ip += 4; break; }
        case 0x4c: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); sp -= 8; ip += 4; break; }
        case 0x4d: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); sp -= 8; ip += 4; break; }
        case 0x4e: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); sp -= 8; ip += 4; break; }
        case 0x4f: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); sp -= 8; ip += 4; break; }
        case 0x50: { const a = load<i64>(sp - 8); store<i32>(sp - 8, <i32>(a == 0)); ip += 4; break; }
        case 0x51: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a == b)); sp -= 8; ip += 4; break; }
        case 0x52: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a != b)); sp -= 8; ip += 4; break; }
        case 0x53: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); sp -= 8; ip += 4; break; }
        case 0x54: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); sp -= 8; ip += 4; break; }
        case 0x55: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); sp -= 8; ip += 4; break; }
        case 0x56: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); sp -= 8; ip += 4; break; }
        case 0x57: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); sp -= 8; ip += 4; break; }
        case 0x58: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); sp -= 8; ip += 4; break; }
        case 0x59: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); sp -= 8; ip += 4; break; }
        case 0x5a: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); sp -= 8; ip += 4; break; }
        case 0x5b: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a == b)); sp -= 8; ip += 4; break; }
        case 0x5c: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a != b)); sp -= 8; ip += 4; break; }
        case 0x5d: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); sp -= 8; ip += 4; break; }
        case 0x5e: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); sp -= 8; ip += 4; break; }
        case 0x5f: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); sp -= 8; ip += 4; break; }
        case 0x60: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); sp -= 8; ip += 4; break; }
        case 0x61: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a == b)); sp -= 8; ip += 4; break; }
        case 0x62: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a != b)); sp -= 8; ip += 4; break; }
        case 0x63: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a < b)); sp -= 8; ip += 4; break; }
        case 0x64: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a > b)); sp -= 8; ip += 4; break; }
        case 0x65: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a <= b)); sp -= 8; ip += 4; break; }
        case 0x66: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<i32>(sp - 16, <i32>(a >= b)); sp -= 8; ip += 4; break; }
        case 0x67: { const a = load<i32>(sp - 8); store<i32>(sp - 8, clz<i32>(a)); ip += 4; break; }
        case 0x68: { const a = load<i32>(sp - 8); store<i32>(sp - 8, ctz<i32>(a)); ip += 4; break; }
        case 0x69: { const a = load<i32>(sp - 8); store<i32>(sp - 8, popcnt<i32>(a)); ip += 4; break; }
        case 0x6a: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a + b); sp -= 8; ip += 4; break; }
        case 0x6b: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a - b); sp -= 8; ip += 4; break; }
        case 0x6c: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a * b); sp -= 8; ip += 4; break; }
        case 0x6d: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); if (b == 0) { this.ip = ip; this.sp = sp; return this.trap(TRAP_DIVIDE_BY_ZERO); } if (a == <i32>0x80000000 && b == -1) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i32>(sp - 16, a / b); sp -= 8; ip += 4; break; }
        case 0x6e: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); if (b == 0) { this.ip = ip; this.sp = sp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<u32>(sp - 16, a / b); sp -= 8; ip += 4; break; }
        case 0x6f: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); if (b == 0) { this.ip = ip; this.sp = sp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<i32>(sp - 16, b == -1 ? 0 : a % b); sp -= 8; ip += 4; break; }
        case 0x70: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); if (b == 0) { this.ip = ip; this.sp = sp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<u32>(sp - 16, a % b); sp -= 8; ip += 4; break; }
        case 0x71: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a & b); sp -= 8; ip += 4; break; }
        case 0x72: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a | b); sp -= 8; ip += 4; break; }
        case 0x73: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a ^ b); sp -= 8; ip += 4; break; }
        case 0x74: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a << b); sp -= 8; ip += 4; break; }
        case 0x75: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, a >> b); sp -= 8; ip += 4; break; }
        case 0x76: { const b = load<u32>(sp - 8); const a = load<u32>(sp - 16); store<u32>(sp - 16, a >>> b); sp -= 8; ip += 4; break; }
        case 0x77: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, rotl<i32>(a, b)); sp -= 8; ip += 4; break; }
        case 0x78: { const b = load<i32>(sp - 8); const a = load<i32>(sp - 16); store<i32>(sp - 16, rotr<i32>(a, b)); sp -= 8; ip += 4; break; }
        case 0x79: { const a = load<i64>(sp - 8); store<i64>(sp - 8, clz<i64>(a)); ip += 4; break; }
        case 0x7a: { const a = load<i64>(sp - 8); store<i64>(sp - 8, ctz<i64>(a)); ip += 4; break; }
        case 0x7b: { const a = load<i64>(sp - 8); store<i64>(sp - 8, popcnt<i64>(a)); ip += 4; break; }
        case 0x7c: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a + b); sp -= 8; ip += 4; break; }
        case 0x7d: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a - b); sp -= 8; ip += 4; break; }
        case 0x7e: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a * b); sp -= 8; ip += 4; break; }
        case 0x7f: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); if (b == 0) { this.ip = ip; this.sp = sp; return this.trap(TRAP_DIVIDE_BY_ZERO); } if (a == <i64>0x8000000000000000 && b == -1) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i64>(sp - 16, a / b); sp -= 8; ip += 4; break; }
        case 0x80: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); if (b == 0) { this.ip = ip; this.sp = sp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<u64>(sp - 16, a / b); sp -= 8; ip += 4; break; }
        case 0x81: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); if (b == 0) { this.ip = ip; this.sp = sp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<i64>(sp - 16, b == -1 ? 0 : a % b); sp -= 8; ip += 4; break; }
        case 0x82: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); if (b == 0) { this.ip = ip; this.sp = sp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<u64>(sp - 16, a % b); sp -= 8; ip += 4; break; }
        case 0x83: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a & b); sp -= 8; ip += 4; break; }
        case 0x84: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a | b); sp -= 8; ip += 4; break; }
        case 0x85: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a ^ b); sp -= 8; ip += 4; break; }
        case 0x86: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a << b); sp -= 8; ip += 4; break; }
        case 0x87: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, a >> b); sp -= 8; ip += 4; break; }
        case 0x88: { const b = load<u64>(sp - 8); const a = load<u64>(sp - 16); store<u64>(sp - 16, a >>> b); sp -= 8; ip += 4; break; }
        case 0x89: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, rotl<i64>(a, b)); sp -= 8; ip += 4; break; }
        case 0x8a: { const b = load<i64>(sp - 8); const a = load<i64>(sp - 16); store<i64>(sp - 16, rotr<i64>(a, b)); sp -= 8; ip += 4; break; }
        case 0x8b: { const a = load<f32>(sp - 8); store<f32>(sp - 8, abs<f32>(a)); ip += 4; break; }
        case 0x8c: { const a = load<f32>(sp - 8); store<f32>(sp - 8, -a); ip += 4; break; }
        case 0x8d: { const a = load<f32>(sp - 8); store<f32>(sp - 8, ceil<f32>(a)); ip += 4; break; }
        case 0x8e: { const a = load<f32>(sp - 8); store<f32>(sp - 8, floor<f32>(a)); ip += 4; break; }
        case 0x8f: { const a = load<f32>(sp - 8); store<f32>(sp - 8, trunc<f32>(a)); ip += 4; break; }
        case 0x90: { const a = load<f32>(sp - 8); store<f32>(sp - 8, nearest<f32>(a)); ip += 4; break; }
        case 0x91: { const a = load<f32>(sp - 8); store<f32>(sp - 8, sqrt<f32>(a)); ip += 4; break; }
        case 0x92: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, a + b); sp -= 8; ip += 4; break; }
        case 0x93: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, a - b); sp -= 8; ip += 4; break; }
        case 0x94: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, a * b); sp -= 8; ip += 4; break; }
        case 0x95: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, a / b); sp -= 8; ip += 4; break; }
        case 0x96: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, min<f32>(a, b)); sp -= 8; ip += 4; break; }
        case 0x97: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, max<f32>(a, b)); sp -= 8; ip += 4; break; }
        case 0x98: { const b = load<f32>(sp - 8); const a = load<f32>(sp - 16); store<f32>(sp - 16, copysign<f32>(a, b)); sp -= 8; ip += 4; break; }
        case 0x99: { const a = load<f64>(sp - 8); store<f64>(sp - 8, abs<f64>(a)); ip += 4; break; }
        case 0x9a: { const a = load<f64>(sp - 8); store<f64>(sp - 8, -a); ip += 4; break; }
        case 0x9b: { const a = load<f64>(sp - 8); store<f64>(sp - 8, ceil<f64>(a)); ip += 4; break; }
        case 0x9c: { const a = load<f64>(sp - 8); store<f64>(sp - 8, floor<f64>(a)); ip += 4; break; }
        case 0x9d: { const a = load<f64>(sp - 8); store<f64>(sp - 8, trunc<f64>(a)); ip += 4; break; }
        case 0x9e: { const a = load<f64>(sp - 8); store<f64>(sp - 8, nearest<f64>(a)); ip += 4; break; }
        case 0x9f: { const a = load<f64>(sp - 8); store<f64>(sp - 8, sqrt<f64>(a)); ip += 4; break; }
        case 0xa0: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, a + b); sp -= 8; ip += 4; break; }
        case 0xa1: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, a - b); sp -= 8; ip += 4; break; }
        case 0xa2: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, a * b); sp -= 8; ip += 4; break; }
        case 0xa3: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, a / b); sp -= 8; ip += 4; break; }
        case 0xa4: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, min<f64>(a, b)); sp -= 8; ip += 4; break; }
        case 0xa5: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, max<f64>(a, b)); sp -= 8; ip += 4; break; }
        case 0xa6: { const b = load<f64>(sp - 8); const a = load<f64>(sp - 16); store<f64>(sp - 16, copysign<f64>(a, b)); sp -= 8; ip += 4; break; }
        case 0xa7: ip += 4; break; // i32.wrap_i64: the low half of the slot already holds the result
        case 0xa8: { const a = load<f32>(sp - 8); if (a != a) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a >= <f32>-2147483648.0 && a < <f32>2147483648.0)) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i32>(sp - 8, <i32>a); ip += 4; break; }
        case 0xa9: { const a = load<f32>(sp - 8); if (a != a) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a > <f32>-1.0 && a < <f32>4294967296.0)) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<u32>(sp - 8, <u32>a); ip += 4; break; }
        case 0xaa: { const a = load<f64>(sp - 8); if (a != a) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a > <f64>-2147483649.0 && a < <f64>2147483648.0)) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i32>(sp - 8, <i32>a); ip += 4; break; }
        case 0xab: { const a = load<f64>(sp - 8); if (a != a) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a > <f64>-1.0 && a < <f64>4294967296.0)) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<u32>(sp - 8, <u32>a); ip += 4; break; }
        case 0xae: { const a = load<f32>(sp - 8); if (a != a) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a >= <f32>-9223372036854775808.0 && a < <f32>9223372036854775808.0)) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i64>(sp - 8, <i64>a); ip += 4; break; }
        case 0xaf: { const a = load<f32>(sp - 8); if (a != a) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a > <f32>-1.0 && a < <f32>18446744073709551616.0)) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<u64>(sp - 8, <u64>a); ip += 4; break; }
        case 0xb0: { const a = load<f64>(sp - 8); if (a != a) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a >= <f64>-9223372036854775808.0 && a < <f64>9223372036854775808.0)) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i64>(sp - 8, <i64>a); ip += 4; break; }
        case 0xb1: { const a = load<f64>(sp - 8); if (a != a) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a > <f64>-1.0 && a < <f64>18446744073709551616.0)) { this.ip = ip; this.sp = sp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<u64>(sp - 8, <u64>a); ip += 4; break; }
        case 0xac: { const a = load<i32>(sp - 8); store<i64>(sp - 8, <i64>a); ip += 4; break; }
        case 0xad: { const a = load<u32>(sp - 8); store<u64>(sp - 8, <u64>a); ip += 4; break; }
        case 0xb2: { const a = load<i32>(sp - 8); store<f32>(sp - 8, <f32>a); ip += 4; break; }
        case 0xb3: { const a = load<u32>(sp - 8); store<f32>(sp - 8, <f32>a); ip += 4; break; }
        case 0xb4: { const a = load<i64>(sp - 8); store<f32>(sp - 8, <f32>a); ip += 4; break; }
        case 0xb5: { const a = load<u64>(sp - 8); store<f32>(sp - 8, <f32>a); ip += 4; break; }
        case 0xb6: { const a = load<f64>(sp - 8); store<f32>(sp - 8, <f32>a); ip += 4; break; }
        case 0xb7: { const a = load<i32>(sp - 8); store<f64>(sp - 8, <f64>a); ip += 4; break; }
        case 0xb8: { const a = load<u32>(sp - 8); store<f64>(sp - 8, <f64>a); ip += 4; break; }
        case 0xb9: { const a = load<i64>(sp - 8); store<f64>(sp - 8, <f64>a); ip += 4; break; }
        case 0xba: { const a = load<u64>(sp - 8); store<f64>(sp - 8, <f64>a); ip += 4; break; }
        case 0xbb: { const a = load<f32>(sp - 8); store<f64>(sp - 8, <f64>a); ip += 4; break; }
        case 0xbc: case 0xbd: case 0xbe: case 0xbf: ip += 4; break; // reinterpretations: slots hold bits
        case 0xc0: { const a = load<i32>(sp - 8); store<i32>(sp - 8, <i32><i8>a); ip += 4; break; }
        case 0xc1: { const a = load<i32>(sp - 8); store<i32>(sp - 8, <i32><i16>a); ip += 4; break; }
        case 0xc2: { const a = load<i64>(sp - 8); store<i64>(sp - 8, <i64><i8>a); ip += 4; break; }
        case 0xc3: { const a = load<i64>(sp - 8); store<i64>(sp - 8, <i64><i16>a); ip += 4; break; }
        case 0xc4: { const a = load<i64>(sp - 8); store<i64>(sp - 8, <i64><i32>a); ip += 4; break; }
        case 0xe0: { store<i32>(sp - 8, numeric.saturate_f32_i32(load<f32>(sp - 8))); ip += 4; break; }
        case 0xe1: { store<u32>(sp - 8, numeric.saturate_f32_u32(load<f32>(sp - 8))); ip += 4; break; }
        case 0xe2: { store<i32>(sp - 8, numeric.saturate_f64_i32(load<f64>(sp - 8))); ip += 4; break; }
        case 0xe3: { store<u32>(sp - 8, numeric.saturate_f64_u32(load<f64>(sp - 8))); ip += 4; break; }
        case 0xe4: { store<i64>(sp - 8, numeric.saturate_f32_i64(load<f32>(sp - 8))); ip += 4; break; }
        case 0xe5: { store<u64>(sp - 8, numeric.saturate_f32_u64(load<f32>(sp - 8))); ip += 4; break; }
        case 0xe6: { store<i64>(sp - 8, numeric.saturate_f64_i64(load<f64>(sp - 8))); ip += 4; break; }
        case 0xe7: { store<u64>(sp - 8, numeric.saturate_f64_u64(load<f64>(sp - 8))); ip += 4; break; }
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
