/* test_handle.c — the handle registry (runtime/handle.c) and the checked
 * int forms of channels, futures and shared cells: lookups, forged, stale,
 * wrong-kind and wrong-type handles (each error in a forked child, exact
 * text and status 1), interning, slot reuse, and lock-free readers racing
 * with writers that release and reuse slots. */
#include <pthread.h>
#include <stdatomic.h>
#include "handle.h"
#include "io_test.h"
#include "rt_test.h"

static wyn_int g_child_arg;
static void (*g_child_fn)(wyn_int);
static void child_body(void *unused)
{
    (void)unused;
    alarm(20);
    rt_set_program(&(WynProgram){ .files = rt_test_files, .nfiles = 1 });
    g_child_fn(g_child_arg);
}

/* Runs fn(arg) in a child; checks it dies with status 1 and want in stderr. */
static void expect_error(const char *name, void (*fn)(wyn_int), wyn_int arg, const char *want)
{
    char err[1024];
    g_child_fn = fn;
    g_child_arg = arg;
    int code = fork_capture(child_body, NULL, err, sizeof err);
    if (code != 1 || !strstr(err, want)) {
        fprintf(stderr, "%s: status %d (want 1), stderr:\n%s(want: %s)\n", name, code, err, want);
        rt_test_failures++;
    }
}

#define L(line) WYN_LOC(0, line)
static int obj_a, obj_b;

static void get_chan_int(wyn_int h) { rt_handle_get(h, &rt_hk_channel, "int", "Task.recv", L(7)); }
static void get_future(wyn_int h) { rt_handle_get(h, &rt_hk_future, NULL, "Task.cancel", L(8)); }
static void shared_get(wyn_int h) { rt_shared_get(h, L(9)); }
static void chan_of_int(wyn_int h) { rt_chan_of_int(h, "string", "select", L(10)); }

static void test_basics(void)
{
    wyn_int live0 = rt_handle_live();
    wyn_int a = rt_handle_new(&rt_hk_channel, "int", &obj_a);
    wyn_int b = rt_handle_new(&rt_hk_future, "string", &obj_b);
    CHECK(a > 0xffffffffLL && b > 0xffffffffLL && a != b);
    CHECK(rt_handle_get(a, &rt_hk_channel, "int", "t", 0) == &obj_a);
    CHECK(rt_handle_get(a, &rt_hk_channel, NULL, "t", 0) == &obj_a);   /* no type check */
    CHECK(rt_handle_get(b, &rt_hk_future, "string", "t", 0) == &obj_b);
    CHECK_EQ(rt_handle_live(), live0 + 2);
    const RtHandleKind *k;
    const char *t;
    void *o;
    CHECK(rt_handle_peek(b, &k, &t, &o) && k == &rt_hk_future && !strcmp(t, "string") && o == &obj_b);
    CHECK(!rt_handle_peek(12345, &k, &t, &o));
    CHECK(!rt_handle_peek(0, &k, &t, &o));
    CHECK(!rt_handle_peek(-a, &k, &t, &o));

    expect_error("forged small", get_chan_int, 12345, "test.wyn:7: error: Task.recv: 12345 is not a channel handle");
    expect_error("forged zero", get_chan_int, 0, "Task.recv: 0 is not a channel handle");
    expect_error("forged negative", get_chan_int, -5, "Task.recv: -5 is not a channel handle");
    expect_error("forged pointer", get_chan_int, (wyn_int)(intptr_t)&obj_a, "is not a channel handle");
    expect_error("forged index", get_chan_int, a + 1000000, "is not a channel handle");
    expect_error("forged generation", get_chan_int, a + (5LL << 32), "is not a channel handle");
    expect_error("wrong kind", get_chan_int, b, "test.wyn:7: error: Task.recv: handle is a future, not a channel");
    expect_error("wrong kind 2", get_future, a, "test.wyn:8: error: Task.cancel: handle is a channel, not a future");
    wyn_int s = rt_handle_new(&rt_hk_channel, "string", &obj_a);
    expect_error("wrong type", get_chan_int, s, "test.wyn:7: error: Task.recv: channel carries string, used as int");

    /* stale: released, then the slot reused by another handle */
    rt_handle_release(a);
    CHECK_EQ(rt_handle_live(), live0 + 2);
    expect_error("stale", get_chan_int, a, "Task.recv: stale channel handle");
    rt_handle_release(a);                       /* twice: ignored */
    wyn_int c = rt_handle_new(&rt_hk_channel, "int", &obj_b);
    CHECK(((c ^ a) & 0xffffffffLL) == 0);       /* same slot ... */
    CHECK(c != a);                              /* ... new generation */
    CHECK(rt_handle_get(c, &rt_hk_channel, "int", "t", 0) == &obj_b);
    expect_error("stale after reuse", get_chan_int, a, "Task.recv: stale channel handle");
    rt_handle_release(b);
    rt_handle_release(c);
    rt_handle_release(s);
    CHECK_EQ(rt_handle_live(), live0);
}

static void test_intern(void)
{
    wyn_int live0 = rt_handle_live();
    int objs[300];
    wyn_int hs[300];
    for (int i = 0; i < 300; i++)
        hs[i] = rt_handle_intern(&rt_hk_future, "int", &objs[i]);
    for (int i = 0; i < 300; i++) {
        CHECK_EQ(rt_handle_intern(&rt_hk_future, "int", &objs[i]), hs[i]);
        CHECK(rt_handle_get(hs[i], &rt_hk_future, "int", "t", 0) == &objs[i]);
    }
    CHECK_EQ(rt_handle_live(), live0 + 300);
    /* forget every other one: the rest must still be found (backward shift) */
    for (int i = 0; i < 300; i += 2)
        rt_handle_forget(&objs[i]);
    for (int i = 1; i < 300; i += 2)
        CHECK_EQ(rt_handle_intern(&rt_hk_future, "int", &objs[i]), hs[i]);
    expect_error("forgotten", get_future, hs[0], "Task.cancel: stale future handle");
    wyn_int again = rt_handle_intern(&rt_hk_future, "int", &objs[0]);
    CHECK(again != hs[0]);
    rt_handle_forget(&objs[0]);
    rt_handle_forget(&objs[0]);                 /* not interned: ignored */
    for (int i = 1; i < 300; i += 2)
        rt_handle_forget(&objs[i]);
    CHECK_EQ(rt_handle_live(), live0);
}

/* ------------------------------------------- channels, futures, shared */

static wyn_int g_status_ok;
static void sq(void *args, void *res) { wyn_int n = *(wyn_int *)args; *(wyn_int *)res = n * n; }

static wyn_int typed_main(void)
{
    wyn_int ch = rt_chan_new(4, sizeof(wyn_int), L(1));
    wyn_int h1 = rt_chan_to_int(ch, "int"), h2 = rt_chan_to_int(ch, "int");
    CHECK_EQ(h1, h2);
    CHECK(h1 != ch);
    CHECK_EQ(rt_chan_of_int(h1, "int", "t", 0), ch);
    wyn_int v = 41, out = 0;
    rt_chan_send(rt_chan_of_int(h1, "int", "t", 0), &v, sizeof v, 0);
    rt_chan_recv(ch, &out, sizeof out, 0);
    CHECK_EQ(out, 41);

    wyn_int n = 7;
    wyn_int fut = rt_spawn(sq, &n, sizeof n, sizeof(wyn_int), L(2));
    wyn_int fh = rt_future_to_int(fut, "int");
    CHECK_EQ(rt_future_to_int(fut, "int"), fh);
    CHECK_EQ(rt_future_of_int(fh, "int", "t", 0), fut);
    CHECK_EQ(*(const wyn_int *)rt_await(fut, 0), 49);
    /* a recycled future's int is stale, never the next task's */
    rt_future_release(fut);
    const RtHandleKind *k;
    const char *t;
    void *o;
    CHECK(!rt_handle_peek(fh, &k, &t, &o));
    wyn_int fut2 = rt_spawn(sq, &n, sizeof n, sizeof(wyn_int), L(3));
    CHECK_EQ(*(const wyn_int *)rt_await(fut2, 0), 49);
    CHECK(!rt_handle_peek(fh, &k, &t, &o));

    wyn_int cell = rt_shared_new(5);
    CHECK(cell > 0xffffffffLL);
    CHECK_EQ(rt_shared_add(cell, 2, 0), 5);
    CHECK_EQ(rt_shared_sub(cell, 1, 0), 7);
    rt_shared_set(cell, 9, 0);
    CHECK_EQ(rt_shared_get(cell, 0), 9);
    g_status_ok = cell;
    return 0;
}

static void test_typed(void)
{
    CHECK_EQ(rt_test_run(typed_main), 0);
    expect_error("shared forged", shared_get, 77, "test.wyn:9: error: Shared.get: 77 is not a shared value handle");
    wyn_int ch = rt_handle_new(&rt_hk_channel, "int", &obj_a);
    expect_error("shared wrong kind", shared_get, ch, "Shared.get: handle is a channel, not a shared value");
    expect_error("chan wrong kind", chan_of_int, g_status_ok, "test.wyn:10: error: select: handle is a shared value, not a channel");
    expect_error("chan wrong type", chan_of_int, ch, "select: channel carries int, used as string");
    rt_handle_release(ch);
}

/* --------------------------------------------------------------- threads */

/* Writers make and release handles whose object encodes the handle's
 * ordinal; readers look up handles published in a ring (possibly released
 * and reused meanwhile): a successful lookup must give the right object. */
#define RING 256
static _Atomic wyn_int ring_h[RING];
static _Atomic uintptr_t ring_o[RING];
static _Atomic int stop_flag;
static _Atomic long long bad, hits;

static void *writer(void *arg)
{
    uintptr_t half = (uintptr_t)arg;   /* each writer owns half the ring */
    for (uintptr_t i = 0; !atomic_load(&stop_flag); i++) {
        uintptr_t obj = (half << 40 | (i + 1)) << 4;   /* unique per write */
        int pos = (int)(half * (RING / 2) + i % (RING / 2));
        wyn_int old = atomic_load(&ring_h[pos]);
        wyn_int h = rt_handle_new(&rt_hk_channel, "int", (void *)obj);
        atomic_store(&ring_o[pos], 0);
        atomic_store(&ring_h[pos], h);
        atomic_store(&ring_o[pos], obj);
        rt_handle_release(old);         /* its slot gets reused soon */
    }
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop_flag))
        for (int i = 0; i < RING; i++) {
            uintptr_t o1 = atomic_load(&ring_o[i]);
            wyn_int h = atomic_load(&ring_h[i]);
            uintptr_t o2 = atomic_load(&ring_o[i]);
            const RtHandleKind *k;
            const char *t;
            void *o;
            if (!o1 || o1 != o2 || !rt_handle_peek(h, &k, &t, &o))
                continue;
            atomic_fetch_add(&hits, 1);
            if (k != &rt_hk_channel || strcmp(t, "int") != 0 || (uintptr_t)o != o1)
                atomic_fetch_add(&bad, 1);
        }
    return NULL;
}

static void test_threads(void)
{
    wyn_int live0 = rt_handle_live();
    pthread_t w[2], r[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&w[i], NULL, writer, (void *)(uintptr_t)i);
        pthread_create(&r[i], NULL, reader, NULL);
    }
    struct timespec ts = { 0, 300 * 1000000 };
    nanosleep(&ts, NULL);
    atomic_store(&stop_flag, 1);
    for (int i = 0; i < 2; i++) {
        pthread_join(w[i], NULL);
        pthread_join(r[i], NULL);
    }
    for (int i = 0; i < RING; i++)
        rt_handle_release(atomic_load(&ring_h[i]));
    CHECK_EQ(bad, 0);
    CHECK(hits > 0);
    CHECK_EQ(rt_handle_live(), live0);
}

int main(void)
{
    test_basics();
    test_intern();
    test_typed();
    test_threads();
    TEST_DONE("test_handle");
}
