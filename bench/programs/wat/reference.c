/* Reference models of the hand-written WAT benchmarks, used by build.sh to
 * check the manifest checksums independently of any Wasm engine.
 *
 *   reference NAME N    prints run(N) of bench/programs/wat/NAME.wat
 *
 * Each function follows its WAT counterpart operation by operation, with
 * unsigned arithmetic standing in for Wasm's wrapping integers and the same
 * order of floating-point operations. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rotl64(uint64_t x, unsigned k) {
    k &= 63;
    return k ? (x << k) | (x >> (64 - k)) : x;
}

/* fib.wat */
static int64_t fib(int32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int64_t ref_fib(int32_t n) { return fib(n); }

/* tak.wat */
static int32_t tak(int32_t x, int32_t y, int32_t z) {
    return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}
static int64_t ref_tak(int32_t n) {
    uint64_t acc = 0;
    for (int32_t i = 0; i < n; i++) acc = acc * 31 + (uint64_t)(int64_t)tak(18, 12, 6 + (i & 3));
    return (int64_t)acc;
}

/* sieve.wat */
static int64_t ref_sieve(int32_t n) {
    uint32_t un = (uint32_t)n;
    uint8_t *flag = malloc((size_t)un + 8);
    memset(flag, 1, (size_t)un + 8);
    for (uint32_t i = 2; i * i < un; i++)
        if (flag[i])
            for (uint32_t j = i * i; j < un; j += i) flag[j] = 0;
    uint64_t count = 0, sum = 0;
    for (uint32_t i = 2; i < un; i++)
        if (flag[i]) count++, sum += i;
    free(flag);
    return (int64_t)(sum * 31 + count);
}

/* nqueens.wat */
static int64_t queens(uint32_t cols, uint32_t d1, uint32_t d2, uint32_t all) {
    if (cols == all) return 1;
    uint32_t avail = all & ~(cols | d1 | d2);
    int64_t count = 0;
    while (avail) {
        uint32_t bit = avail & (0u - avail);
        avail ^= bit;
        count += queens(cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1, all);
    }
    return count;
}
static int64_t ref_nqueens(int32_t n) { return queens(0, 0, 0, (1u << (n & 31)) - 1); }

/* loop.wat */
static int64_t ref_loop(int32_t n) {
    uint64_t acc = 0;
    for (int32_t i = 0; i < n; i++) acc = acc * 6364136223846793005ull + (uint32_t)i;
    return (int64_t)acc;
}

/* nbody.wat */
typedef struct { double x, y, z, vx, vy, vz, m; } body;
static int64_t ref_nbody(int32_t n) {
    body b[5] = {
        {0, 0, 0, 0, 0, 0, 39.47841760435743},
        {1.0, 0.0, 0.01, 0.0, 6.28, 0.0, 0.003947841760435743},
        {-2.5, 0.3, -0.02, -0.5, -3.9, 0.01, 0.03947841760435743},
        {0.2, 5.1, 0.1, -2.75, 0.1, -0.02, 0.011843525281307229},
        {-7.0, -6.0, 0.3, 1.4, -1.6, 0.0, 0.0019739208802178715},
    };
    double px = 0, py = 0, pz = 0;
    for (int i = 1; i < 5; i++) {
        double m = b[i].m;
        px = px + b[i].vx * m;
        py = py + b[i].vy * m;
        pz = pz + b[i].vz * m;
    }
    b[0].vx = -px / b[0].m;
    b[0].vy = -py / b[0].m;
    b[0].vz = -pz / b[0].m;
    const double dt = 0.001;
    for (int32_t s = 0; s < n; s++) {
        for (int i = 0; i < 5; i++) {
            double ma = b[i].m;
            for (int j = i + 1; j < 5; j++) {
                double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
                double d2 = (dx * dx + dy * dy) + dz * dz;
                double mag = dt / (d2 * sqrt(d2));
                double mb = b[j].m;
                b[i].vx = b[i].vx - (dx * mb) * mag;
                b[i].vy = b[i].vy - (dy * mb) * mag;
                b[i].vz = b[i].vz - (dz * mb) * mag;
                b[j].vx = b[j].vx + (dx * ma) * mag;
                b[j].vy = b[j].vy + (dy * ma) * mag;
                b[j].vz = b[j].vz + (dz * ma) * mag;
            }
        }
        for (int i = 0; i < 5; i++) {
            b[i].x = b[i].x + dt * b[i].vx;
            b[i].y = b[i].y + dt * b[i].vy;
            b[i].z = b[i].z + dt * b[i].vz;
        }
    }
    double e = 0;
    for (int i = 0; i < 5; i++) {
        double vx = b[i].vx, vy = b[i].vy, vz = b[i].vz;
        e = e + (0.5 * b[i].m) * ((vx * vx + vy * vy) + vz * vz);
        for (int j = i + 1; j < 5; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e = e - (b[i].m * b[j].m) / sqrt((dx * dx + dy * dy) + dz * dz);
        }
    }
    int64_t bits;
    memcpy(&bits, &e, sizeof bits);
    return bits;
}

/* memcopy.wat */
#define WORDS 262144
static int64_t ref_memcopy(int32_t n) {
    uint64_t *a = malloc(WORDS * 8), *b = malloc(WORDS * 8);
    uint64_t s = 0x9E3779B97F4A7C15ull, h = 0;
    for (int i = 0; i < WORDS; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        a[i] = s;
    }
    for (int32_t pass = 0; pass < n; pass++) {
        for (int i = 0; i < WORDS; i++) b[i] = a[i];
        for (int i = 0; i < WORDS; i++) h = rotl64(h, 5) ^ b[i];
        a[((uint32_t)pass * 7919u) & (WORDS - 1)] ^= h;
    }
    free(a);
    free(b);
    return (int64_t)h;
}

/* indirect.wat */
static int64_t ref_indirect(int32_t n) {
    uint32_t r = 12345;
    uint64_t acc = 1;
    for (int32_t i = 0; i < n; i++) {
        r = r * 1103515245u + 12345u;
        switch ((r >> 16) & 7) {
        case 0: acc = acc + (uint64_t)r; break;
        case 1: acc = acc ^ ((uint64_t)r * 0x9E3779B97F4A7C15ull); break;
        case 2: acc = acc * 3 + 1; break;
        case 3: acc = rotl64(acc, r & 63); break;
        case 4: acc = acc - (uint64_t)(int64_t)(int32_t)r; break;
        case 5: acc = acc ^ (acc >> 29); break;
        case 6: acc = acc + (acc << 7); break;
        case 7: acc = rotl64(acc, 32); break;
        }
    }
    return (int64_t)acc;
}

/* deep.wat */
static uint64_t down(uint32_t d, uint64_t x) { return d == 0 ? x : down(d - 1, x * 3 + d) + (x & 255); }
static int64_t ref_deep(int32_t n) {
    uint64_t acc = 0;
    for (int32_t r = 0; r < n; r++) acc = down(900, acc ^ (uint32_t)r);
    return (int64_t)acc;
}

static const struct {
    const char *name;
    int64_t (*run)(int32_t);
} programs[] = {
    {"fib", ref_fib},         {"tak", ref_tak},           {"sieve", ref_sieve},
    {"nqueens", ref_nqueens}, {"loop", ref_loop},         {"nbody", ref_nbody},
    {"memcopy", ref_memcopy}, {"indirect", ref_indirect}, {"deep", ref_deep},
};

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s NAME N\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++)
        if (strcmp(programs[i].name, argv[1]) == 0) {
            printf("%lld\n", (long long)programs[i].run((int32_t)atoi(argv[2])));
            return 0;
        }
    fprintf(stderr, "unknown program %s\n", argv[1]);
    return 2;
}
