// What the CPU says about itself through CPUID.
import { cpuid } from "./hw";

const regs = memory.data(16, 4);

function appendRegisters(text: string): string {
  for (let r = 0; r < 4; r++) {
    for (let b = 0; b < 4; b++) {
      const c = load<u8>(regs + r * 4 + b);
      if (c != 0) text += String.fromCharCode(c);
    }
  }
  return text;
}

/** The processor brand string, or the vendor when there is none. */
export function cpuName(): string {
  cpuid(0x80000000, 0, regs);
  if (load<u32>(regs) >= 0x80000004) {
    let brand = "";
    for (let leaf: u32 = 0x80000002; leaf <= 0x80000004; leaf++) {
      cpuid(leaf, 0, regs);
      brand = appendRegisters(brand);
    }
    return brand.trim();
  }
  cpuid(0, 0, regs);
  // The vendor string is ebx, edx, ecx in that order.
  let vendor = "";
  for (let i = 0; i < 3; i++) {
    const reg = i == 0 ? 1 : i == 1 ? 3 : 2;
    for (let b = 0; b < 4; b++) vendor += String.fromCharCode(load<u8>(regs + reg * 4 + b));
  }
  return vendor;
}
