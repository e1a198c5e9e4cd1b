// The Root System Description Pointer: where the ACPI tables begin. GRUB
// hands over a copy in the multiboot2 info; without one (or with a broken
// one) the kernel searches where the ACPI spec says BIOS machines keep it:
// the first KiB of the EBDA, then 0xE0000-0xFFFFF on 16-byte boundaries.
import { peek8, peek16 } from "../arch/hw";
import * as log from "../console/log";

const V1_LENGTH: i32 = 20;
const V2_LENGTH: i32 = 36;
const SIGNATURE = "RSD PTR ";
const EBDA_SEGMENT_POINTER: u64 = 0x40e;
const EBDA_SEARCH_LENGTH: u64 = 1024;
const BIOS_AREA_START: u64 = 0xe0000;
const BIOS_AREA_END: u64 = 0x100000;
/** Where an EBDA can plausibly start: below the 640 KiB line. */
const EBDA_LOWEST: u64 = 0x80000;
const EBDA_HIGHEST: u64 = 0xa0000;

export class Rsdp {
  /** Where it was found; 0 for the boot loader's copy. */
  address: u64 = 0;
  revision: u32 = 0;
  oemId: string = "";
  rsdt: u64 = 0;
  /** Zero unless revision >= 2 and the extended checksum holds. */
  xsdt: u64 = 0;
  bytes: Uint8Array = new Uint8Array(0);
}

function sum(bytes: Uint8Array, length: i32): u32 {
  let total: u32 = 0;
  for (let i = 0; i < length; i++) total += bytes[i];
  return total & 0xff;
}

function readU32(bytes: Uint8Array, offset: i32): u64 {
  return <u64>bytes[offset] | (<u64>bytes[offset + 1] << 8) | (<u64>bytes[offset + 2] << 16) | (<u64>bytes[offset + 3] << 24);
}

/** Parses candidate bytes; "" on success, else what is wrong. */
function parse(bytes: Uint8Array, rsdp: Rsdp): string {
  if (bytes.length < V1_LENGTH) return "only " + bytes.length.toString() + " bytes";
  for (let i = 0; i < 8; i++) if (bytes[i] != <u8>SIGNATURE.charCodeAt(i)) return "no 'RSD PTR ' signature";
  if (sum(bytes, V1_LENGTH) != 0) return "bad checksum";
  rsdp.revision = bytes[15];
  rsdp.rsdt = readU32(bytes, 16);
  rsdp.bytes = bytes;
  let oem = "";
  for (let i = 9; i < 15; i++) oem += String.fromCharCode(bytes[i]);
  rsdp.oemId = oem.trimEnd();
  if (rsdp.revision >= 2) readExtended(bytes, rsdp);
  return "";
}

// ACPI 2.0 adds the 64-bit XSDT address, covered by a second checksum.
function readExtended(bytes: Uint8Array, rsdp: Rsdp): void {
  const length = <i32>readU32(bytes, 20);
  if (length < V2_LENGTH || length > bytes.length || sum(bytes, length) != 0) {
    log.warn("ACPI: RSDP v2 extension is truncated or fails its checksum; using the RSDT");
    return;
  }
  rsdp.xsdt = readU32(bytes, 24) | (readU32(bytes, 28) << 32);
  rsdp.bytes = bytes.slice(0, length);
}

function copyPhysical(address: u64, length: i32): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = <u8>peek8(address + <u64>i);
  return bytes;
}

function scan(start: u64, end: u64): Rsdp | null {
  for (let at = start; at + <u64>V1_LENGTH <= end; at += 16) {
    if (peek8(at) != 0x52) continue; // 'R': most candidates stop here
    const rsdp = new Rsdp();
    if (parse(copyPhysical(at, V2_LENGTH), rsdp).length == 0) {
      rsdp.address = at;
      return rsdp;
    }
  }
  return null;
}

function scanFirmwareAreas(): Rsdp | null {
  const ebda = <u64>peek16(EBDA_SEGMENT_POINTER) << 4;
  if (ebda >= EBDA_LOWEST && ebda < EBDA_HIGHEST) {
    const found = scan(ebda, ebda + EBDA_SEARCH_LENGTH);
    if (found != null) return found;
  }
  return scan(BIOS_AREA_START, BIOS_AREA_END);
}

/** The boot loader's copy when it is valid, else the firmware areas' one. */
export function findRsdp(fromBootLoader: Uint8Array | null): Rsdp | null {
  if (fromBootLoader != null) {
    const rsdp = new Rsdp();
    const problem = parse(fromBootLoader, rsdp);
    if (problem.length == 0) return rsdp;
    log.warn("ACPI: the boot loader's RSDP is unusable (" + problem + "); searching the BIOS areas");
  }
  return scanFirmwareAreas();
}
