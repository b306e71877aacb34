#define _GNU_SOURCE
/* test_sched_poll.c — rt_sched_wait_fd: a task waits for a pipe to become
 * readable while a writer task sleeps then writes; timeouts; writable
 * ends; many waiters on many pipes; a regular file (always ready).  Works
 * with WYN_THREADS=1 (the idle worker blocks in epoll_wait). */
#include <fcntl.h>
#include <unistd.h>
#include "rt_test.h"

typedef struct { int fd; wyn_int ms; } WArgs;

static void writer_fn(void *args, void *res)
{
    WArgs *a = args;
    rt_sleep_ms(a->ms, 1);
    char c = 'x';
    CHECK(write(a->fd, &c, 1) == 1);
}

static void reader_fn(void *args, void *res)
{
    WArgs *a = args;
    int ev = rt_sched_wait_fd(a->fd, 1, 5000);
    char c = 0;
    if (ev & 1)
        CHECK(read(a->fd, &c, 1) == 1);
    *(wyn_int *)res = c;
}

static wyn_int t_pipe(void)
{
    int p[2];
    CHECK(pipe2(p, O_NONBLOCK) == 0);
    /* main itself waits */
    WArgs w = { p[1], 20 };
    rt_spawn_detached(writer_fn, &w, sizeof w, 2);
    double t0 = rt_test_now();
    int ev = rt_sched_wait_fd(p[0], 1, -1);
    double took = rt_test_now() - t0;
    CHECK_EQ(ev, 1);
    CHECK(took >= 0.015 && took < 1.0);
    char c;
    CHECK(read(p[0], &c, 1) == 1);
    /* timeout */
    t0 = rt_test_now();
    CHECK_EQ(rt_sched_wait_fd(p[0], 1, 30), 0);
    took = rt_test_now() - t0;
    CHECK(took >= 0.025 && took < 1.0);
    /* writable at once */
    CHECK_EQ(rt_sched_wait_fd(p[1], 2, 1000), 2);
    /* the pipe is usable again after a timeout */
    WArgs w2 = { p[1], 10 };
    rt_spawn_detached(writer_fn, &w2, sizeof w2, 3);
    CHECK_EQ(rt_sched_wait_fd(p[0], 1, 2000), 1);
    CHECK(read(p[0], &c, 1) == 1);
    close(p[0]);
    close(p[1]);
    return 0;
}

static wyn_int t_many(void)
{
    enum { N = 200 };
    static int fds[N][2];
    static wyn_int f[N];
    for (int i = 0; i < N; i++) {
        CHECK(pipe2(fds[i], O_NONBLOCK) == 0);
        WArgs r = { fds[i][0], 0 };
        f[i] = rt_spawn(reader_fn, &r, sizeof r, sizeof(wyn_int), 4);
    }
    rt_sleep_ms(10, 5);
    for (int i = 0; i < N; i++) {
        WArgs w = { fds[i][1], (wyn_int)(i % 20) };
        rt_spawn_detached(writer_fn, &w, sizeof w, 6);
    }
    wyn_int s = 0;
    for (int i = 0; i < N; i++)
        s += *(const wyn_int *)rt_await(f[i], 7);
    CHECK_EQ(s, 'x' * N);
    for (int i = 0; i < N; i++) {
        close(fds[i][0]);
        close(fds[i][1]);
    }
    return 0;
}

/* several tasks waiting on the same descriptor, for reading and writing */
static void reader2_fn(void *args, void *res)
{
    WArgs *a = args;
    *(wyn_int *)res = rt_sched_wait_fd(a->fd, 1, 3000);
}

static wyn_int t_shared_fd(void)
{
    int p[2];
    CHECK(pipe2(p, O_NONBLOCK) == 0);
    wyn_int f[5];
    WArgs r = { p[0], 0 };
    for (int i = 0; i < 5; i++)
        f[i] = rt_spawn(reader2_fn, &r, sizeof r, sizeof(wyn_int), 8);
    rt_sleep_ms(10, 9);
    /* a writer-side wait on the other end meanwhile */
    CHECK_EQ(rt_sched_wait_fd(p[1], 2, 1000), 2);
    CHECK(write(p[1], "z", 1) == 1);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(*(const wyn_int *)rt_await(f[i], 10), 1);
    /* one short timeout among long waiters on the same fd */
    CHECK_EQ(rt_sched_wait_fd(p[0], 1, 10), 1);   /* still readable: 'z' unread */
    char c;
    CHECK(read(p[0], &c, 1) == 1);
    wyn_int g = rt_spawn(reader2_fn, &r, sizeof r, sizeof(wyn_int), 11);
    CHECK_EQ(rt_sched_wait_fd(p[0], 1, 10), 0);
    CHECK(write(p[1], "y", 1) == 1);
    CHECK_EQ(*(const wyn_int *)rt_await(g, 12), 1);
    close(p[0]);
    close(p[1]);
    return 0;
}

static wyn_int t_file(void)
{
    int fd = open("/proc/self/status", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(rt_sched_wait_fd(fd, 1, 100), 1);
    close(fd);
    return 0;
}

int main(void)
{
    FOR_EACH_THREADS({
    CHECK_EQ(rt_test_run(t_pipe), 0);
    CHECK_EQ(rt_test_run(t_many), 0);
    CHECK_EQ(rt_test_run(t_file), 0);
    CHECK_EQ(rt_test_run(t_shared_fd), 0);
    });
    /* outside any task: plain poll(2) */
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_EQ(rt_sched_wait_fd(p[0], 1, 10), 0);
    CHECK(write(p[1], "y", 1) == 1);
    CHECK_EQ(rt_sched_wait_fd(p[0], 1, 10), 1);
    TEST_DONE("test_sched_poll");
}
