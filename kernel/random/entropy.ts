// Where the generator's seed comes from: RDSEED (the CPU's entropy source
// itself) or RDRAND (its DRBG) when CPUID offers them. Without either, the
// fallback is jitter: the low bits of TSC deltas across slow port reads,
// which is weak (documented in docs/architecture.md) but not constant.
import { cpuid, inb, rdrand, rdtsc } from "../arch/hw";

const RDRAND_ECX: u32 = 1 << 30;
const RDSEED_EBX: u32 = 1 << 18;
/** Each instruction may fail transiently; Intel suggests 10 retries. */
const RETRIES = 10;
const JITTER_SAMPLES_PER_BYTE = 8;
const SLOW_PORT: u32 = 0x80;

export const enum Source {
  Jitter = 0,
  Rdrand = 1,
  Rdseed = 2,
}

const regs = memory.data(16, 4);
const value = memory.data(8, 8);

export function bestSource(): Source {
  cpuid(0, 0, regs);
  const maxLeaf = load<u32>(regs);
  if (maxLeaf >= 7) {
    cpuid(7, 0, regs);
    if (load<u32>(regs, 4) & RDSEED_EBX) return Source.Rdseed;
  }
  cpuid(1, 0, regs);
  return load<u32>(regs, 8) & RDRAND_ECX ? Source.Rdrand : Source.Jitter;
}

export function sourceName(source: Source): string {
  return source == Source.Rdseed ? "RDSEED" : source == Source.Rdrand ? "RDRAND" : "TSC jitter (no RDSEED or RDRAND; weaker)";
}

/** A word from RDSEED/RDRAND at `value`; false when the instruction kept failing. */
function hardwareWord(seed: bool): bool {
  for (let i = 0; i < RETRIES; i++) if (rdrand(seed, value)) return true;
  return false;
}

function jitterByte(): u8 {
  let mixed: u64 = 0;
  for (let i = 0; i < JITTER_SAMPLES_PER_BYTE; i++) {
    const before = rdtsc();
    inb(SLOW_PORT);
    mixed = rotl<u64>(mixed, 5) ^ (rdtsc() - before);
  }
  return <u8>(mixed ^ (mixed >> 8) ^ (mixed >> 16));
}

/**
 * Fills `length` bytes at `out` from `source`; a word the hardware will not
 * give (the instruction failing every retry) comes from jitter instead of
 * being left as zeros.
 */
export function gatherEntropy(source: Source, out: usize, length: i32): void {
  for (let i = 0; i < length; i += 8) {
    const hardware = source != Source.Jitter && hardwareWord(source == Source.Rdseed);
    const word = hardware ? load<u64>(value) : 0;
    for (let b = 0; b < 8 && i + b < length; b++) {
      store<u8>(out + <usize>(i + b), hardware ? <u8>(word >> (<u64>b * 8)) : jitterByte());
    }
  }
}
