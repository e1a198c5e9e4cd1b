// Starting the programs the boot configuration names. The first loader is
// the kernel itself serving GRUB's boot modules: a program is found by the
// CID computed from the module's bytes, so what runs is exactly what the
// configuration named.
import { physRead } from "../arch/hw";
import { BootInfo, BootModule } from "../boot/multiboot2";
import { parseBootConfig } from "../boot/config";
import * as log from "../console/log";
import { spawn } from "./table";

const MAX_CONFIG_BYTES: u64 = 64 << 10;

function moduleByCid(boot: BootInfo, cid: string): BootModule | null {
  for (let i = 0; i < boot.modules.length; i++) {
    if (boot.modules[i].cid == cid) return boot.modules[i];
  }
  return null;
}

function readText(m: BootModule): string {
  const length = <u32>min(m.end - m.start, MAX_CONFIG_BYTES);
  const buffer = heap.alloc(max<usize>(length, 1));
  physRead(buffer, m.start, length);
  const text = String.UTF8.decodeUnsafe(buffer, length);
  heap.free(buffer);
  return text;
}

/** Starts every program of the "config" boot module; returns how many started. */
export function startBootPrograms(boot: BootInfo): i32 {
  const configModule = boot.module("config");
  if (configModule === null) {
    log.info("no boot configuration: no programs to start");
    return 0;
  }
  const config = parseBootConfig(readText(configModule));
  for (let i = 0; i < config.errors.length; i++) log.warn("boot configuration " + config.errors[i]);
  let started = 0;
  for (let i = 0; i < config.programs.length; i++) {
    const entry = config.programs[i];
    const m = moduleByCid(boot, entry.cid);
    if (m === null) {
      log.error("cannot start " + entry.name + ": no boot module has CID " + entry.cid);
      continue;
    }
    const length = <u32>(m.end - m.start);
    const bytes = heap.alloc(max<usize>(length, 1));
    physRead(bytes, m.start, length);
    const result = spawn(entry.name, entry.cid, bytes, length, entry.grants);
    heap.free(bytes);
    if (result.process === null) {
      log.error("cannot start " + entry.name + ": " + result.error);
      continue;
    }
    log.info("started process " + result.process!.pid.toString() + " (" + entry.name + ") " + entry.cid);
    started++;
  }
  return started;
}
