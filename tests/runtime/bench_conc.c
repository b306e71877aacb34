/* bench_conc.c — C microbenchmarks of the concurrency runtime against the
 * targets in ../shared/DESIGN.md.  Not run by the tests.
 *   bench_conc [NAME]   NAME: seq, create, alive, parked, ff, pingpong,
 *                       sleep, all (default: each in a fresh process)
 * Prints one line per benchmark with a checked result. */
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rt_test.h"

static long rss_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, n))
            v = atol(line + n + 1);
    if (f)
        fclose(f);
    return v;
}

static void one_fn(void *args, void *res) { *(wyn_int *)res = *(wyn_int *)args % 7; }
static void nop_fn(void *args, void *res) { (void)args; (void)res; }

static wyn_int b_seq(void)
{
    for (int rep = 0; rep < 3; rep++) {
        int n = rep == 2 ? 100000 : 10000;
        double t0 = rt_test_now();
        wyn_int s = 0;
        for (wyn_int i = 0; i < n; i++) {
            wyn_int f = rt_spawn(one_fn, &i, sizeof i, sizeof(wyn_int), 1);
            s += *(const wyn_int *)rt_await(f, 2);
        }
        double t = rt_test_now() - t0;
        printf("seq spawn+await %6d: %.3f us/op (check %lld)   [target <= 0.15, Go 1.46]\n",
               n, t * 1e6 / n, (long long)s);
    }
    for (int rep = 0; rep < 2; rep++) {
        int n = 10000;
        double t0 = rt_test_now();
        wyn_int s = 0;
        for (wyn_int i = 0; i < n; i++) {
            wyn_int f = rt_spawn(one_fn, &i, sizeof i, sizeof(wyn_int), 1);
            s += *(const wyn_int *)rt_await(f, 2);
            rt_future_release(f);
        }
        double t = rt_test_now() - t0;
        printf("seq spawn+await+release %6d: %.3f us/op (check %lld)\n", n, t * 1e6 / n, (long long)s);
    }
    return 0;
}

static wyn_int b_create(void)
{
    int sizes[] = { 1000, 10000, 50000, 100000 };
    for (int k = 0; k < 4; k++) {
        int n = sizes[k];
        wyn_int *f = malloc(sizeof(wyn_int) * (size_t)n);
        double t0 = rt_test_now();
        for (wyn_int i = 0; i < n; i++)
            f[i] = rt_spawn(one_fn, &i, sizeof i, sizeof(wyn_int), 3);
        wyn_int s = 0;
        for (int i = 0; i < n; i++)
            s += *(const wyn_int *)rt_await(f[i], 4);
        double t = rt_test_now() - t0;
        printf("create+await %6d: %.2f ms (check %lld)%s\n", n, t * 1e3, (long long)s,
               n == 100000 ? "   [target <= 36 ms, Go 72]" : "");
        free(f);
    }
    return 0;
}

static wyn_int b_alive(void)
{
    enum { N = 100000 };
    long before = rss_kb("VmRSS:");
    wyn_int *f = malloc(sizeof(wyn_int) * N);
    for (wyn_int i = 0; i < N; i++)
        f[i] = rt_spawn(one_fn, &i, sizeof i, sizeof(wyn_int), 5);
    long alive = rss_kb("VmRSS:");
    wyn_int s = 0;
    for (int i = 0; i < N; i++)
        s += *(const wyn_int *)rt_await(f[i], 6);
    printf("100k alive: RSS %.1f MB at peak (VmHWM %.1f MB; %.0f B/task over baseline %.1f MB) (check %lld)   [target < 16 MB, Go 17.6]\n",
           alive / 1024.0, rss_kb("VmHWM:") / 1024.0, (alive - before) * 1024.0 / N,
           before / 1024.0, (long long)s);
    return 0;
}

typedef struct { wyn_int gate, out; } WArgs;
static void waiter_fn(void *args, void *res)
{
    WArgs *a = args;
    wyn_int v;
    rt_chan_recv(a->gate, &v, sizeof v, 7);
    rt_shared_add(a->out, v, 0);
}

static wyn_int b_parked(void)
{
    enum { N = 100000 };
    WArgs a = { rt_chan_new(1, sizeof(wyn_int), 8), rt_shared_new(0) };
    wyn_int *f = malloc(sizeof(wyn_int) * N);
    long before = rss_kb("VmRSS:");
    for (int i = 0; i < N; i++)
        f[i] = rt_spawn(waiter_fn, &a, sizeof a, 0, 9);
    rt_sleep_ms(100, 10);   /* let them all park */
    long parked = rss_kb("VmRSS:");
    for (int i = 0; i < N; i++) {
        wyn_int one = 1;
        rt_chan_send(a.gate, &one, sizeof one, 11);
    }
    for (int i = 0; i < N; i++)
        rt_await(f[i], 12);
    printf("100k parked on a channel: %.0f B/task (RSS %.1f MB -> %.1f MB) (check %lld)   [target < 2734, Go 2734, Python 1325]\n",
           (parked - before) * 1024.0 / N, before / 1024.0, parked / 1024.0,
           (long long)rt_shared_get(a.out, 0));
    return 0;
}

static wyn_int g_cnt;
static void count_fn(void *args, void *res) { rt_shared_add(g_cnt, 1, 0); }

static wyn_int b_ff(void)
{
    enum { N = 1000000 };
    g_cnt = rt_shared_new(0);
    double t0 = rt_test_now();
    for (wyn_int i = 0; i < N; i++)
        rt_spawn_detached(count_fn, &i, sizeof i, 13);
    return 0;   /* rt_main drains; timed by the caller */
}

typedef struct { wyn_int ping, pong, n; } PP;
static void ponger_fn(void *args, void *res)
{
    PP *p = args;
    for (wyn_int i = 0; i < p->n; i++) {
        wyn_int v;
        rt_chan_recv(p->ping, &v, sizeof v, 14);
        v++;
        rt_chan_send(p->pong, &v, sizeof v, 15);
    }
}

static wyn_int b_pingpong(void)
{
    for (int rep = 0; rep < 3; rep++) {
        PP p = { rt_chan_new_unbuffered(sizeof(wyn_int)), rt_chan_new_unbuffered(sizeof(wyn_int)), 200000 };
        wyn_int f = rt_spawn(ponger_fn, &p, sizeof p, 0, 16);
        double t0 = rt_test_now();
        wyn_int v = 0;
        for (int i = 0; i < p.n; i++) {
            rt_chan_send(p.ping, &v, sizeof v, 17);
            rt_chan_recv(p.pong, &v, sizeof v, 18);
        }
        double t = rt_test_now() - t0;
        rt_await(f, 19);
        printf("unbuffered ping-pong: %.0f ns/round trip (check %lld)   [target <= 244, Go 488]\n",
               t * 1e9 / p.n, (long long)v);
    }
    return 0;
}

static void nap_fn(void *args, void *res) { rt_sleep_ms(100, 20); *(wyn_int *)res = 1; }

static wyn_int b_sleep(void)
{
    enum { N = 10000 };
    wyn_int *f = malloc(sizeof(wyn_int) * N);
    double t0 = rt_test_now();
    for (int i = 0; i < N; i++)
        f[i] = rt_spawn(nap_fn, NULL, 0, sizeof(wyn_int), 21);
    wyn_int s = 0;
    for (int i = 0; i < N; i++)
        s += *(const wyn_int *)rt_await(f[i], 22);
    printf("10k tasks sleeping 100 ms: %.1f ms wall (check %lld)   [target <= 120, Go 163]\n",
           (rt_test_now() - t0) * 1e3, (long long)s);
    return 0;
}

static int run(const char *name)
{
    if (!strcmp(name, "seq")) return rt_test_run(b_seq);
    if (!strcmp(name, "create")) return rt_test_run(b_create);
    if (!strcmp(name, "alive")) return rt_test_run(b_alive);
    if (!strcmp(name, "parked")) return rt_test_run(b_parked);
    if (!strcmp(name, "pingpong")) return rt_test_run(b_pingpong);
    if (!strcmp(name, "sleep")) return rt_test_run(b_sleep);
    if (!strcmp(name, "ff")) {
        double t0 = rt_test_now();
        int r = rt_test_run(b_ff);
        printf("1M fire-and-forget spawns: %.1f ms incl. drain (check %lld)   [target < 395 (tokio), Go 731]\n",
               (rt_test_now() - t0) * 1e3, (long long)rt_shared_get(g_cnt, 0));
        return r;
    }
    fprintf(stderr, "unknown benchmark %s\n", name);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "all"))
        return run(argv[1]);
    const char *all[] = { "seq", "create", "alive", "parked", "ff", "pingpong", "sleep" };
    for (int i = 0; i < 7; i++) {
        fflush(stdout);
        pid_t p = fork();
        if (p == 0)
            { int r = run(all[i]); fflush(stdout); _exit(r); }
        int st;
        waitpid(p, &st, 0);
    }
    return 0;
}
