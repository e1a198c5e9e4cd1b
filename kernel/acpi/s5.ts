// The sleep type values for S5 (soft off) live in AML, as the DSDT's
// Name(_S5_, Package() { SLP_TYPa, SLP_TYPb, ... }). Rather than run an AML
// interpreter, the kernel finds that one definition by its byte pattern,
// the way most small kernels do: NameOp '_S5_' PackageOp.
import { Table } from "./table";

const NAME_OP: u32 = 0x08;
const ROOT_PREFIX: u32 = 0x5c; // '\'
const PACKAGE_OP: u32 = 0x12;
const ZERO_OP: u32 = 0x00;
const ONE_OP: u32 = 0x01;
const BYTE_PREFIX: u32 = 0x0a;
const WORD_PREFIX: u32 = 0x0b;
const DWORD_PREFIX: u32 = 0x0c;
const SLEEP_TYPE_MASK: u32 = 7;

export class SleepType {
  constructor(public a: u32, public b: u32) {}
}

/** An AML integer at `at`: its value and where the next object starts. */
class AmlInteger {
  constructor(public value: u32, public next: u32) {}
}

function readInteger(table: Table, at: u32): AmlInteger {
  const op = table.u8(at);
  if (op == BYTE_PREFIX) return new AmlInteger(table.u8(at + 1), at + 2);
  if (op == WORD_PREFIX) return new AmlInteger(table.u16(at + 1), at + 3);
  if (op == DWORD_PREFIX) return new AmlInteger(table.u32(at + 1), at + 5);
  // ZeroOp, OneOp, and firmware that stores a bare byte.
  return new AmlInteger(op == ONE_OP ? 1 : op == ZERO_OP ? 0 : op, at + 1);
}

function isS5Name(table: Table, at: u32): bool {
  if (table.u8(at) != 0x5f || table.u32(at) != 0x5f35535f) return false; // "_S5_"
  const before = table.u8(at - 1);
  const named = before == NAME_OP || (before == ROOT_PREFIX && table.u8(at - 2) == NAME_OP);
  return named && table.u8(at + 4) == PACKAGE_OP;
}

/** The S5 sleep types from `table` (a DSDT or SSDT), or null when absent. */
export function findS5(table: Table): SleepType | null {
  for (let at: u32 = 37; at + 8 <= table.length; at++) {
    if (!isS5Name(table, at)) continue;
    // PkgLength: bits 6-7 of its lead byte count the bytes that follow.
    const pkgLength = at + 5;
    const elements = pkgLength + 1 + (table.u8(pkgLength) >> 6);
    if (table.u8(elements) < 2) return null;
    const a = readInteger(table, elements + 1);
    const b = readInteger(table, a.next);
    if (b.next > table.length) return null;
    return new SleepType(a.value & SLEEP_TYPE_MASK, b.value & SLEEP_TYPE_MASK);
  }
  return null;
}
