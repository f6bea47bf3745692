/* Native driver for a C benchmark: `NAME N` runs run(N) once and prints
 * "<checksum> <nanoseconds>", the wall time of that call (CLOCK_MONOTONIC). */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int64_t run(int32_t n);

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    int32_t n = (int32_t)strtol(argv[1], NULL, 10);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int64_t checksum = run(n);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int64_t ns = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec);
    printf("%lld %lld\n", (long long)checksum, (long long)ns);
    return 0;
}
