/* test_io_net.c — Net.* (io_net.c) under the scheduler, with 1, 2 and 4
 * workers: an echo server with hundreds of concurrent clients, a large
 * transfer (writes that park), one task reading while another writes the
 * same connection, close waking a parked reader, errors naming the
 * address, stale handles, and no descriptor leaks. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rt_test.h"
#include "io_test.h"
#include "io_internal.h"

static WynStr *S(const char *s) { return rt_str_cstr(s); }

static int streq(WynStr *a, const char *b)
{
    return a && (size_t)a->len == strlen(b) && !memcmp(a->data, b, a->len);
}



static void run_program(void *fn) { _exit(rt_test_run((wyn_int (*)(void))fn)); }

/* Runs a Wyn-style entry under rt_main in a child; stderr into err. */
static int child(wyn_int (*fn)(void), char *err, size_t errlen)
{
    return fork_capture(run_program, (void *)fn, err, errlen);
}

/* --- echo --- */
typedef struct { wyn_int l; int n; } ServeArgs;

static void echo_fn(void *args, void *res)
{
    wyn_int c = *(wyn_int *)args;
    WynStr *m = rt_net_read(c, 1024, 1);
    rt_net_write(c, rt_str_concat(S("echo:"), m), 1);
    rt_net_close(c);
}

static void serve_fn(void *args, void *res)
{
    ServeArgs *a = args;
    for (int i = 0; i < a->n; i++) {
        wyn_int c = rt_net_accept(a->l, 1);
        rt_spawn_detached(echo_fn, &c, sizeof c, 1);
    }
}

typedef struct { int port, i; } AskArgs;

static void ask_fn(void *args, void *res)
{
    AskArgs *a = args;
    wyn_int c = rt_net_connect(S("127.0.0.1"), a->port, 1);
    char msg[32];
    snprintf(msg, sizeof msg, "hi%d", a->i);
    rt_net_write(c, S(msg), 1);
    /* read until the server closes */
    WynStr *all = rt_str_empty();
    for (;;) {
        WynStr *part = rt_net_read(c, 1024, 1);
        if (part->len == 0)
            break;
        all = rt_str_concat(all, part);
    }
    rt_net_close(c);
    rt_net_close(c);   /* twice is harmless */
    char want[40];
    snprintf(want, sizeof want, "echo:hi%d", a->i);
    *(wyn_int *)res = streq(all, want);
}

static wyn_int t_echo(void)
{
    int n = rt_test_n(300);
    wyn_int l = rt_net_listen(S("127.0.0.1"), 0, 1);
    int port = (int)rt_net_port(l);
    CHECK(port > 0);
    ServeArgs sa = { l, n };
    wyn_int sf = rt_spawn(serve_fn, &sa, sizeof sa, 0, 1);
    wyn_int *futs = calloc((size_t)n, sizeof *futs);
    for (int i = 0; i < n; i++) {
        AskArgs a = { port, i };
        futs[i] = rt_spawn(ask_fn, &a, sizeof a, sizeof(wyn_int), 1);
    }
    int ok = 0;
    for (int i = 0; i < n; i++)
        ok += (int)*(const wyn_int *)rt_await(futs[i], 1);
    CHECK_EQ(ok, n);
    rt_await(sf, 1);
    rt_net_close(l);
    CHECK_EQ(rt_net_port(l), 0);
    free(futs);
    return 0;
}

/* --- a large transfer both ways; reader and writer tasks share a conn --- */
#define BIG (4 << 20)

static void sink_fn(void *args, void *res)
{
    /* server side: echo everything back until end of stream */
    wyn_int l = *(wyn_int *)args;
    wyn_int c = rt_net_accept(l, 1);
    for (;;) {
        WynStr *m = rt_net_read(c, 65536, 1);
        if (m->len == 0)
            break;
        rt_net_write(c, m, 1);
    }
    rt_net_close(c);
}

typedef struct { wyn_int c; } ConnArgs;

static void writer_fn(void *args, void *res)
{
    ConnArgs *a = args;
    WynStr *chunk = rt_str_repeat(S("abcdefgh"), 8192);   /* 64 KiB */
    for (int i = 0; i < BIG / 65536; i++)
        rt_net_write(a->c, chunk, 1);
}

static wyn_int t_big(void)
{
    wyn_int l = rt_net_listen(S("127.0.0.1"), 0, 1);
    wyn_int sf = rt_spawn(sink_fn, &l, sizeof l, 0, 1);
    wyn_int c = rt_net_connect(S("localhost"), rt_net_port(l), 1);
    ConnArgs ca = { c };
    wyn_int wf = rt_spawn(writer_fn, &ca, sizeof ca, 0, 1);
    /* main reads while the writer task writes the same connection */
    long got = 0;
    int bad = 0;
    while (got < BIG) {
        WynStr *m = rt_net_read(c, 100000, 1);
        if (m->len == 0)
            break;
        for (wyn_int i = 0; i < m->len; i++)
            if (m->data[i] != "abcdefgh"[(got + i) % 8])
                bad = 1;
        got += m->len;
    }
    CHECK_EQ(got, BIG);
    CHECK_EQ(bad, 0);
    rt_await(wf, 1);
    rt_net_close(c);
    rt_await(sf, 1);
    rt_net_close(l);
    return 0;
}

/* --- close wakes a parked reader; read after peer close gives "" --- */
static void park_read_fn(void *args, void *res)
{
    wyn_int c = *(wyn_int *)args;
    WynStr *m = rt_net_read(c, 100, 1);
    *(wyn_int *)res = m->len == 0 ? 1 : 0;
}

static void accept_hold_fn(void *args, void *res)
{
    wyn_int l = *(wyn_int *)args;
    wyn_int c = rt_net_accept(l, 1);
    rt_sleep_ms(200, 1);
    rt_net_close(c);
}

static wyn_int t_close_wakes(void)
{
    wyn_int l = rt_net_listen(S("127.0.0.1"), 0, 1);
    wyn_int hf = rt_spawn(accept_hold_fn, &l, sizeof l, 0, 1);
    wyn_int c = rt_net_connect(S("127.0.0.1"), rt_net_port(l), 1);
    wyn_int rf = rt_spawn(park_read_fn, &c, sizeof c, sizeof(wyn_int), 1);
    rt_sleep_ms(30, 1);
    double t0 = rt_test_now();
    rt_net_close(c);
    CHECK_EQ(*(const wyn_int *)rt_await(rf, 1), 1);
    CHECK(rt_test_now() - t0 < 0.15);   /* woken by the close, not the peer */
    rt_await(hf, 1);
    rt_net_close(l);
    /* try_connect to a closed port */
    WynStr *err = NULL;
    CHECK_EQ(rt_net_try_connect(S("127.0.0.1"), 1, &err), 0);
    CHECK(streq(err, "cannot connect to 127.0.0.1:1: Connection refused"));
    return 0;
}

/* --- errors, in children --- */
static wyn_int e_refused(void)
{
    rt_net_connect(S("127.0.0.1"), 1, WYN_LOC(0, 5));
    return 0;
}

static wyn_int e_stale(void)
{
    wyn_int l = rt_net_listen(S("127.0.0.1"), 0, 1);
    wyn_int c = rt_net_connect(S("127.0.0.1"), rt_net_port(l), 1);
    rt_net_close(c);
    rt_net_write(c, S("x"), WYN_LOC(0, 6));
    return 0;
}

static wyn_int e_listen_busy(void)
{
    wyn_int l = rt_net_listen(S("127.0.0.1"), 0, 1);
    rt_net_listen(S("127.0.0.1"), rt_net_port(l), WYN_LOC(0, 7));
    return 0;
}

static wyn_int e_reset(void)
{
    /* the peer closes with unread data: RST; our write eventually fails */
    wyn_int l = rt_net_listen(S("127.0.0.1"), 0, 1);
    wyn_int c = rt_net_connect(S("127.0.0.1"), rt_net_port(l), 1);
    wyn_int s = rt_net_accept(l, 1);
    rt_net_write(c, S("unread"), 1);
    rt_sleep_ms(20, 1);
    rt_net_close(s);
    rt_sleep_ms(20, 1);
    for (int i = 0; i < 100; i++) {
        rt_net_write(c, S("more"), WYN_LOC(0, 8));
        rt_sleep_ms(5, 1);
    }
    return 0;
}

static void close_later_fn(void *args, void *res)
{
    rt_sleep_ms(30, 1);
    rt_net_close(*(wyn_int *)args);
}

static wyn_int e_accept_closed(void)
{
    /* a task parked in accept wakes when another task closes the listener */
    wyn_int l = rt_net_listen(S("127.0.0.1"), 0, 1);
    rt_spawn_detached(close_later_fn, &l, sizeof l, 1);
    rt_net_accept(l, WYN_LOC(0, 9));
    return 0;
}


int main(void)
{
    /* children first: TSan cannot fork once threads have run */
    char err[1024];
    CHECK_EQ(child(e_refused, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:5: error: cannot connect to 127.0.0.1:1: Connection refused") != NULL);
    CHECK_EQ(child(e_stale, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:6: error: use of a closed connection") != NULL);
    CHECK_EQ(child(e_listen_busy, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:7: error: cannot listen on 127.0.0.1:") &&
          strstr(err, ": Address already in use"));
    CHECK_EQ(child(e_reset, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:8: error: cannot write to 127.0.0.1:") &&
          (strstr(err, "Connection reset by peer") || strstr(err, "Broken pipe")));
    double t0 = rt_test_now();
    CHECK_EQ(child(e_accept_closed, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:9: error: use of a closed listener") != NULL);
    CHECK(rt_test_now() - t0 < 2.0);
    int fds0 = count_fds();
    FOR_EACH_THREADS({
        CHECK_EQ(rt_test_run(t_echo), 0);
        CHECK_EQ(rt_test_run(t_big), 0);
        CHECK_EQ(rt_test_run(t_close_wakes), 0);
    });
    if (count_fds() != fds0) {
        fprintf(stderr, "descriptors: %d before, %d after\n", fds0, count_fds());
        dump_fds();
        CHECK(0);
    }
    TEST_DONE("test_io_net");
}
