// The four system calls, imported by modules from "atoll":
//   send(interface: i32, buffers: i32, count: i32, flags: i32, id_out: i32) -> i32
//   answer(id: i64, buffers: i32, count: i32, flags: i32) -> i32
//   wait(ids: i32, count: i32, flags: i32, out: i32, capacity: i32) -> i32
//   cancel(id: i64) -> i32
// Every pointer and length is checked against the caller's memory; a bad
// one is the error E_BAD_POINTER, never a read outside that memory.
import {
  ANSWER_ERROR, ANSWER_HEADER, E_BAD_POINTER, MESSAGE_HEADER, E_INVALID, E_TOO_LARGE, MAX_BUFFERS, MAX_MESSAGE_BYTES, OK, SEND_ALLOW_DELAY,
  SEND_NEEDS_ANSWER, WAIT_BLOCK, WAIT_INTERFACE_MESSAGES,
} from "../ipc/abi";
import { HASH_BYTES } from "../ipc/hashkey";
import { answer, cancel, send } from "../ipc/router";
import { Thread } from "../wasm/execute";
import { HOST_BLOCK, HOST_DONE, HostFunction } from "../wasm/host";
import { Store } from "../wasm/store";
import { Extern } from "../wasm/runtime";
import { EXTERN_FUNC, FuncType, I32, I64 } from "../wasm/types";
import { Process } from "../ipc/process";
import { completeWait } from "./table";

const MAX_WAIT_IDS: u32 = 64;

/** Whether [address, address + length) lies inside `p`'s memory. */
function inMemory(p: Process, address: u32, length: u64): bool {
  const memory = p.instance.memory;
  return memory !== null && <u64>address + length <= memory.byteLength;
}

function memoryBase(p: Process): usize {
  return p.instance.memory!.base;
}

/** Copies `bytes` into `p`'s memory at `address`; false if it does not fit there. */
export function writeToModule(p: Process, address: u32, bytes: Uint8Array): bool {
  if (!inMemory(p, address, bytes.length)) return false;
  memory.copy(memoryBase(p) + address, bytes.dataStart, bytes.length);
  return true;
}

// Gathers the (pointer u32, length u32) buffers at `list` into one payload
// placed after `header` bytes of room for the notification header; null with
// `gatherError` set when a buffer is out of bounds or too large.
let gatherError: i32 = OK;

function gather(p: Process, list: u32, count: u32, header: u32): Uint8Array | null {
  if (count > MAX_BUFFERS || !inMemory(p, list, <u64>count * 8)) {
    gatherError = count > MAX_BUFFERS ? E_INVALID : E_BAD_POINTER;
    return null;
  }
  const base = memoryBase(p);
  let total: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const pointer = load<u32>(base + list + i * 8);
    const length = load<u32>(base + list + i * 8 + 4);
    if (!inMemory(p, pointer, length)) {
      gatherError = E_BAD_POINTER;
      return null;
    }
    total += length;
  }
  if (total > MAX_MESSAGE_BYTES) {
    gatherError = E_TOO_LARGE;
    return null;
  }
  const payload = new Uint8Array(<i32>(total + header));
  let at: usize = header;
  for (let i: u32 = 0; i < count; i++) {
    const pointer = load<u32>(base + list + i * 8);
    const length = load<u32>(base + list + i * 8 + 4);
    memory.copy(payload.dataStart + at, base + pointer, length);
    at += length;
  }
  return payload;
}

function setResult(args: usize, value: i64): i32 {
  store<i64>(args, value);
  return HOST_DONE;
}

/** A system call bound to the process that imports it. */
abstract class SystemCall extends HostFunction {
  process: Process | null = null;

  invoke(thread: Thread, args: usize): i32 {
    return this.call(this.process!, args);
  }

  abstract call(p: Process, args: usize): i32;
}

class SendCall extends SystemCall {
  call(p: Process, args: usize): i32 {
    const iface = load<u32>(args);
    const flags = load<u32>(args + 24);
    const idOut = load<u32>(args + 32);
    if (flags & ~(SEND_NEEDS_ANSWER | SEND_ALLOW_DELAY)) return setResult(args, E_INVALID);
    if (!inMemory(p, iface, HASH_BYTES) || !inMemory(p, idOut, 8)) return setResult(args, E_BAD_POINTER);
    const bytes = gather(p, load<u32>(args + 8), load<u32>(args + 16), MESSAGE_HEADER);
    if (bytes === null) return setResult(args, gatherError);
    const hash = memoryBase(p) + iface;
    const id = send(p, p.interfaceKey(hash), hash, bytes, flags);
    // process.exit: the thread stops here and the scheduler ends the process.
    if (p.exiting) return HOST_BLOCK;
    if (id < 0) return setResult(args, id);
    store<u64>(memoryBase(p) + idOut, <u64>id);
    return setResult(args, OK);
  }
}

class AnswerCall extends SystemCall {
  call(p: Process, args: usize): i32 {
    const flags = load<u32>(args + 24);
    if (flags & ~ANSWER_ERROR) return setResult(args, E_INVALID);
    const bytes = gather(p, load<u32>(args + 8), load<u32>(args + 16), ANSWER_HEADER);
    if (bytes === null) return setResult(args, gatherError);
    return setResult(args, answer(p, load<u64>(args), (flags & ANSWER_ERROR) != 0, bytes));
  }
}

class WaitCall extends SystemCall {
  call(p: Process, args: usize): i32 {
    const ids = load<u32>(args);
    const count = load<u32>(args + 8);
    const flags = load<u32>(args + 16);
    const out = load<u32>(args + 24);
    const capacity = load<u32>(args + 32);
    if (flags & ~(WAIT_BLOCK | WAIT_INTERFACE_MESSAGES) || count > MAX_WAIT_IDS) return setResult(args, E_INVALID);
    if (!inMemory(p, ids, <u64>count * 8) || !inMemory(p, out, capacity)) return setResult(args, E_BAD_POINTER);
    const request = p.request;
    request.ids.length = 0;
    for (let i: u32 = 0; i < count; i++) request.ids.push(load<u64>(memoryBase(p) + ids + i * 8));
    request.flags = flags;
    request.out = out;
    request.capacity = capacity;
    const result = completeWait(p, request);
    if (result != 0 || (flags & WAIT_BLOCK) == 0) return setResult(args, result);
    p.waiting = request;
    return HOST_BLOCK;
  }
}

class CancelCall extends SystemCall {
  call(p: Process, args: usize): i32 {
    return setResult(args, cancel(p, load<u64>(args)));
  }
}

/** The system calls of one process-to-be; bind() them once the process exists. */
export class SystemCalls {
  calls: SystemCall[] = [new SendCall(), new AnswerCall(), new WaitCall(), new CancelCall()];

  bind(p: Process): void {
    for (let i = 0; i < this.calls.length; i++) this.calls[i].process = p;
  }
}

function define(store: Store, name: string, params: u8[], call: SystemCall): void {
  const type = new FuncType(params, [I32]);
  const extern = new Extern(EXTERN_FUNC);
  extern.func = store.hostFunction(type, call, "atoll." + name);
  store.define("atoll", name, extern);
}

export function defineSystemCalls(store: Store): SystemCalls {
  const calls = new SystemCalls();
  define(store, "send", [I32, I32, I32, I32, I32], calls.calls[0]);
  define(store, "answer", [I64, I32, I32, I32], calls.calls[1]);
  define(store, "wait", [I32, I32, I32, I32, I32], calls.calls[2]);
  define(store, "cancel", [I64], calls.calls[3]);
  return calls;
}
