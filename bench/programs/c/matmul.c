/* Dense matrix multiply, C = A * B with n x n matrices of doubles.
 * Entries are small multiples of 1/64 so the products stay well scaled.
 * Checksum: order-dependent mix of the bit patterns of C's entries. */
#include "common.h"

static void fill(double *m, uint32_t count, rng_t *r) {
    for (uint32_t i = 0; i < count; i++) m[i] = ((double)rng_below(r, 129) - 64.0) / 64.0;
}

int64_t run(int32_t n) {
    if (n <= 0) return 0;
    uint32_t dim = (uint32_t)n, count = dim * dim;
    double *a = malloc(count * sizeof(double));
    double *b = malloc(count * sizeof(double));
    double *c = malloc(count * sizeof(double));
    CHECK(a && b && c);
    rng_t r = rng_new(0x6d61746d756cull);
    fill(a, count, &r);
    fill(b, count, &r);
    memset(c, 0, count * sizeof(double));
    /* i-k-j order: the inner loop walks rows of B and C */
    for (uint32_t i = 0; i < dim; i++) {
        double *ci = c + i * dim;
        for (uint32_t k = 0; k < dim; k++) {
            double aik = a[i * dim + k];
            const double *bk = b + k * dim;
            for (uint32_t j = 0; j < dim; j++) ci[j] += aik * bk[j];
        }
    }
    uint64_t h = 0;
    for (uint32_t i = 0; i < count; i++) h = mix64(h, f64_bits(c[i]));
    free(a);
    free(b);
    free(c);
    return (int64_t)h;
}
