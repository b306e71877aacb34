/*
 * rt_test.h — tiny helpers shared by the runtime's C tests (tests/runtime/
 * test_*.c).  Each test is a standalone program that exits 0 on success.
 * Build: gcc -std=gnu11 -O1 -g -Iruntime tests/runtime/test_X.c \
 *            build/runtime/[!m]*.o build/runtime/main.o -lpthread -lm -ldl
 * (or just: bash tests/runtime/run.sh).
 */
#ifndef RT_TEST_H
#define RT_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wyn_rt.h"
#include "rt_internal.h"

static int rt_test_failures;
#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    rt_test_failures++; } } while (0)
#define CHECK_EQ(a, b) do { long long _a = (long long)(a), _b = (long long)(b); \
    if (_a != _b) { fprintf(stderr, "%s:%d: CHECK_EQ failed: %s = %lld, %s = %lld\n", \
        __FILE__, __LINE__, #a, _a, #b, _b); rt_test_failures++; } } while (0)

static const char *const rt_test_files[] = { "test.wyn" };

/* Runs entry as a Wyn main under rt_main; returns its status. */
static inline int rt_test_run(wyn_int (*entry)(void))
{
    WynProgram p = { .files = rt_test_files, .nfiles = 1, .entry = entry };
    char *argv[] = { (char *)"test.wyn", NULL };
    return rt_main(&p, 1, argv);
}

static inline double rt_test_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs body once per worker count: WYN_THREADS if set, else 1, 2 and 4. */
#define FOR_EACH_THREADS(body) do { \
    const char *_env = getenv("WYN_THREADS"); \
    static const char *const _counts[] = { "1", "2", "4" }; \
    int _n = _env && *_env ? 1 : 3; \
    for (int _i = 0; _i < _n; _i++) { \
        if (!(_env && *_env)) setenv("WYN_THREADS", _counts[_i], 1); \
        body; \
    } \
    if (!(_env && *_env)) unsetenv("WYN_THREADS"); } while (0)

/* Sizes shrink under sanitizers (RT_TEST_SMALL=1): TSan makes one fiber
 * per live coroutine. */
static inline int rt_test_n(int n)
{
    const char *s = getenv("RT_TEST_SMALL");
    return s && *s == '1' ? (n / 20 > 10 ? n / 20 : 10) : n;
}

#define TEST_DONE(name) do { \
    if (rt_test_failures) { fprintf(stderr, "%s: %d failure(s)\n", name, rt_test_failures); return 1; } \
    printf("%s: ok\n", name); return 0; } while (0)
#endif
