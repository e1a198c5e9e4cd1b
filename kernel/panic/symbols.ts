// Naming a code address for the panic dump. The image builder passes the
// kernel's symbol table as the boot module "symbols": one "hexaddress name"
// line per function (tools/build/mksyms.ts). The lookup reads the module in
// place and allocates nothing, so it works during a panic; lines that are
// not "hex space printable-name" are skipped, so a damaged table cannot
// make the dump print garbage.
import { peek8 } from "../arch/hw";
import { write, writeCodePoint, writeHex } from "../console/output";

const MAX_NAME = 120;

let tableStart: u64 = 0;
let tableEnd: u64 = 0;
let matchAddress: u64 = 0;

export function setSymbolTable(start: u64, end: u64): void {
  tableStart = start;
  tableEnd = end;
}

function hexDigit(c: u32): i32 {
  if (c >= 0x30 && c <= 0x39) return <i32>c - 0x30;
  if (c >= 0x61 && c <= 0x66) return <i32>c - 0x61 + 10;
  return -1;
}

function isNameChar(c: u32): bool {
  return c > 0x20 && c < 0x7f;
}

function lineEnd(at: u64): u64 {
  while (at < tableEnd && peek8(at) != 0x0a) at++;
  return at;
}

// Position of the name of the closest symbol at or below `address` (0 when
// there is none); its address is left in matchAddress.
function findSymbol(address: u64): u64 {
  let best: u64 = 0;
  matchAddress = 0;
  for (let at = tableStart; at < tableEnd; at = lineEnd(at) + 1) {
    let value: u64 = 0;
    let digits = 0;
    for (; at < tableEnd && hexDigit(peek8(at)) >= 0 && digits <= 16; at++, digits++) {
      value = (value << 4) | <u64>hexDigit(peek8(at));
    }
    const wellFormed = digits > 0 && digits <= 16 && at + 1 < tableEnd && peek8(at) == 0x20 && isNameChar(peek8(at + 1));
    if (wellFormed && value <= address && value >= matchAddress) {
      matchAddress = value;
      best = at + 1;
    }
  }
  return best;
}

/** Writes "name+0xoffset" for `address`, or "?" without a matching symbol. */
export function writeSymbol(address: u64): void {
  const name = findSymbol(address);
  if (name == 0) {
    writeCodePoint(0x3f);
    return;
  }
  for (let at = name; at < tableEnd && at < name + MAX_NAME && isNameChar(peek8(at)); at++) writeCodePoint(peek8(at));
  write("+0x");
  writeHex(address - matchAddress);
}
