// What every host function a process imports shares: the process it is bound
// to once that exists, and checked access to the process's memory. Atoll's
// own system calls (kernel/proc/syscalls.ts) and WASI's (kernel/wasi/) build
// on it; a bad pointer is an error for the caller, never a read outside its
// memory.
import { Thread } from "../wasm/execute";
import { HOST_DONE, HostFunction } from "../wasm/host";
import { Extern } from "../wasm/runtime";
import { Store } from "../wasm/store";
import { EXTERN_FUNC, FuncType } from "../wasm/types";
import { Process } from "./process";

/** Whether [address, address + length) lies inside `p`'s memory. */
export function inMemory(p: Process, address: u32, length: u64): bool {
  const memory = p.instance.memory;
  return memory !== null && <u64>address + length <= memory.byteLength;
}

/** Where `p`'s memory starts in the kernel's; only for addresses inMemory accepted. */
export function memoryBase(p: Process): usize {
  return p.instance.memory!.base;
}

/** Copies `bytes` into `p`'s memory at `address`; false if it does not fit there. */
export function writeToModule(p: Process, address: u32, bytes: Uint8Array): bool {
  if (!inMemory(p, address, bytes.length)) return false;
  memory.copy(memoryBase(p) + address, bytes.dataStart, bytes.length);
  return true;
}

/** Writes a host function's one result and returns HOST_DONE. */
export function setResult(args: usize, value: i64): i32 {
  store<i64>(args, value);
  return HOST_DONE;
}

/** A host function bound to the process that imports it. */
export abstract class SystemCall extends HostFunction {
  process: Process | null = null;

  invoke(thread: Thread, args: usize): i32 {
    return this.call(this.process!, args);
  }

  abstract call(p: Process, args: usize): i32;
}

/** The host functions of one process-to-be, defined in its store; bind() them once the process exists. */
export class SystemCalls {
  calls: SystemCall[] = [];

  constructor(public store: Store) {}

  define(module: string, name: string, params: u8[], results: u8[], call: SystemCall): void {
    const extern = new Extern(EXTERN_FUNC);
    extern.func = this.store.hostFunction(new FuncType(params, results), call, module + "." + name);
    this.store.define(module, name, extern);
    this.calls.push(call);
  }

  bind(p: Process): void {
    for (let i = 0; i < this.calls.length; i++) this.calls[i].process = p;
  }
}
