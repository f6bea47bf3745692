/* LZ77-style compression round trip over a 32 KiB text-like input.
 *
 * Format: a sequence of tokens, each a control byte followed by data.
 *   control < 0x80: a run of (control + 1) literal bytes follows.
 *   control >= 0x80: a match of length (control - 0x80 + MIN_MATCH) at a
 *                    distance given by the next two bytes (little-endian, 1..65535).
 * The compressor finds matches through a hash table of 4-byte prefixes with a
 * short chain of previous positions; the decompressor restores the input,
 * which is compared with the original.
 *
 * run(n): n rounds; each round generates a fresh input (its seed depends on
 * the round), compresses and decompresses it. Checksum: mix of the compressed
 * sizes and a hash of the compressed bytes. */
#include "common.h"

#define INPUT_LEN (32 * 1024)
#define MIN_MATCH 4
#define MAX_MATCH (0x7f + MIN_MATCH)
#define MAX_DIST 65535
#define HASH_BITS 14
#define CHAIN 8

static const char *const words[] = {
    "the ",     "of ",     "and ",    "memory ",  "stack ",  "frame ",    "table ",   "value ",
    "local ",   "global ", "branch ", "module ",  "import ", "export ",   "func ",    "return ",
    "call ",    "load ",   "store ",  "const ",   "block ",  "loop ",     "select ",  "drop ",
    "engine ",  "store.",  "trap ",   "result ",  "type ",   "element ",  "data ",    "start ",
    "\n",       ", ",      "(",       ") ",       "i32 ",    "i64 ",      "f32 ",     "f64 ",
};
#define WORD_COUNT (sizeof words / sizeof words[0])

static void generate(uint8_t *out, uint32_t len, uint64_t seed) {
    rng_t r = rng_new(seed);
    uint32_t pos = 0;
    while (pos < len) {
        uint32_t pick = rng_below(&r, 16);
        if (pick == 0) {
            /* a random number: incompressible noise */
            uint32_t v = rng_u32(&r);
            do {
                if (pos < len) out[pos++] = (uint8_t)('0' + v % 10);
                v /= 10;
            } while (v);
        } else {
            const char *w = words[rng_below(&r, WORD_COUNT)];
            for (; *w && pos < len; w++) out[pos++] = (uint8_t)*w;
        }
    }
}

static uint32_t hash4(const uint8_t *p) {
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* head[h]: most recent position + 1 with hash h (0 = none); prev[pos % 64K]: the one before */
static uint32_t compress(const uint8_t *in, uint32_t len, uint8_t *out, int32_t *head, int32_t *prev) {
    memset(head, 0, sizeof(int32_t) << HASH_BITS);
    uint32_t o = 0, lit_start = 0, pos = 0;
    while (pos < len) {
        uint32_t best_len = 0, best_dist = 0;
        if (pos + MIN_MATCH <= len) {
            uint32_t h = hash4(in + pos);
            int32_t cand = head[h] - 1;
            uint32_t limit = len - pos < MAX_MATCH ? len - pos : MAX_MATCH;
            for (int step = 0; step < CHAIN && cand >= 0 && pos - (uint32_t)cand <= MAX_DIST; step++) {
                uint32_t l = 0;
                while (l < limit && in[(uint32_t)cand + l] == in[pos + l]) l++;
                if (l > best_len) {
                    best_len = l;
                    best_dist = pos - (uint32_t)cand;
                    if (l == limit) break;
                }
                cand = prev[(uint32_t)cand & 0xffff] - 1;
            }
            prev[pos & 0xffff] = head[h];
            head[h] = (int32_t)pos + 1;
        }
        if (best_len >= MIN_MATCH) {
            /* flush pending literals in runs of at most 128 */
            while (lit_start < pos) {
                uint32_t run = pos - lit_start > 128 ? 128 : pos - lit_start;
                out[o++] = (uint8_t)(run - 1);
                memcpy(out + o, in + lit_start, run);
                o += run;
                lit_start += run;
            }
            out[o++] = (uint8_t)(0x80 + best_len - MIN_MATCH);
            out[o++] = (uint8_t)best_dist;
            out[o++] = (uint8_t)(best_dist >> 8);
            /* index the positions inside the match too */
            uint32_t end = pos + best_len;
            for (pos++; pos < end; pos++) {
                if (pos + MIN_MATCH <= len) {
                    uint32_t h = hash4(in + pos);
                    prev[pos & 0xffff] = head[h];
                    head[h] = (int32_t)pos + 1;
                }
            }
            lit_start = pos;
        } else {
            pos++;
        }
    }
    while (lit_start < len) {
        uint32_t run = len - lit_start > 128 ? 128 : len - lit_start;
        out[o++] = (uint8_t)(run - 1);
        memcpy(out + o, in + lit_start, run);
        o += run;
        lit_start += run;
    }
    return o;
}

static uint32_t decompress(const uint8_t *in, uint32_t len, uint8_t *out, uint32_t cap) {
    uint32_t i = 0, o = 0;
    while (i < len) {
        uint32_t c = in[i++];
        if (c < 0x80) {
            uint32_t run = c + 1;
            CHECK(o + run <= cap && i + run <= len);
            memcpy(out + o, in + i, run);
            i += run;
            o += run;
        } else {
            uint32_t l = c - 0x80 + MIN_MATCH;
            CHECK(i + 2 <= len);
            uint32_t dist = (uint32_t)in[i] | (uint32_t)in[i + 1] << 8;
            i += 2;
            CHECK(dist >= 1 && dist <= o && o + l <= cap);
            /* byte by byte: matches may overlap their own output */
            for (uint32_t k = 0; k < l; k++, o++) out[o] = out[o - dist];
        }
    }
    return o;
}

int64_t run(int32_t n) {
    uint8_t *input = malloc(INPUT_LEN);
    uint8_t *packed = malloc(INPUT_LEN + INPUT_LEN / 128 + 16);
    uint8_t *restored = malloc(INPUT_LEN);
    int32_t *head = malloc(sizeof(int32_t) << HASH_BITS);
    int32_t *prev = malloc(sizeof(int32_t) * 65536);
    CHECK(input && packed && restored && head && prev);
    uint64_t h = 0;
    for (int32_t round = 0; round < n; round++) {
        generate(input, INPUT_LEN, 0x6c7a3737ull + (uint64_t)round);
        uint32_t size = compress(input, INPUT_LEN, packed, head, prev);
        uint32_t back = decompress(packed, size, restored, INPUT_LEN);
        CHECK(back == INPUT_LEN && memcmp(input, restored, INPUT_LEN) == 0);
        h = mix64(h, size);
        for (uint32_t i = 0; i < size; i += 64) h = mix64(h, packed[i]);
    }
    free(input);
    free(packed);
    free(restored);
    free(head);
    free(prev);
    return (int64_t)h;
}
