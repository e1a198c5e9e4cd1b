// The "registry" interface (interfaces/registry.interface): who handles
// which interface. Registering an interface the kernel handles is refused
// by the router; a list answer holds one page, as many entries as fit in
// one message, so it always fits the receive buffer docs/ipc.md names.
import * as registry from "../../interfaces/as/generated/registry";
import { MAX_MESSAGE_BYTES } from "./abi";
import { hashKey, hashOfKey } from "./hashkey";
import { INTERFACE_KEYS, INTERFACE_NAMES, REGISTRY_INTERFACE } from "./interfaces.generated";
import { KernelService } from "./kernel-service";
import { Message } from "./message";
import { Process } from "./process";
import { handledInterfaces, handlerOf, kernelAnswer, kernelHandlerFor, kernelRefuse, refuseMalformed, register, unregister } from "./router";

// A list answer: four u32 list counts and the u32 `next`, then per entry a
// hash, a u32 name length and the name, a u64 pid and a bool.
const LIST_FIXED_BYTES: u32 = 20;
const ENTRY_FIXED_BYTES: u32 = 32 + 4 + 8 + 1;

function handle(sender: Process, m: Message): void {
  const p = m.payload;
  const ordinal = p.length > 0 ? p[0] : 0xff;
  if (ordinal == registry.REGISTER) registerSender(sender, m, registry.decodeRegister(p));
  else if (ordinal == registry.UNREGISTER) unregisterSender(sender, m, registry.decodeUnregister(p));
  else if (ordinal == registry.HANDLER) handlerAnswer(sender, m, registry.decodeHandler(p));
  else if (ordinal == registry.LIST) listAnswer(sender, m, registry.decodeList(p));
  else refuseMalformed(sender, m, "registry");
}

function registerSender(sender: Process, m: Message, request: registry.Register | null): void {
  if (request === null) return refuseMalformed(sender, m, "registry");
  const problem = register(sender, hashKey(changetype<usize>(request.interface_)));
  if (problem.length == 0) kernelAnswer(sender, m, false, registry.encodeRegisterAnswer());
  else kernelRefuse(sender, m, problem);
}

function unregisterSender(sender: Process, m: Message, request: registry.Unregister | null): void {
  if (request === null) return refuseMalformed(sender, m, "registry");
  const key = hashKey(changetype<usize>(request.interface_));
  if (unregister(sender, key)) kernelAnswer(sender, m, false, registry.encodeUnregisterAnswer());
  else kernelRefuse(sender, m, "not the handler of interface " + key);
}

function handlerAnswer(sender: Process, m: Message, request: registry.Handler | null): void {
  if (request === null) return refuseMalformed(sender, m, "registry");
  const handler = handlerOf(hashKey(changetype<usize>(request.interface_)));
  kernelAnswer(sender, m, false, registry.encodeHandlerAnswer(handler === null ? 0 : handler.pid));
}

function interfaceName(key: string): string {
  for (let i = 0; i < INTERFACE_KEYS.length; i++) if (INTERFACE_KEYS[i] == key) return INTERFACE_NAMES[i];
  return "";
}

/** Every interface with a definition in interfaces/, then those handled by processes without one. */
function allInterfaces(): string[] {
  const keys = new Array<string>();
  for (let i = 0; i < INTERFACE_KEYS.length; i++) keys.push(INTERFACE_KEYS[i]);
  const handled = handledInterfaces();
  for (let i = 0; i < handled.length; i++) if (!keys.includes(handled[i])) keys.push(handled[i]);
  return keys;
}

function listAnswer(sender: Process, m: Message, request: registry.List | null): void {
  if (request === null) return refuseMalformed(sender, m, "registry");
  const keys = allInterfaces();
  const hashes = new Array<StaticArray<u8>>();
  const names = new Array<string>();
  const pids = new Array<u64>();
  const kernel = new Array<bool>();
  let bytes = LIST_FIXED_BYTES;
  let at = <i32>min<u32>(request.start, <u32>keys.length);
  for (; at < keys.length; at++) {
    const name = interfaceName(keys[at]);
    const size = ENTRY_FIXED_BYTES + <u32>String.UTF8.byteLength(name);
    if (bytes + size > MAX_MESSAGE_BYTES) break;
    bytes += size;
    const handler = handlerOf(keys[at]);
    hashes.push(hashOfKey(keys[at]));
    names.push(name);
    pids.push(handler === null ? 0 : handler.pid);
    kernel.push(kernelHandlerFor(keys[at]) !== null);
  }
  const next: u32 = at < keys.length ? <u32>at : 0;
  kernelAnswer(sender, m, false, registry.encodeListAnswer(hashes, names, pids, kernel, next));
}

export const service = new KernelService(REGISTRY_INTERFACE, handle);
