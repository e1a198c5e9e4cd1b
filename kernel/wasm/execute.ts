// The executor's threads. A thread owns a value stack and a frame stack in unmanaged
// memory; the dispatch loop never recurses on the native stack, so it can
// stop at any instruction boundary (fuel exhausted, host call blocked) and
// continue later from exactly the saved state. Instructions address values
// by their byte offset from the frame pointer (see opcodes.ts), so the loop
// keeps no operand stack pointer: a frame's locals and operand slots sit
// above its frame pointer, and a call's arguments become the callee's first
// locals where they lie. The loop itself is dispatch.template.ts (built
// into dispatch.generated.ts with the cases of instructions.table); the
// members it uses are public for it, not for embedders.
import { HOST_BLOCK, HOST_DONE } from "./host";
import { Limits } from "./limits";
import { dispatch } from "./dispatch.generated";
import * as op from "./opcodes";
import { DROPPED_ELEMS, FuncInst, Instance, MemoryInst, TABLE_ELEMENT_BYTES } from "./runtime";
import {
  TRAP_EXHAUSTION, TRAP_HOST, TRAP_INDIRECT_TYPE,
  TRAP_MEMORY_BOUNDS, TRAP_NONE, TRAP_TABLE_BOUNDS, TRAP_UNDEFINED_ELEMENT, TRAP_UNINITIALIZED_ELEMENT, trapText,
} from "./trap";

export const THREAD_READY = 0;
export const THREAD_DONE = 1;
export const THREAD_TRAPPED = 2;
export const THREAD_OUT_OF_FUEL = 3;
export const THREAD_BLOCKED = 4;

/**
 * Bulk operations (memory and table fill, copy, init, grow) cost one unit of
 * fuel per this many bytes (a table element counts as 8), so that a loop of
 * large fills is preempted as often as a loop of small ones.
 */
export const BULK_BYTES_PER_FUEL: u64 = 1024;

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
  funcAddress: usize = 0;
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

  trap(kind: i32, detail: string = ""): i32 {
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
  @inline pushFrame(f: FuncInst, args: usize, returnIp: usize, fp: usize): bool {
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
  @inline popFrame(): usize {
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
   * Charges a bulk operation over `bytes`; with too little fuel left the
   * operation still completes and the thread stops at its next branch or call.
   */
  chargeBulk(bytes: u64): void {
    const cost = <i64>(bytes / BULK_BYTES_PER_FUEL);
    this.fuel = this.fuel > cost ? this.fuel - cost : 0;
  }

  /** memory.grow, charged for the zeroed pages when it succeeds. */
  growMemory(m: MemoryInst, pages: u32): i32 {
    const grown = m.grow(pages);
    if (grown >= 0) this.chargeBulk(<u64>pages << 16);
    return grown;
  }

  /** Saves the loop's position, where a stopped thread continues (or reports a trap). */
  // @ts-ignore: decorator
  @inline save(ip: usize, fp: usize): void {
    this.ip = ip;
    this.fp = fp;
  }

  /** Stops the thread with a trap of `kind` at the instruction at `ip`. */
  trapAt(ip: usize, fp: usize, kind: i32): i32 {
    this.save(ip, fp);
    return this.trap(kind);
  }

  outOfFuel(ip: usize, fp: usize): i32 {
    this.save(ip, fp);
    this.fuel = 0;
    this.status = THREAD_OUT_OF_FUEL;
    return THREAD_OUT_OF_FUEL;
  }

  private loop(): i32 {
    return dispatch(this);
  }

  /** call_indirect's callee: the table entry, checked for bounds, null and type. */
  indirectTarget(inst: Instance, typeIndex: i32, tableIndex: i32, i: u32): FuncInst | null {
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
  bulkMemory(opcode: i32, inst: Instance, ip: usize, fp: usize): bool {
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
      this.chargeBulk(n);
      memory.fill(mem.base + <usize>d, <u8>s, <usize>n);
    } else if (opcode == op.OP_MEMORY_COPY) {
      if (d + n > mem.byteLength || s + n > mem.byteLength) return this.trapped(TRAP_MEMORY_BOUNDS);
      this.chargeBulk(n);
      memory.copy(mem.base + <usize>d, mem.base + <usize>s, <usize>n);
    } else {
      const segment = load<i32>(ip, 4);
      const data = inst.module.datas[segment];
      const length: u64 = inst.droppedData[segment] ? 0 : data.length;
      if (d + n > mem.byteLength || s + n > length) return this.trapped(TRAP_MEMORY_BOUNDS);
      this.chargeBulk(n);
      memory.copy(mem.base + <usize>d, data.bytes + <usize>s, <usize>n);
    }
    return true;
  }

  /** Table instructions of the 0xFC group at `ip`; false after a trap. */
  tableOp(opcode: i32, inst: Instance, ip: usize, fp: usize): bool {
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
        const count = load<u32>(fp + load<u32>(ip, 12));
        this.chargeBulk(<u64>count * TABLE_ELEMENT_BYTES);
        const grown = inst.tables[a].grow(count, load<u64>(fp + load<u32>(ip, 8)));
        store<i32>(fp + load<u32>(ip, 16), grown);
        return true;
      }
      case op.OP_TABLE_FILL: {
        const table = inst.tables[a];
        const start = load<u32>(fp + load<u32>(ip, 8));
        const n = load<u32>(fp + load<u32>(ip, 16));
        if (<u64>start + n > table.size) return this.trapped(TRAP_TABLE_BOUNDS);
        this.chargeBulk(<u64>n * TABLE_ELEMENT_BYTES);
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
      this.chargeBulk(<u64>n * TABLE_ELEMENT_BYTES);
      memory.copy(dst.elems + (<usize>d << 3), src.elems + (<usize>s << 3), <usize>n << 3);
      return true;
    }
    const elems = inst.elems[a];
    const table = inst.tables[b];
    if (<u64>d + n > table.size || <u64>s + n > <u64>elems.length) return this.trapped(TRAP_TABLE_BOUNDS);
    this.chargeBulk(<u64>n * TABLE_ELEMENT_BYTES);
    for (let i: u32 = 0; i < n; i++) table.set(d + i, elems[s + i]);
    return true;
  }

  private trapped(kind: i32): bool {
    this.trap(kind);
    return false;
  }
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
