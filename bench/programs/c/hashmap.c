/* Hash map workload: an open-addressing table (linear probing, deletion by
 * backward shift, no tombstones) of 2^17 slots mapping 32-bit keys to 32-bit
 * values. run(n) performs n random operations over a key space of 100000
 * keys: 50% lookups, 25% inserts/updates, 25% deletes.
 * Checksum: mix of the sum of looked-up values, hit/miss counts and the final
 * number of entries. */
#include "common.h"

#define SLOT_BITS 17
#define SLOTS (1u << SLOT_BITS)
#define MASK (SLOTS - 1)
#define KEY_SPACE 100000u

typedef struct {
    uint32_t *keys; /* 0 = empty */
    uint32_t *vals;
    uint32_t count;
} map_t;

static uint32_t slot_of(uint32_t key) { return (key * 0x9E3779B1u) >> (32 - SLOT_BITS); }

/* keys are scattered over the 32-bit range and never 0 */
static uint32_t key_of(uint32_t index) { return ((index + 1) * 0x2545F491u) ^ 0x5bd1e995u; }

static int lookup(const map_t *m, uint32_t key, uint32_t *val) {
    for (uint32_t i = slot_of(key);; i = (i + 1) & MASK) {
        uint32_t k = m->keys[i];
        if (k == key) {
            *val = m->vals[i];
            return 1;
        }
        if (k == 0) return 0;
    }
}

static void insert(map_t *m, uint32_t key, uint32_t val) {
    for (uint32_t i = slot_of(key);; i = (i + 1) & MASK) {
        uint32_t k = m->keys[i];
        if (k == key) {
            m->vals[i] = val;
            return;
        }
        if (k == 0) {
            m->keys[i] = key;
            m->vals[i] = val;
            m->count++;
            return;
        }
    }
}

static int erase(map_t *m, uint32_t key) {
    uint32_t i = slot_of(key);
    for (;; i = (i + 1) & MASK) {
        uint32_t k = m->keys[i];
        if (k == 0) return 0;
        if (k == key) break;
    }
    /* shift later members of the cluster back over the hole */
    uint32_t hole = i;
    for (uint32_t j = (hole + 1) & MASK; m->keys[j] != 0; j = (j + 1) & MASK) {
        uint32_t home = slot_of(m->keys[j]);
        /* can j's entry move to hole? only if its home is not in (hole, j] cyclically */
        if (((j - home) & MASK) >= ((j - hole) & MASK)) {
            m->keys[hole] = m->keys[j];
            m->vals[hole] = m->vals[j];
            hole = j;
        }
    }
    m->keys[hole] = 0;
    m->count--;
    return 1;
}

int64_t run(int32_t n) {
    map_t m;
    m.keys = calloc(SLOTS, sizeof(uint32_t));
    m.vals = malloc(SLOTS * sizeof(uint32_t));
    m.count = 0;
    CHECK(m.keys && m.vals);
    rng_t r = rng_new(0x686173686d6170ull);
    uint64_t sum = 0;
    uint32_t hits = 0, misses = 0, deleted = 0;
    for (int32_t op = 0; op < n; op++) {
        uint32_t x = rng_u32(&r);
        uint32_t key = key_of((uint32_t)(((uint64_t)(x >> 2) * KEY_SPACE) >> 30));
        switch (x & 3) {
        case 0:
        case 1: {
            uint32_t v;
            if (lookup(&m, key, &v)) {
                sum += v;
                hits++;
            } else {
                misses++;
            }
            break;
        }
        case 2: insert(&m, key, (uint32_t)op ^ key); break;
        case 3: deleted += (uint32_t)erase(&m, key); break;
        }
    }
    /* every remaining key must still be reachable */
    uint32_t live = 0;
    for (uint32_t i = 0; i < SLOTS; i++) {
        if (m.keys[i]) {
            uint32_t v;
            CHECK(lookup(&m, m.keys[i], &v) && v == m.vals[i]);
            live++;
        }
    }
    CHECK(live == m.count);
    free(m.keys);
    free(m.vals);
    uint64_t h = mix64(0, sum);
    h = mix64(h, hits);
    h = mix64(h, misses);
    h = mix64(h, deleted);
    return (int64_t)mix64(h, m.count);
}
