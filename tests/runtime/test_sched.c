/* test_sched.c — spawn/await, inline await, nested spawns, detached drain,
 * yield, cancel, await_any, await_until, sleep, shared cells, deep
 * recursion.  Runs every scenario with the worker count from WYN_THREADS
 * (run.sh runs it with 1, 2 and 4). */
#include <stdatomic.h>
#include <stdint.h>
#include "rt_test.h"
#include "rt_values.h"

typedef struct { wyn_int a, b; } Args2;

static void add_fn(void *args, void *res)
{
    Args2 *a = args;
    *(wyn_int *)res = a->a + a->b;
}

static void square_fn(void *args, void *res)
{
    wyn_int n = *(wyn_int *)args;
    *(wyn_int *)res = n * n;
}

/* ---- sequential spawn + await, memoized */
static wyn_int t_basic(void)
{
    Args2 a = { 2, 40 };
    wyn_int f = rt_spawn(add_fn, &a, sizeof a, sizeof(wyn_int), 1);
    CHECK_EQ(*(const wyn_int *)rt_await(f, 2), 42);
    CHECK_EQ(*(const wyn_int *)rt_await(f, 2), 42);
    CHECK(rt_future_done(f));
    wyn_int sum = 0;
    for (wyn_int i = 0; i < 10000; i++) {
        wyn_int g = rt_spawn(square_fn, &i, sizeof i, sizeof(wyn_int), 3);
        sum += *(const wyn_int *)rt_await(g, 4);
    }
    CHECK_EQ(sum, 333283335000LL);
    return 7;
}

/* ---- many futures alive, then awaited */
static wyn_int t_many(void)
{
    const int N = rt_test_n(100000);
    wyn_int *f = malloc(sizeof(wyn_int) * N);
    for (wyn_int i = 0; i < N; i++)
        f[i] = rt_spawn(square_fn, &i, sizeof i, sizeof(wyn_int), 5);
    long long s = 0;
    for (wyn_int i = 0; i < N; i++)
        s += *(const wyn_int *)rt_await(f[i], 6) % 7;
    long long want = 0;
    for (long long i = 0; i < N; i++)
        want += (i * i) % 7;
    CHECK_EQ(s, want);
    free(f);
    return 0;
}

/* ---- nested: tree of spawns */
static void tree_fn(void *args, void *res)
{
    wyn_int d = *(wyn_int *)args;
    if (d == 0) {
        *(wyn_int *)res = 1;
        return;
    }
    wyn_int c = d - 1;
    wyn_int l = rt_spawn(tree_fn, &c, sizeof c, sizeof(wyn_int), 10);
    wyn_int r = rt_spawn(tree_fn, &c, sizeof c, sizeof(wyn_int), 11);
    *(wyn_int *)res = *(const wyn_int *)rt_await(l, 12) + *(const wyn_int *)rt_await(r, 13);
}

static wyn_int t_tree(void)
{
    wyn_int d = 14;
    wyn_int f = rt_spawn(tree_fn, &d, sizeof d, sizeof(wyn_int), 14);
    CHECK_EQ(*(const wyn_int *)rt_await(f, 15), 1 << 14);
    return 0;
}

/* ---- detached tasks finish before rt_main returns */
static wyn_int g_cell;
static void bump_fn(void *args, void *res)
{
    (void)res;
    wyn_int ms = *(wyn_int *)args;
    if (ms)
        rt_sleep_ms(ms, 20);
    rt_shared_add(g_cell, 1, 0);
}

static wyn_int t_detached(void)
{
    g_cell = rt_shared_new(0);
    for (wyn_int i = 0; i < 1000; i++) {
        wyn_int ms = i % 10 == 0 ? 30 : 0;   /* 1000 is small enough for TSan */
        rt_spawn_detached(bump_fn, &ms, sizeof ms, 21);
    }
    return 0;
}

/* ---- big arguments and results (heap payload) */
typedef struct { wyn_int v[16]; } Big;
static void big_fn(void *args, void *res)
{
    Big *a = args, *r = res;
    for (int i = 0; i < 16; i++)
        r->v[i] = a->v[i] * 2;
}

static wyn_int t_big(void)
{
    Big b;
    for (int i = 0; i < 16; i++)
        b.v[i] = i;
    wyn_int f = rt_spawn(big_fn, &b, sizeof b, sizeof b, 30);
    rt_task_yield();
    const Big *r = rt_await(f, 31);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(r->v[i], 2 * i);
    return 0;
}

/* ---- cancel + yield + is_cancelled */
static void spin_fn(void *args, void *res)
{
    wyn_int cell = *(wyn_int *)args;
    for (;;) {
        if (rt_task_is_cancelled()) {
            *(wyn_int *)res = -1;
            return;
        }
        rt_shared_add(cell, 1, 0);
        rt_task_yield();
    }
}

static wyn_int t_cancel(void)
{
    CHECK(!rt_task_is_cancelled());
    wyn_int c = rt_shared_new(0);
    wyn_int h = rt_spawn(spin_fn, &c, sizeof c, sizeof(wyn_int), 40);
    rt_sleep_ms(20, 41);
    rt_task_cancel(h);
    CHECK_EQ(*(const wyn_int *)rt_await(h, 42), -1);
    CHECK(rt_shared_get(c, 0) > 0);
    return 0;
}

/* ---- sleep overlap, await_until, await_any */
static void nap_fn(void *args, void *res)
{
    wyn_int ms = *(wyn_int *)args;
    rt_sleep_ms(ms, 50);
    *(wyn_int *)res = ms;
}

static wyn_int t_sleep(void)
{
    const int N = rt_test_n(2000);
    static wyn_int f[2000];
    double t0 = rt_test_now();
    for (int i = 0; i < N; i++) {
        wyn_int ms = 100;
        f[i] = rt_spawn(nap_fn, &ms, sizeof ms, sizeof(wyn_int), 51);
    }
    wyn_int s = 0;
    for (int i = 0; i < N; i++)
        s += *(const wyn_int *)rt_await(f[i], 52);
    double took = rt_test_now() - t0;
    CHECK_EQ(s, 100 * N);
    CHECK(took >= 0.099 && took < 2.0);

    wyn_int ms = 200;
    wyn_int slow = rt_spawn(nap_fn, &ms, sizeof ms, sizeof(wyn_int), 53);
    CHECK(rt_await_until(slow, rt_time_nanos() + 20 * 1000000LL, 54) == NULL);
    CHECK(rt_await_until(slow, rt_time_nanos() + 1000 * 1000000LL, 55) != NULL);

    wyn_int ms1 = 80, ms2 = 10, ms3 = 50;
    wyn_int fa[3];
    fa[0] = rt_spawn(nap_fn, &ms1, sizeof ms1, sizeof(wyn_int), 56);
    fa[1] = rt_spawn(nap_fn, &ms2, sizeof ms2, sizeof(wyn_int), 57);
    fa[2] = rt_spawn(nap_fn, &ms3, sizeof ms3, sizeof(wyn_int), 58);
    WynArr arr = { -1, 3, 3, sizeof(wyn_int), (char *)fa };
    CHECK_EQ(rt_await_any(&arr, 59), 1);
    CHECK_EQ(rt_await_any(&arr, 59), 1);   /* done futures: lowest done index */
    return 0;
}

/* ---- deep recursion inside a task and in main */
static __attribute__((noinline)) wyn_int rec(wyn_int n)
{
    volatile wyn_int pad = n;
    if (n <= 0)
        return 0;
    return rec(n - 1) + 1 + (pad - n);
}

static void rec_fn(void *args, void *res)
{
    *(wyn_int *)res = rec(*(wyn_int *)args);
}

/* a parked deep task must be copied out and back */
static void rec_park_fn(void *args, void *res);
static wyn_int rec_park(wyn_int n)
{
    if (n <= 0) {
        rt_sleep_ms(5, 60);
        return 0;
    }
    return rec_park(n - 1) + 1;
}
static void rec_park_fn(void *args, void *res)
{
    *(wyn_int *)res = rec_park(*(wyn_int *)args);
}

static wyn_int t_deep(void)
{
    wyn_int d = 1000000;
    wyn_int f = rt_spawn(rec_fn, &d, sizeof d, sizeof(wyn_int), 61);
    CHECK_EQ(*(const wyn_int *)rt_await(f, 62), d);
    CHECK_EQ(rec(500000), 500000);
    wyn_int d2 = 20000, fs[4];
    for (int i = 0; i < 4; i++)
        fs[i] = rt_spawn(rec_park_fn, &d2, sizeof d2, sizeof(wyn_int), 63);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(*(const wyn_int *)rt_await(fs[i], 64), d2);
    return 0;
}

/* ---- FP control state is per coroutine (a task run inline by its
 * awaiter shares the awaiter's, like any call: so make sure it started).
 * The rounding mode read straight from the register the switch saves:
 * MXCSR.RC on x86-64, FPCR.RMode on AArch64; 3 = toward zero on both. */
#if defined(__x86_64__)
static unsigned fp_round(void)
{
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return (m >> 13) & 3;
}
static void fp_round_toward_zero(void)
{
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    m |= 0x6000u;
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}
#elif defined(__aarch64__)
static unsigned fp_round(void)
{
    uint64_t c;
    __asm__ volatile("mrs %0, fpcr" : "=r"(c));
    return (unsigned)(c >> 22) & 3;
}
static void fp_round_toward_zero(void)
{
    uint64_t c;
    __asm__ volatile("mrs %0, fpcr" : "=r"(c));
    c |= (uint64_t)3 << 22;
    __asm__ volatile("msr fpcr, %0" : : "r"(c));
}
#endif

static wyn_int g_fp_started;
static void fp_fn(void *args, void *res)
{
    rt_shared_set(g_fp_started, 1, 0);
    fp_round_toward_zero();
    rt_task_yield();
    rt_sleep_ms(1, 70);
    *(wyn_int *)res = fp_round();
}

static wyn_int t_fp(void)
{
    g_fp_started = rt_shared_new(0);
    wyn_int f = rt_spawn(fp_fn, NULL, 0, sizeof(wyn_int), 71);
    while (!rt_shared_get(g_fp_started, 0))
        rt_task_yield();
    CHECK_EQ(fp_round(), 0);
    CHECK_EQ(*(const wyn_int *)rt_await(f, 72), 3);
    CHECK_EQ(fp_round(), 0);
    return 0;
}


/* ---- ownership across tasks: the body releases its argument, its
 * temporaries are drained when it ends, and rt_future_release runs the
 * result_drop on what the result holds (inline and heap results). */
static _Atomic int g_drops;
typedef struct { WynStr *s[4]; wyn_int n; } BigRes;   /* 40 bytes: on the heap */

static void str_res_drop(void *res)
{
    atomic_fetch_add(&g_drops, 1);
    rt_release_str(*(WynStr **)res);
}

static void big_res_drop(void *res)
{
    atomic_fetch_add(&g_drops, 1);
    BigRes *b = res;
    for (int i = 0; i < 4; i++)
        rt_release_str(b->s[i]);
}

static void shout_fn(void *args, void *res)
{
    WynStr *in = *(WynStr **)args;      /* owned by the task */
    WynStr *t = rt_str_concat(in, rt_str_cstr("!"));   /* temporaries */
    *(WynStr **)res = wyn_own_str(t);   /* the result owns one */
    rt_release_str(in);
}

static void big_res_fn(void *args, void *res)
{
    WynStr *in = *(WynStr **)args;
    BigRes *b = res;
    for (int i = 0; i < 4; i++)
        b->s[i] = wyn_own_str(rt_str_repeat(in, i + 2));
    b->n = 4;
    rt_release_str(in);
}

static wyn_int t_result_drop(void)
{
    wyn_int base = rt_mem_live_objects();
    atomic_store(&g_drops, 0);
    enum { N = 200 };
    static wyn_int futs[N];
    for (int i = 0; i < N; i++) {
        wyn_int mark = rt_pool_mark();
        WynStr *arg = wyn_own_str(rt_str_from_int(1000 + i));  /* the task's */
        if (i % 2)
            futs[i] = rt_spawn_ex(shout_fn, &arg, sizeof arg, sizeof(WynStr *),
                                  str_res_drop, 10);
        else
            futs[i] = rt_spawn_ex(big_res_fn, &arg, sizeof arg, sizeof(BigRes),
                                  big_res_drop, 11);
        rt_pool_drain(mark);
    }
    int bad = 0;
    for (int i = 0; i < N; i++) {
        const void *r = rt_await(futs[i], 12);
        if (i % 2) {
            WynStr *s = *(WynStr *const *)r;
            bad += s->len != 5 || s->data[4] != '!' || s->rc != 1;
        } else {
            const BigRes *b = r;
            bad += b->n != 4 || b->s[3]->len != 20 || b->s[0]->rc != 1;
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(atomic_load(&g_drops), 0);
    for (int i = 0; i < N; i++)
        rt_future_release(futs[i]);
    CHECK_EQ(atomic_load(&g_drops), N);
    CHECK_EQ(rt_mem_live_objects(), base);
    /* plain rt_spawn has no drop; a recycled task slot forgets the old one */
    Args2 a = { 1, 2 };
    wyn_int f = rt_spawn(add_fn, &a, sizeof a, sizeof(wyn_int), 13);
    CHECK_EQ(*(const wyn_int *)rt_await(f, 14), 3);
    rt_future_release(f);
    CHECK_EQ(atomic_load(&g_drops), N);
    return 0;
}

int main(void)
{
    FOR_EACH_THREADS({
    CHECK_EQ(rt_test_run(t_basic), 7);
    CHECK_EQ(rt_test_run(t_many), 0);
    CHECK_EQ(rt_test_run(t_tree), 0);
    CHECK_EQ(rt_test_run(t_detached), 0);
    CHECK_EQ(rt_shared_get(g_cell, 0), 1000);
    CHECK_EQ(rt_test_run(t_big), 0);
    CHECK_EQ(rt_test_run(t_cancel), 0);
    CHECK_EQ(rt_test_run(t_sleep), 0);
    if (!(getenv("RT_TEST_NO_DEEP") && *getenv("RT_TEST_NO_DEEP")))
        CHECK_EQ(rt_test_run(t_deep), 0);
    CHECK_EQ(rt_test_run(t_fp), 0);
    CHECK_EQ(rt_test_run(t_result_drop), 0);
    });
    TEST_DONE("test_sched");
}
