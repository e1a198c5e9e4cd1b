// Naming a code address for the panic dump. The image builder passes the
// kernel's symbol table as the boot module "symbols": one "hexaddress name"
// line per function (tools/mksyms.ts). The lookup reads the module in place
// and allocates nothing, so it works during a panic.
import { peek8 } from "../arch/hw";
import { write, writeCodePoint, writeHex } from "../console/output";

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

// Position of the name of the closest symbol at or below `address` (0 when
// there is none); its address is left in matchAddress.
function findSymbol(address: u64): u64 {
  let best: u64 = 0;
  matchAddress = 0;
  let at = tableStart;
  while (at < tableEnd) {
    let value: u64 = 0;
    for (let digit = hexDigit(peek8(at)); digit >= 0 && at < tableEnd; digit = hexDigit(peek8(++at))) {
      value = (value << 4) | <u64>digit;
    }
    if (value <= address && value >= matchAddress) {
      matchAddress = value;
      best = at + 1;
    }
    while (at < tableEnd && peek8(at) != 0x0a) at++;
    at++;
  }
  return best;
}

/** Writes "name+0xoffset" for `address`, or "?" without a symbol table. */
export function writeSymbol(address: u64): void {
  const name = findSymbol(address);
  if (name == 0) {
    writeCodePoint(0x3f);
    return;
  }
  for (let at = name; at < tableEnd && peek8(at) != 0x0a; at++) writeCodePoint(peek8(at));
  write("+0x");
  writeHex(address - matchAddress);
}
