// The executor's dispatch loop, one `switch` over the internal opcodes (one
// br_table, the fastest dispatch AssemblyScript gives). This file is the
// hand-written part: control flow, calls, variables and bulk operations.
// tools/build/gen-instructions.ts writes dispatch.generated.ts, this file
// with the simple instructions of instructions.table pasted in as cases at
// the marked line; the engine runs that. Thread state (execute.ts) lives in
// locals while the loop runs and is saved when the thread stops.
import { FuncInst } from "./runtime";
import * as numeric from "./numeric";
import * as op from "./opcodes";
import { THREAD_DONE, THREAD_OUT_OF_FUEL, THREAD_READY, THREAD_TRAPPED, Thread } from "./execute";
import {
  TRAP_DIVIDE_BY_ZERO, TRAP_INTEGER_OVERFLOW, TRAP_INVALID_CONVERSION, TRAP_MEMORY_BOUNDS, TRAP_TABLE_BOUNDS, TRAP_UNREACHABLE,
} from "./trap";

/** Runs `t` from its saved state until it stops; returns its status. */
export function dispatch(t: Thread): i32 {
  // The thread by address for the fuel of branches and calls: each use of the
  // managed reference `t` costs a store to the shadow stack (three per branch).
  const thread = changetype<usize>(t);
  let ip = t.ip;
  let fp = t.fp;
  let inst = t.func!.instance!;
  let code = inst.module.code;
  let mem = inst.memory;
  let memBase: usize = mem === null ? 0 : mem.base;
  let memLen: u64 = mem === null ? 0 : mem.byteLength;
  while (true) {
    const opcode = load<i32>(ip);
    switch (opcode) {
      case op.OP_UNREACHABLE:
      default:
        return t.trapAt(ip, fp, TRAP_UNREACHABLE);
      case op.OP_BR_UNLESS: {
        ip = load<i32>(fp + load<u32>(ip, 4)) == 0 ? code + load<i32>(ip, 8) : ip + 12;
        break;
      }
      case op.OP_BR: {
        ip = jump(thread, ip, code + load<i32>(ip, 4), fp);
        if (ip == 0) return THREAD_OUT_OF_FUEL;
        break;
      }
      case op.OP_BR_IF: {
        ip = load<i32>(fp + load<u32>(ip, 4)) != 0 ? jump(thread, ip, code + load<i32>(ip, 8), fp) : ip + 12;
        if (ip == 0) return THREAD_OUT_OF_FUEL;
        break;
      }
      case op.OP_BR_IF_EQZ: {
        ip = load<i32>(fp + load<u32>(ip, 4)) == 0 ? jump(thread, ip, code + load<i32>(ip, 12), fp) : ip + 16;
        if (ip == 0) return THREAD_OUT_OF_FUEL;
        break;
      }
      case op.OP_I32_ADD_SHIFTED: {
        const b = load<i32>(fp + load<u32>(ip, 8)) << load<i32>(ip, 12);
        store<i32>(fp + load<u32>(ip, 16), load<i32>(fp + load<u32>(ip, 4)) + b);
        ip += 20;
        break;
      }
      case op.OP_I32_LOAD_INDEXED: {
        const address = <u32>(load<i32>(fp + load<u32>(ip, 4)) + (load<i32>(fp + load<u32>(ip, 8)) << load<i32>(ip, 12)));
        const ea = <u64>address + <u64>load<u32>(ip, 16);
        if (ea + 4 > memLen) return t.trapAt(ip, fp, TRAP_MEMORY_BOUNDS);
        store<i32>(fp + load<u32>(ip, 20), load<i32>(memBase + <usize>ea));
        ip += 24;
        break;
      }
      case op.OP_I32_LOAD_ADDED: {
        const address = <u32>(load<i32>(fp + load<u32>(ip, 4)) + load<i32>(ip, 8));
        const ea = <u64>address + <u64>load<u32>(ip, 12);
        if (ea + 4 > memLen) return t.trapAt(ip, fp, TRAP_MEMORY_BOUNDS);
        store<i32>(fp + load<u32>(ip, 16), load<i32>(memBase + <usize>ea));
        ip += 20;
        break;
      }
      case op.OP_BR_MOVE: {
        moveValues(fp, ip + 8);
        ip = jump(thread, ip, code + load<i32>(ip, 4), fp);
        if (ip == 0) return THREAD_OUT_OF_FUEL;
        break;
      }
      case op.OP_BR_IF_MOVE: {
        if (load<i32>(fp + load<u32>(ip, 4)) != 0) {
          moveValues(fp, ip + 12);
          ip = jump(thread, ip, code + load<i32>(ip, 8), fp);
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
        ip = jump(thread, ip, code + load<i32>(entry), fp);
        if (ip == 0) return THREAD_OUT_OF_FUEL;
        break;
      }
      case op.OP_RETURN: {
        const bytes = load<u32>(ip, 4);
        const from = fp + load<u32>(ip, 8);
        if (bytes == 8) store<u64>(fp, load<u64>(from));
        else memory.copy(fp, from, bytes);
        const frame = t.popFrame();
        if (frame == 0) return THREAD_DONE;
        ip = load<usize>(frame);
        fp = load<usize>(frame, 8);
        const caller = changetype<FuncInst>(t.funcAddress).instance!;
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
        if (!useFuel(thread)) return t.outOfFuel(ip, fp);
        let callee: FuncInst;
        let args: usize;
        let next: usize;
        if (opcode == op.OP_CALL) {
          callee = unchecked(inst.funcs[load<i32>(ip, 4)]);
          args = fp + load<u32>(ip, 8);
          next = ip + 12;
        } else {
          t.save(ip, fp);
          const found = t.indirectTarget(inst, load<i32>(ip, 4), load<i32>(ip, 8), load<u32>(fp + load<u32>(ip, 12)));
          if (found === null) return THREAD_TRAPPED;
          callee = found;
          args = fp + load<u32>(ip, 16);
          next = ip + 20;
        }
        if (callee.host === null && callee.instance === inst) {
          // The common case, a wasm function of the same instance, without leaving the loop.
          if (!t.pushFrame(callee, args, next, fp)) {
            t.save(ip, fp);
            return THREAD_TRAPPED;
          }
          fp = args;
          ip = callee.entry;
          break;
        }
        t.save(next, fp);
        if (!t.enter(callee, args)) return t.status;
        ip = t.ip;
        fp = t.fp;
        // Another instance runs, or a host function ran and may have grown the memory.
        inst = t.func!.instance!;
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
        if (i >= table.size) return t.trapAt(ip, fp, TRAP_TABLE_BOUNDS);
        store<u64>(fp + load<u32>(ip, 12), table.get(i));
        ip += 16;
        break;
      }
      case op.OP_TABLE_SET: {
        const table = inst.tables[load<i32>(ip, 4)];
        const i = load<u32>(fp + load<u32>(ip, 8));
        if (i >= table.size) return t.trapAt(ip, fp, TRAP_TABLE_BOUNDS);
        table.set(i, load<u64>(fp + load<u32>(ip, 12)));
        ip += 16;
        break;
      }
      case op.OP_MEMORY_SIZE: {
        store<i32>(fp + load<u32>(ip, 4), mem!.pages);
        ip += 8;
        break;
      }
      case op.OP_MEMORY_GROW: {
        const m = mem!;
        store<i32>(fp + load<u32>(ip, 8), t.growMemory(m, load<u32>(fp + load<u32>(ip, 4))));
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
        t.save(ip, fp);
        const stopped = t.bulkMemory(opcode, inst, ip, fp);
        if (stopped != THREAD_READY) return stopped;
        ip += opcode == op.OP_MEMORY_INIT ? 20 : opcode == op.OP_DATA_DROP ? 8 : 16;
        break;
      }
      case op.OP_TABLE_INIT:
      case op.OP_ELEM_DROP:
      case op.OP_TABLE_COPY:
      case op.OP_TABLE_GROW:
      case op.OP_TABLE_SIZE:
      case op.OP_TABLE_FILL: {
        t.save(ip, fp);
        const stopped = t.tableOp(opcode, inst, ip, fp);
        if (stopped != THREAD_READY) return stopped;
        ip += tableOpLength(opcode);
        break;
      }
      // @instructions: the cases generated from instructions.table go here.
    }
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

/**
 * The address a taken branch from `from` continues at. A backward branch
 * starts another loop iteration and uses a unit of fuel; with none left the
 * thread stops at `to` and this returns 0.
 */
// @ts-ignore: decorator
@inline function jump(thread: usize, from: usize, to: usize, fp: usize): usize {
  if (to > from) return to;
  if (!useFuel(thread)) {
    changetype<Thread>(thread).outOfFuel(to, fp);
    return 0;
  }
  return to;
}

/** Takes a unit of the thread's fuel; false when none is left. */
// @ts-ignore: decorator
@inline function useFuel(thread: usize): bool {
  const fuel = thread + offsetof<Thread>("fuel");
  const left = load<i64>(fuel);
  if (left <= 0) return false;
  store<i64>(fuel, left - 1);
  return true;
}

/** A branch's value move; `imm` points at its [bytes, from, to] immediates. */
// @ts-ignore: decorator
@inline function moveValues(fp: usize, imm: usize): void {
  const bytes = load<u32>(imm);
  if (bytes != 0) memory.copy(fp + load<u32>(imm, 8), fp + load<u32>(imm, 4), bytes);
}
