// Runs the hosted kernel on a boot layout and streams its serial output:
// natively (out/hosted/atoll-hosted, the kernel's wasm2c output built for
// Linux) or, where that was not built (no C compiler), out/kernel.wasm on
// the simulated machine in Node. Standard input is the serial port's input.
import { spawn } from "node:child_process";
import { mkdtempSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootImage, BootModuleFile, bootLayout, HOSTED_KERNEL, INFO_ADDRESS } from "./image.ts";
import { Halted, newMachine } from "./machine.ts";

/** What the kernel writes to the QEMU exit port when its self-tests pass. */
const QEMU_SUCCESS = 0x10;
/**
 * After `stop`, how long the native kernel may run on to go idle (so the
 * other modules' last lines get out) before it is killed anyway, when one
 * of them computes on.
 */
const STOP_GRACE_MS = 5000;

/** How a run went on: `output` gets the serial text; `stop` says when to end the kernel early. */
export interface RunControl {
  /** The kernel command line ("log=debug fault=abort"). */
  cmdline: string;
  output: (text: string) => void;
  stop: () => boolean;
  timeoutMs: number;
}

/** The kernel's exit status, null when the run timed out. */
export function launchNative(modules: BootModuleFile[], control: RunControl): Promise<number | null> {
  const dir = mkdtempSync(join(tmpdir(), "atoll-hosted-"));
  const image = join(dir, "boot.img");
  writeFileSync(image, bootImage(modules, control.cmdline));
  const child = spawn(HOSTED_KERNEL, [image, String(INFO_ADDRESS)], { stdio: ["inherit", "pipe", "inherit"] });
  let timedOut = false;
  const timer = control.timeoutMs > 0 ? setTimeout(() => ((timedOut = true), child.kill()), control.timeoutMs) : null;
  child.stdout.setEncoding("utf8");
  let stopping: NodeJS.Timeout | null = null;
  child.stdout.on("data", (text: string) => {
    control.output(text);
    if (stopping !== null || !control.stop()) return;
    child.kill("SIGUSR1");
    stopping = setTimeout(() => child.kill(), STOP_GRACE_MS);
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      if (stopping) clearTimeout(stopping);
      rmSync(dir, { recursive: true, force: true });
      resolve(timedOut ? null : code ?? 0);
    });
  });
}

/** What the terminal types, read as the kernel waits for it; null at the end. */
function readStandardInput(): Uint8Array | null {
  const buffer = new Uint8Array(256);
  try {
    const n = readSync(0, buffer);
    return n > 0 ? buffer.subarray(0, n) : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EOF") return null;
    throw e;
  }
}

/**
 * The same run on the simulated machine. It runs synchronously, so the
 * timeout is checked whenever the kernel reads the clock, which its
 * scheduler does at least once per turn, and as serial output appears.
 */
export async function launchInNode(modules: BootModuleFile[], control: RunControl): Promise<number | null> {
  const machine = await newMachine();
  const placed = bootLayout(modules, control.cmdline);
  const info = placed.pop()!;
  for (const p of placed) machine.memory.write(p.address, p.bytes);
  const decoder = new TextDecoder();
  const deadline = control.timeoutMs > 0 ? Date.now() + control.timeoutMs : Infinity;
  let timedOut = false;
  const checkTimeout = () => {
    timedOut = Date.now() > deadline;
    if (timedOut) throw new Halted("timed out");
  };
  machine.onSerialOutput = (byte) => {
    control.output(decoder.decode(Uint8Array.of(byte), { stream: true }));
    checkTimeout();
    if (control.stop()) throw new Halted("stopped");
  };
  machine.onClockRead = checkTimeout;
  machine.readSerialInput = () => (control.stop() ? null : readStandardInput());
  const raw = process.stdin.isTTY === true;
  if (raw) process.stdin.setRawMode(true);
  try {
    const ended = machine.boot(info.bytes, info.address);
    return timedOut ? null : ended === "halt" || ended === QEMU_SUCCESS ? 0 : 1;
  } finally {
    if (raw) process.stdin.setRawMode(false);
  }
}
