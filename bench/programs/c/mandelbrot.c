/* Mandelbrot set on an n x n grid over [-2.0, 0.5] x [-1.25, 1.25] with
 * doubles, at most 200 iterations per point. Checksum: mix of each row's
 * total iteration count, plus the bit pattern of the last point's z. */
#include "common.h"

#define MAX_ITER 200

int64_t run(int32_t n) {
    if (n <= 0) return 0;
    uint64_t h = 0;
    double last = 0.0;
    double step = 2.5 / (double)n;
    for (int32_t y = 0; y < n; y++) {
        double ci = -1.25 + step * (double)y;
        uint32_t row = 0;
        for (int32_t x = 0; x < n; x++) {
            double cr = -2.0 + step * (double)x;
            double zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0;
            uint32_t it = 0;
            while (it < MAX_ITER && zr2 + zi2 <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                it++;
            }
            row += it;
            last = zr + zi;
        }
        h = mix64(h, row);
    }
    return (int64_t)mix64(h, f64_bits(last));
}
