/* Base64 (RFC 4648 alphabet, '=' padding) encode + decode round trip.
 * run(n): n rounds over a buffer of pseudo-random bytes whose length varies
 * a little per round (so all padding cases occur); each round encodes,
 * decodes, compares with the original and then perturbs the buffer.
 * Checksum: mix of a hash of each encoding. */
#include "common.h"

#define MAX_LEN 12288

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static uint32_t encode(const uint8_t *in, uint32_t len, char *out) {
    uint32_t o = 0, i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = alphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = '=';
    }
    return o;
}

/* returns the decoded length, or UINT32_MAX on malformed input */
static uint32_t decode(const char *in, uint32_t len, const int8_t rev[256], uint8_t *out) {
    if (len % 4) return UINT32_MAX;
    uint32_t o = 0;
    for (uint32_t i = 0; i < len; i += 4) {
        int32_t a = rev[(uint8_t)in[i]], b = rev[(uint8_t)in[i + 1]];
        if (a < 0 || b < 0) return UINT32_MAX;
        if (i + 4 == len && in[i + 2] == '=') {
            if (in[i + 3] != '=') return UINT32_MAX;
            out[o++] = (uint8_t)(a << 2 | b >> 4);
            break;
        }
        int32_t c = rev[(uint8_t)in[i + 2]];
        if (c < 0) return UINT32_MAX;
        if (i + 4 == len && in[i + 3] == '=') {
            out[o++] = (uint8_t)(a << 2 | b >> 4);
            out[o++] = (uint8_t)(b << 4 | c >> 2);
            break;
        }
        int32_t d = rev[(uint8_t)in[i + 3]];
        if (d < 0) return UINT32_MAX;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        out[o++] = (uint8_t)(v >> 16);
        out[o++] = (uint8_t)(v >> 8);
        out[o++] = (uint8_t)v;
    }
    return o;
}

int64_t run(int32_t n) {
    int8_t rev[256];
    memset(rev, -1, sizeof rev);
    for (int i = 0; i < 64; i++) rev[(uint8_t)alphabet[i]] = (int8_t)i;

    uint8_t *data = malloc(MAX_LEN);
    char *text = malloc(MAX_LEN / 3 * 4 + 4);
    uint8_t *back = malloc(MAX_LEN);
    CHECK(data && text && back);
    rng_t r = rng_new(0x62617365ull);
    for (uint32_t i = 0; i < MAX_LEN; i++) data[i] = (uint8_t)rng_u32(&r);

    uint64_t h = 0;
    for (int32_t round = 0; round < n; round++) {
        uint32_t len = MAX_LEN - (uint32_t)(round % 3);
        uint32_t tlen = encode(data, len, text);
        CHECK(tlen == (len + 2) / 3 * 4);
        uint32_t blen = decode(text, tlen, rev, back);
        CHECK(blen == len && memcmp(data, back, len) == 0);
        uint64_t th = 0;
        for (uint32_t i = 0; i < tlen; i++) th = th * 31 + (uint8_t)text[i];
        h = mix64(h, th);
        data[rng_below(&r, len)] ^= (uint8_t)(round | 1);
    }
    free(data);
    free(text);
    free(back);
    return (int64_t)h;
}
