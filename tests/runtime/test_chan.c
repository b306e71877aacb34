/* test_chan.c — channels and select: buffered/unbuffered, blocking
 * producers, many senders, close semantics, try_recv, payload sizes,
 * 20 000 receivers parked on one channel, select ready/default/timeout,
 * ping-pong, fairness of direct switches between ping-pong pairs. */
#include "rt_test.h"

typedef struct { wyn_int ch, base, n; } SendArgs;

static void sender_fn(void *args, void *res)
{
    SendArgs *a = args;
    for (wyn_int i = 0; i < a->n; i++) {
        wyn_int v = a->base + i;
        rt_chan_send(a->ch, &v, sizeof v, 1);
    }
}

static wyn_int t_basic(void)
{
    wyn_int c = rt_chan_new(4, sizeof(wyn_int), 2);
    wyn_int v = 10, w = 20, x, y;
    rt_chan_send(c, &v, sizeof v, 3);
    rt_chan_send(c, &w, sizeof w, 3);
    rt_chan_recv(c, &x, sizeof x, 4);
    rt_chan_recv(c, &y, sizeof y, 4);
    CHECK_EQ(x + y, 30);
    CHECK_EQ(x, 10);

    /* blocking producer on a small buffer */
    wyn_int ch = rt_chan_new(2, sizeof(wyn_int), 5);
    SendArgs sa = { ch, 0, 100 };
    wyn_int p = rt_spawn(sender_fn, &sa, sizeof sa, 0, 6);
    wyn_int sum = 0;
    for (int i = 0; i < 100; i++) {
        rt_chan_recv(ch, &x, sizeof x, 7);
        CHECK_EQ(x, i);   /* one producer: FIFO order */
        sum += x;
    }
    rt_await(p, 8);
    CHECK_EQ(sum, 4950);

    /* many senders */
    wyn_int many = rt_chan_new(8, sizeof(wyn_int), 9);
    for (int s = 0; s < 50; s++) {
        SendArgs a = { many, s * 100, 100 };
        rt_spawn_detached(sender_fn, &a, sizeof a, 10);
    }
    wyn_int total = 0;
    for (int i = 0; i < 5000; i++) {
        rt_chan_recv(many, &x, sizeof x, 11);
        total += x;
    }
    CHECK_EQ(total, 12497500);

    /* payload sizes: 1 byte, 24 bytes, 100 bytes */
    wyn_int cb = rt_chan_new(3, 1, 12);
    char b1 = 'q', b2 = 0;
    rt_chan_send(cb, &b1, 1, 12);
    rt_chan_recv(cb, &b2, 1, 12);
    CHECK_EQ(b2, 'q');
    struct { char s[100]; } big1, big2;
    memset(&big1, 'z', sizeof big1);
    wyn_int cbig = rt_chan_new_unbuffered(sizeof big1);
    SendArgs dummy; (void)dummy;
    wyn_int cbig2 = rt_chan_new(1, sizeof big1, 13);
    rt_chan_send(cbig2, &big1, sizeof big1, 13);
    rt_chan_recv(cbig2, &big2, sizeof big2, 13);
    CHECK(memcmp(&big1, &big2, sizeof big1) == 0);
    (void)cbig;

    /* close: buffered values drain, then zero; try_recv none */
    wyn_int done = rt_chan_new(1, sizeof(wyn_int), 14);
    v = 7;
    rt_chan_send(done, &v, sizeof v, 14);
    rt_chan_close(done, 14);
    rt_chan_recv(done, &x, sizeof x, 15);
    CHECK_EQ(x, 7);
    x = 99;
    rt_chan_recv(done, &x, sizeof x, 15);
    CHECK_EQ(x, 0);
    CHECK(!rt_chan_try_recv(done, &x, sizeof x));

    wyn_int tr = rt_chan_new(2, sizeof(wyn_int), 16);
    CHECK(!rt_chan_try_recv(tr, &x, sizeof x));
    v = 5;
    rt_chan_send(tr, &v, sizeof v, 16);
    CHECK(rt_chan_try_recv(tr, &x, sizeof x));
    CHECK_EQ(x, 5);
    return 0;
}

/* ---- unbuffered ping-pong */
typedef struct { wyn_int ping, pong, n; } PP;
static void ponger_fn(void *args, void *res)
{
    PP *p = args;
    for (wyn_int i = 0; i < p->n; i++) {
        wyn_int v;
        rt_chan_recv(p->ping, &v, sizeof v, 20);
        v++;
        rt_chan_send(p->pong, &v, sizeof v, 21);
    }
}

static wyn_int t_pingpong(void)
{
    PP p = { rt_chan_new_unbuffered(sizeof(wyn_int)), rt_chan_new_unbuffered(sizeof(wyn_int)), rt_test_n(20000) };
    rt_spawn_detached(ponger_fn, &p, sizeof p, 22);
    wyn_int v = 0;
    for (int i = 0; i < p.n; i++) {
        rt_chan_send(p.ping, &v, sizeof v, 23);
        rt_chan_recv(p.pong, &v, sizeof v, 24);
    }
    CHECK_EQ(v, p.n);
    return 0;
}

/* ---- close wakes parked receivers (zero) */
static void recv_fn(void *args, void *res)
{
    wyn_int ch = *(wyn_int *)args, v = 123;
    rt_chan_recv(ch, &v, sizeof v, 30);
    *(wyn_int *)res = v;
}

static wyn_int t_close_wakes(void)
{
    wyn_int ch = rt_chan_new_unbuffered(sizeof(wyn_int));
    wyn_int f[10];
    for (int i = 0; i < 10; i++)
        f[i] = rt_spawn(recv_fn, &ch, sizeof ch, sizeof(wyn_int), 31);
    rt_sleep_ms(10, 32);
    wyn_int v = 5;
    rt_chan_send(ch, &v, sizeof v, 33);
    rt_chan_close(ch, 34);
    wyn_int sum = 0;
    for (int i = 0; i < 10; i++)
        sum += *(const wyn_int *)rt_await(f[i], 35);
    CHECK_EQ(sum, 5);
    return 0;
}

/* ---- 20 000 parked on one channel */
typedef struct { wyn_int gate, out; } WArgs;
static void waiter_fn(void *args, void *res)
{
    WArgs *a = args;
    wyn_int v;
    rt_chan_recv(a->gate, &v, sizeof v, 40);
    rt_shared_add(a->out, v, 0);
}

static wyn_int t_blocked_many(void)
{
    const int N = rt_test_n(20000);
    static wyn_int f[20000];
    WArgs a = { rt_chan_new(1, sizeof(wyn_int), 41), rt_shared_new(0) };
    for (int i = 0; i < N; i++)
        f[i] = rt_spawn(waiter_fn, &a, sizeof a, 0, 42);
    rt_sleep_ms(50, 43);
    for (int i = 0; i < N; i++) {
        wyn_int one = 1;
        rt_chan_send(a.gate, &one, sizeof one, 44);
    }
    for (int i = 0; i < N; i++)
        rt_await(f[i], 45);
    CHECK_EQ(rt_shared_get(a.out, 0), N);
    return 0;
}

/* ---- select */
typedef struct { wyn_int ch, v, ms; } Later;
static void later_fn(void *args, void *res)
{
    Later *l = args;
    rt_sleep_ms(l->ms, 50);
    rt_chan_send(l->ch, &l->v, sizeof l->v, 51);
}

static wyn_int t_select(void)
{
    wyn_int a = rt_chan_new(2, sizeof(wyn_int), 60), b = rt_chan_new(2, sizeof(wyn_int), 60);
    wyn_int one = 1, va = -1, vb = -1;
    rt_chan_send(b, &one, sizeof one, 61);
    WynSelCase cs[2] = { { a, &va, sizeof va }, { b, &vb, sizeof vb } };
    CHECK_EQ(rt_select(cs, 2, -1, 0, 62), 1);
    CHECK_EQ(vb, 1);
    CHECK_EQ(rt_select(cs, 2, -1, 1, 63), WYN_SELECT_DEFAULT);
    /* ties: lowest index */
    rt_chan_send(a, &one, sizeof one, 64);
    rt_chan_send(b, &one, sizeof one, 64);
    CHECK_EQ(rt_select(cs, 2, -1, 0, 65), 0);
    CHECK_EQ(rt_select(cs, 2, -1, 0, 65), 1);

    /* park on four, the last one fires */
    wyn_int ch[4], out[4] = { 0 };
    WynSelCase c4[4];
    for (int i = 0; i < 4; i++) {
        ch[i] = rt_chan_new(1, sizeof(wyn_int), 66);
        c4[i] = (WynSelCase){ ch[i], &out[i], sizeof(wyn_int) };
    }
    Later l = { ch[3], 77, 20 };
    rt_spawn_detached(later_fn, &l, sizeof l, 67);
    CHECK_EQ(rt_select(c4, 4, -1, 0, 68), 3);
    CHECK_EQ(out[3], 77);
    /* timeout */
    double t0 = rt_test_now();
    CHECK_EQ(rt_select(c4, 1, 30, 0, 69), WYN_SELECT_TIMEOUT);
    double took = rt_test_now() - t0;
    CHECK(took >= 0.029 && took < 1.5);
    /* unbuffered sender parked, select receives from it */
    wyn_int u = rt_chan_new_unbuffered(sizeof(wyn_int));
    Later l2 = { u, 88, 0 };
    rt_spawn_detached(later_fn, &l2, sizeof l2, 70);
    rt_sleep_ms(5, 71);
    WynSelCase cu[2] = { { ch[0], &out[0], sizeof(wyn_int) }, { u, &out[1], sizeof(wyn_int) } };
    CHECK_EQ(rt_select(cu, 2, -1, 0, 72), 1);
    CHECK_EQ(out[1], 88);
    /* closed channel arm fires with zero */
    rt_chan_close(ch[2], 73);
    out[2] = 5;
    WynSelCase cc[1] = { { ch[2], &out[2], sizeof(wyn_int) } };
    CHECK_EQ(rt_select(cc, 1, -1, 0, 74), 0);
    CHECK_EQ(out[2], 0);
    return 0;
}

/* ---- select stress: many selectors and senders on shared channels */
typedef struct { wyn_int c0, c1, n, acc; } SelArgs;
static void selector_fn(void *args, void *res)
{
    SelArgs *s = args;
    wyn_int v0, v1;
    WynSelCase cs[2] = { { s->c0, &v0, sizeof v0 }, { s->c1, &v1, sizeof v1 } };
    for (wyn_int i = 0; i < s->n; i++) {
        int r = rt_select(cs, 2, i % 3 == 0 ? 1000 : -1, 0, 80);
        if (r == 0) rt_shared_add(s->acc, v0, 0);
        else if (r == 1) rt_shared_add(s->acc, v1, 0);
        else rt_shared_add(s->acc, 1000000000, 0);
    }
}

static wyn_int t_select_stress(void)
{
    enum { SEL = 8, PER = 2000 };
    SelArgs s = { rt_chan_new(4, sizeof(wyn_int), 81), rt_chan_new_unbuffered(sizeof(wyn_int)), PER, rt_shared_new(0) };
    wyn_int f[SEL];
    for (int i = 0; i < SEL; i++)
        f[i] = rt_spawn(selector_fn, &s, sizeof s, 0, 82);
    for (int i = 0; i < SEL * PER / 100; i++) {
        SendArgs a = { (i & 1) ? s.c1 : s.c0, 0, 100 };
        rt_spawn_detached(sender_fn, &a, sizeof a, 83);
    }
    for (int i = 0; i < SEL; i++)
        rt_await(f[i], 84);
    CHECK_EQ(rt_shared_get(s.acc, 0), (wyn_int)(SEL * PER / 100) * 4950);
    return 0;
}

/* ---- direct switches under contention.  PAIRS ping-pong pairs take turns
 * (each park hands the CPU straight to the partner, see sched.c "Direct
 * switches") until a ticker task has seen every pair start and then, TICKS
 * times, slept and seen a fresh detached task run: timers, wakes from other
 * threads and never-started tasks must all get a turn on busy workers.
 * Everything gives up at a wall-clock deadline, so starvation fails a CHECK
 * instead of hanging. */
enum { PAIRS = 8, TICKS = 20 };
typedef struct { wyn_int stop, started, fresh, bad; double deadline; } Fair;
typedef struct { wyn_int ping, pong; Fair f; } Pair;

static void pair_ponger(void *args, void *res)
{
    Pair *p = args;
    for (;;) {
        wyn_int v;
        rt_chan_recv(p->ping, &v, sizeof v, 90);
        if (v < 0)
            return;
        v++;
        rt_chan_send(p->pong, &v, sizeof v, 91);
    }
}

static void pair_pinger(void *args, void *res)
{
    Pair *p = args;
    wyn_int v = 0, n = 0, end = -1;
    while (!rt_shared_get(p->f.stop, 0) && (n % 64 || rt_test_now() < p->f.deadline)) {
        wyn_int want = v + 1;
        rt_chan_send(p->ping, &v, sizeof v, 92);
        rt_chan_recv(p->pong, &v, sizeof v, 93);
        if (v != want)
            rt_shared_add(p->f.bad, 1, 0);
        if (n++ == 0)
            rt_shared_add(p->f.started, 1, 0);
    }
    rt_chan_send(p->ping, &end, sizeof end, 94);
    *(wyn_int *)res = n;
}

static void fresh_fn(void *args, void *res)
{
    rt_shared_add(*(wyn_int *)args, 1, 0);
}

static void ticker_fn(void *args, void *res)
{
    Fair *f = args;
    while (rt_shared_get(f->started, 0) < PAIRS && rt_test_now() < f->deadline)
        rt_sleep_ms(1, 95);
    for (wyn_int i = 0; i < TICKS; i++) {
        rt_sleep_ms(1, 96);
        rt_spawn_detached(fresh_fn, &f->fresh, sizeof f->fresh, 97);
        while (rt_shared_get(f->fresh, 0) <= i && rt_test_now() < f->deadline)
            rt_sleep_ms(1, 98);
    }
    rt_shared_set(f->stop, 1, 0);
}

static wyn_int t_handoff_fair(void)
{
    double t0 = rt_test_now();
    Fair fair = { rt_shared_new(0), rt_shared_new(0), rt_shared_new(0),
                  rt_shared_new(0), t0 + 10.0 };
    wyn_int f[PAIRS], tick = 0;
    for (int i = 0; i < PAIRS; i++) {
        Pair p = { rt_chan_new_unbuffered(sizeof(wyn_int)),
                   rt_chan_new_unbuffered(sizeof(wyn_int)), fair };
        rt_spawn_detached(pair_ponger, &p, sizeof p, 99);
        f[i] = rt_spawn(pair_pinger, &p, sizeof p, sizeof(wyn_int), 99);
        if (i == PAIRS / 2)
            tick = rt_spawn(ticker_fn, &fair, sizeof fair, 0, 100);
    }
    for (int i = 0; i < PAIRS; i++)
        CHECK(*(const wyn_int *)rt_await(f[i], 101) > 0);
    rt_await(tick, 102);
    CHECK_EQ(rt_shared_get(fair.started, 0), PAIRS);
    CHECK_EQ(rt_shared_get(fair.fresh, 0), TICKS);
    CHECK_EQ(rt_shared_get(fair.bad, 0), 0);
    CHECK(rt_test_now() < fair.deadline);   /* stopped by the ticker */
    return 0;
}

int main(void)
{
    FOR_EACH_THREADS({
    CHECK_EQ(rt_test_run(t_basic), 0);
    CHECK_EQ(rt_test_run(t_pingpong), 0);
    CHECK_EQ(rt_test_run(t_close_wakes), 0);
    CHECK_EQ(rt_test_run(t_blocked_many), 0);
    CHECK_EQ(rt_test_run(t_select), 0);
    CHECK_EQ(rt_test_run(t_select_stress), 0);
    CHECK_EQ(rt_test_run(t_handoff_fair), 0);
    });
    TEST_DONE("test_chan");
}
