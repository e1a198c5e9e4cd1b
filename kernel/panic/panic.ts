// The one panic path. A CPU exception, a wasm2c trap inside the kernel and
// an AssemblyScript abort all end here: a red dump on every console, then
// the CPU stops (or, in test mode, QEMU exits with EXIT_PANIC). Nothing on
// this path allocates, since the heap may be what failed.
import { halt, peek64, readCr } from "../arch/hw";
import { EXIT_PANIC, qemuExit } from "../arch/power";
import { Colour } from "../console/colour";
import { setColour, write, writeCodePoint, writeDecimal, writeHex } from "../console/output";
import { FRAME_WORDS, Frame, frameWord, REGISTER_NAMES } from "./frame";
import { writeSymbol } from "./symbols";
import { isStackOverflow } from "../mem/stack-guard";

let exitQemuOnPanic = false;
let panicking = false;

export function setExitOnPanic(exit: bool): void {
  exitQemuOnPanic = exit;
}

function begin(): void {
  setColour(Colour.LightRed);
  if (panicking) {
    write("\nPANIC while panicking; stopping\n");
    stop();
  }
  panicking = true;
  write("\n*** KERNEL PANIC *** ");
}

function stop(): void {
  setColour(Colour.LightGrey);
  if (exitQemuOnPanic) qemuExit(EXIT_PANIC);
  halt();
}

export function panic(message: string): void {
  begin();
  write(message);
  writeCodePoint(0x0a);
  stop();
}

/** AssemblyScript's abort (asconfig "use": abort=...): assertion failures, OOM. */
export function abortHandler(message: string | null, file: string | null, line: u32, column: u32): void {
  begin();
  write("abort: ");
  write(message != null ? message : "(no message)");
  write(" at ");
  write(file != null ? file : "?");
  writeCodePoint(0x3a);
  writeDecimal(line);
  writeCodePoint(0x3a);
  writeDecimal(column);
  writeCodePoint(0x0a);
  stop();
}

const TRAP_NAMES: StaticArray<string> = [
  "no trap",
  "out of bounds memory access",
  "integer overflow",
  "integer divide by zero",
  "invalid conversion to integer",
  "unreachable executed",
  "indirect call type mismatch",
  "uncaught exception",
  "call stack exhausted",
];

/** A wasm2c trap in kernel code; `address` is the trapping call site. */
export function trapHandler(code: u32, address: u64): void {
  begin();
  write("wasm trap: ");
  write(code < <u32>TRAP_NAMES.length ? TRAP_NAMES[code] : "unknown trap");
  write(" in ");
  writeSymbol(address);
  writeCodePoint(0x0a);
  stop();
}

const EXCEPTIONS: StaticArray<string> = [
  "divide error (#DE)", "debug (#DB)", "non-maskable interrupt (NMI)", "breakpoint (#BP)",
  "overflow (#OF)", "bound range exceeded (#BR)", "invalid opcode (#UD)", "device not available (#NM)",
  "double fault (#DF)", "coprocessor segment overrun", "invalid TSS (#TS)", "segment not present (#NP)",
  "stack-segment fault (#SS)", "general protection fault (#GP)", "page fault (#PF)", "reserved (15)",
  "x87 floating-point error (#MF)", "alignment check (#AC)", "machine check (#MC)", "SIMD floating-point error (#XM)",
  "virtualization exception (#VE)", "control protection (#CP)", "reserved (22)", "reserved (23)",
  "reserved (24)", "reserved (25)", "reserved (26)", "reserved (27)",
  "hypervisor injection (#HV)", "VMM communication (#VC)", "security exception (#SX)", "reserved (31)",
];

const BACKTRACE_DEPTH = 16;
// An overflow's page fault usually becomes a double fault: its frame cannot be pushed either.
const DOUBLE_FAULT: u64 = 8;
const PAGE_FAULT: u64 = 14;

/** A CPU exception; `frame` is the register frame saved by isr_common. */
export function exceptionHandler(frame: u64): void {
  begin();
  const vector = frameWord(frame, Frame.Vector);
  if ((vector == PAGE_FAULT || vector == DOUBLE_FAULT) && isStackOverflow(readCr(2))) write("kernel stack overflow: ");
  write(vector < 32 ? EXCEPTIONS[<i32>vector] : "unknown exception");
  write(", vector ");
  writeDecimal(vector);
  write(", error code 0x");
  writeHex(frameWord(frame, Frame.ErrorCode));
  write("\n  at ");
  writeSymbol(frameWord(frame, Frame.Rip));
  writeCodePoint(0x0a);
  writeRegisters(frame);
  writeBacktrace(frameWord(frame, Frame.Rbp));
  stop();
}

function writeRegisters(frame: u64): void {
  for (let i = 0; i < FRAME_WORDS; i++) {
    write(i % 4 == 0 ? "  " : " ");
    write(REGISTER_NAMES[i]);
    write(" 0x");
    writeHex(frameWord(frame, i), 16);
    if (i % 4 == 3 || i == FRAME_WORDS - 1) writeCodePoint(0x0a);
  }
  write("  cr0 0x");
  writeHex(readCr(0), 16);
  write(" cr2 0x");
  writeHex(readCr(2), 16);
  write(" cr3 0x");
  writeHex(readCr(3), 16);
  write(" cr4 0x");
  writeHex(readCr(4), 16);
  writeCodePoint(0x0a);
}

// Follows saved frame pointers (the C is built with -fno-omit-frame-pointer);
// stops at a pointer outside the identity map or out of order.
function writeBacktrace(rbp: u64): void {
  write("  backtrace:\n");
  for (let depth = 0; depth < BACKTRACE_DEPTH; depth++) {
    if (rbp == 0 || rbp & 7 || rbp >= (<u64>4 << 30)) return;
    const returnAddress = peek64(rbp + 8);
    if (returnAddress == 0) return;
    write("    0x");
    writeHex(returnAddress, 16);
    writeCodePoint(0x20);
    writeSymbol(returnAddress);
    writeCodePoint(0x0a);
    const next = peek64(rbp);
    if (next <= rbp) return;
    rbp = next;
  }
}
