// The "process" interface (interfaces/process.interface): starting programs
// by CID or by boot-configuration name, ending, waiting for and listing
// processes. Messages are decoded and answers encoded by the codecs
// generated from the definition.
import * as proc from "../../interfaces/as/generated/process";
import { hashKey, hashOfKey } from "../ipc/hashkey";
import { Message } from "../ipc/message";
import { PROCESS_INTERFACE } from "../ipc/interfaces.generated";
import { KernelService } from "../ipc/kernel-service";
import { kernelAnswer, kernelRefuse, refuseMalformed } from "../ipc/router";
import { cidOfDigest } from "../identity/cid";
import { fuelUsed } from "../sched/scheduler";
import { waitFor } from "./exits";
import { runForRequest, startableModules, startForRequest } from "./launch";
import { loadsOf } from "./loading";
import { Process, ProcessState } from "../ipc/process";
import { allProcesses, childrenOf, endProcess, processByPid, startedBy } from "./table";

const MAX_NAME_BYTES = 64;
const MAX_ARGUMENTS = 64;
/** Live processes one process may have started, so that it cannot take every slot. */
export const MAX_CHILDREN = 64;
const EMPTY = new Uint8Array(0);

function handleProcess(sender: Process, m: Message): void {
  const p = m.payload;
  const ordinal = p.length > 0 ? p[0] : 0xff;
  if (ordinal == proc.START) start(sender, m, proc.decodeStart(p));
  else if (ordinal == proc.RUN) run(sender, m, proc.decodeRun(p));
  else if (ordinal == proc.KILL) kill(sender, m, proc.decodeKill(p));
  else if (ordinal == proc.EXIT) exit(sender, m, proc.decodeExit(p));
  else if (ordinal == proc.WAIT) wait(sender, m, proc.decodeWait(p));
  else if (ordinal == proc.ARGUMENTS && proc.decodeArguments(p) !== null) kernelAnswer(sender, m, false, proc.encodeArgumentsAnswer(sender.arguments));
  else if (ordinal == proc.LIST && proc.decodeList(p) !== null) kernelAnswer(sender, m, false, listAnswer());
  else if (ordinal == proc.GRANTS) grants(sender, m, proc.decodeGrants(p));
  else if (ordinal == proc.MODULES && proc.decodeModules(p) !== null) kernelAnswer(sender, m, false, modulesAnswer());
  else malformed(sender, m);
}

function malformed(sender: Process, m: Message): void {
  refuseMalformed(sender, m, "process");
}

// "" when `sender` may start a process with this name and arguments, else why not.
function startProblem(sender: Process, name: string, args: string[]): string {
  // Starts under way count: each becomes a child.
  if (childrenOf(sender.pid) + loadsOf(sender) >= MAX_CHILDREN) return "at most " + MAX_CHILDREN.toString() + " live processes started by one process";
  if (name.length == 0 || String.UTF8.byteLength(name) > MAX_NAME_BYTES) return "a process name has 1 to " + MAX_NAME_BYTES.toString() + " bytes";
  if (args.length > MAX_ARGUMENTS) return "at most " + MAX_ARGUMENTS.toString() + " arguments";
  return "";
}

function start(sender: Process, m: Message, request: proc.Start | null): void {
  if (request === null) return malformed(sender, m);
  const problem = startProblem(sender, request.name, request.arguments);
  if (problem.length > 0) return kernelRefuse(sender, m, problem);
  // The new process gets only the requested grants the sender holds itself.
  const grants = new Set<string>();
  for (let i = 0; i < request.grants.length; i++) {
    const key = hashKey(changetype<usize>(request.grants[i]));
    if (sender.grants.has(key)) grants.add(key);
  }
  const digest = request.module;
  startForRequest(sender, m, request.name, digest, cidOfDigest(digest), grants, request.arguments);
}

function run(sender: Process, m: Message, request: proc.Run | null): void {
  if (request === null) return malformed(sender, m);
  const problem = startProblem(sender, request.name, request.arguments);
  if (problem.length > 0) return kernelRefuse(sender, m, problem);
  runForRequest(sender, m, request.name, request.arguments);
}

// The sender's own thread is the one running: kill cannot free it here
// (process.exit ends it once its system call returns instead).
function kill(sender: Process, m: Message, request: proc.Kill | null): void {
  if (request === null) return malformed(sender, m);
  const target = processByPid(request.pid);
  if (target === null) kernelRefuse(sender, m, "no process " + request.pid.toString());
  else if (target === sender) kernelRefuse(sender, m, "a process cannot kill itself; send process.exit instead");
  else if (!startedBy(target, sender)) kernelRefuse(sender, m, "process " + target.pid.toString() + " was not started by this process nor its descendants");
  else {
    endProcess(target, -1, "killed by process " + sender.pid.toString());
    kernelAnswer(sender, m, false, EMPTY);
  }
}

// Marks the sender; its send() returns by blocking the thread, and the
// scheduler ends the process before it runs another instruction.
function exit(sender: Process, m: Message, request: proc.Exit | null): void {
  if (request === null) return malformed(sender, m);
  sender.exiting = true;
  sender.exitStatus = request.status;
}

function wait(sender: Process, m: Message, request: proc.Wait | null): void {
  if (request === null) return malformed(sender, m);
  waitFor(sender, m, request.pid);
}

function grants(sender: Process, m: Message, request: proc.Grants | null): void {
  if (request === null) return malformed(sender, m);
  const target = processByPid(request.pid);
  if (target === null) return kernelRefuse(sender, m, "no process " + request.pid.toString());
  const keys = target.grants.values();
  const hashes = new Array<StaticArray<u8>>(keys.length);
  for (let i = 0; i < keys.length; i++) hashes[i] = hashOfKey(keys[i]);
  kernelAnswer(sender, m, false, proc.encodeGrantsAnswer(hashes));
}

/** Memory a process holds: its linear memory and its kernel memory account. */
function memoryBytes(p: Process): u64 {
  const memory = p.instance.memory;
  return (memory !== null ? <u64>memory.byteLength : 0) + p.kernelBytes;
}

function listAnswer(): Uint8Array {
  const all = allProcesses();
  const pids = new Array<u64>(all.length);
  const names = new Array<string>(all.length);
  const cids = new Array<string>(all.length);
  const states = new Array<u8>(all.length);
  const memory = new Array<u64>(all.length);
  const fuel = new Array<u64>(all.length);
  const kernelBytes = new Array<u64>(all.length);
  for (let i = 0; i < all.length; i++) {
    const p = all[i];
    pids[i] = p.pid;
    names[i] = p.name;
    cids[i] = p.cid;
    states[i] = p.state == ProcessState.Blocked ? 1 : 0;
    memory[i] = memoryBytes(p);
    fuel[i] = fuelUsed(p);
    kernelBytes[i] = p.kernelBytes;
  }
  return proc.encodeListAnswer(pids, names, cids, states, memory, fuel, kernelBytes);
}

function modulesAnswer(): Uint8Array {
  const modules = startableModules();
  const names = new Array<string>(modules.length);
  const cids = new Array<string>(modules.length);
  for (let i = 0; i < modules.length; i++) {
    names[i] = modules[i].name;
    cids[i] = modules[i].cid;
  }
  return proc.encodeModulesAnswer(names, cids);
}

export const service = new KernelService(PROCESS_INTERFACE, handleProcess);
