// Starting QEMU on an Atoll ISO: used by `npm run qemu` and by the
// integration tests, so both boot the machine the same way.
import { spawn, spawnSync } from "node:child_process";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { buildIso } from "../build/mkiso.ts";

export const OUT = new URL("../../out/", import.meta.url).pathname;
const OVMF_CODE = ["/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"];
const OVMF_VARS = ["/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS.fd"];

/** Exit statuses the kernel produces through isa-debug-exit (see kernel/arch/power.ts). */
export const STATUS_TEST_PASSED = 33;
export const STATUS_TEST_FAILED = 35;
export const STATUS_PANIC = 37;

export interface MachineOptions {
  uefi: boolean;
  kvm: boolean;
  memory: string;
  smp: number;
  machine: string;
  cmdline: string[];
  extra: string[];
  /** An ISO to boot instead of the build's (one with extra programs, say). */
  iso?: string;
}

export const DEFAULT_MACHINE: MachineOptions = { uefi: false, kvm: false, memory: "256M", smp: 1, machine: "pc", cmdline: [], extra: [] };

function newest(paths: string[]): number {
  return Math.max(...paths.map((p) => statSync(p).mtimeMs));
}

/** The ISO for a kernel command line: the default build, or a cached variant. */
export function isoFor(cmdline: string[]): string {
  const elf = join(OUT, "atoll.elf");
  const sym = join(OUT, "atoll.sym");
  for (const f of [elf, sym]) if (!existsSync(f)) throw new Error(`${f} is missing: run make first`);
  if (cmdline.length === 0) return join(OUT, "atoll.iso");
  const text = cmdline.join(" ");
  const iso = join(OUT, "iso", createHash("sha256").update(text).digest("hex").slice(0, 16) + ".iso");
  const sources = [elf, sym, join(OUT, "atoll.conf"), new URL("../../boot/grub.cfg", import.meta.url).pathname];
  if (!existsSync(iso) || statSync(iso).mtimeMs < newest(sources)) buildIso(elf, sym, iso, text);
  return iso;
}

function firstExisting(paths: string[], what: string): string {
  const found = paths.find((p) => existsSync(p));
  if (!found) throw new Error(`${what} not found (${paths.join(", ")}): install the Debian package ovmf`);
  return found;
}

/** QEMU's arguments for a machine; `display` is the -display value. */
export function qemuArgs(opts: MachineOptions, display: string, serial: string): string[] {
  const args = [
    "-machine", opts.machine,
    "-m", opts.memory,
    "-smp", String(opts.smp),
    "-cdrom", opts.iso ?? isoFor(opts.cmdline),
    "-boot", "d",
    "-serial", serial,
    "-display", display,
    "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
    "-no-reboot",
  ];
  if (opts.kvm) args.push("-enable-kvm", "-cpu", "host");
  if (opts.uefi) {
    const vars = join(OUT, "ovmf-vars.fd");
    mkdirSync(OUT, { recursive: true });
    copyFileSync(firstExisting(OVMF_VARS, "OVMF variables"), vars);
    args.push(
      "-drive", `if=pflash,format=raw,unit=0,readonly=on,file=${firstExisting(OVMF_CODE, "OVMF firmware")}`,
      "-drive", `if=pflash,format=raw,unit=1,file=${vars}`,
    );
  }
  return [...args, ...opts.extra];
}

export function requireQemu(): void {
  if (spawnSync("qemu-system-x86_64", ["--version"]).error) {
    throw new Error("qemu-system-x86_64 not found: install the Debian package qemu-system-x86 (or run scripts/install-deps.sh)");
  }
}

export interface BootResult {
  serial: string;
  status: number | null;
  timedOut: boolean;
  seconds: number;
}

/**
 * Keys typed through QEMU's monitor (`sendkey`) once the serial log, from
 * where the previous step typed, matches `after`.
 */
export interface TypedInput {
  after: RegExp;
  keys: string[];
}

const KEY_NAMES: Record<string, string> = {
  " ": "spc", "-": "minus", "=": "equal", ".": "dot", ",": "comma", "/": "slash", ";": "semicolon", "'": "apostrophe",
  "\n": "ret", "&": "shift-7", "_": "shift-minus", "|": "shift-backslash", "\"": "shift-apostrophe",
};

/** The sendkey names that type `text` on a US keyboard ("\n" is Enter). */
export function keysFor(text: string): string[] {
  return [...text].map((c) => {
    if (KEY_NAMES[c]) return KEY_NAMES[c];
    if (/[a-z0-9]/.test(c)) return c;
    if (/[A-Z]/.test(c)) return `shift-${c.toLowerCase()}`;
    throw new Error(`keysFor: no key for ${JSON.stringify(c)}`);
  });
}

/** A connection to QEMU's monitor: keys go 100 ms apart, in the order asked. */
export class Monitor {
  private socket;
  private last = Date.now();

  constructor(path: string) {
    this.socket = createConnection(path);
    this.socket.on("error", () => undefined);
  }

  type(keys: string[]): void {
    for (const key of keys) {
      this.last = Math.max(this.last, Date.now()) + 100;
      setTimeout(() => this.socket.write(`sendkey ${key}\n`), this.last - Date.now());
    }
  }

  /** A monitor command, sent at once. */
  send(command: string): void {
    this.socket.write(`${command}\n`);
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Boots headless and collects the serial log until QEMU exits, `until`
 * matches the log (QEMU is then stopped), or the timeout passes; each step
 * of `input` types its keys once the log shows it is wanted.
 */
export function boot(opts: MachineOptions, timeoutMs: number, until?: RegExp, input: TypedInput[] = []): Promise<BootResult> {
  requireQemu();
  const started = Date.now();
  const monitor = join(tmpdir(), `atoll-monitor-${process.pid}-${started}.sock`);
  const monitorArgs = input.length > 0 ? ["-monitor", `unix:${monitor},server,nowait`] : [];
  const child = spawn("qemu-system-x86_64", [...qemuArgs(opts, "none", "stdio"), ...monitorArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let keyboard: Monitor | null = null;
  let step = 0;
  let from = 0;
  let serial = "";
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  // Decoded as a stream, so a character split between two reads stays whole.
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    serial += chunk;
    while (step < input.length && input[step].after.test(serial.slice(from))) {
      keyboard ??= new Monitor(monitor);
      keyboard.type(input[step].keys);
      from = serial.length;
      step++;
    }
    if (until && until.test(serial)) child.kill("SIGKILL");
  });
  child.stderr.on("data", (chunk: Buffer) => (serial += chunk.toString("utf8")));
  return new Promise((resolve) => {
    child.on("close", (status) => {
      clearTimeout(timer);
      keyboard?.close();
      resolve({ serial: serial.replace(/\r/g, ""), status, timedOut, seconds: (Date.now() - started) / 1000 });
    });
  });
}
