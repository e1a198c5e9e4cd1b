// Starting programs by CID. The first loader is the kernel itself serving
// GRUB's boot modules: a program is found by the CID computed from the
// module's bytes, so what runs is exactly what was named. Programs start
// from the boot configuration, or later through the "process" interface.
import { physRead } from "../arch/hw";
import { BootInfo, BootModule } from "../boot/multiboot2";
import { parseBootConfig } from "../boot/config";
import * as log from "../console/log";
import { spawn, SpawnResult } from "./table";

const MAX_CONFIG_BYTES: u64 = 64 << 10;

let bootModules: BootModule[] = [];

function moduleByCid(cid: string): BootModule | null {
  for (let i = 0; i < bootModules.length; i++) {
    if (bootModules[i].cid == cid) return bootModules[i];
  }
  return null;
}

/** Starts the module named by `cid` as a process called `name`. */
export function launch(name: string, cid: string, grants: Set<string>): SpawnResult {
  const m = moduleByCid(cid);
  if (m === null) return new SpawnResult(null, "no boot module has CID " + cid);
  const length = <u32>(m.end - m.start);
  const bytes = heap.alloc(max<usize>(length, 1));
  physRead(bytes, m.start, length);
  const result = spawn(name, cid, bytes, length, grants);
  heap.free(bytes);
  return result;
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
  bootModules = boot.modules;
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
    const result = launch(entry.name, entry.cid, entry.grants);
    if (result.process === null) {
      log.error("cannot start " + entry.name + ": " + result.error);
      continue;
    }
    log.info("started process " + result.process!.pid.toString() + " (" + entry.name + ") " + entry.cid);
    started++;
  }
  return started;
}
