// The record each kernel-handled interface exports from its subsystem's
// service.ts (see docs/architecture.md): the interface's key, the handler of
// its messages, and what the service gives back when a process ends. The
// list of them is registered once, from kernel/main.ts.
import { Message } from "./message";
import { Process } from "./process";
import { setKernelHandler } from "./router";

export type KernelHandler = (sender: Process, m: Message) => void;
export type ProcessEnded = (p: Process) => void;

export class KernelService {
  constructor(public key: string, public handle: KernelHandler, public processEnded: ProcessEnded | null = null) {}
}

let services: KernelService[] = [];

/** Makes the kernel the handler of every interface in `list`. */
export function registerKernelServices(list: KernelService[]): void {
  services = list;
  for (let i = 0; i < list.length; i++) setKernelHandler(list[i].key, list[i].handle);
}

/** `p` ended: each service gives back what `p` held of it. */
export function endServices(p: Process): void {
  for (let i = 0; i < services.length; i++) {
    const ended = services[i].processEnded;
    if (ended !== null) ended(p);
  }
}
