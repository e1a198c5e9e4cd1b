// Boots the hosted kernel (out/hosted/atoll-hosted): lays the multiboot2
// information and the boot modules out as a boot image of chunks (u64
// address, u64 length, bytes) and runs the kernel on it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AVAILABLE, BootInfoBuilder, ModuleLayout, Placed } from "./multiboot2.ts";

export const HOSTED_KERNEL = new URL("../../out/hosted/atoll-hosted", import.meta.url).pathname;
export const INFO_ADDRESS = 0x10000;
const MODULES_START = 0x1000000;
const MiB = 1 << 20;

export interface BootModuleFile {
  name: string;
  bytes: Uint8Array;
}

function chunk(address: number, bytes: Uint8Array): Buffer {
  const header = Buffer.alloc(16);
  header.writeBigUInt64LE(BigInt(address), 0);
  header.writeBigUInt64LE(BigInt(bytes.length), 8);
  return Buffer.concat([header, Buffer.from(bytes)]);
}

/** Where `modules` and the multiboot2 information go in a 512 MiB machine (the information last). */
export function bootLayout(modules: BootModuleFile[], cmdline: string): Placed[] {
  const info = new BootInfoBuilder()
    .commandLine(cmdline)
    .loaderName("atoll-hosted")
    .memoryMap([
      { base: 0, length: 0x9fc00, type: AVAILABLE },
      { base: MiB, length: 511 * MiB, type: AVAILABLE },
    ]);
  const layout = new ModuleLayout(info, MODULES_START);
  for (const m of modules) layout.place(m.bytes, m.name);
  return [...layout.placed, { address: INFO_ADDRESS, bytes: info.build() }];
}

/** The boot image for `modules`, as the hosted kernel's 512 MiB machine sees it. */
export function bootImage(modules: BootModuleFile[], cmdline: string): Buffer {
  return Buffer.concat(bootLayout(modules, cmdline).map((p) => chunk(p.address, p.bytes)));
}

export interface HostedRun {
  output: string;
  status: number | null;
  seconds: number;
}

export function runHosted(modules: BootModuleFile[], cmdline = "", timeoutMs = 0): HostedRun {
  const dir = mkdtempSync(join(tmpdir(), "atoll-hosted-"));
  try {
    const image = join(dir, "boot.img");
    writeFileSync(image, bootImage(modules, cmdline));
    const started = process.hrtime.bigint();
    const r = spawnSync(HOSTED_KERNEL, [image, String(INFO_ADDRESS)], { encoding: "utf8", maxBuffer: 64 << 20, timeout: timeoutMs || undefined });
    if (r.error) throw new Error(`cannot run ${HOSTED_KERNEL} (make hosted): ${r.error.message}`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { output: (r.stdout + r.stderr).replace(/\r/g, ""), status: r.status, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
