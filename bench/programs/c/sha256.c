/* SHA-256 (FIPS 180-4) over a 16 KiB buffer, chained n times: after each
 * hash the digest is written back into the buffer, so every round hashes
 * new data. Checksum: the final digest's first 8 bytes (big-endian). */
#include "common.h"

#define BUF_LEN 16384

/* first 32 bits of the fractional parts of the cube roots of the first 64 primes */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* first 32 bits of the fractional parts of the square roots of the first 8 primes */
static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t load_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void compress(uint32_t h[8], const uint8_t block[64]) {
    uint32_t w[64];
    for (int t = 0; t < 16; t++) w[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr32(w[t - 15], 7) ^ rotr32(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr32(w[t - 2], 17) ^ rotr32(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t S1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = k + S1 + ch + K[t] + w[t];
        uint32_t S0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

static void sha256(const uint8_t *msg, uint32_t len, uint32_t out[8]) {
    uint32_t h[8];
    memcpy(h, H0, sizeof h);
    uint32_t done = 0;
    for (; len - done >= 64; done += 64) compress(h, msg + done);
    /* final block(s): the tail, a 1 bit, zeros, and the bit length */
    uint8_t tail[128];
    uint32_t rest = len - done;
    memset(tail, 0, sizeof tail);
    memcpy(tail, msg + done, rest);
    tail[rest] = 0x80;
    uint32_t tail_len = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
    compress(h, tail);
    if (tail_len == 128) compress(h, tail + 64);
    memcpy(out, h, sizeof h);
}

int64_t run(int32_t n) {
    /* self-check against the FIPS 180-2 example "abc" */
    static const uint32_t abc[8] = {0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                    0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad};
    uint32_t digest[8];
    sha256((const uint8_t *)"abc", 3, digest);
    CHECK(memcmp(digest, abc, sizeof abc) == 0);

    uint8_t *buf = malloc(BUF_LEN);
    CHECK(buf);
    rng_t r = rng_new(0x736861323536ull);
    for (uint32_t i = 0; i < BUF_LEN; i += 8) {
        uint64_t v = rng_u64(&r);
        for (int j = 0; j < 8; j++) buf[i + j] = (uint8_t)(v >> (8 * j));
    }
    for (int32_t round = 0; round < n; round++) {
        sha256(buf, BUF_LEN - (uint32_t)(round & 63), digest);
        uint8_t *dst = buf + ((uint32_t)round * 32) % BUF_LEN;
        for (int i = 0; i < 8; i++) {
            dst[4 * i] = (uint8_t)(digest[i] >> 24);
            dst[4 * i + 1] = (uint8_t)(digest[i] >> 16);
            dst[4 * i + 2] = (uint8_t)(digest[i] >> 8);
            dst[4 * i + 3] = (uint8_t)digest[i];
        }
    }
    free(buf);
    return (int64_t)((uint64_t)digest[0] << 32 | digest[1]);
}
