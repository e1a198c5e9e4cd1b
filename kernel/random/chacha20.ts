// The ChaCha20 block function (RFC 8439, section 2.3): 20 rounds over a
// 16-word state of constants, a 256-bit key, a block counter and a 96-bit
// nonce; the output is the mixed state added to the input state.
const state = memory.data(64, 16);
const working = memory.data(64, 16);

@inline function word(base: usize, i: i32): u32 {
  return load<u32>(base + (<usize>i << 2));
}

@inline function setWord(base: usize, i: i32, value: u32): void {
  store<u32>(base + (<usize>i << 2), value);
}

function quarterRound(a: i32, b: i32, c: i32, d: i32): void {
  const x = working;
  setWord(x, a, word(x, a) + word(x, b));
  setWord(x, d, rotl<u32>(word(x, d) ^ word(x, a), 16));
  setWord(x, c, word(x, c) + word(x, d));
  setWord(x, b, rotl<u32>(word(x, b) ^ word(x, c), 12));
  setWord(x, a, word(x, a) + word(x, b));
  setWord(x, d, rotl<u32>(word(x, d) ^ word(x, a), 8));
  setWord(x, c, word(x, c) + word(x, d));
  setWord(x, b, rotl<u32>(word(x, b) ^ word(x, c), 7));
}

/** Writes the 64-byte block for `key` (32 bytes), `counter` and `nonce` (12 bytes) to `out`. */
export function chacha20Block(key: usize, counter: u32, nonce: usize, out: usize): void {
  setWord(state, 0, 0x61707865); // "expand 32-byte k"
  setWord(state, 1, 0x3320646e);
  setWord(state, 2, 0x79622d32);
  setWord(state, 3, 0x6b206574);
  memory.copy(state + 16, key, 32);
  setWord(state, 12, counter);
  memory.copy(state + 52, nonce, 12);
  memory.copy(working, state, 64);
  for (let i = 0; i < 10; i++) {
    quarterRound(0, 4, 8, 12);
    quarterRound(1, 5, 9, 13);
    quarterRound(2, 6, 10, 14);
    quarterRound(3, 7, 11, 15);
    quarterRound(0, 5, 10, 15);
    quarterRound(1, 6, 11, 12);
    quarterRound(2, 7, 8, 13);
    quarterRound(3, 4, 9, 14);
  }
  for (let i = 0; i < 16; i++) setWord(out, i, word(working, i) + word(state, i));
}
