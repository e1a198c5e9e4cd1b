// Interface hashes travel as 32 raw bytes and are kept as 64-character
// lowercase hex strings, the form tools print and generated constants use.

const HEX = "0123456789abcdef";
export const HASH_BYTES: u32 = 32;

// Hex digits as UTF-16 code units, built in place and turned into one string
// with a single allocation: send() makes a key for every message.
const keyUnits = memory.data(<i32>HASH_BYTES * 4, 2);

export function hashKey(bytes: usize): string {
  for (let i: u32 = 0; i < HASH_BYTES; i++) {
    const b = <i32>load<u8>(bytes + i);
    store<u16>(keyUnits + i * 4, <u16>HEX.charCodeAt(b >> 4));
    store<u16>(keyUnits + i * 4 + 2, <u16>HEX.charCodeAt(b & 15));
  }
  return String.UTF16.decodeUnsafe(keyUnits, HASH_BYTES * 4);
}

function nibble(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** Writes the 32 bytes of a hex key to `out`; false if `key` is not 64 hex digits. */
export function keyBytes(key: string, out: usize): bool {
  if (<u32>key.length != HASH_BYTES * 2) return false;
  for (let i: u32 = 0; i < HASH_BYTES; i++) {
    const high = nibble(key.charCodeAt(i * 2));
    const low = nibble(key.charCodeAt(i * 2 + 1));
    if (high < 0 || low < 0) return false;
    store<u8>(out + i, <u8>((high << 4) | low));
  }
  return true;
}

/** The 32 bytes of a hex key (zeros if it is not one). */
export function hashOfKey(key: string): StaticArray<u8> {
  const hash = new StaticArray<u8>(HASH_BYTES);
  keyBytes(key, changetype<usize>(hash));
  return hash;
}

export function isHashKey(key: string): bool {
  const scratch = memory.data(32);
  return keyBytes(key, scratch);
}
