/*
 * lib_random.c — the Random and Uuid modules and Crypto.random_bytes.
 *
 * Random.* draws from one xoshiro256** generator for the whole process,
 * seeded from getrandom on first use, or by Random.seed(n) (through
 * splitmix64, so that nearby seeds give unrelated streams).  One shared
 * generator, not one per worker, is what makes Random.seed(n) reproduce
 * the same sequence wherever the task runs; its state is the one global
 * of this module, behind a mutex (a draw costs a few ns; scripts needing
 * more draw from one task anyway).  Not for secrets: Crypto.random_bytes
 * and Uuid.v4 read the kernel's random source directly.
 *
 * Random.int(lo, hi) includes both ends (Python's randint) and is
 * unbiased (rejection sampling); lo > hi is a runtime error.
 * Random.float() is in [0, 1) with 53 random bits.  Random.choice and
 * Random.shuffle work on any array: rt_random_index picks the element,
 * rt_random_shuffle permutes the array in place (Fisher-Yates).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib_internal.h"
#include "rt_values.h"

static struct {
    pthread_mutex_t lock;
    uint64_t s[4];
    int seeded;
} gen = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static void seed_locked(uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        gen.s[i] = splitmix64(&seed);
    gen.seeded = 1;
}

static uint64_t next_locked(void)
{
    if (!gen.seeded) {
        uint64_t seed;
        lib_random_fill(&seed, sizeof seed, "Random", 0);
        seed_locked(seed);
    }
    uint64_t *s = gen.s;
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* A uniform value in [0, n) (n > 0), without modulo bias. */
static uint64_t below_locked(uint64_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do
        r = next_locked();
    while (r >= limit);
    return r % n;
}

void rt_random_seed(wyn_int n)
{
    pthread_mutex_lock(&gen.lock);
    seed_locked((uint64_t)n);
    pthread_mutex_unlock(&gen.lock);
}

wyn_int rt_random_int(wyn_int lo, wyn_int hi, wyn_loc loc)
{
    if (lo > hi)
        lib_fail(loc, "Random.int: empty range (%lld > %lld)", lo, hi);
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;   /* 0: the whole int range */
    pthread_mutex_lock(&gen.lock);
    uint64_t r = span ? below_locked(span) : next_locked();
    pthread_mutex_unlock(&gen.lock);
    return (wyn_int)((uint64_t)lo + r);
}

double rt_random_float(void)
{
    pthread_mutex_lock(&gen.lock);
    uint64_t r = next_locked();
    pthread_mutex_unlock(&gen.lock);
    return (double)(r >> 11) * 0x1.0p-53;
}

wyn_int rt_random_index(wyn_int len, wyn_loc loc)
{
    if (len <= 0)
        lib_fail(loc, "Random.choice: empty array");
    pthread_mutex_lock(&gen.lock);
    uint64_t r = below_locked((uint64_t)len);
    pthread_mutex_unlock(&gen.lock);
    return (wyn_int)r;
}

void rt_random_shuffle(WynArr *a)
{
    char tmp[256];
    size_t es = (size_t)a->esize;
    char *big = es > sizeof tmp ? rt_malloc_raw(es) : tmp;
    pthread_mutex_lock(&gen.lock);
    for (wyn_int i = a->len - 1; i > 0; i--) {
        wyn_int j = (wyn_int)below_locked((uint64_t)i + 1);
        if (j == i)
            continue;
        char *x = a->data + (size_t)i * es, *y = a->data + (size_t)j * es;
        memcpy(big, x, es);
        memcpy(x, y, es);
        memcpy(y, big, es);
    }
    pthread_mutex_unlock(&gen.lock);
    if (big != tmp)
        free(big);
}

WynStr *rt_uuid_v4(wyn_loc loc)
{
    unsigned char b[16];
    lib_random_fill(b, sizeof b, "Uuid.v4", loc);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);   /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);   /* RFC 4122 variant */
    char s[37];
    snprintf(s, sizeof s,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
    return rt_str_new(s, 36);
}

WynStr *rt_crypto_random_bytes(wyn_int n, wyn_loc loc)
{
    if (n < 0)
        lib_fail(loc, "Crypto.random_bytes: negative count %lld", n);
    unsigned char *b = rt_malloc_raw((size_t)n + 1);
    lib_random_fill(b, (size_t)n, "Crypto.random_bytes", loc);
    WynStr *s = rt_str_alloc(n * 2);
    for (wyn_int i = 0; i < n; i++) {
        s->data[2 * i] = "0123456789abcdef"[b[i] >> 4];
        s->data[2 * i + 1] = "0123456789abcdef"[b[i] & 15];
    }
    free(b);
    return rt_autorelease(s);
}
