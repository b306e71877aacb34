/*
 * ffi_call.c — the C side of the foreign-call benchmark (benchmarks/ffi_bench.sh).
 *
 * Built two ways from this one file:
 *   cc -shared -fPIC -DFFI_BENCH_LIB -O2 ffi_call.c -o libffibench.so
 *       the library both Wyn and C call: ffib_call_n(f, n) calls f(i) for
 *       i in 0..n and sums the results (the callback benchmark).
 *   gcc -O2 ffi_call.c -ldl   /   tcc -ldl -run ffi_call.c LIB [N]
 *       the C peer of benchmarks/wyn/ffi_call.wyn. It reaches labs and
 *       ffib_call_n through pointers from dlsym, as Wyn's extern calls do, so
 *       no compiler can inline them; the callback is a plain C function.
 *
 * Output, the same as ffi_call.wyn's:
 *   line 1: a checksum (sum of labs(i - N/2) + sum of (i & 7), i in 0..N)
 *   then "extern NS CALLS", "callback NS CALLS", "qsort NS COMPARES":
 *   nanoseconds of the timed loop and the number of foreign calls it made.
 */
#ifdef FFI_BENCH_LIB
long long ffib_call_n(long long (*f)(long long), long long n)
{
    long long s = 0;
    for (long long i = 0; i < n; i++)
        s += f(i);
    return s;
}
#else
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define QN 200000

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cb(long long x) { return x & 7; }

static long long compares;
static int cmp_count(const void *a, const void *b)
{
    compares++;
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}
static int cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static void fill(long long *xs)
{
    long long x = 42;
    for (int i = 0; i < QN; i++) {
        x = (x * 1103515245 + 12345) % 2147483648LL;
        xs[i] = x;
    }
}

int main(int argc, char **argv)
{
    const char *lib = argc > 1 ? argv[1] : "libffibench.so";
    long long n = argc > 2 ? atoll(argv[2]) : 10000000;
    long long (*labs_p)(long long) = (long long (*)(long long))dlsym(RTLD_DEFAULT, "labs");
    void *h = dlopen(lib, RTLD_NOW);
    if (!labs_p || !h) {
        fprintf(stderr, "cannot load labs or %s: %s\n", lib, dlerror());
        return 1;
    }
    long long (*call_n)(long long (*)(long long), long long) =
        (long long (*)(long long (*)(long long), long long))dlsym(h, "ffib_call_n");
    if (!call_n) {
        fprintf(stderr, "no ffib_call_n in %s\n", lib);
        return 1;
    }

    long long half = n / 2, s1 = 0;
    long long t0 = now_ns();
    for (long long i = 0; i < n; i++)
        s1 += labs_p(i - half);
    long long t1 = now_ns();
    long long s2 = call_n(cb, n);
    long long t2 = now_ns();

    long long *xs = malloc(sizeof *xs * QN);
    fill(xs);
    qsort(xs, QN, sizeof *xs, cmp_count);  /* untimed: counts the comparisons */
    fill(xs);
    long long t3 = now_ns();
    qsort(xs, QN, sizeof *xs, cmp);
    long long t4 = now_ns();
    for (int i = 1; i < QN; i++)
        if (xs[i - 1] > xs[i]) {
            fprintf(stderr, "not sorted\n");
            return 1;
        }
    free(xs);

    printf("%lld\n", s1 + s2);
    printf("extern %lld %lld\n", t1 - t0, n);
    printf("callback %lld %lld\n", t2 - t1, n);
    printf("qsort %lld %lld\n", t4 - t3, compares);
    return 0;
}
#endif
