// SHA-256 (FIPS 180-4), the hash behind every module's name. Streaming:
// update() takes bytes from linear memory in any pieces, finish() writes the
// 32-byte digest. (The npm @chainsafe/as-sha256 package ships only compiled
// Wasm, not its AssemblyScript sources, so it cannot be built into the kernel.)

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const INITIAL: StaticArray<u32> = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

export const DIGEST_BYTES = 32;
const BLOCK_BYTES = 64;

// The message schedule is scratch space shared by every hash: compress()
// never runs re-entrantly.
const schedule = new StaticArray<u32>(64);

export class Sha256 {
  private state: StaticArray<u32> = new StaticArray<u32>(8);
  private block: StaticArray<u8> = new StaticArray<u8>(BLOCK_BYTES);
  private buffered: i32 = 0;
  private length: u64 = 0;

  constructor() {
    for (let i = 0; i < 8; i++) this.state[i] = INITIAL[i];
  }

  update(data: usize, length: usize): void {
    this.length += length;
    const block = changetype<usize>(this.block);
    while (length > 0) {
      const take = min(<usize>(BLOCK_BYTES - this.buffered), length);
      memory.copy(block + this.buffered, data, take);
      this.buffered += <i32>take;
      data += take;
      length -= take;
      if (this.buffered == BLOCK_BYTES) {
        this.compress();
        this.buffered = 0;
      }
    }
  }

  /** Pads, processes the last block and stores the digest (big-endian) at `out`. */
  finish(out: usize): void {
    const bits = this.length * 8;
    const block = changetype<usize>(this.block);
    store<u8>(block + this.buffered, 0x80);
    this.buffered++;
    if (this.buffered > BLOCK_BYTES - 8) {
      memory.fill(block + this.buffered, 0, BLOCK_BYTES - this.buffered);
      this.compress();
      this.buffered = 0;
    }
    memory.fill(block + this.buffered, 0, BLOCK_BYTES - 8 - this.buffered);
    store<u64>(block + BLOCK_BYTES - 8, bswap<u64>(bits));
    this.compress();
    for (let i = 0; i < 8; i++) store<u32>(out + i * 4, bswap<u32>(this.state[i]));
  }

  // The indices are loop counters within 0..63, so the bounds checks go.
  private compress(): void {
    const block = changetype<usize>(this.block);
    for (let t = 0; t < 16; t++) unchecked((schedule[t] = bswap<u32>(load<u32>(block + t * 4))));
    for (let t = 16; t < 64; t++) {
      const w15 = unchecked(schedule[t - 15]);
      const w2 = unchecked(schedule[t - 2]);
      const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
      unchecked((schedule[t] = unchecked(schedule[t - 16]) + s0 + unchecked(schedule[t - 7]) + s1));
    }
    const s = this.state;
    let a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (let t = 0; t < 64; t++) {
      const t1 = h + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + unchecked(K[t]) + unchecked(schedule[t]);
      const t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    s[0] += a; s[1] += b; s[2] += c; s[3] += d;
    s[4] += e; s[5] += f; s[6] += g; s[7] += h;
  }
}
