// The four system calls, imported by modules from "atoll" (WASI's, for
// programs written against it, are kernel/wasi/'s):
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
import { inMemory, memoryBase, setResult, SystemCall, SystemCalls } from "../ipc/system-call";
import { HOST_BLOCK } from "../wasm/host";
import { Module } from "../wasm/module";
import { Store } from "../wasm/store";
import { I32, I64 } from "../wasm/types";
import { defineWasi, importsWasi } from "../wasi/preview1";
import { Process } from "../ipc/process";
import { completeWait } from "./table";

const MAX_WAIT_IDS: u32 = 64;

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

/** Atoll's system calls, and WASI's when `module` imports them, for a process of `module` in `store`. */
export function defineSystemCalls(store: Store, module: Module): SystemCalls {
  const calls = new SystemCalls(store);
  calls.define("atoll", "send", [I32, I32, I32, I32, I32], [I32], new SendCall());
  calls.define("atoll", "answer", [I64, I32, I32, I32], [I32], new AnswerCall());
  calls.define("atoll", "wait", [I32, I32, I32, I32, I32], [I32], new WaitCall());
  calls.define("atoll", "cancel", [I64], [I32], new CancelCall());
  if (importsWasi(module)) defineWasi(calls);
  return calls;
}
