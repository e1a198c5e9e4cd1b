// Value types, function types and the limits of tables and memories, as the
// binary format encodes them. Value types keep their binary codes so that
// decoding needs no translation.
import { Reader } from "./reader";

export const I32: u8 = 0x7f;
export const I64: u8 = 0x7e;
export const F32: u8 = 0x7d;
export const F64: u8 = 0x7c;
export const V128: u8 = 0x7b;
export const FUNCREF: u8 = 0x70;
export const EXTERNREF: u8 = 0x6f;
/** The validator's "unknown" type on an unreachable stack. */
export const UNKNOWN: u8 = 0;

export function isNumType(t: u8): bool {
  return t == I32 || t == I64 || t == F32 || t == F64;
}

export function isRefType(t: u8): bool {
  return t == FUNCREF || t == EXTERNREF;
}

/** Reads a value type; SIMD's v128 is refused as an unsupported feature. */
export function readValType(r: Reader): u8 {
  const t = r.u8();
  if (t == V128) r.fail("unsupported feature: SIMD");
  else if (!isNumType(t) && !isRefType(t)) r.fail("malformed value type");
  return t;
}

export function readRefType(r: Reader): u8 {
  const t = r.u8();
  if (!isRefType(t)) r.fail("malformed reference type");
  return t;
}

export function typeName(t: u8): string {
  switch (t) {
    case I32: return "i32";
    case I64: return "i64";
    case F32: return "f32";
    case F64: return "f64";
    case V128: return "v128";
    case FUNCREF: return "funcref";
    case EXTERNREF: return "externref";
  }
  return "unknown";
}

export class FuncType {
  constructor(public params: u8[], public results: u8[]) {}

  /** A text key identical for structurally equal types, for store-wide interning. */
  key(): string {
    let s = "";
    for (let i = 0; i < this.params.length; i++) s += typeName(this.params[i]) + " ";
    s += "->";
    for (let i = 0; i < this.results.length; i++) s += " " + typeName(this.results[i]);
    return s;
  }
}

export class Limits {
  constructor(public min: u32, public max: u32, public hasMax: bool) {}

  /** Import matching: these limits (the provided ones) fit within the expected ones. */
  fitsWithin(expected: Limits): bool {
    if (this.min < expected.min) return false;
    if (!expected.hasMax) return true;
    return this.hasMax && this.max <= expected.max;
  }
}

export class TableType {
  constructor(public elemType: u8, public limits: Limits) {}
}

export class GlobalType {
  constructor(public valType: u8, public mutable: bool) {}
}

export const EXTERN_FUNC: u8 = 0;
export const EXTERN_TABLE: u8 = 1;
export const EXTERN_MEMORY: u8 = 2;
export const EXTERN_GLOBAL: u8 = 3;

/** The number of bytes in a page of linear memory. */
export const PAGE_SIZE: u64 = 65536;
/** The most pages a 32-bit memory can have. */
export const MAX_PAGES: u32 = 65536;
