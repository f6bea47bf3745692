/* Quantised int8 matrix multiply, the core of integer neural-network
 * inference: a batch of BATCH activation vectors (int8) goes through n fully
 * connected layers of DIM x DIM int8 weights (LAYERS distinct matrices, used
 * in turn). Each layer accumulates in int32, adds a per-output bias, then
 * requantises: arithmetic shift right with rounding, saturate to int8.
 *
 * Plain C written for clang's loop vectoriser: built with -msimd128 its inner
 * loops become v128 loads and stores, sign extensions (i8 -> i16 -> i32),
 * i32x4 multiply-adds, shifts and min/max, and a byte shuffle that packs the
 * results. The same source without -msimd128 is the scalar build; both return
 * the same checksum.
 *
 * Self-check: one small layer with odd sizes against a dot-product loop.
 * Checksum: order-dependent mix of the final activations, and n. */
#include "common.h"

#define BATCH 64
#define DIM 128
#define LAYERS 4
/* |weights| <= WEIGHT_MAX keeps the activations' spread roughly constant from
 * layer to layer at this shift (neither dying out nor all saturated) */
#define WEIGHT_MAX 80
#define SHIFT 9

/* y = requantise(x * w + bias): x is batch x in, w is in x out (row k holds
 * the weights from input k to every output), y is batch x out, acc holds out
 * int32. Loop order b-k-j, so the inner loops walk rows of w, acc and y. */
static void layer(const int8_t *restrict x, const int8_t *restrict w, const int32_t *restrict bias,
                  int8_t *restrict y, int32_t *restrict acc, uint32_t batch, uint32_t in, uint32_t out) {
    const int32_t round = 1 << (SHIFT - 1);
    for (uint32_t b = 0; b < batch; b++) {
        for (uint32_t j = 0; j < out; j++) acc[j] = bias[j] + round;
        const int8_t *xb = x + b * in;
        for (uint32_t k = 0; k < in; k++) {
            int32_t xk = xb[k];
            const int8_t *wk = w + k * out;
            for (uint32_t j = 0; j < out; j++) acc[j] += xk * wk[j];
        }
        int8_t *yb = y + b * out;
        for (uint32_t j = 0; j < out; j++) {
            int32_t v = acc[j] >> SHIFT; /* arithmetic shift: floor */
            v = v < -128 ? -128 : v;
            v = v > 127 ? 127 : v;
            yb[j] = (int8_t)v;
        }
    }
}

/* the same layer, one output at a time */
static int8_t reference_output(const int8_t *x, const int8_t *w, const int32_t *bias, uint32_t in, uint32_t out,
                               uint32_t b, uint32_t j) {
    int64_t sum = bias[j] + (1 << (SHIFT - 1));
    for (uint32_t k = 0; k < in; k++) sum += (int64_t)x[b * in + k] * w[k * out + j];
    int64_t q = sum >= 0 ? sum / (1 << SHIFT) : -((-sum + (1 << SHIFT) - 1) / (1 << SHIFT));
    return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

/* The input generators stay scalar in the SIMD build too (clang would
 * vectorise splitmix64 into i64x2 arithmetic), so that the two builds differ
 * in the kernel only. */
static void fill_i8(int8_t *p, uint32_t count, int32_t max, rng_t *r) {
#pragma clang loop vectorize(disable)
    for (uint32_t i = 0; i < count; i++) p[i] = (int8_t)((int32_t)rng_below(r, 2 * max + 1) - max);
}

static void fill_bias(int32_t *p, uint32_t count, rng_t *r) {
#pragma clang loop vectorize(disable)
    for (uint32_t i = 0; i < count; i++) p[i] = (int32_t)rng_below(r, 4097) - 2048;
}

static void self_check(void) {
    enum { B = 3, IN = 37, OUT = 21 };
    int8_t x[B * IN], w[IN * OUT], y[B * OUT];
    int32_t bias[OUT], acc[OUT];
    rng_t r = rng_new(0x73656c66ull);
    fill_i8(x, B * IN, 127, &r);
    fill_i8(w, IN * OUT, 127, &r);
    fill_bias(bias, OUT, &r);
    layer(x, w, bias, y, acc, B, IN, OUT);
    for (uint32_t b = 0; b < B; b++)
        for (uint32_t j = 0; j < OUT; j++) CHECK(y[b * OUT + j] == reference_output(x, w, bias, IN, OUT, b, j));
}

int64_t run(int32_t n) {
    self_check();
    int8_t *weights = malloc(LAYERS * DIM * DIM);
    int32_t *bias = malloc(LAYERS * DIM * sizeof(int32_t));
    int8_t *act[2] = {malloc(BATCH * DIM), malloc(BATCH * DIM)};
    int32_t *acc = malloc(DIM * sizeof(int32_t));
    CHECK(weights && bias && act[0] && act[1] && acc);
    rng_t r = rng_new(0x67656d6d6938ull);
    fill_i8(weights, LAYERS * DIM * DIM, WEIGHT_MAX, &r);
    fill_bias(bias, LAYERS * DIM, &r);
    fill_i8(act[0], BATCH * DIM, 127, &r);
    for (int32_t i = 0; i < n; i++) {
        uint32_t l = (uint32_t)i % LAYERS;
        layer(act[i & 1], weights + l * DIM * DIM, bias + l * DIM, act[(i + 1) & 1], acc, BATCH, DIM, DIM);
    }
    const int8_t *final = act[n > 0 ? n & 1 : 0];
    uint64_t h = (uint64_t)(uint32_t)n;
    for (uint32_t i = 0; i < BATCH * DIM; i += 8) {
        uint64_t word;
        memcpy(&word, final + i, 8);
        h = mix64(h, word);
    }
    free(weights);
    free(bias);
    free(act[0]);
    free(act[1]);
    free(acc);
    return (int64_t)h;
}
