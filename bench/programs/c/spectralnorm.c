/* Spectral norm of the infinite matrix a(i, j) = 1 / ((i + j)(i + j + 1) / 2 + i + 1),
 * truncated to n x n, by 10 rounds of the power method on A^T A.
 * Checksum: the bit pattern of the estimate sqrt(u.v / v.v). */
#include <math.h>

#include "common.h"

static double a(uint32_t i, uint32_t j) {
    uint32_t s = i + j;
    return 1.0 / (double)(s * (s + 1) / 2 + i + 1);
}

/* out = A * v */
static void mul_a(const double *v, double *out, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        double sum = 0.0;
        for (uint32_t j = 0; j < n; j++) sum += a(i, j) * v[j];
        out[i] = sum;
    }
}

/* out = A^T * v */
static void mul_at(const double *v, double *out, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        double sum = 0.0;
        for (uint32_t j = 0; j < n; j++) sum += a(j, i) * v[j];
        out[i] = sum;
    }
}

static void mul_ata(const double *v, double *out, double *tmp, uint32_t n) {
    mul_a(v, tmp, n);
    mul_at(tmp, out, n);
}

int64_t run(int32_t n) {
    if (n <= 0) return 0;
    uint32_t len = (uint32_t)n;
    double *u = malloc(len * sizeof(double));
    double *v = malloc(len * sizeof(double));
    double *tmp = malloc(len * sizeof(double));
    CHECK(u && v && tmp);
    for (uint32_t i = 0; i < len; i++) u[i] = 1.0;
    for (int round = 0; round < 10; round++) {
        mul_ata(u, v, tmp, len);
        mul_ata(v, u, tmp, len);
    }
    double uv = 0.0, vv = 0.0;
    for (uint32_t i = 0; i < len; i++) {
        uv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    double norm = sqrt(uv / vv);
    free(u);
    free(v);
    free(tmp);
    return (int64_t)f64_bits(norm);
}
