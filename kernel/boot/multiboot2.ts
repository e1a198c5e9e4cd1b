// Multiboot2 boot information: everything the kernel needs from GRUB is
// copied out of the info block here, before any memory is handed out (GRUB
// may place the block anywhere, even in padding between our sections).
// Malformed input never faults: each tag is bounds-checked against the
// block's total size and a problem is recorded in `errors`.
import { peek8, peek32, peek64 } from "../arch/hw";

export const BOOT_MAGIC: u32 = 0x36d76289;

const TAG_END: u32 = 0;
const TAG_CMDLINE: u32 = 1;
const TAG_LOADER_NAME: u32 = 2;
const TAG_MODULE: u32 = 3;
const TAG_BASIC_MEMINFO: u32 = 4;
const TAG_MMAP: u32 = 6;
const TAG_FRAMEBUFFER: u32 = 8;
const TAG_EFI32: u32 = 11;
const TAG_EFI64: u32 = 12;
const TAG_ACPI_OLD: u32 = 14;
const TAG_ACPI_NEW: u32 = 15;
const TAG_HEADER_SIZE: u32 = 8;
// More than this is not a boot info GRUB wrote.
const MAX_TOTAL_SIZE: u32 = 1 << 20;
const MAX_FRAMEBUFFER_SIDE: u32 = 16384;
const IDENTITY_MAPPED: u64 = 4 << 30;

export const enum MemoryType {
  Available = 1,
  Reserved = 2,
  AcpiReclaimable = 3,
  AcpiNvs = 4,
  Defective = 5,
}

export class MemoryRegion {
  constructor(public base: u64, public length: u64, public type: u32) {}
  get end(): u64 {
    return this.base + this.length;
  }
}

export class BootModule {
  /** Content identifier of the module's bytes, filled in once they are hashed. */
  cid: string = "";
  constructor(public start: u64, public end: u64, public name: string) {}
}

export const enum FramebufferType {
  Indexed = 0,
  Rgb = 1,
  EgaText = 2,
}

export class FramebufferInfo {
  redShift: u32 = 0;
  redBits: u32 = 0;
  greenShift: u32 = 0;
  greenBits: u32 = 0;
  blueShift: u32 = 0;
  blueBits: u32 = 0;
  constructor(
    public address: u64,
    public pitch: u32,
    public width: u32,
    public height: u32,
    public bitsPerPixel: u32,
    public type: u32,
  ) {}
}

export class BootInfo {
  start: u64 = 0;
  end: u64 = 0;
  commandLine: string = "";
  loaderName: string = "";
  modules: BootModule[] = [];
  memoryMap: MemoryRegion[] = [];
  memLowerKiB: u32 = 0;
  memUpperKiB: u32 = 0;
  framebuffer: FramebufferInfo | null = null;
  /** The RSDP bytes as GRUB copied them (20 bytes for v1, 36+ for v2). */
  rsdp: Uint8Array | null = null;
  rsdpVersion: u32 = 0;
  efi: bool = false;
  errors: string[] = [];

  module(name: string): BootModule | null {
    for (let i = 0; i < this.modules.length; i++) {
      if (this.modules[i].name == name) return this.modules[i];
    }
    return null;
  }
}

/** Reads the info block at `address`; check `errors` for what was skipped. */
export function parseBootInfo(address: u64): BootInfo {
  const info = new BootInfo();
  info.start = address;
  if (address == 0 || address & 7) {
    info.errors.push("boot info address 0x" + address.toString(16) + " is not 8-byte aligned");
    return info;
  }
  const total = peek32(address);
  if (total < 16 || total > MAX_TOTAL_SIZE) {
    info.errors.push("boot info total size " + total.toString() + " is implausible");
    return info;
  }
  info.end = address + total;
  let at = address + 8;
  let sawEnd = false;
  while (at + TAG_HEADER_SIZE <= info.end) {
    const type = peek32(at);
    const size = peek32(at + 4);
    if (size < TAG_HEADER_SIZE || at + size > info.end) {
      info.errors.push("tag " + type.toString() + " at offset " + (at - address).toString() + " has size " + size.toString() + " past the end of the boot info");
      break;
    }
    if (type == TAG_END) {
      sawEnd = true;
      break;
    }
    readTag(info, type, at, size);
    at += (<u64>size + 7) & ~7;
  }
  if (!sawEnd) info.errors.push("boot info has no end tag");
  return info;
}

function readTag(info: BootInfo, type: u32, at: u64, size: u32): void {
  if (type == TAG_CMDLINE) info.commandLine = readString(info, at + 8, at + size);
  else if (type == TAG_LOADER_NAME) info.loaderName = readString(info, at + 8, at + size);
  else if (type == TAG_MODULE) readModule(info, at, size);
  else if (type == TAG_BASIC_MEMINFO && size >= 16) {
    info.memLowerKiB = peek32(at + 8);
    info.memUpperKiB = peek32(at + 12);
  } else if (type == TAG_MMAP) readMemoryMap(info, at, size);
  else if (type == TAG_FRAMEBUFFER) readFramebuffer(info, at, size);
  else if (type == TAG_ACPI_OLD || type == TAG_ACPI_NEW) readRsdp(info, type, at, size);
  else if (type == TAG_EFI32 || type == TAG_EFI64) info.efi = true;
}

// Strings are NUL-terminated inside their tag; a missing NUL is an error and
// the text up to the tag's end is kept.
function readString(info: BootInfo, from: u64, end: u64): string {
  let text = "";
  for (let at = from; at < end; at++) {
    const c = peek8(at);
    if (c == 0) return text;
    text += String.fromCharCode(c);
  }
  info.errors.push("unterminated string in boot info at 0x" + from.toString(16));
  return text;
}

function readModule(info: BootInfo, at: u64, size: u32): void {
  if (size < 17) {
    info.errors.push("module tag too short (" + size.toString() + " bytes)");
    return;
  }
  const start = <u64>peek32(at + 8);
  const end = <u64>peek32(at + 12);
  const name = readString(info, at + 16, at + size);
  if (end < start) {
    info.errors.push("module '" + name + "' ends before it starts");
    return;
  }
  info.modules.push(new BootModule(start, end, name));
}

function readMemoryMap(info: BootInfo, at: u64, size: u32): void {
  if (size < 16) {
    info.errors.push("memory map tag too short");
    return;
  }
  const entrySize = peek32(at + 8);
  if (entrySize < 24 || entrySize & 7) {
    info.errors.push("memory map entry size " + entrySize.toString() + " is invalid");
    return;
  }
  for (let e = at + 16; e + entrySize <= at + size; e += entrySize) {
    const base = peek64(e);
    const length = peek64(e + 8);
    const type = peek32(e + 16);
    if (length == 0) continue;
    if (base + length < base) {
      info.errors.push("memory region at 0x" + base.toString(16) + " wraps around");
      continue;
    }
    info.memoryMap.push(new MemoryRegion(base, length, type));
  }
}

function readFramebuffer(info: BootInfo, at: u64, size: u32): void {
  if (size < 32) {
    info.errors.push("framebuffer tag too short");
    return;
  }
  const fb = new FramebufferInfo(peek64(at + 8), peek32(at + 16), peek32(at + 20), peek32(at + 24), peek8(at + 28), peek8(at + 29));
  if (fb.type == FramebufferType.Rgb) {
    if (size < 38) {
      info.errors.push("RGB framebuffer tag lacks its colour layout");
      return;
    }
    fb.redShift = peek8(at + 32);
    fb.redBits = peek8(at + 33);
    fb.greenShift = peek8(at + 34);
    fb.greenBits = peek8(at + 35);
    fb.blueShift = peek8(at + 36);
    fb.blueBits = peek8(at + 37);
  }
  const problem = framebufferProblem(fb);
  if (problem.length > 0) info.errors.push("framebuffer ignored: " + problem);
  else info.framebuffer = fb;
}

// The console writes wherever the tag points, so its geometry must describe
// a plausible display inside the identity-mapped first 4 GiB.
function framebufferProblem(fb: FramebufferInfo): string {
  const text = fb.type == FramebufferType.EgaText;
  const bytesPerCell: u64 = text ? 2 : (<u64>fb.bitsPerPixel + 7) >> 3;
  if (fb.width == 0 || fb.height == 0 || fb.width > MAX_FRAMEBUFFER_SIDE || fb.height > MAX_FRAMEBUFFER_SIDE) {
    return "size " + fb.width.toString() + "x" + fb.height.toString() + " is implausible";
  }
  if (bytesPerCell == 0 || <u64>fb.pitch < <u64>fb.width * bytesPerCell) return "pitch " + fb.pitch.toString() + " is shorter than a line";
  const end = fb.address + <u64>fb.pitch * fb.height;
  if (fb.address == 0 || end > IDENTITY_MAPPED) return "memory at 0x" + fb.address.toString(16) + " is outside the first 4 GiB";
  return "";
}

function readRsdp(info: BootInfo, type: u32, at: u64, size: u32): void {
  const length = size - 8;
  const version: u32 = type == TAG_ACPI_NEW ? 2 : 1;
  if (length < 20) {
    info.errors.push("ACPI RSDP tag too short");
    return;
  }
  // Prefer the v2 copy when GRUB gives both.
  if (version < info.rsdpVersion) return;
  const bytes = new Uint8Array(length);
  for (let i: u32 = 0; i < length; i++) bytes[i] = <u8>peek8(at + 8 + i);
  info.rsdp = bytes;
  info.rsdpVersion = version;
}

