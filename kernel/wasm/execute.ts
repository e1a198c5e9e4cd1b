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
 * large fills is preempted as often as a loop of small ones. A fill, copy or
 * init that costs more than the fuel left does what the fuel pays for (at
 * least this many bytes) and stops the thread on the instruction, which the
 * next run continues.
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
  /**
   * The bulk instruction the thread stopped in part-way (its address, 0 when
   * none) and how many of its bytes or elements are done. The next run starts
   * at that instruction, which finishes the rest or stops again, so the
   * address alone tells a continued operation from a new one.
   */
  bulkAt: usize = 0;
  bulkDone: u32 = 0;

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
    this.bulkAt = 0;
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
   * Charges a grow that zeroed or filled `bytes`; with too little fuel left
   * the grow has still happened and the thread stops at its next branch or
   * call (a grow is one step: see engine.md).
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

  /**
   * memory.init, data.drop, memory.copy, memory.fill at `ip`: THREAD_READY
   * when done, else the status it stopped the thread with. The bounds are
   * checked on the whole range before any piece is written; a continued
   * operation checks the same range again, which passes as before (memories
   * never shrink, and only this instance's code drops its segments).
   */
  bulkMemory(opcode: i32, inst: Instance, ip: usize, fp: usize): i32 {
    if (opcode == op.OP_DATA_DROP) {
      inst.droppedData[load<i32>(ip, 4)] = true;
      return THREAD_READY;
    }
    // The three operand slots follow the data index of memory.init.
    const slots = opcode == op.OP_MEMORY_INIT ? ip + 8 : ip + 4;
    const mem = inst.memory!;
    const d = load<u32>(fp + load<u32>(slots));
    const s = load<u32>(fp + load<u32>(slots, 4));
    const n = load<u32>(fp + load<u32>(slots, 8));
    let source = mem.base + <usize>s;
    let sourceLength = mem.byteLength;
    if (opcode == op.OP_MEMORY_INIT) {
      const segment = load<i32>(ip, 4);
      const data = inst.module.datas[segment];
      source = data.bytes + <usize>s;
      sourceLength = inst.droppedData[segment] ? 0 : data.length;
    }
    const fill = opcode == op.OP_MEMORY_FILL;
    if (<u64>d + n > mem.byteLength || (!fill && <u64>s + n > sourceLength)) return this.trap(TRAP_MEMORY_BOUNDS);
    const done = this.bulkAt == ip ? this.bulkDone : 0;
    const k = this.bulkPiece(n - done, 1);
    // A copy to higher addresses goes from the end, so that pieces of an overlapping copy move as one memmove.
    const at = <usize>(opcode == op.OP_MEMORY_COPY && d > s ? n - done - k : done);
    const to = mem.base + <usize>d + at;
    if (fill) memory.fill(to, <u8>s, k);
    else memory.copy(to, source + at, k);
    return this.bulkStep(ip, fp, done + k, n);
  }

  /** Table instructions of the 0xFC group at `ip`: THREAD_READY when done, else the thread's status (see bulkMemory). */
  tableOp(opcode: i32, inst: Instance, ip: usize, fp: usize): i32 {
    const a = load<i32>(ip, 4);
    switch (opcode) {
      case op.OP_ELEM_DROP: {
        inst.elems[a] = DROPPED_ELEMS;
        return THREAD_READY;
      }
      case op.OP_TABLE_SIZE: {
        store<i32>(fp + load<u32>(ip, 8), inst.tables[a].size);
        return THREAD_READY;
      }
      case op.OP_TABLE_GROW: {
        const count = load<u32>(fp + load<u32>(ip, 12));
        this.chargeBulk(<u64>count * TABLE_ELEMENT_BYTES);
        const grown = inst.tables[a].grow(count, load<u64>(fp + load<u32>(ip, 8)));
        store<i32>(fp + load<u32>(ip, 16), grown);
        return THREAD_READY;
      }
      case op.OP_TABLE_FILL: {
        const table = inst.tables[a];
        const start = load<u32>(fp + load<u32>(ip, 8));
        const n = load<u32>(fp + load<u32>(ip, 16));
        if (<u64>start + n > table.size) return this.trap(TRAP_TABLE_BOUNDS);
        const done = this.bulkAt == ip ? this.bulkDone : 0;
        const k = this.bulkPiece(n - done, TABLE_ELEMENT_BYTES);
        table.fill(start + done, k, load<u64>(fp + load<u32>(ip, 12)));
        return this.bulkStep(ip, fp, done + k, n);
      }
    }
    const b = load<i32>(ip, 8);
    const d = load<u32>(fp + load<u32>(ip, 12));
    const s = load<u32>(fp + load<u32>(ip, 16));
    const n = load<u32>(fp + load<u32>(ip, 20));
    if (opcode == op.OP_TABLE_COPY) {
      const dst = inst.tables[a];
      const src = inst.tables[b];
      if (<u64>d + n > dst.size || <u64>s + n > src.size) return this.trap(TRAP_TABLE_BOUNDS);
      const done = this.bulkAt == ip ? this.bulkDone : 0;
      const k = this.bulkPiece(n - done, TABLE_ELEMENT_BYTES);
      // From the end to higher indices, as in bulkMemory.
      const at = d > s ? n - done - k : done;
      memory.copy(dst.elems + (<usize>(d + at) << 3), src.elems + (<usize>(s + at) << 3), <usize>k << 3);
      return this.bulkStep(ip, fp, done + k, n);
    }
    const elems = inst.elems[a];
    const table = inst.tables[b];
    if (<u64>d + n > table.size || <u64>s + n > <u64>elems.length) return this.trap(TRAP_TABLE_BOUNDS);
    const done = this.bulkAt == ip ? this.bulkDone : 0;
    const k = this.bulkPiece(n - done, TABLE_ELEMENT_BYTES);
    for (let i = done; i < done + k; i++) table.set(d + i, elems[s + i]);
    return this.bulkStep(ip, fp, done + k, n);
  }

  /**
   * How many of the `left` units (of `unitBytes` each) of a bulk operation
   * this run does, charged: all when the fuel left pays for them, else what
   * it pays for, at least one unit of fuel's worth so that every run makes
   * progress, emptying the fuel.
   */
  private bulkPiece(left: u32, unitBytes: u64): u32 {
    const cost = <i64>(<u64>left * unitBytes / BULK_BYTES_PER_FUEL);
    if (cost <= this.fuel) {
      this.fuel -= cost;
      return left;
    }
    const paid = this.fuel > 1 ? this.fuel : 1;
    this.fuel = 0;
    return min(left, <u32>(<u64>paid * BULK_BYTES_PER_FUEL / unitBytes));
  }

  /** After `done` of the `n` units of the bulk instruction at `ip`: THREAD_READY, or the thread stopped on it for the rest. */
  private bulkStep(ip: usize, fp: usize, done: u32, n: u32): i32 {
    if (done == n) {
      this.bulkAt = 0;
      return THREAD_READY;
    }
    this.bulkAt = ip;
    this.bulkDone = done;
    return this.outOfFuel(ip, fp);
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
