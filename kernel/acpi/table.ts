// An ACPI system description table in physical memory: the common 36-byte
// header, the checksum, and reads that never leave the table. Every table
// the kernel parses is loaded through loadTable, which refuses (with a
// logged warning) anything that is not where it claims to be.
import { peek8 } from "../arch/hw";
import * as log from "../console/log";

export const HEADER_SIZE: u32 = 36;
/** Longer than this is corruption: the largest real DSDTs are a few hundred KiB. */
const MAX_LENGTH: u32 = 4 << 20;
/** Only the first 4 GiB are identity-mapped. */
const MAPPED_LIMIT: u64 = 0x1_0000_0000;

export class Table {
  constructor(public signature: string, public address: u64, public length: u32, public revision: u32) {}

  /** Little-endian read of `size` bytes at `offset`; bytes past the end read as 0. */
  read(offset: u32, size: u32): u64 {
    let value: u64 = 0;
    for (let i = size; i > 0; i--) {
      const at = offset + i - 1;
      value = (value << 8) | (at < this.length ? <u64>peek8(this.address + at) : 0);
    }
    return value;
  }

  u8(offset: u32): u32 {
    return <u32>this.read(offset, 1);
  }
  u16(offset: u32): u32 {
    return <u32>this.read(offset, 2);
  }
  u32(offset: u32): u32 {
    return <u32>this.read(offset, 4);
  }
  u64(offset: u32): u64 {
    return this.read(offset, 8);
  }
}

export function readText(address: u64, length: u32): string {
  let text = "";
  for (let i: u32 = 0; i < length; i++) {
    const c = peek8(address + i);
    text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "?";
  }
  return text;
}

/** The sum of `length` bytes modulo 256: zero for a valid ACPI structure. */
export function checksum(address: u64, length: u32): u32 {
  let sum: u32 = 0;
  for (let i: u32 = 0; i < length; i++) sum += peek8(address + i);
  return sum & 0xff;
}

export function isMapped(address: u64, length: u64): bool {
  return address != 0 && address < MAPPED_LIMIT && length <= MAPPED_LIMIT - address;
}

function hex(value: u64): string {
  return "0x" + value.toString(16);
}

/**
 * The table at `address`, or null with a warning when it is unmapped, too
 * short or long, has the wrong signature (`expected` "" accepts any), or
 * fails its checksum.
 */
export function loadTable(address: u64, expected: string, from: string): Table | null {
  const what = (expected.length > 0 ? expected : "table") + " at " + hex(address) + " (from " + from + ")";
  if (!isMapped(address, HEADER_SIZE)) {
    log.warn("ACPI: " + what + " is outside the first 4 GiB; ignored");
    return null;
  }
  const signature = readText(address, 4);
  if (expected.length > 0 && signature != expected) {
    log.warn("ACPI: " + what + " has signature '" + signature + "'; ignored");
    return null;
  }
  const length = new Table(signature, address, HEADER_SIZE, 0).u32(4);
  if (length < HEADER_SIZE || length > MAX_LENGTH || !isMapped(address, length)) {
    log.warn("ACPI: " + signature + " at " + hex(address) + " has implausible length " + length.toString() + "; ignored");
    return null;
  }
  if (checksum(address, length) != 0) {
    log.warn("ACPI: " + signature + " at " + hex(address) + " has a bad checksum; ignored");
    return null;
  }
  return new Table(signature, address, length, peek8(address + 8));
}
