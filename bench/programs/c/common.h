/* Shared helpers for the C benchmark kernels.
 *
 * Every kernel defines `int64_t run(int32_t n)`: it builds its input from a
 * deterministic generator, does work proportional to n and returns a
 * checksum. The same source is compiled to wasm32 and natively, so it
 * uses fixed-width integer types only and never depends on pointer values. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int64_t run(int32_t n);

/* splitmix64: a tiny generator with a 64-bit state */
typedef struct {
    uint64_t state;
} rng_t;

static inline rng_t rng_new(uint64_t seed) {
    rng_t r = {seed};
    return r;
}

static inline uint64_t rng_u64(rng_t *r) {
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint32_t rng_u32(rng_t *r) { return (uint32_t)(rng_u64(r) >> 32); }

/* uniform in [0, bound) for small bounds (the bias is irrelevant here) */
static inline uint32_t rng_below(rng_t *r, uint32_t bound) {
    return (uint32_t)(((uint64_t)rng_u32(r) * bound) >> 32);
}

static inline uint64_t rotl64(uint64_t x, unsigned k) {
    k &= 63;
    return k ? (x << k) | (x >> (64 - k)) : x;
}

static inline uint32_t rotr32(uint32_t x, unsigned k) {
    k &= 31;
    return k ? (x >> k) | (x << (32 - k)) : x;
}

/* order-dependent 64-bit mixing of checksum words */
static inline uint64_t mix64(uint64_t h, uint64_t v) {
    return rotl64(h ^ v, 23) * 0x2545F4914F6CDD1Dull + 1;
}

static inline uint64_t f64_bits(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* Trap (unreachable in Wasm, SIGILL natively) when a self-check fails. */
#define CHECK(cond) \
    do { \
        if (!(cond)) __builtin_trap(); \
    } while (0)

#endif
