// The kernel's random generator: ChaCha20 keyed from hardware entropy.
// Each fill mixes fresh entropy into the key (SHA-256 of the old key and
// the new bytes), draws blocks with counters 1, 2, ..., and then replaces
// the key with block 0 ("fast key erasure"), so a key read out of memory
// later cannot reproduce past output.
import * as log from "../console/log";
import { Sha256 } from "../identity/sha256";
import { chacha20Block } from "./chacha20";
import { bestSource, gatherEntropy, Source, sourceName } from "./entropy";

const KEY_BYTES = 32;
const BLOCK_BYTES = 64;
const FRESH_BYTES = 32;

const key = memory.data(KEY_BYTES, 16);
const nonce = memory.data(12, 4);
const block = memory.data(BLOCK_BYTES, 16);
const fresh = memory.data(FRESH_BYTES, 8);
let source = Source.Jitter;

function mixIntoKey(data: usize, length: usize): void {
  const hash = new Sha256();
  hash.update(key, KEY_BYTES);
  hash.update(data, length);
  hash.finish(key);
}

export function initRandom(): void {
  source = bestSource();
  gatherEntropy(source, fresh, FRESH_BYTES);
  mixIntoKey(fresh, FRESH_BYTES);
  log.info("random: ChaCha20 generator seeded from " + sourceName(source));
}

/** Fills `length` bytes at `out` (in linear memory) with random bytes. */
export function randomFill(out: usize, length: usize): void {
  gatherEntropy(source, fresh, FRESH_BYTES);
  mixIntoKey(fresh, FRESH_BYTES);
  let counter: u32 = 1;
  for (let done: usize = 0; done < length; done += BLOCK_BYTES) {
    chacha20Block(key, counter++, nonce, block);
    memory.copy(out + done, block, min(<usize>BLOCK_BYTES, length - done));
  }
  chacha20Block(key, 0, nonce, block);
  memory.copy(key, block, KEY_BYTES);
  memory.fill(block, 0, BLOCK_BYTES);
}
