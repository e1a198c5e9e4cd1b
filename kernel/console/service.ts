// The "kernel-log" interface (interfaces/kernel-log.interface): a line on
// the kernel console, the record of recent lines, and raw output to the
// serial port for a console module.
import * as kernelLog from "../../interfaces/as/generated/kernel-log";
import { Message } from "../ipc/message";
import { KERNEL_LOG_INTERFACE } from "../ipc/interfaces.generated";
import { KernelService } from "../ipc/kernel-service";
import { kernelAnswer, kernelRefuse, refuseMalformed } from "../ipc/router";
import { Process } from "../ipc/process";
import { logLine, Level } from "./log";
import { recentLines } from "./recent";
import { serialWriteByte } from "./serial";

/** print() takes at most this many bytes a message, so one process cannot hold the serial port for long. */
const MAX_PRINT_BYTES: u32 = 16 << 10;
const EMPTY = new Uint8Array(0);

function handleKernelLog(sender: Process, m: Message): void {
  const p = m.payload;
  const ordinal = p.length > 0 ? p[0] : 0xff;
  if (ordinal == kernelLog.WRITE) write(sender, m, kernelLog.decodeWrite(p));
  else if (ordinal == kernelLog.RECENT) recent(sender, m, kernelLog.decodeRecent(p));
  else if (ordinal == kernelLog.PRINT) print(sender, m, p);
  else refuseMalformed(sender, m, "kernel-log");
}

/** The line goes to the kernel log, tagged with the sender. */
function write(sender: Process, m: Message, request: kernelLog.Write | null): void {
  if (request === null || request.level > <u8>Level.Error) {
    refuseMalformed(sender, m, "kernel-log");
    return;
  }
  logLine(<Level>request.level, sender.name + ": " + request.text);
  kernelAnswer(sender, m, false, EMPTY);
}

function recent(sender: Process, m: Message, request: kernelLog.Recent | null): void {
  if (request === null) {
    refuseMalformed(sender, m, "kernel-log");
    return;
  }
  const found = recentLines(<i32>request.level, request.count);
  kernelAnswer(sender, m, false, kernelLog.encodeRecentAnswer(found.levels, found.lines));
}

// The bytes go out as they came (a console module's escape sequences and
// all), so they are taken from the payload rather than decoded as a string.
function print(sender: Process, m: Message, p: Uint8Array): void {
  const at = kernelLog.PRINT_TEXT_AT;
  const length = p.length >= <i32>at + 4 ? load<u32>(p.dataStart + at) : 0;
  if (p.length < <i32>at + 4 || <u64>at + 4 + length != <u64>p.length) {
    refuseMalformed(sender, m, "kernel-log");
    return;
  }
  if (length > MAX_PRINT_BYTES) {
    kernelRefuse(sender, m, "print takes at most " + MAX_PRINT_BYTES.toString() + " bytes a message");
    return;
  }
  for (let i: u32 = 0; i < length; i++) serialWriteByte(load<u8>(p.dataStart + at + 4 + i));
  kernelAnswer(sender, m, false, EMPTY);
}

export const service = new KernelService(KERNEL_LOG_INTERFACE, handleKernelLog);
