// The shell's commands. Each asks the kernel or a module over an interface
// and prints what it got; programs it runs write to the console themselves.
import { Answer, call, nextEvent, request } from "../../interfaces/as/atoll";
import { print, println } from "../../interfaces/as/console";
import * as consoleInterface from "../../interfaces/as/generated/console";
import * as kernelLog from "../../interfaces/as/generated/kernel-log";
import * as power from "../../interfaces/as/generated/power";
import * as processInterface from "../../interfaces/as/generated/process";
import * as registry from "../../interfaces/as/generated/registry";
import * as system from "../../interfaces/as/generated/system";
import * as time from "../../interfaces/as/generated/time";
import { stateName } from "../../interfaces/as/process";
import { listInterfaces as allInterfaces } from "../../interfaces/as/registry";
import { digestOfCid, looksLikeCid } from "./cid";
import { bytes, duration, hex, table } from "../../interfaces/as/format";

// Grants a program started by CID gets (a name's grants come from the boot configuration).
const CID_GRANTS = ["console", "log", "time", "system-time", "random"];
const LEVELS = ["debug", "info", "warn", "error"];
const REBOOT_METHODS = ["", "acpi", "8042", "triple"];
const LOG_LINES: u32 = 40;

export class Command {
  constructor(public name: string, public usage: string, public summary: string, public run: (args: string[]) => void) {}
}

// Filled at the end of this file, once every command's function exists.
export const COMMANDS: Command[] = [];

/** The answer's payload, or null after printing why there is none. */
function ask(iface: StaticArray<u8>, payload: Uint8Array): Uint8Array | null {
  const answer: Answer = call(iface, payload);
  if (!answer.isError) return answer.payload;
  println("error: " + answer.error);
  return null;
}

function parsePid(text: string): u64 {
  if (text.length == 0 || text.length > 19) return 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return 0;
  }
  return U64.parseInt(text);
}

function processes(): processInterface.ListAnswer | null {
  const payload = ask(processInterface.INTERFACE, processInterface.encodeList());
  if (payload === null) return null;
  return processInterface.decodeListAnswer(payload);
}

function interfaces(): registry.ListAnswer | null {
  const found = allInterfaces();
  if (found.list === null) println("error: " + found.error);
  return found.list;
}

function processName(list: processInterface.ListAnswer | null, pid: u64): string {
  if (list !== null) {
    for (let i = 0; i < list.pids.length; i++) if (list.pids[i] == pid) return list.names[i];
  }
  return "?";
}

function interfaceName(list: registry.ListAnswer, hash: StaticArray<u8>): string {
  for (let i = 0; i < list.interfaces.length; i++) {
    if (memory.compare(changetype<usize>(list.interfaces[i]), changetype<usize>(hash), 32) == 0) {
      return list.names[i].length > 0 ? list.names[i] : hex(hash, 8) + "...";
    }
  }
  return hex(hash, 8) + "...";
}

function ps(args: string[]): void {
  const long = args.includes("-l");
  const list = processes();
  if (list === null) return;
  const rows: string[][] = [long ? ["PID", "NAME", "STATE", "MEMORY", "FUEL", "KERNEL", "CID"] : ["PID", "NAME", "STATE", "MEMORY", "FUEL", "CID"]];
  for (let i = 0; i < list.pids.length; i++) {
    const cid = list.cids[i];
    const row = [list.pids[i].toString(), list.names[i], stateName(list.states[i]), bytes(list.memory[i]), list.fuel[i].toString()];
    if (long) row.push(list.kernelBytes[i].toString());
    row.push(long ? cid : cid.substring(0, 16) + "...");
    rows.push(row);
  }
  print(table(rows, long ? [0, 3, 4, 5] : [0, 3, 4]));
}

/** Starts a program by CID or boot module name; 0 after printing why it could not. */
function start(target: string, args: string[]): u64 {
  let payload: Uint8Array | null = null;
  if (looksLikeCid(target)) {
    const digest = digestOfCid(target);
    if (digest === null) {
      println("run: '" + target + "' is not a module CID");
      return 0;
    }
    const grants: StaticArray<u8>[] = [];
    const list = interfaces();
    if (list === null) return 0;
    for (let i = 0; i < list.names.length; i++) if (CID_GRANTS.includes(list.names[i])) grants.push(list.interfaces[i]);
    payload = ask(processInterface.INTERFACE, processInterface.encodeStart(digest, target.substring(0, 12), grants, args));
  } else {
    payload = ask(processInterface.INTERFACE, processInterface.encodeRun(target, args));
  }
  if (payload === null) return 0;
  const started = processInterface.decodeStartAnswer(payload);
  return started === null ? 0 : started.pid;
}

// The console answers this at the next Control-C typed while a program runs; one stays asked.
let interruptRequest: i64 = 0;

function reportEnd(target: string, ended: processInterface.WaitAnswer | null): void {
  if (ended === null) println("error: malformed wait answer");
  else if (ended.reason.length > 0) println(target + ": " + ended.reason);
  else if (ended.status != 0) println(target + ": exited with status " + ended.status.toString());
}

/** Waits for process `pid` to end; Control-C on the console ends it first. */
function waitFor(pid: u64, target: string): void {
  const waiting = request(processInterface.INTERFACE, processInterface.encodeWait(pid));
  if (waiting < 0) return;
  if (interruptRequest <= 0) interruptRequest = request(consoleInterface.INTERFACE, consoleInterface.encodeInterrupt());
  let interrupted = false;
  for (;;) {
    const event = nextEvent(interruptRequest > 0 ? [<u64>waiting, <u64>interruptRequest] : [<u64>waiting]);
    const answer = event.answer;
    if (answer === null) continue;
    if (event.answered == <u64>interruptRequest) {
      interruptRequest = request(consoleInterface.INTERFACE, consoleInterface.encodeInterrupt());
      interrupted = !answer.isError;
      if (interrupted) ask(processInterface.INTERFACE, processInterface.encodeKill(pid));
      continue;
    }
    if (interrupted) println("^C " + target + ": interrupted");
    else if (answer.isError) println("error: " + answer.error);
    else reportEnd(target, processInterface.decodeWaitAnswer(answer.payload));
    return;
  }
}

/** Runs a program in the foreground: waits for it and reports a status other than 0. */
export function runProgram(target: string, args: string[]): void {
  const background = args.length > 0 && args[args.length - 1] == "&";
  if (background) args.pop();
  const pid = start(target, args);
  if (pid == 0) return;
  if (background) println("[" + pid.toString() + "] " + target);
  else waitFor(pid, target);
}

function run(args: string[]): void {
  runProgram(args[0], args.slice(1));
}

function kill(args: string[]): void {
  const pid = parsePid(args[0]);
  if (pid == 0) println("kill: '" + args[0] + "' is not a process id");
  else ask(processInterface.INTERFACE, processInterface.encodeKill(pid));
}

function listInterfaces(args: string[]): void {
  const list = interfaces();
  if (list === null) return;
  const owners = processes();
  const rows: string[][] = [["NAME", "HANDLER", "HASH"]];
  for (let i = 0; i < list.interfaces.length; i++) {
    const pid = list.handlers[i];
    const handler = list.kernel[i] ? "kernel" : pid == 0 ? "-" : pid.toString() + " " + processName(owners, pid);
    rows.push([list.names[i].length > 0 ? list.names[i] : "?", handler, hex(list.interfaces[i], 32)]);
  }
  print(table(rows, []));
}

function grants(args: string[]): void {
  const pid = parsePid(args[0]);
  if (pid == 0) {
    println("grants: '" + args[0] + "' is not a process id");
    return;
  }
  const payload = ask(processInterface.INTERFACE, processInterface.encodeGrants(pid));
  const list = interfaces();
  if (payload === null || list === null) return;
  const granted = processInterface.decodeGrantsAnswer(payload);
  if (granted === null) return;
  const names: string[] = [];
  for (let i = 0; i < granted.interfaces.length; i++) names.push(interfaceName(list, granted.interfaces[i]));
  println(names.length > 0 ? names.sort().join(" ") : "(none)");
}

// The kernel heap, and the message pool processes draw on within it.
function mem(args: string[]): void {
  const payload = ask(system.INTERFACE, system.encodeMemory());
  if (payload === null) return;
  const m = system.decodeMemoryAnswer(payload);
  if (m === null) return;
  const rows = [
    ["", "TOTAL", "USED", "FREE"],
    ["physical", bytes(m.physicalTotal), bytes(m.physicalTotal - m.physicalFree), bytes(m.physicalFree)],
  ];
  if (m.highTotal > 0) rows.push(["above 4 GiB", bytes(m.highTotal), bytes(m.highTotal - m.highFree), bytes(m.highFree)]);
  rows.push(["kernel heap", bytes(m.heapMapped), bytes(m.heapUsed), bytes(m.heapMapped - m.heapUsed)]);
  rows.push(["message pool", bytes(m.poolLimit), bytes(m.poolHeld), bytes(m.poolLimit > m.poolHeld ? m.poolLimit - m.poolHeld : 0)]);
  print(table(rows, [1, 2, 3]));
}

function uptime(args: string[]): void {
  const payload = ask(time.INTERFACE, time.encodeNow());
  if (payload === null) return;
  const now = time.decodeNowAnswer(payload);
  if (now !== null) println("up " + duration(now.nanos));
}

function showLog(args: string[]): void {
  const level = args.length > 0 ? LEVELS.indexOf(args[0]) : 1;
  if (level < 0) {
    println("log: level is one of " + LEVELS.join(", "));
    return;
  }
  const payload = ask(kernelLog.INTERFACE, kernelLog.encodeRecent(<u8>level, LOG_LINES));
  if (payload === null) return;
  const recent = kernelLog.decodeRecentAnswer(payload);
  if (recent === null) return;
  if (recent.lines.length == 0) println("(no " + LEVELS[level] + " lines or worse)");
  for (let i = 0; i < recent.lines.length; i++) println(recent.lines[i]);
}

function reboot(args: string[]): void {
  const method = args.length > 0 ? REBOOT_METHODS.indexOf(args[0]) : 0;
  if (method <= 0 && args.length > 0) println("reboot: method is one of acpi, 8042, triple");
  else ask(power.INTERFACE, power.encodeReboot(<u8>method));
}

function poweroff(args: string[]): void {
  ask(power.INTERFACE, power.encodePoweroff());
}

function clear(args: string[]): void {
  print("\x1b[2J\x1b[H");
}

function echo(args: string[]): void {
  println(args.join(" "));
}

function lspci(args: string[]): void {
  runProgram("lspci", args);
}

function top(args: string[]): void {
  runProgram("top", args);
}

function help(args: string[]): void {
  const rows: string[][] = [];
  for (let i = 0; i < COMMANDS.length; i++) rows.push([COMMANDS[i].usage, COMMANDS[i].summary]);
  print(table(rows, []));
}

COMMANDS.push(new Command("help", "help", "this list", help));
COMMANDS.push(new Command("ps", "ps [-l]", "processes: CID, name, state, memory, fuel used (-l: kernel memory account, whole CIDs)", ps));
COMMANDS.push(new Command("run", "run <cid|name> [args] [&]", "run a program and wait for it (Control-C ends it; & : do not wait)", run));
COMMANDS.push(new Command("kill", "kill <pid>", "end a process", kill));
COMMANDS.push(new Command("interfaces", "interfaces", "every interface with its handler and hash", listInterfaces));
COMMANDS.push(new Command("grants", "grants <pid>", "the interfaces a process may use", grants));
COMMANDS.push(new Command("lspci", "lspci", "PCI devices with their names", lspci));
COMMANDS.push(new Command("top", "top", "processes, live (q quits)", top));
COMMANDS.push(new Command("mem", "mem", "physical memory, kernel heap and its message pool", mem));
COMMANDS.push(new Command("uptime", "uptime", "time since boot", uptime));
COMMANDS.push(new Command("log", "log [debug|info|warn|error]", "recent kernel log lines of at least that level", showLog));
COMMANDS.push(new Command("echo", "echo [words]", "print the words", echo));
COMMANDS.push(new Command("clear", "clear", "clear the screen", clear));
COMMANDS.push(new Command("reboot", "reboot [acpi|8042|triple]", "restart the machine", reboot));
COMMANDS.push(new Command("poweroff", "poweroff", "turn the machine off", poweroff));

/** How many words each command needs at least (its usage's <required> parts). */
export function requiredWords(command: Command): i32 {
  let count = 0;
  for (let at = command.usage.indexOf("<"); at >= 0; at = command.usage.indexOf("<", at + 1)) count++;
  return count;
}
