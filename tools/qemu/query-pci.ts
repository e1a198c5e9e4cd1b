// What QEMU itself says its PCI functions are: the machine is started
// paused with QMP on stdin/stdout, asked `query-pci`, and quit. The
// integration tests compare the kernel's enumeration with this list.
import { spawn } from "node:child_process";
import { MachineOptions, qemuArgs, requireQemu } from "./launch.ts";

export interface QemuRegion {
  bar: number;
  type: "io" | "memory";
  size: number;
  prefetch?: boolean;
  mem_type_64?: boolean;
}

export interface QemuPciFunction {
  bus: number;
  slot: number;
  function: number;
  class_info: { class: number };
  id: { vendor: number; device: number };
  irq_pin: number;
  regions: QemuRegion[];
  pci_bridge?: { devices: QemuPciFunction[] };
}

const COMMANDS = ["qmp_capabilities", "query-pci", "quit"].map((c) => JSON.stringify({ execute: c })).join("\n") + "\n";

function flatten(functions: QemuPciFunction[]): QemuPciFunction[] {
  return functions.flatMap((f) => [f, ...flatten(f.pci_bridge?.devices ?? [])]);
}

export function queryPci(opts: MachineOptions): Promise<QemuPciFunction[]> {
  requireQemu();
  const child = spawn("qemu-system-x86_64", [...qemuArgs(opts, "none", "none"), "-S", "-qmp", "stdio"], { stdio: ["pipe", "pipe", "ignore"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stdin.end(COMMANDS);
  return new Promise((resolve, reject) => {
    child.on("close", () => {
      for (const line of output.split("\n")) {
        const reply = line.trim() ? JSON.parse(line) : null;
        if (Array.isArray(reply?.return)) return resolve(flatten(reply.return.flatMap((bus: { devices: QemuPciFunction[] }) => bus.devices)));
      }
      reject(new Error(`no query-pci answer from QEMU:\n${output}`));
    });
  });
}
