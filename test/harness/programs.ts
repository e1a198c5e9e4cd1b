// Boot information that carries test programs and a boot configuration
// naming them by CID, for the hosted kernel tests.
import { cidOf } from "../../tools/identity/cid.ts";
import { BootInfoBuilder, ModuleLayout, Placed, Region } from "../../tools/hosted/multiboot2.ts";
import { MODULES_AT, SMALL_PC } from "./boots.ts";
import type { Machine } from "./machine.ts";

export interface BootProgram {
  name: string;
  bytes: Uint8Array;
  grants: string[];
  /** Listed as a boot module but not started by the configuration. */
  notStarted?: boolean;
  /** Named in the configuration under another CID than its bytes have. */
  cidOverride?: string;
  /** Its kernel memory quota in bytes (kernel-memory=), when not the default. */
  kernelMemory?: number;
}

/**
 * Boot information carrying `programs` and a configuration that starts them;
 * `extraTags` adds to it (a framebuffer, an RSDP); `memoryMap` is the RAM.
 */
export async function bootWithPrograms(
  programs: BootProgram[],
  extraConfig = "",
  cmdline = "",
  extraTags: (b: BootInfoBuilder) => void = () => undefined,
  memoryMap: Region[] = SMALL_PC,
): Promise<{ info: Uint8Array; modules: Placed[] }> {
  const info = new BootInfoBuilder().commandLine(cmdline).memoryMap(memoryMap);
  extraTags(info);
  const layout = new ModuleLayout(info, MODULES_AT);
  const lines: string[] = [];
  for (const p of programs) {
    layout.place(p.bytes, p.name);
    if (p.notStarted) continue;
    const grants = p.grants.length > 0 ? ` grant=${p.grants.join(",")}` : "";
    const quota = p.kernelMemory !== undefined ? ` kernel-memory=${p.kernelMemory}` : "";
    lines.push(`run ${p.cidOverride ?? (await cidOf(p.bytes))} name=${p.name}${grants}${quota}`);
  }
  layout.place(new Uint8Array(Buffer.from(lines.join("\n") + "\n" + extraConfig)), "config");
  return { info: info.build(), modules: layout.placed };
}

/** Boots `m` with `programs` (see bootWithPrograms) and returns how the run ended. */
export async function runPrograms(m: Machine, programs: BootProgram[], cmdline = "", extraTags: (b: BootInfoBuilder) => void = () => undefined): Promise<"halt" | number> {
  const { info, modules } = await bootWithPrograms(programs, "", cmdline, extraTags);
  for (const mod of modules) m.memory.write(mod.address, mod.bytes);
  return m.boot(info);
}
