// What QEMU itself says its PCI functions are, next to what the kernel
// logged: the machine boots with QMP on a Unix socket and, once the kernel
// is idle (so the firmware has numbered the buses behind bridges), QEMU is
// asked `query-pci` and told to quit. The integration tests compare both.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { MachineOptions, OUT, qemuArgs, requireQemu } from "./launch.ts";

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
  pci_bridge?: { devices?: QemuPciFunction[] };
}

export interface PciBoot {
  serial: string;
  functions: QemuPciFunction[];
}

const IDLE = /info {2}idle/;
const COMMANDS = ["qmp_capabilities", "query-pci", "quit"].map((c) => JSON.stringify({ execute: c })).join("\n") + "\n";

function flatten(functions: QemuPciFunction[]): QemuPciFunction[] {
  return functions.flatMap((f) => [f, ...flatten(f.pci_bridge?.devices ?? [])]);
}

function askQmp(socket: string): Promise<QemuPciFunction[]> {
  return new Promise((resolve, reject) => {
    let replies = "";
    const qmp = createConnection(socket, () => qmp.write(COMMANDS));
    qmp.on("data", (chunk) => {
      replies += chunk.toString("utf8");
      for (const line of replies.split("\n")) {
        const reply = line.trim().startsWith("{") ? JSON.parse(line) : null;
        if (Array.isArray(reply?.return)) resolve(flatten(reply.return.flatMap((bus: { devices: QemuPciFunction[] }) => bus.devices)));
      }
    });
    qmp.on("error", reject);
  });
}

/** Boots `opts` (without "test", so the kernel idles), then asks QEMU for its PCI functions. */
export function bootAndQueryPci(opts: MachineOptions, timeoutMs: number): Promise<PciBoot> {
  requireQemu();
  const socket = join(OUT, `qmp-${process.pid}-${opts.machine}.sock`);
  rmSync(socket, { force: true });
  const child = spawn("qemu-system-x86_64", [...qemuArgs(opts, "none", "stdio"), "-qmp", `unix:${socket},server=on,wait=off`], { stdio: ["ignore", "pipe", "pipe"] });
  let serial = "";
  let asked: Promise<QemuPciFunction[]> | null = null;
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  child.stdout.on("data", (chunk: Buffer) => {
    serial += chunk.toString("utf8");
    if (!asked && IDLE.test(serial)) asked = askQmp(socket);
  });
  return new Promise((resolve, reject) => {
    child.on("close", async () => {
      clearTimeout(timer);
      rmSync(socket, { force: true });
      if (!asked) return reject(new Error(`the kernel never became idle:\n${serial}`));
      resolve({ serial: serial.replace(/\r/g, ""), functions: await asked });
    });
  });
}
