// Integer arithmetic: bitwise CRC-32 and xorshift, 32- and 64-bit.
int run(int n) {
  unsigned crc = 0xffffffffu;
  unsigned long long x = 88172645463325252ull;
  for (int i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    unsigned byte = (unsigned)(x & 0xff);
    crc ^= byte;
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return (int)~crc;
}
