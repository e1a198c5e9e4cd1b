// Starting programs by CID. The first loader is the kernel itself serving
// GRUB's boot modules: a program is found by the CID computed from the
// module's bytes, so what runs is exactly what was named. A CID no boot
// module has is asked of the process handling the "loader" interface, and
// its bytes run only if they hash to that CID. Programs start from the boot
// configuration or through the "process" interface: by CID (start), or by
// the name the boot configuration gives them, with its grants (run).
import { physRead } from "../arch/hw";
import { BootInfo, BootModule } from "../boot/multiboot2";
import { BootConfig, parseBootConfig, ProgramEntry } from "../boot/config";
import * as log from "../console/log";
import { cidOfBytes } from "../identity/cid";
import { LOADER_INTERFACE } from "../ipc/interfaces.generated";
import { Message } from "../ipc/message";
import { KERNEL_QUOTA_BYTES } from "../ipc/abi";
import { poolProblem } from "../ipc/account";
import { hold, kernelCancel, kernelRefuse, kernelSend, reserve } from "../ipc/router";
import * as loader from "../../interfaces/as/generated/loader";
import { Process } from "../ipc/process";
import { answerWhenStarted, startInCall } from "./loading";
import { Spawn, SpawnResult } from "./table";

/** A process.start waiting for the loader's answer. */
class PendingLoad {
  constructor(
    public requester: Process, public request: Message, public name: string, public cid: string, public grants: Set<string>, public args: string[],
  ) {}
}

const pendingLoads = new Map<u64, PendingLoad>();
/** Loads one process may wait for at a time. */
export const MAX_PENDING_LOADS = 8;

const MAX_CONFIG_BYTES: u64 = 64 << 10;

let bootModules: BootModule[] = [];
/** Every program of the boot configuration, started at boot or not. */
let programs: ProgramEntry[] = [];

function moduleByCid(cid: string): BootModule | null {
  for (let i = 0; i < bootModules.length; i++) {
    if (bootModules[i].cid == cid) return bootModules[i];
  }
  return null;
}

/** Begins starting boot module `m` as a process called `name` with a kernel memory quota of `quota` bytes (see Spawn). */
function spawnBootModule(m: BootModule, name: string, grants: Set<string>, args: string[], quota: u64): Spawn {
  const length = <u32>(m.end - m.start);
  const bytes = heap.alloc(max<usize>(length, 1));
  physRead(bytes, m.start, length);
  const spawn = new Spawn(name, m.cid, bytes, length, grants, args, quota);
  heap.free(bytes);
  return spawn;
}

/** Starts the module named by `cid` as a process called `name`, in one go (at boot, before any process runs). */
export function launch(name: string, cid: string, grants: Set<string>, args: string[], quota: u64): SpawnResult {
  const m = moduleByCid(cid);
  if (m === null) return new SpawnResult(null, "no boot module has CID " + cid);
  const spawn = spawnBootModule(m, name, grants, args, quota);
  spawn.work(i64.MAX_VALUE);
  return spawn.result!;
}

/** Starts the module named by `cid` for `requester`, in slices of its turns; answers `request` when done. */
function launchFor(requester: Process, request: Message, name: string, cid: string, grants: Set<string>, args: string[], quota: u64): void {
  const m = moduleByCid(cid);
  if (m === null) kernelRefuse(requester, request, "no boot module has CID " + cid);
  else startInCall(requester, request, spawnBootModule(m, name, grants, args, quota));
}

/** process.start: from a boot module, else through the loader; answers `request` once started. */
export function startForRequest(
  requester: Process, request: Message, name: string, digest: StaticArray<u8>, cid: string, grants: Set<string>, args: string[],
): void {
  if (moduleByCid(cid) !== null) {
    launchFor(requester, request, name, cid, grants, args, kernelQuotaOf(cid));
    return;
  }
  if (pendingLoadsOf(requester) >= MAX_PENDING_LOADS) {
    kernelRefuse(requester, request, "at most " + MAX_PENDING_LOADS.toString() + " starts may wait for the loader at a time");
    return;
  }
  // The start request is what the kernel keeps for the load: charged to the requester.
  if (!hold(requester, request)) {
    kernelRefuse(requester, request, poolProblem(requester, request.notification.cost));
    return;
  }
  const id = kernelSend(LOADER_INTERFACE, loader.encodeLoad(digest));
  if (id < 0) {
    kernelRefuse(requester, request, "no boot module has CID " + cid + " and no loader can be asked");
    return;
  }
  pendingLoads.set(<u64>id, new PendingLoad(requester, request, name, cid, grants, args));
}

// How many loads `requester` waits for. Loads of processes that ended, or
// that no longer await the answer, are withdrawn from the loader on the way:
// the table stays bounded by what live processes wait for.
function pendingLoadsOf(requester: Process): i32 {
  const ids = pendingLoads.keys();
  let count = 0;
  for (let i = 0; i < ids.length; i++) {
    const pending = pendingLoads.get(ids[i]);
    if (!stillWanted(pending)) {
      pendingLoads.delete(ids[i]);
      kernelCancel(ids[i]);
    } else if (pending.requester === requester) count++;
  }
  return count;
}

function stillWanted(pending: PendingLoad): bool {
  const requester = pending.requester;
  return requester.alive && (!pending.request.needsAnswer || requester.awaiting.has(pending.request.id));
}

/** The loader answered load(): bytes (u32 length, then the bytes) or an error. */
export function loadAnswered(id: u64, isError: bool, payload: Uint8Array): void {
  if (!pendingLoads.has(id)) return;
  const pending = pendingLoads.get(id);
  pendingLoads.delete(id);
  if (!pending.requester.alive) return;
  const answer: loader.LoadAnswer | null = isError ? null : loader.decodeLoadAnswer(payload);
  let problem = "";
  if (isError) problem = "loader: " + String.UTF8.decodeUnsafe(payload.dataStart, payload.length);
  else if (answer === null) problem = "loader sent a malformed answer";
  else if (cidOfBytes(answer.bytes.dataStart, answer.bytes.length) != pending.cid) problem = "the loader's bytes do not hash to " + pending.cid;
  if (answer === null || problem.length > 0) {
    kernelRefuse(pending.requester, pending.request, problem);
    return;
  }
  const bytes = answer.bytes;
  const spawn = new Spawn(pending.name, pending.cid, bytes.dataStart, bytes.length, pending.grants, pending.args, kernelQuotaOf(pending.cid));
  answerWhenStarted(pending.requester, pending.request, spawn);
}

function readText(m: BootModule): string {
  const length = <u32>min(m.end - m.start, MAX_CONFIG_BYTES);
  const buffer = heap.alloc(max<usize>(length, 1));
  physRead(buffer, m.start, length);
  const text = String.UTF8.decodeUnsafe(buffer, length);
  heap.free(buffer);
  return text;
}

/** The kernel memory quota a boot-configuration line gives its program. */
function quotaOf(entry: ProgramEntry): u64 {
  return entry.kernelQuota > 0 ? entry.kernelQuota : KERNEL_QUOTA_BYTES;
}

/** The kernel memory quota of module `cid` started by CID: that of the first line naming it, or the default. */
function kernelQuotaOf(cid: string): u64 {
  for (let i = 0; i < programs.length; i++) if (programs[i].cid == cid) return quotaOf(programs[i]);
  return KERNEL_QUOTA_BYTES;
}

function programNamed(name: string): ProgramEntry | null {
  for (let i = 0; i < programs.length; i++) if (programs[i].name == name) return programs[i];
  return null;
}

/**
 * process.run: starts the program the boot configuration calls `name` with
 * its grants, less those the requester lacks; answers `request`.
 */
export function runForRequest(requester: Process, request: Message, name: string, args: string[]): void {
  const entry = programNamed(name);
  if (entry === null) {
    kernelRefuse(requester, request, "the boot configuration has no program called '" + name + "'");
    return;
  }
  const grants = new Set<string>();
  const wanted = entry.grants.values();
  for (let g = 0; g < wanted.length; g++) if (requester.grants.has(wanted[g])) grants.add(wanted[g]);
  launchFor(requester, request, name, entry.cid, grants, args, quotaOf(entry));
}

const WASM_MAGIC: u32 = 0x6d736100;

/** The boot modules that hold Wasm modules (not the configuration or the symbols). */
export function startableModules(): BootModule[] {
  const found: BootModule[] = [];
  const magic = memory.data(4);
  for (let i = 0; i < bootModules.length; i++) {
    const m = bootModules[i];
    if (m.end - m.start < 4) continue;
    physRead(magic, m.start, 4);
    if (load<u32>(magic) == WASM_MAGIC) found.push(m);
  }
  return found;
}

function startLogged(name: string, cid: string, grants: Set<string>, args: string[], quota: u64): bool {
  const result = launch(name, cid, grants, args, quota);
  if (result.process === null) {
    log.error("cannot start " + name + ": " + result.error);
    return false;
  }
  log.info("started process " + result.process!.pid.toString() + " (" + name + ") " + cid);
  return true;
}

function readConfig(boot: BootInfo): BootConfig | null {
  const configModule = boot.module("config");
  if (configModule === null) {
    log.info("no boot configuration");
    return null;
  }
  const config = parseBootConfig(readText(configModule));
  for (let i = 0; i < config.errors.length; i++) log.warn("boot configuration " + config.errors[i]);
  return config;
}

/**
 * Starts the "run" programs of the "config" boot module, then the boot
 * modules named in `extra` (from "start=" on the command line): with the
 * grants of their "program" line, or none without one. Returns how many
 * started.
 */
export function startBootPrograms(boot: BootInfo, extra: string[]): i32 {
  bootModules = boot.modules;
  let started = 0;
  const config = readConfig(boot);
  if (config !== null) programs = config.programs;
  for (let i = 0; i < programs.length; i++) {
    const entry = programs[i];
    const handles = entry.handles.values();
    for (let h = 0; h < handles.length; h++) reserve(handles[h], entry.cid);
    if (entry.startsAtBoot && startLogged(entry.name, entry.cid, entry.grants, entry.args, quotaOf(entry))) started++;
  }
  for (let i = 0; i < extra.length; i++) {
    const m = boot.module(extra[i]);
    const entry = programNamed(extra[i]);
    if (m === null) log.error("cannot start " + extra[i] + ": no boot module of that name");
    else {
      // The configuration's line applies only to the module it names.
      const line = entry !== null && entry.cid == m.cid ? entry : null;
      const grants = line !== null ? line.grants : new Set<string>();
      if (startLogged(extra[i], m.cid, grants, [], line !== null ? quotaOf(line) : KERNEL_QUOTA_BYTES)) started++;
    }
  }
  return started;
}
