// Content identifiers in the tools: the same CIDv1 (raw codec, sha2-256,
// base32) the kernel computes in kernel/identity/cid.ts, here through the
// multiformats library.
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";

export async function cidOf(bytes: Uint8Array): Promise<string> {
  return CID.createV1(raw.code, await sha256.digest(bytes)).toString();
}

/** Checks that `text` is a raw sha2-256 CIDv1; returns an error message or "". */
export function cidProblem(text: string): string {
  let cid: CID;
  try {
    cid = CID.parse(text);
  } catch (e) {
    return `not a CID: ${(e as Error).message}`;
  }
  if (cid.version !== 1 || cid.code !== raw.code || cid.multihash.code !== sha256.code) {
    return "not a raw sha2-256 CIDv1 (Atoll names modules by bafkrei… identifiers)";
  }
  return "";
}
