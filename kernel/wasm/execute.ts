// The executor. A thread owns a value stack and a frame stack in unmanaged
// memory; the dispatch loop never recurses on the native stack, so it can
// stop at any instruction boundary (fuel exhausted, host call blocked) and
// continue later from exactly the saved state. Instructions address values
// by their byte offset from the frame pointer (see opcodes.ts), so the loop
// keeps no operand stack pointer: a frame's locals and operand slots sit
// above its frame pointer, and a call's arguments become the callee's first
// locals where they lie.
import { HOST_BLOCK, HOST_DONE } from "./host";
import { Limits } from "./limits";
import * as numeric from "./numeric";
import * as op from "./opcodes";
import { DROPPED_ELEMS, FuncInst, Instance } from "./runtime";
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
  fp: usize;
  /**
   * The running function, kept as a plain address: the store keeps every
   * function alive, and a plain field spares the collector's write barrier
   * on every call and return.
   */
  private funcAddress: usize = 0;
  fuel: i64 = 0;
  status: i32 = THREAD_READY;
  trapKind: i32 = TRAP_NONE;
  trapMessage: string = "";
  /** Set by a host function before it answers HOST_TRAP. */
  hostMessage: string = "";
  /** Where a blocked host call's results go. */
  blockedResults: usize = 0;
  /** Free for the embedder, e.g. the process a thread belongs to. */
  tag: i32 = 0;

  /** Bytes of kernel memory the stacks of a thread under `limits` take. */
  static stackBytes(limits: Limits): u64 {
    return (<u64>limits.valueStackSlots << 3) + <u64>limits.maxCallDepth * FRAME_BYTES;
  }

  constructor(limits: Limits) {
    this.stack = heap.alloc(<usize>limits.valueStackSlots << 3);
    this.stackEnd = this.stack + (<usize>limits.valueStackSlots << 3);
    this.maxFrames = limits.maxCallDepth;
    this.frames = heap.alloc(<usize>this.maxFrames * FRAME_BYTES);
    this.fp = this.stack;
  }

  /** Frees the stacks; the thread must not run again. */
  dispose(): void {
    heap.free(this.stack);
    heap.free(this.frames);
  }

  /** The running function (for host functions: the caller). */
  get func(): FuncInst | null {
    return changetype<FuncInst | null>(this.funcAddress);
  }

  /** The instance whose code made the current call (for host functions). */
  get caller(): Instance | null {
    const f = this.func;
    return f === null ? null : f.instance;
  }

  /** Starts `func` with arguments copied from `args` (8-byte slots); then call run(). */
  start(func: FuncInst, args: usize): void {
    memory.copy(this.stack, args, func.paramBytes);
    this.frameCount = 0;
    this.fp = this.stack;
    this.ip = 0;
    this.funcAddress = 0;
    this.trapKind = TRAP_NONE;
    this.status = THREAD_READY;
    this.enter(func, this.stack);
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
   * Calls `f` with its arguments at `args`. For a wasm function, pushes a
   * frame and leaves the thread at its first instruction; a host function
   * runs to its answer here. Returns false when the thread stopped.
   */
  enter(f: FuncInst, args: usize): bool {
    if (f.host !== null) return this.callHost(f, args);
    if (!this.pushFrame(f, args, this.ip, this.fp)) return false;
    this.fp = args;
    this.ip = f.entry;
    return true;
  }

  /**
   * Saves the caller (returning to `returnIp` with frame `fp`) and makes
   * wasm function `f` current, its locals zeroed; false (after trapping)
   * when a limit forbids the call.
   */
  // @ts-ignore: decorator
  @inline private pushFrame(f: FuncInst, args: usize, returnIp: usize, fp: usize): bool {
    const locals = args + f.paramBytes;
    if (this.frameCount >= this.maxFrames || locals + f.localBytes + f.stackBytes > this.stackEnd) {
      this.trap(TRAP_EXHAUSTION);
      return false;
    }
    const frame = this.frames + <usize>this.frameCount * FRAME_BYTES;
    store<usize>(frame, returnIp);
    store<usize>(frame, fp, 8);
    store<usize>(frame, this.funcAddress, 16);
    this.frameCount++;
    zeroLocals(locals, f.localBytes);
    this.funcAddress = changetype<usize>(f);
    return true;
  }

  private callHost(f: FuncInst, args: usize): bool {
    if (args + (<usize>f.type.results.length << 3) > this.stackEnd) {
      this.trap(TRAP_EXHAUSTION);
      return false;
    }
    const answer = f.host!.invoke(this, args);
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

  /**
   * Pops the current function's frame and returns the address of the saved
   * caller state (return address, frame pointer), or 0 when the entry
   * function returned.
   */
  // @ts-ignore: decorator
  @inline private popFrame(): usize {
    this.frameCount--;
    const frame = this.frames + <usize>this.frameCount * FRAME_BYTES;
    this.funcAddress = load<usize>(frame, 16);
    if (this.frameCount == 0) {
      this.status = THREAD_DONE;
      return 0;
    }
    return frame;
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

  /**
   * The address a taken branch from `from` continues at. A backward branch
   * starts another loop iteration and uses a unit of fuel; with none left the
   * thread stops at `to` and this returns 0.
   */
  // @ts-ignore: decorator
  @inline private jump(from: usize, to: usize, fp: usize): usize {
    if (to > from) return to;
    if (this.fuel <= 0) {
      this.outOfFuel(to, fp);
      return 0;
    }
    this.fuel--;
    return to;
  }

  private outOfFuel(ip: usize, fp: usize): i32 {
    this.ip = ip;
    this.fp = fp;
    this.fuel = 0;
    this.status = THREAD_OUT_OF_FUEL;
    return THREAD_OUT_OF_FUEL;
  }

  private loop(): i32 {
    let ip = this.ip;
    let fp = this.fp;
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
          this.ip = ip; this.fp = fp;
          return this.trap(TRAP_UNREACHABLE);
        }
        case op.OP_BR_UNLESS: {
          ip = load<i32>(fp + load<u32>(ip, 4)) == 0 ? code + load<i32>(ip, 8) : ip + 12;
          break;
        }
        case op.OP_BR: {
          ip = this.jump(ip, code + load<i32>(ip, 4), fp);
          if (ip == 0) return THREAD_OUT_OF_FUEL;
          break;
        }
        case op.OP_BR_IF: {
          ip = load<i32>(fp + load<u32>(ip, 4)) != 0 ? this.jump(ip, code + load<i32>(ip, 8), fp) : ip + 12;
          if (ip == 0) return THREAD_OUT_OF_FUEL;
          break;
        }
        case op.OP_BR_IF_EQZ: {
          ip = load<i32>(fp + load<u32>(ip, 4)) == 0 ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16;
          if (ip == 0) return THREAD_OUT_OF_FUEL;
          break;
        }
        // Comparisons fused with a branch: [a, b, target].
        case 0xc6: ip = load<i32>(fp + load<u32>(ip, 4)) == load<i32>(fp + load<u32>(ip, 8)) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // eq
        case 0xc7: ip = load<i32>(fp + load<u32>(ip, 4)) != load<i32>(fp + load<u32>(ip, 8)) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // ne
        case 0xc8: ip = load<i32>(fp + load<u32>(ip, 4)) < load<i32>(fp + load<u32>(ip, 8)) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // lt_s
        case 0xc9: ip = load<u32>(fp + load<u32>(ip, 4)) < load<u32>(fp + load<u32>(ip, 8)) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // lt_u
        case 0xca: ip = load<i32>(fp + load<u32>(ip, 4)) > load<i32>(fp + load<u32>(ip, 8)) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // gt_s
        case 0xcb: ip = load<u32>(fp + load<u32>(ip, 4)) > load<u32>(fp + load<u32>(ip, 8)) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // gt_u
        case 0xcc: ip = load<i32>(fp + load<u32>(ip, 4)) <= load<i32>(fp + load<u32>(ip, 8)) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // le_s
        case 0xcd: ip = load<u32>(fp + load<u32>(ip, 4)) <= load<u32>(fp + load<u32>(ip, 8)) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // le_u
        case 0xce: ip = load<i32>(fp + load<u32>(ip, 4)) >= load<i32>(fp + load<u32>(ip, 8)) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // ge_s
        case 0xcf: ip = load<u32>(fp + load<u32>(ip, 4)) >= load<u32>(fp + load<u32>(ip, 8)) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // ge_u
        // i32 operations with a constant second operand: [a, constant, result].
        case 0xd3: store<i32>(fp + load<u32>(ip, 12), load<i32>(fp + load<u32>(ip, 4)) + load<i32>(ip, 8)); ip += 16; break; // add
        case 0xd4: store<i32>(fp + load<u32>(ip, 12), load<i32>(fp + load<u32>(ip, 4)) - load<i32>(ip, 8)); ip += 16; break; // sub
        case 0xd5: store<i32>(fp + load<u32>(ip, 12), load<i32>(fp + load<u32>(ip, 4)) * load<i32>(ip, 8)); ip += 16; break; // mul
        case 0xd6: store<i32>(fp + load<u32>(ip, 12), load<i32>(fp + load<u32>(ip, 4)) & load<i32>(ip, 8)); ip += 16; break; // and
        case 0xd7: store<i32>(fp + load<u32>(ip, 12), load<i32>(fp + load<u32>(ip, 4)) | load<i32>(ip, 8)); ip += 16; break; // or
        case 0xd8: store<i32>(fp + load<u32>(ip, 12), load<i32>(fp + load<u32>(ip, 4)) ^ load<i32>(ip, 8)); ip += 16; break; // xor
        case 0xd9: store<i32>(fp + load<u32>(ip, 12), load<i32>(fp + load<u32>(ip, 4)) << load<i32>(ip, 8)); ip += 16; break; // shl
        case 0xda: store<i32>(fp + load<u32>(ip, 12), load<i32>(fp + load<u32>(ip, 4)) >> load<i32>(ip, 8)); ip += 16; break; // shr_s
        case 0xdb: store<u32>(fp + load<u32>(ip, 12), load<u32>(fp + load<u32>(ip, 4)) >>> load<u32>(ip, 8)); ip += 16; break; // shr_u
        // Comparisons with a constant fused with a branch: [a, constant, target].
        case 0xf2: ip = load<i32>(fp + load<u32>(ip, 4)) == load<i32>(ip, 8) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // eq
        case 0xf3: ip = load<i32>(fp + load<u32>(ip, 4)) != load<i32>(ip, 8) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // ne
        case 0xf4: ip = load<i32>(fp + load<u32>(ip, 4)) < load<i32>(ip, 8) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // lt_s
        case 0xf5: ip = load<u32>(fp + load<u32>(ip, 4)) < load<u32>(ip, 8) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // lt_u
        case 0xf6: ip = load<i32>(fp + load<u32>(ip, 4)) > load<i32>(ip, 8) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // gt_s
        case 0xf7: ip = load<u32>(fp + load<u32>(ip, 4)) > load<u32>(ip, 8) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // gt_u
        case 0xf8: ip = load<i32>(fp + load<u32>(ip, 4)) <= load<i32>(ip, 8) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // le_s
        case 0xf9: ip = load<u32>(fp + load<u32>(ip, 4)) <= load<u32>(ip, 8) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // le_u
        case 0xfa: ip = load<i32>(fp + load<u32>(ip, 4)) >= load<i32>(ip, 8) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // ge_s
        case 0xfb: ip = load<u32>(fp + load<u32>(ip, 4)) >= load<u32>(ip, 8) ? this.jump(ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break; // ge_u
        case op.OP_I32_ADD_SHIFTED: {
          const b = load<i32>(fp + load<u32>(ip, 8)) << load<i32>(ip, 12);
          store<i32>(fp + load<u32>(ip, 16), load<i32>(fp + load<u32>(ip, 4)) + b);
          ip += 20;
          break;
        }
        case op.OP_I32_LOAD_INDEXED: {
          const address = <u32>(load<i32>(fp + load<u32>(ip, 4)) + (load<i32>(fp + load<u32>(ip, 8)) << load<i32>(ip, 12)));
          const ea = <u64>address + <u64>load<u32>(ip, 16);
          if (ea + 4 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); }
          store<i32>(fp + load<u32>(ip, 20), load<i32>(memBase + <usize>ea));
          ip += 24;
          break;
        }
        case op.OP_I32_LOAD_ADDED: {
          const address = <u32>(load<i32>(fp + load<u32>(ip, 4)) + load<i32>(ip, 8));
          const ea = <u64>address + <u64>load<u32>(ip, 12);
          if (ea + 4 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); }
          store<i32>(fp + load<u32>(ip, 16), load<i32>(memBase + <usize>ea));
          ip += 20;
          break;
        }
        case op.OP_BR_MOVE: {
          moveValues(fp, ip + 8);
          ip = this.jump(ip, code + load<i32>(ip, 4), fp);
          if (ip == 0) return THREAD_OUT_OF_FUEL;
          break;
        }
        case op.OP_BR_IF_MOVE: {
          if (load<i32>(fp + load<u32>(ip, 4)) != 0) {
            moveValues(fp, ip + 12);
            ip = this.jump(ip, code + load<i32>(ip, 8), fp);
            if (ip == 0) return THREAD_OUT_OF_FUEL;
          } else {
            ip += 24;
          }
          break;
        }
        case op.OP_BR_TABLE: {
          const count = load<u32>(ip, 8);
          let i = load<u32>(fp + load<u32>(ip, 4));
          if (i > count) i = count;
          const entry = ip + 12 + (<usize>i << 4);
          moveValues(fp, entry + 4);
          ip = this.jump(ip, code + load<i32>(entry), fp);
          if (ip == 0) return THREAD_OUT_OF_FUEL;
          break;
        }
        case op.OP_RETURN: {
          const bytes = load<u32>(ip, 4);
          const from = fp + load<u32>(ip, 8);
          if (bytes == 8) store<u64>(fp, load<u64>(from));
          else memory.copy(fp, from, bytes);
          const frame = this.popFrame();
          if (frame == 0) return THREAD_DONE;
          ip = load<usize>(frame);
          fp = load<usize>(frame, 8);
          const caller = changetype<FuncInst>(this.funcAddress).instance!;
          if (caller !== inst) {
            inst = caller;
            code = inst.module.code;
            mem = inst.memory;
            memBase = mem === null ? 0 : mem.base;
            memLen = mem === null ? 0 : mem.byteLength;
          }
          break;
        }
        case op.OP_CALL:
        case op.OP_CALL_INDIRECT: {
          if (this.fuel <= 0) return this.outOfFuel(ip, fp);
          this.fuel--;
          let callee: FuncInst;
          let args: usize;
          let next: usize;
          if (opcode == op.OP_CALL) {
            callee = unchecked(inst.funcs[load<i32>(ip, 4)]);
            args = fp + load<u32>(ip, 8);
            next = ip + 12;
          } else {
            this.ip = ip;
            this.fp = fp;
            const found = this.indirectTarget(inst, load<i32>(ip, 4), load<i32>(ip, 8), load<u32>(fp + load<u32>(ip, 12)));
            if (found === null) return THREAD_TRAPPED;
            callee = found;
            args = fp + load<u32>(ip, 16);
            next = ip + 20;
          }
          if (callee.host === null && callee.instance === inst) {
            // The common case, a wasm function of the same instance, without leaving the loop.
            if (!this.pushFrame(callee, args, next, fp)) {
              this.ip = ip;
              this.fp = fp;
              return THREAD_TRAPPED;
            }
            fp = args;
            ip = callee.entry;
            break;
          }
          this.fp = fp;
          this.ip = next;
          if (!this.enter(callee, args)) return this.status;
          ip = this.ip;
          fp = this.fp;
          // Another instance runs, or a host function ran and may have grown the memory.
          inst = this.func!.instance!;
          code = inst.module.code;
          mem = inst.memory;
          memBase = mem === null ? 0 : mem.base;
          memLen = mem === null ? 0 : mem.byteLength;
          break;
        }
        case op.OP_SELECT: {
          const chosen = load<i32>(fp + load<u32>(ip, 12)) != 0 ? load<u32>(ip, 4) : load<u32>(ip, 8);
          store<u64>(fp + load<u32>(ip, 16), load<u64>(fp + chosen));
          ip += 20;
          break;
        }
        case op.OP_COPY: {
          store<u64>(fp + load<u32>(ip, 8), load<u64>(fp + load<u32>(ip, 4)));
          ip += 12;
          break;
        }
        case op.OP_GLOBAL_GET: {
          store<u64>(fp + load<u32>(ip, 8), inst.globals[load<i32>(ip, 4)].value);
          ip += 12;
          break;
        }
        case op.OP_GLOBAL_SET: {
          inst.globals[load<i32>(ip, 4)].value = load<u64>(fp + load<u32>(ip, 8));
          ip += 12;
          break;
        }
        case op.OP_TABLE_GET: {
          const table = inst.tables[load<i32>(ip, 4)];
          const i = load<u32>(fp + load<u32>(ip, 8));
          if (i >= table.size) { this.ip = ip; this.fp = fp; return this.trap(TRAP_TABLE_BOUNDS); }
          store<u64>(fp + load<u32>(ip, 12), table.get(i));
          ip += 16;
          break;
        }
        case op.OP_TABLE_SET: {
          const table = inst.tables[load<i32>(ip, 4)];
          const i = load<u32>(fp + load<u32>(ip, 8));
          if (i >= table.size) { this.ip = ip; this.fp = fp; return this.trap(TRAP_TABLE_BOUNDS); }
          table.set(i, load<u64>(fp + load<u32>(ip, 12)));
          ip += 16;
          break;
        }
        case 0x28: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 4 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(fp + load<u32>(ip, 12), load<i32>(memBase + <usize>ea)); ip += 16; break; }
        case 0x29: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 8 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(fp + load<u32>(ip, 12), load<i64>(memBase + <usize>ea)); ip += 16; break; }
        case 0x2a: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 4 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(fp + load<u32>(ip, 12), load<i32>(memBase + <usize>ea)); ip += 16; break; }
        case 0x2b: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 8 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(fp + load<u32>(ip, 12), load<i64>(memBase + <usize>ea)); ip += 16; break; }
        case 0x2c: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 1 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(fp + load<u32>(ip, 12), load<i8>(memBase + <usize>ea)); ip += 16; break; }
        case 0x2d: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 1 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(fp + load<u32>(ip, 12), load<u8>(memBase + <usize>ea)); ip += 16; break; }
        case 0x2e: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 2 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(fp + load<u32>(ip, 12), load<i16>(memBase + <usize>ea)); ip += 16; break; }
        case 0x2f: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 2 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(fp + load<u32>(ip, 12), load<u16>(memBase + <usize>ea)); ip += 16; break; }
        case 0x30: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 1 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(fp + load<u32>(ip, 12), load<i8>(memBase + <usize>ea)); ip += 16; break; }
        case 0x31: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 1 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(fp + load<u32>(ip, 12), load<u8>(memBase + <usize>ea)); ip += 16; break; }
        case 0x32: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 2 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(fp + load<u32>(ip, 12), load<i16>(memBase + <usize>ea)); ip += 16; break; }
        case 0x33: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 2 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(fp + load<u32>(ip, 12), load<u16>(memBase + <usize>ea)); ip += 16; break; }
        case 0x34: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 4 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(fp + load<u32>(ip, 12), load<i32>(memBase + <usize>ea)); ip += 16; break; }
        case 0x35: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 8); if (ea + 4 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(fp + load<u32>(ip, 12), load<u32>(memBase + <usize>ea)); ip += 16; break; }
        case 0x36: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 12); if (ea + 4 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(memBase + <usize>ea, load<i32>(fp + load<u32>(ip, 8))); ip += 16; break; }
        case 0x37: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 12); if (ea + 8 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(memBase + <usize>ea, load<i64>(fp + load<u32>(ip, 8))); ip += 16; break; }
        case 0x38: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 12); if (ea + 4 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(memBase + <usize>ea, load<i32>(fp + load<u32>(ip, 8))); ip += 16; break; }
        case 0x39: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 12); if (ea + 8 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i64>(memBase + <usize>ea, load<i64>(fp + load<u32>(ip, 8))); ip += 16; break; }
        case 0x3a: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 12); if (ea + 1 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i8>(memBase + <usize>ea, load<i8>(fp + load<u32>(ip, 8))); ip += 16; break; }
        case 0x3b: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 12); if (ea + 2 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i16>(memBase + <usize>ea, load<i16>(fp + load<u32>(ip, 8))); ip += 16; break; }
        case 0x3c: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 12); if (ea + 1 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i8>(memBase + <usize>ea, load<i8>(fp + load<u32>(ip, 8))); ip += 16; break; }
        case 0x3d: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 12); if (ea + 2 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i16>(memBase + <usize>ea, load<i16>(fp + load<u32>(ip, 8))); ip += 16; break; }
        case 0x3e: { const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, 12); if (ea + 4 > memLen) { this.ip = ip; this.fp = fp; return this.trap(TRAP_MEMORY_BOUNDS); } store<i32>(memBase + <usize>ea, load<i32>(fp + load<u32>(ip, 8))); ip += 16; break; }        case op.OP_MEMORY_SIZE: {
          store<i32>(fp + load<u32>(ip, 4), mem!.pages);
          ip += 8;
          break;
        }
        case op.OP_MEMORY_GROW: {
          const m = mem!;
          store<i32>(fp + load<u32>(ip, 8), m.grow(load<u32>(fp + load<u32>(ip, 4))));
          memBase = m.base;
          memLen = m.byteLength;
          ip += 12;
          break;
        }
        case op.OP_I32_CONST:
        case op.OP_F32_CONST: {
          store<i32>(fp + load<u32>(ip, 4), load<i32>(ip, 8));
          ip += 12;
          break;
        }
        case op.OP_I64_CONST:
        case op.OP_F64_CONST: {
          store<u64>(fp + load<u32>(ip, 4), load<u64>(ip, 8));
          ip += 16;
          break;
        }
        case op.OP_REF_NULL: {
          store<u64>(fp + load<u32>(ip, 4), 0);
          ip += 8;
          break;
        }
        case op.OP_REF_IS_NULL: {
          store<i32>(fp + load<u32>(ip, 8), <i32>(load<u64>(fp + load<u32>(ip, 4)) == 0));
          ip += 12;
          break;
        }
        case op.OP_REF_FUNC: {
          store<u64>(fp + load<u32>(ip, 8), <u64>inst.funcs[load<i32>(ip, 4)].address + 1);
          ip += 12;
          break;
        }
        case op.OP_MEMORY_INIT:
        case op.OP_DATA_DROP:
        case op.OP_MEMORY_COPY:
        case op.OP_MEMORY_FILL: {
          this.ip = ip;
          this.fp = fp;
          if (!this.bulkMemory(opcode, inst, ip, fp)) return THREAD_TRAPPED;
          ip += opcode == op.OP_MEMORY_INIT ? 20 : opcode == op.OP_DATA_DROP ? 8 : 16;
          break;
        }
        case op.OP_TABLE_INIT:
        case op.OP_ELEM_DROP:
        case op.OP_TABLE_COPY:
        case op.OP_TABLE_GROW:
        case op.OP_TABLE_SIZE:
        case op.OP_TABLE_FILL: {
          this.ip = ip;
          this.fp = fp;
          if (!this.tableOp(opcode, inst, ip, fp)) return THREAD_TRAPPED;
          ip += tableOpLength(opcode);
          break;
        }
        // The numeric instructions: 0x45..0xC4 and the saturating truncations 0xE0..0xE7.
        case 0x45: { const a = load<i32>(fp + load<u32>(ip, 4)); store<i32>(fp + load<u32>(ip, 8), <i32>(a == 0)); ip += 12; break; }
        case 0x46: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a == b)); ip += 16; break; }
        case 0x47: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a != b)); ip += 16; break; }
        case 0x48: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a < b)); ip += 16; break; }
        case 0x49: { const a = load<u32>(fp + load<u32>(ip, 4)); const b = load<u32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a < b)); ip += 16; break; }
        case 0x4a: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a > b)); ip += 16; break; }
        case 0x4b: { const a = load<u32>(fp + load<u32>(ip, 4)); const b = load<u32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a > b)); ip += 16; break; }
        case 0x4c: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a <= b)); ip += 16; break; }
        case 0x4d: { const a = load<u32>(fp + load<u32>(ip, 4)); const b = load<u32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a <= b)); ip += 16; break; }
        case 0x4e: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a >= b)); ip += 16; break; }
        case 0x4f: { const a = load<u32>(fp + load<u32>(ip, 4)); const b = load<u32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a >= b)); ip += 16; break; }
        case 0x50: { const a = load<i64>(fp + load<u32>(ip, 4)); store<i32>(fp + load<u32>(ip, 8), <i32>(a == 0)); ip += 12; break; }
        case 0x51: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a == b)); ip += 16; break; }
        case 0x52: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a != b)); ip += 16; break; }
        case 0x53: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a < b)); ip += 16; break; }
        case 0x54: { const a = load<u64>(fp + load<u32>(ip, 4)); const b = load<u64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a < b)); ip += 16; break; }
        case 0x55: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a > b)); ip += 16; break; }
        case 0x56: { const a = load<u64>(fp + load<u32>(ip, 4)); const b = load<u64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a > b)); ip += 16; break; }
        case 0x57: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a <= b)); ip += 16; break; }
        case 0x58: { const a = load<u64>(fp + load<u32>(ip, 4)); const b = load<u64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a <= b)); ip += 16; break; }
        case 0x59: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a >= b)); ip += 16; break; }
        case 0x5a: { const a = load<u64>(fp + load<u32>(ip, 4)); const b = load<u64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a >= b)); ip += 16; break; }
        case 0x5b: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a == b)); ip += 16; break; }
        case 0x5c: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a != b)); ip += 16; break; }
        case 0x5d: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a < b)); ip += 16; break; }
        case 0x5e: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a > b)); ip += 16; break; }
        case 0x5f: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a <= b)); ip += 16; break; }
        case 0x60: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a >= b)); ip += 16; break; }
        case 0x61: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a == b)); ip += 16; break; }
        case 0x62: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a != b)); ip += 16; break; }
        case 0x63: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a < b)); ip += 16; break; }
        case 0x64: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a > b)); ip += 16; break; }
        case 0x65: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a <= b)); ip += 16; break; }
        case 0x66: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), <i32>(a >= b)); ip += 16; break; }
        case 0x67: { const a = load<i32>(fp + load<u32>(ip, 4)); store<i32>(fp + load<u32>(ip, 8), clz<i32>(a)); ip += 12; break; }
        case 0x68: { const a = load<i32>(fp + load<u32>(ip, 4)); store<i32>(fp + load<u32>(ip, 8), ctz<i32>(a)); ip += 12; break; }
        case 0x69: { const a = load<i32>(fp + load<u32>(ip, 4)); store<i32>(fp + load<u32>(ip, 8), popcnt<i32>(a)); ip += 12; break; }
        case 0x6a: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), a + b); ip += 16; break; }
        case 0x6b: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), a - b); ip += 16; break; }
        case 0x6c: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), a * b); ip += 16; break; }
        case 0x6d: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); if (b == 0) { this.ip = ip; this.fp = fp; return this.trap(TRAP_DIVIDE_BY_ZERO); } if (a == <i32>0x80000000 && b == -1) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i32>(fp + load<u32>(ip, 12), a / b); ip += 16; break; }
        case 0x6e: { const a = load<u32>(fp + load<u32>(ip, 4)); const b = load<u32>(fp + load<u32>(ip, 8)); if (b == 0) { this.ip = ip; this.fp = fp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<u32>(fp + load<u32>(ip, 12), a / b); ip += 16; break; }
        case 0x6f: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); if (b == 0) { this.ip = ip; this.fp = fp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<i32>(fp + load<u32>(ip, 12), b == -1 ? 0 : a % b); ip += 16; break; }
        case 0x70: { const a = load<u32>(fp + load<u32>(ip, 4)); const b = load<u32>(fp + load<u32>(ip, 8)); if (b == 0) { this.ip = ip; this.fp = fp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<u32>(fp + load<u32>(ip, 12), a % b); ip += 16; break; }
        case 0x71: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), a & b); ip += 16; break; }
        case 0x72: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), a | b); ip += 16; break; }
        case 0x73: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), a ^ b); ip += 16; break; }
        case 0x74: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), a << b); ip += 16; break; }
        case 0x75: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), a >> b); ip += 16; break; }
        case 0x76: { const a = load<u32>(fp + load<u32>(ip, 4)); const b = load<u32>(fp + load<u32>(ip, 8)); store<u32>(fp + load<u32>(ip, 12), a >>> b); ip += 16; break; }
        case 0x77: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), rotl<i32>(a, b)); ip += 16; break; }
        case 0x78: { const a = load<i32>(fp + load<u32>(ip, 4)); const b = load<i32>(fp + load<u32>(ip, 8)); store<i32>(fp + load<u32>(ip, 12), rotr<i32>(a, b)); ip += 16; break; }
        case 0x79: { const a = load<i64>(fp + load<u32>(ip, 4)); store<i64>(fp + load<u32>(ip, 8), clz<i64>(a)); ip += 12; break; }
        case 0x7a: { const a = load<i64>(fp + load<u32>(ip, 4)); store<i64>(fp + load<u32>(ip, 8), ctz<i64>(a)); ip += 12; break; }
        case 0x7b: { const a = load<i64>(fp + load<u32>(ip, 4)); store<i64>(fp + load<u32>(ip, 8), popcnt<i64>(a)); ip += 12; break; }
        case 0x7c: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i64>(fp + load<u32>(ip, 12), a + b); ip += 16; break; }
        case 0x7d: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i64>(fp + load<u32>(ip, 12), a - b); ip += 16; break; }
        case 0x7e: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i64>(fp + load<u32>(ip, 12), a * b); ip += 16; break; }
        case 0x7f: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); if (b == 0) { this.ip = ip; this.fp = fp; return this.trap(TRAP_DIVIDE_BY_ZERO); } if (a == <i64>0x8000000000000000 && b == -1) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i64>(fp + load<u32>(ip, 12), a / b); ip += 16; break; }
        case 0x80: { const a = load<u64>(fp + load<u32>(ip, 4)); const b = load<u64>(fp + load<u32>(ip, 8)); if (b == 0) { this.ip = ip; this.fp = fp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<u64>(fp + load<u32>(ip, 12), a / b); ip += 16; break; }
        case 0x81: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); if (b == 0) { this.ip = ip; this.fp = fp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<i64>(fp + load<u32>(ip, 12), b == -1 ? 0 : a % b); ip += 16; break; }
        case 0x82: { const a = load<u64>(fp + load<u32>(ip, 4)); const b = load<u64>(fp + load<u32>(ip, 8)); if (b == 0) { this.ip = ip; this.fp = fp; return this.trap(TRAP_DIVIDE_BY_ZERO); } store<u64>(fp + load<u32>(ip, 12), a % b); ip += 16; break; }
        case 0x83: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i64>(fp + load<u32>(ip, 12), a & b); ip += 16; break; }
        case 0x84: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i64>(fp + load<u32>(ip, 12), a | b); ip += 16; break; }
        case 0x85: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i64>(fp + load<u32>(ip, 12), a ^ b); ip += 16; break; }
        case 0x86: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i64>(fp + load<u32>(ip, 12), a << b); ip += 16; break; }
        case 0x87: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i64>(fp + load<u32>(ip, 12), a >> b); ip += 16; break; }
        case 0x88: { const a = load<u64>(fp + load<u32>(ip, 4)); const b = load<u64>(fp + load<u32>(ip, 8)); store<u64>(fp + load<u32>(ip, 12), a >>> b); ip += 16; break; }
        case 0x89: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i64>(fp + load<u32>(ip, 12), rotl<i64>(a, b)); ip += 16; break; }
        case 0x8a: { const a = load<i64>(fp + load<u32>(ip, 4)); const b = load<i64>(fp + load<u32>(ip, 8)); store<i64>(fp + load<u32>(ip, 12), rotr<i64>(a, b)); ip += 16; break; }
        case 0x8b: { const a = load<f32>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), abs<f32>(a)); ip += 12; break; }
        case 0x8c: { const a = load<f32>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), -a); ip += 12; break; }
        case 0x8d: { const a = load<f32>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), ceil<f32>(a)); ip += 12; break; }
        case 0x8e: { const a = load<f32>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), floor<f32>(a)); ip += 12; break; }
        case 0x8f: { const a = load<f32>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), trunc<f32>(a)); ip += 12; break; }
        case 0x90: { const a = load<f32>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), nearest<f32>(a)); ip += 12; break; }
        case 0x91: { const a = load<f32>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), sqrt<f32>(a)); ip += 12; break; }
        case 0x92: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<f32>(fp + load<u32>(ip, 12), a + b); ip += 16; break; }
        case 0x93: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<f32>(fp + load<u32>(ip, 12), a - b); ip += 16; break; }
        case 0x94: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<f32>(fp + load<u32>(ip, 12), a * b); ip += 16; break; }
        case 0x95: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<f32>(fp + load<u32>(ip, 12), a / b); ip += 16; break; }
        case 0x96: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<f32>(fp + load<u32>(ip, 12), min<f32>(a, b)); ip += 16; break; }
        case 0x97: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<f32>(fp + load<u32>(ip, 12), max<f32>(a, b)); ip += 16; break; }
        case 0x98: { const a = load<f32>(fp + load<u32>(ip, 4)); const b = load<f32>(fp + load<u32>(ip, 8)); store<f32>(fp + load<u32>(ip, 12), copysign<f32>(a, b)); ip += 16; break; }
        case 0x99: { const a = load<f64>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), abs<f64>(a)); ip += 12; break; }
        case 0x9a: { const a = load<f64>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), -a); ip += 12; break; }
        case 0x9b: { const a = load<f64>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), ceil<f64>(a)); ip += 12; break; }
        case 0x9c: { const a = load<f64>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), floor<f64>(a)); ip += 12; break; }
        case 0x9d: { const a = load<f64>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), trunc<f64>(a)); ip += 12; break; }
        case 0x9e: { const a = load<f64>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), nearest<f64>(a)); ip += 12; break; }
        case 0x9f: { const a = load<f64>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), sqrt<f64>(a)); ip += 12; break; }
        case 0xa0: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<f64>(fp + load<u32>(ip, 12), a + b); ip += 16; break; }
        case 0xa1: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<f64>(fp + load<u32>(ip, 12), a - b); ip += 16; break; }
        case 0xa2: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<f64>(fp + load<u32>(ip, 12), a * b); ip += 16; break; }
        case 0xa3: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<f64>(fp + load<u32>(ip, 12), a / b); ip += 16; break; }
        case 0xa4: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<f64>(fp + load<u32>(ip, 12), min<f64>(a, b)); ip += 16; break; }
        case 0xa5: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<f64>(fp + load<u32>(ip, 12), max<f64>(a, b)); ip += 16; break; }
        case 0xa6: { const a = load<f64>(fp + load<u32>(ip, 4)); const b = load<f64>(fp + load<u32>(ip, 8)); store<f64>(fp + load<u32>(ip, 12), copysign<f64>(a, b)); ip += 16; break; }
        case 0xa7: { const a = load<i32>(fp + load<u32>(ip, 4)); store<i32>(fp + load<u32>(ip, 8), a); ip += 12; break; }
        case 0xa8: { const a = load<f32>(fp + load<u32>(ip, 4)); if (a != a) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a >= <f32>-2147483648.0 && a < <f32>2147483648.0)) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i32>(fp + load<u32>(ip, 8), <i32>a); ip += 12; break; }
        case 0xa9: { const a = load<f32>(fp + load<u32>(ip, 4)); if (a != a) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a > <f32>-1.0 && a < <f32>4294967296.0)) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<u32>(fp + load<u32>(ip, 8), <u32>a); ip += 12; break; }
        case 0xaa: { const a = load<f64>(fp + load<u32>(ip, 4)); if (a != a) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a > <f64>-2147483649.0 && a < <f64>2147483648.0)) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i32>(fp + load<u32>(ip, 8), <i32>a); ip += 12; break; }
        case 0xab: { const a = load<f64>(fp + load<u32>(ip, 4)); if (a != a) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a > <f64>-1.0 && a < <f64>4294967296.0)) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<u32>(fp + load<u32>(ip, 8), <u32>a); ip += 12; break; }
        case 0xae: { const a = load<f32>(fp + load<u32>(ip, 4)); if (a != a) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a >= <f32>-9223372036854775808.0 && a < <f32>9223372036854775808.0)) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i64>(fp + load<u32>(ip, 8), <i64>a); ip += 12; break; }
        case 0xaf: { const a = load<f32>(fp + load<u32>(ip, 4)); if (a != a) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a > <f32>-1.0 && a < <f32>18446744073709551616.0)) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<u64>(fp + load<u32>(ip, 8), <u64>a); ip += 12; break; }
        case 0xb0: { const a = load<f64>(fp + load<u32>(ip, 4)); if (a != a) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a >= <f64>-9223372036854775808.0 && a < <f64>9223372036854775808.0)) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<i64>(fp + load<u32>(ip, 8), <i64>a); ip += 12; break; }
        case 0xb1: { const a = load<f64>(fp + load<u32>(ip, 4)); if (a != a) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INVALID_CONVERSION); } if (!(a > <f64>-1.0 && a < <f64>18446744073709551616.0)) { this.ip = ip; this.fp = fp; return this.trap(TRAP_INTEGER_OVERFLOW); } store<u64>(fp + load<u32>(ip, 8), <u64>a); ip += 12; break; }
        case 0xac: { const a = load<i32>(fp + load<u32>(ip, 4)); store<i64>(fp + load<u32>(ip, 8), <i64>a); ip += 12; break; }
        case 0xad: { const a = load<u32>(fp + load<u32>(ip, 4)); store<u64>(fp + load<u32>(ip, 8), <u64>a); ip += 12; break; }
        case 0xb2: { const a = load<i32>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), <f32>a); ip += 12; break; }
        case 0xb3: { const a = load<u32>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), <f32>a); ip += 12; break; }
        case 0xb4: { const a = load<i64>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), <f32>a); ip += 12; break; }
        case 0xb5: { const a = load<u64>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), <f32>a); ip += 12; break; }
        case 0xb6: { const a = load<f64>(fp + load<u32>(ip, 4)); store<f32>(fp + load<u32>(ip, 8), <f32>a); ip += 12; break; }
        case 0xb7: { const a = load<i32>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), <f64>a); ip += 12; break; }
        case 0xb8: { const a = load<u32>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), <f64>a); ip += 12; break; }
        case 0xb9: { const a = load<i64>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), <f64>a); ip += 12; break; }
        case 0xba: { const a = load<u64>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), <f64>a); ip += 12; break; }
        case 0xbb: { const a = load<f32>(fp + load<u32>(ip, 4)); store<f64>(fp + load<u32>(ip, 8), <f64>a); ip += 12; break; }
        // Reinterpretations copy bits: slots hold bits whatever their type.
        case 0xbc: case 0xbd: case 0xbe: case 0xbf: { store<u64>(fp + load<u32>(ip, 8), load<u64>(fp + load<u32>(ip, 4))); ip += 12; break; }
        case 0xc0: { const a = load<i32>(fp + load<u32>(ip, 4)); store<i32>(fp + load<u32>(ip, 8), <i32><i8>a); ip += 12; break; }
        case 0xc1: { const a = load<i32>(fp + load<u32>(ip, 4)); store<i32>(fp + load<u32>(ip, 8), <i32><i16>a); ip += 12; break; }
        case 0xc2: { const a = load<i64>(fp + load<u32>(ip, 4)); store<i64>(fp + load<u32>(ip, 8), <i64><i8>a); ip += 12; break; }
        case 0xc3: { const a = load<i64>(fp + load<u32>(ip, 4)); store<i64>(fp + load<u32>(ip, 8), <i64><i16>a); ip += 12; break; }
        case 0xc4: { const a = load<i64>(fp + load<u32>(ip, 4)); store<i64>(fp + load<u32>(ip, 8), <i64><i32>a); ip += 12; break; }
        case 0xe0: { const a = load<f32>(fp + load<u32>(ip, 4)); store<i32>(fp + load<u32>(ip, 8), numeric.saturate<f32, i32>(a)); ip += 12; break; }
        case 0xe1: { const a = load<f32>(fp + load<u32>(ip, 4)); store<u32>(fp + load<u32>(ip, 8), numeric.saturate<f32, u32>(a)); ip += 12; break; }
        case 0xe2: { const a = load<f64>(fp + load<u32>(ip, 4)); store<i32>(fp + load<u32>(ip, 8), numeric.saturate<f64, i32>(a)); ip += 12; break; }
        case 0xe3: { const a = load<f64>(fp + load<u32>(ip, 4)); store<u32>(fp + load<u32>(ip, 8), numeric.saturate<f64, u32>(a)); ip += 12; break; }
        case 0xe4: { const a = load<f32>(fp + load<u32>(ip, 4)); store<i64>(fp + load<u32>(ip, 8), numeric.saturate<f32, i64>(a)); ip += 12; break; }
        case 0xe5: { const a = load<f32>(fp + load<u32>(ip, 4)); store<u64>(fp + load<u32>(ip, 8), numeric.saturate<f32, u64>(a)); ip += 12; break; }
        case 0xe6: { const a = load<f64>(fp + load<u32>(ip, 4)); store<i64>(fp + load<u32>(ip, 8), numeric.saturate<f64, i64>(a)); ip += 12; break; }
        case 0xe7: { const a = load<f64>(fp + load<u32>(ip, 4)); store<u64>(fp + load<u32>(ip, 8), numeric.saturate<f64, u64>(a)); ip += 12; break; }      }
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

  /** memory.init, data.drop, memory.copy, memory.fill at `ip`; false after a trap. */
  private bulkMemory(opcode: i32, inst: Instance, ip: usize, fp: usize): bool {
    if (opcode == op.OP_DATA_DROP) {
      inst.droppedData[load<i32>(ip, 4)] = true;
      return true;
    }
    // The three operand slots follow the data index of memory.init.
    const slots = opcode == op.OP_MEMORY_INIT ? ip + 8 : ip + 4;
    const mem = inst.memory!;
    const d = <u64>load<u32>(fp + load<u32>(slots));
    const s = <u64>load<u32>(fp + load<u32>(slots, 4));
    const n = <u64>load<u32>(fp + load<u32>(slots, 8));
    if (opcode == op.OP_MEMORY_FILL) {
      if (d + n > mem.byteLength) return this.trapped(TRAP_MEMORY_BOUNDS);
      memory.fill(mem.base + <usize>d, <u8>s, <usize>n);
    } else if (opcode == op.OP_MEMORY_COPY) {
      if (d + n > mem.byteLength || s + n > mem.byteLength) return this.trapped(TRAP_MEMORY_BOUNDS);
      memory.copy(mem.base + <usize>d, mem.base + <usize>s, <usize>n);
    } else {
      const segment = load<i32>(ip, 4);
      const data = inst.module.datas[segment];
      const length: u64 = inst.droppedData[segment] ? 0 : data.length;
      if (d + n > mem.byteLength || s + n > length) return this.trapped(TRAP_MEMORY_BOUNDS);
      memory.copy(mem.base + <usize>d, data.bytes + <usize>s, <usize>n);
    }
    return true;
  }

  /** Table instructions of the 0xFC group at `ip`; false after a trap. */
  private tableOp(opcode: i32, inst: Instance, ip: usize, fp: usize): bool {
    const a = load<i32>(ip, 4);
    switch (opcode) {
      case op.OP_ELEM_DROP: {
        inst.elems[a] = DROPPED_ELEMS;
        return true;
      }
      case op.OP_TABLE_SIZE: {
        store<i32>(fp + load<u32>(ip, 8), inst.tables[a].size);
        return true;
      }
      case op.OP_TABLE_GROW: {
        const grown = inst.tables[a].grow(load<u32>(fp + load<u32>(ip, 12)), load<u64>(fp + load<u32>(ip, 8)));
        store<i32>(fp + load<u32>(ip, 16), grown);
        return true;
      }
      case op.OP_TABLE_FILL: {
        const table = inst.tables[a];
        const start = load<u32>(fp + load<u32>(ip, 8));
        const n = load<u32>(fp + load<u32>(ip, 16));
        if (<u64>start + n > table.size) return this.trapped(TRAP_TABLE_BOUNDS);
        table.fill(start, n, load<u64>(fp + load<u32>(ip, 12)));
        return true;
      }
    }
    const b = load<i32>(ip, 8);
    const d = load<u32>(fp + load<u32>(ip, 12));
    const s = load<u32>(fp + load<u32>(ip, 16));
    const n = load<u32>(fp + load<u32>(ip, 20));
    if (opcode == op.OP_TABLE_COPY) {
      const dst = inst.tables[a];
      const src = inst.tables[b];
      if (<u64>d + n > dst.size || <u64>s + n > src.size) return this.trapped(TRAP_TABLE_BOUNDS);
      memory.copy(dst.elems + (<usize>d << 3), src.elems + (<usize>s << 3), <usize>n << 3);
      return true;
    }
    const elems = inst.elems[a];
    const table = inst.tables[b];
    if (<u64>d + n > table.size || <u64>s + n > <u64>elems.length) return this.trapped(TRAP_TABLE_BOUNDS);
    for (let i: u32 = 0; i < n; i++) table.set(d + i, elems[s + i]);
    return true;
  }

  private trapped(kind: i32): bool {
    this.trap(kind);
    return false;
  }
}

/** Length in bytes of the table instructions of the 0xFC group. */
function tableOpLength(opcode: i32): usize {
  switch (opcode) {
    case op.OP_TABLE_INIT: case op.OP_TABLE_COPY: return 24;
    case op.OP_TABLE_GROW: case op.OP_TABLE_FILL: return 20;
    case op.OP_TABLE_SIZE: return 12;
  }
  return 8; // elem.drop
}

/** Zeroes a new frame's locals; a few are cleared inline, since a memset call would cost more. */
// @ts-ignore: decorator
@inline function zeroLocals(start: usize, bytes: usize): void {
  if (bytes > 64) {
    memory.fill(start, 0, bytes);
    return;
  }
  for (let p = start; p < start + bytes; p += 8) store<u64>(p, 0);
}

/** A branch's value move; `imm` points at its [bytes, from, to] immediates. */
// @ts-ignore: decorator
@inline function moveValues(fp: usize, imm: usize): void {
  const bytes = load<u32>(imm);
  if (bytes != 0) memory.copy(fp + load<u32>(imm, 8), fp + load<u32>(imm, 4), bytes);
}
