// A module's CID back to the sha2-256 digest process.start takes: base32
// (multibase 'b'), then CIDv1, raw codec, sha2-256 multihash of 32 bytes.

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const PREFIX: StaticArray<u8> = [0x01, 0x55, 0x12, 0x20];

export function looksLikeCid(text: string): bool {
  return text.startsWith("bafkrei");
}

/** The digest inside `cid`, or null when it is not a raw sha2-256 CIDv1. */
export function digestOfCid(cid: string): StaticArray<u8> | null {
  if (!cid.startsWith("b")) return null;
  const bytes: u8[] = [];
  let buffer: u32 = 0;
  let bits: u32 = 0;
  for (let i = 1; i < cid.length; i++) {
    const value = ALPHABET.indexOf(cid.charAt(i));
    if (value < 0) return null;
    buffer = (buffer << 5) | <u32>value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push(<u8>(buffer >> bits));
    }
  }
  if (bytes.length != PREFIX.length + 32) return null;
  for (let i = 0; i < PREFIX.length; i++) if (bytes[i] != PREFIX[i]) return null;
  const digest = new StaticArray<u8>(32);
  for (let i = 0; i < 32; i++) digest[i] = bytes[PREFIX.length + i];
  return digest;
}
