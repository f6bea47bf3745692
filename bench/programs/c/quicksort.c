/* Quicksort of n pseudo-random 32-bit integers (median-of-three pivot,
 * insertion sort for short ranges, recursion on the smaller half).
 * Checksum: sum of a[i] * (i + 1) after sorting; the result is also checked
 * to be in order. */
#include "common.h"

static void insertion_sort(int32_t *a, int32_t lo, int32_t hi) {
    for (int32_t i = lo + 1; i <= hi; i++) {
        int32_t v = a[i], j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void swap(int32_t *a, int32_t i, int32_t j) {
    int32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quicksort(int32_t *a, int32_t lo, int32_t hi) {
    while (hi - lo > 16) {
        int32_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        int32_t pivot = a[mid];
        int32_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                swap(a, i, j);
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

int64_t run(int32_t n) {
    if (n <= 0) return 0;
    int32_t *a = malloc((uint32_t)n * sizeof(int32_t));
    CHECK(a);
    rng_t r = rng_new(0x71736f7274ull);
    for (int32_t i = 0; i < n; i++) a[i] = (int32_t)rng_u32(&r);
    quicksort(a, 0, n - 1);
    uint64_t sum = 0;
    for (int32_t i = 0; i < n; i++) {
        if (i > 0) CHECK(a[i - 1] <= a[i]);
        sum += (uint64_t)(int64_t)a[i] * (uint64_t)(i + 1);
    }
    free(a);
    return (int64_t)sum;
}
