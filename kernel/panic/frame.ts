// The register frame boot/interrupts.S saves: fifteen general registers,
// then vector and error code, then what the CPU pushed.
import { peek64 } from "../arch/hw";

export const enum Frame {
  Rax = 0, Rbx, Rcx, Rdx, Rsi, Rdi, Rbp, R8, R9, R10, R11, R12, R13, R14, R15,
  Vector, ErrorCode, Rip, Cs, Rflags, Rsp, Ss,
}

export const FRAME_WORDS = 22;

export const REGISTER_NAMES: StaticArray<string> = [
  "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", " r8",
  " r9", "r10", "r11", "r12", "r13", "r14", "r15", "vec",
  "err", "rip", " cs", "rfl", "rsp", " ss",
];

export function frameWord(frame: u64, word: i32): u64 {
  return peek64(frame + <u64>word * 8);
}
