/* test_sched_faults.c — runtime errors of the concurrency runtime, each
 * run in a forked child: deadlock (main alone, two tasks, main draining
 * detached tasks), stack overflow in a task and in main, send on a closed
 * channel, channel capacity, panic inside a task with its spawn chain, and
 * a plain segmentation fault.  Checks exit status and stderr text. */
#include <sys/wait.h>
#include <unistd.h>
#include "rt_test.h"

static int run_child(wyn_int (*entry)(void), int *status, char *err, size_t cap)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        alarm(20);
        _exit(rt_test_run(entry));
    }
    close(p[1]);
    size_t len = 0;
    ssize_t r;
    while ((r = read(p[0], err + len, cap - 1 - len)) > 0)
        len += (size_t)r;
    err[len] = 0;
    close(p[0]);
    waitpid(pid, status, 0);
    return 0;
}

static void expect(const char *name, wyn_int (*entry)(void), int want_status, const char *want_text)
{
    int st;
    char err[4096];
    double t0 = rt_test_now();
    run_child(entry, &st, err, sizeof err);
    double took = rt_test_now() - t0;
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (code != want_status || !strstr(err, want_text)) {
        fprintf(stderr, "%s: status %d (want %d), stderr:\n%s\n(want text: %s)\n",
                name, code, want_status, err, want_text);
        rt_test_failures++;
    } else if (getenv("VERBOSE")) {
        printf("%s (%.0f ms): %s", name, took * 1000, err);
    }
}

#define L(line) WYN_LOC(0, line)

static wyn_int e_deadlock_main(void)
{
    wyn_int ch = rt_chan_new(1, sizeof(wyn_int), L(2));
    wyn_int v;
    rt_chan_recv(ch, &v, sizeof v, L(4));
    return 0;
}

typedef struct { wyn_int a, b; } AB;
static void wait_on_fn(void *args, void *res)
{
    AB *x = args;
    wyn_int v;
    rt_chan_recv(x->a, &v, sizeof v, L(3));
    rt_chan_send(x->b, &v, sizeof v, L(4));
    *(wyn_int *)res = v;
}

static wyn_int e_deadlock_tasks(void)
{
    AB x = { rt_chan_new(1, 8, L(7)), rt_chan_new(1, 8, L(8)) };
    AB y = { x.b, x.a };
    wyn_int f = rt_spawn(wait_on_fn, &x, sizeof x, 8, L(9));
    wyn_int g = rt_spawn(wait_on_fn, &y, sizeof y, 8, L(10));
    return *(const wyn_int *)rt_await(f, L(11)) + *(const wyn_int *)rt_await(g, L(11));
}

static void stuck_fn(void *args, void *res)
{
    wyn_int ch = *(wyn_int *)args, v;
    rt_chan_recv(ch, &v, sizeof v, L(20));
}

static wyn_int e_deadlock_drain(void)
{
    wyn_int ch = rt_chan_new_unbuffered(8);
    rt_spawn_detached(stuck_fn, &ch, sizeof ch, L(21));
    return 0;
}

static __attribute__((noinline)) wyn_int forever(wyn_int n)
{
    volatile char pad[32];
    pad[0] = (char)n;
    return forever(n + 1) + pad[0];
}

static void forever_fn(void *args, void *res)
{
    *(wyn_int *)res = forever(0);
}

static wyn_int e_overflow_task(void)
{
    wyn_int f = rt_spawn(forever_fn, NULL, 0, 8, L(30));
    return *(const wyn_int *)rt_await(f, L(31));
}

static wyn_int e_overflow_task_parked(void)
{
    /* the overflowing task is not inlined: main parks first */
    wyn_int f = rt_spawn(forever_fn, NULL, 0, 8, L(32));
    rt_sleep_ms(1, L(33));
    return *(const wyn_int *)rt_await(f, L(34));
}

static wyn_int e_overflow_main(void)
{
    return forever(0);
}

static wyn_int e_closed_send(void)
{
    wyn_int ch = rt_chan_new(1, 8, L(40)), v = 1;
    rt_chan_close(ch, L(41));
    rt_chan_send(ch, &v, sizeof v, L(42));
    return 0;
}

static wyn_int e_capacity(void)
{
    rt_chan_new(0, 8, L(50));
    return 0;
}

static void bad_fn(void *args, void *res)
{
    rt_index_oob(L(60), 5, 1);
}
static void mid_fn(void *args, void *res)
{
    wyn_int f = rt_spawn(bad_fn, NULL, 0, 8, L(61));
    rt_await(f, L(62));
}
static wyn_int e_panic_in_task(void)
{
    wyn_int f = rt_spawn(mid_fn, NULL, 0, 8, L(63));
    rt_sleep_ms(1, L(64));
    rt_await(f, L(65));
    return 0;
}

static wyn_int e_segv(void)
{
    volatile int *p = (int *)16;
    return *p;
}

static wyn_int e_exit_status(void)
{
    return 3;
}

int main(void)
{
    expect("deadlock_main", e_deadlock_main, 1, "test.wyn:4: error: deadlock");
    expect("deadlock_tasks", e_deadlock_tasks, 1, "deadlock");
    expect("deadlock_tasks_names", e_deadlock_tasks, 1, "task spawned at test.wyn:9 at test.wyn:3 in recv");
    expect("deadlock_drain", e_deadlock_drain, 1, "task spawned at test.wyn:21 at test.wyn:20 in recv");
    /* TSan cannot run our SIGSEGV handler on the alternate stack */
    if (!(getenv("RT_TEST_NO_DEEP") && *getenv("RT_TEST_NO_DEEP"))) {
        expect("overflow_task", e_overflow_task, 1, "test.wyn:30: error: stack overflow");
        expect("overflow_task_parked", e_overflow_task_parked, 1, "test.wyn:32: error: stack overflow");
        expect("overflow_main", e_overflow_main, 1, "stack overflow");
    }
    expect("closed_send", e_closed_send, 1, "test.wyn:42: error: send on closed channel");
    expect("capacity", e_capacity, 1, "capacity must be at least 1, got 0");
    expect("panic_in_task", e_panic_in_task, 1, "test.wyn:60: error: index out of range");
    expect("panic_chain", e_panic_in_task, 1, "in task spawned at test.wyn:61\n  in task spawned at test.wyn:63");
    expect("segv", e_segv, 139, "segmentation fault");
    expect("exit_status", e_exit_status, 3, "");
    TEST_DONE("test_sched_faults");
}
