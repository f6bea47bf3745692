/* Image filtering on an 8-bit grayscale WIDTH x HEIGHT image, n passes. Each
 * pass blurs the image with a 5x5 Gaussian (binomial 1 4 6 4 1 in each
 * direction, edges clamped), computed separably: a horizontal pass into
 * 16-bit sums, then a vertical pass that rounds back to 8 bits. The next
 * image is the average of the image and its blur, with film grain:
 *     (pixel + blurred + grain) >> 1, saturated to 0..255
 * The grain, in -16..17, comes from a table read at an offset that changes
 * every pass; its range has an even length so that it also dithers the
 * halving, and the image's mean brightness does not drift.
 *
 * Plain C written for clang's loop vectoriser: built with -msimd128 the pixel
 * loops become v128 loads at neighbouring offsets, u8 -> u16 extensions,
 * i16x8 shifts and adds, and saturating narrowing. The same source without
 * -msimd128 is the scalar build; both return the same checksum.
 *
 * Self-check: the separable blur of a small odd-sized image against the
 * direct 5x5 convolution. Checksum: order-dependent mix of the final pixels,
 * and n. */
#include "common.h"

#define WIDTH 512
#define HEIGHT 512
#define GRAIN_STEP 61 /* grain offsets: 0, 61, 122, ... (mod WIDTH) */

static const int32_t TAPS[5] = {1, 4, 6, 4, 1};

static uint32_t clamp_index(int32_t i, uint32_t size) {
    return i < 0 ? 0 : (uint32_t)i >= size ? size - 1 : (uint32_t)i;
}

/* Horizontal 1 4 6 4 1 sums (at most 16 * 255) of every row of src into sums.
 * pad holds one row plus two copies of each edge pixel on either side. */
static void blur_rows(const uint8_t *restrict src, uint16_t *restrict sums, uint8_t *restrict pad, uint32_t w,
                      uint32_t h) {
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *row = src + y * w;
        pad[0] = pad[1] = row[0];
        memcpy(pad + 2, row, w);
        pad[w + 2] = pad[w + 3] = row[w - 1];
        uint16_t *out = sums + y * w;
        for (uint32_t x = 0; x < w; x++)
            out[x] = (uint16_t)(pad[x] + pad[x + 4] + 4 * (pad[x + 1] + pad[x + 3]) + 6 * pad[x + 2]);
    }
}

/* Vertical 1 4 6 4 1 over the row sums, rounded: the weights add up to 256,
 * so the result is at most 255 and the sum fits in 16 bits. */
static void blur_columns(const uint16_t *restrict sums, uint8_t *restrict dst, uint32_t w, uint32_t h) {
    for (uint32_t y = 0; y < h; y++) {
        const uint16_t *r0 = sums + clamp_index((int32_t)y - 2, h) * w;
        const uint16_t *r1 = sums + clamp_index((int32_t)y - 1, h) * w;
        const uint16_t *r2 = sums + y * w;
        const uint16_t *r3 = sums + clamp_index((int32_t)y + 1, h) * w;
        const uint16_t *r4 = sums + clamp_index((int32_t)y + 2, h) * w;
        uint8_t *out = dst + y * w;
        for (uint32_t x = 0; x < w; x++) {
            uint16_t s = (uint16_t)(r0[x] + r4[x] + 4 * (r1[x] + r3[x]) + 6 * r2[x] + 128);
            out[x] = (uint8_t)(s >> 8);
        }
    }
}

/* img = saturate((img + blurred + grain) >> 1) */
static void blend(uint8_t *restrict img, const uint8_t *restrict blurred, const int8_t *restrict grain,
                  uint32_t count) {
    for (uint32_t i = 0; i < count; i++) {
        int32_t v = (img[i] + blurred[i] + grain[i]) >> 1;
        v = v < 0 ? 0 : v;
        v = v > 255 ? 255 : v;
        img[i] = (uint8_t)v;
    }
}

static void self_check(void) {
    enum { W = 19, H = 13 };
    uint8_t img[W * H], blurred[W * H], pad[W + 4];
    uint16_t sums[W * H];
    rng_t r = rng_new(0x626c7572ull);
#pragma clang loop vectorize(disable)
    for (uint32_t i = 0; i < W * H; i++) img[i] = (uint8_t)rng_u32(&r);
    blur_rows(img, sums, pad, W, H);
    blur_columns(sums, blurred, W, H);
    for (int32_t y = 0; y < H; y++) {
        for (int32_t x = 0; x < W; x++) {
            int32_t sum = 128;
            for (int32_t dy = -2; dy <= 2; dy++)
                for (int32_t dx = -2; dx <= 2; dx++)
                    sum += TAPS[dy + 2] * TAPS[dx + 2] * img[clamp_index(y + dy, H) * W + clamp_index(x + dx, W)];
            CHECK(blurred[y * W + x] == sum >> 8);
        }
    }
}

int64_t run(int32_t n) {
    self_check();
    const uint32_t count = WIDTH * HEIGHT;
    uint8_t *img = malloc(count);
    uint8_t *blurred = malloc(count);
    uint16_t *sums = malloc(count * sizeof(uint16_t));
    int8_t *grain = malloc(count + WIDTH);
    uint8_t *pad = malloc(WIDTH + 4);
    CHECK(img && blurred && sums && grain && pad);
    rng_t r = rng_new(0x626c75723535ull);
    /* a smooth gradient with random speckles. The input generators stay
     * scalar in the SIMD build too (clang would vectorise splitmix64 into
     * i64x2 arithmetic), so that the two builds differ in the kernel only. */
    for (uint32_t y = 0; y < HEIGHT; y++)
#pragma clang loop vectorize(disable)
        for (uint32_t x = 0; x < WIDTH; x++)
            img[y * WIDTH + x] = (uint8_t)((x + 2 * y) / 8 + rng_below(&r, 64));
#pragma clang loop vectorize(disable)
    for (uint32_t i = 0; i < count + WIDTH; i++) grain[i] = (int8_t)((int32_t)rng_below(&r, 34) - 16);
    for (int32_t pass = 0; pass < n; pass++) {
        blur_rows(img, sums, pad, WIDTH, HEIGHT);
        blur_columns(sums, blurred, WIDTH, HEIGHT);
        blend(img, blurred, grain + ((uint32_t)pass * GRAIN_STEP) % WIDTH, count);
    }
    uint64_t h = (uint64_t)(uint32_t)n;
    for (uint32_t i = 0; i < count; i += 8) {
        uint64_t word;
        memcpy(&word, img + i, 8);
        h = mix64(h, word);
    }
    free(img);
    free(blurred);
    free(sums);
    free(grain);
    free(pad);
    return (int64_t)h;
}
