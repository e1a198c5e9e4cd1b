// Content identifiers: a module is named by the CIDv1 of its bytes, the same
// identifier IPFS gives a raw block: version 1, codec raw (0x55), multihash
// sha2-256 (0x12, 32 bytes), written in multibase base32 lowercase ("b").
// Every such name starts "bafkrei".
import { physRead } from "../arch/hw";
import { DIGEST_BYTES, Sha256 } from "./sha256";

const CID_VERSION: u8 = 0x01;
const CODEC_RAW: u8 = 0x55;
const MULTIHASH_SHA2_256: u8 = 0x12;
const PREFIX_BYTES = 4;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const CHUNK: u32 = 4096;

/** The 36 binary bytes of a raw sha2-256 CIDv1 around a digest. */
function cidBytes(digest: StaticArray<u8>): StaticArray<u8> {
  const bytes = new StaticArray<u8>(PREFIX_BYTES + DIGEST_BYTES);
  bytes[0] = CID_VERSION;
  bytes[1] = CODEC_RAW;
  bytes[2] = MULTIHASH_SHA2_256;
  bytes[3] = <u8>DIGEST_BYTES;
  for (let i = 0; i < DIGEST_BYTES; i++) bytes[PREFIX_BYTES + i] = digest[i];
  return bytes;
}

/** RFC 4648 base32, lowercase, no padding, after the multibase prefix "b". */
function base32(bytes: StaticArray<u8>): string {
  let text = "b";
  let buffer: u32 = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32.charAt(<i32>((buffer >> <u32>bits) & 31));
    }
  }
  if (bits > 0) text += BASE32.charAt(<i32>((buffer << <u32>(5 - bits)) & 31));
  return text;
}

export function cidOfDigest(digest: StaticArray<u8>): string {
  return base32(cidBytes(digest));
}

function cidOfHash(hash: Sha256): string {
  const digest = new StaticArray<u8>(DIGEST_BYTES);
  hash.finish(changetype<usize>(digest));
  return cidOfDigest(digest);
}

/** The CID of `length` bytes of linear memory (module bytes a loader sent). */
export function cidOfBytes(data: usize, length: usize): string {
  const hash = new Sha256();
  hash.update(data, length);
  return cidOfHash(hash);
}

/** The CID of bytes in physical memory (a boot module), read a page at a time. */
export function cidOfPhysical(address: u64, length: u64): string {
  const chunk = new StaticArray<u8>(CHUNK);
  const hash = new Sha256();
  for (let done: u64 = 0; done < length; done += CHUNK) {
    const take = <u32>min(<u64>CHUNK, length - done);
    physRead(changetype<usize>(chunk), address + done, take);
    hash.update(changetype<usize>(chunk), take);
  }
  return cidOfHash(hash);
}
