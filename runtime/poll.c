/*
 * poll.c — waiting for file descriptors without blocking a worker
 * (concurrency runtime; the I/O library builds sockets on it).
 *
 * One epoll instance shared by all workers, created on first use, plus an
 * eventfd used to interrupt a worker blocked in epoll_wait.  A waiting
 * coroutine registers its fd with EPOLLONESHOT; the event's data packs the
 * Coro pointer and 16 bits of the wait generation, so an event that
 * arrives after the wait ended (timeout) cannot wake a later wait.  At most
 * one thread runs epoll_wait at a time: an idle worker while fd waits
 * exist (instead of its futex sleep), and busy workers every 200 µs with a
 * zero timeout (sched.c service()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "rt_sched_internal.h"

#define EV_BATCH 64
#define TAG_EVENTFD 1ull

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int epfd = -1, evfd = -1;
static _Atomic int nwaits;
static _Atomic int polling;

static void init_once(void)
{
    epfd = epoll_create1(EPOLL_CLOEXEC);
    evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epfd < 0 || evfd < 0)
        rt_fatal(0, "cannot create the event poller");
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG_EVENTFD };
    epoll_ctl(epfd, EPOLL_CTL_ADD, evfd, &ev);
}

int rt_poll_init(void)
{
    pthread_once(&once, init_once);
    return 0;
}

void rt_poll_fini(void) {}

int rt_poll_nwaits(void)
{
    return atomic_load_explicit(&nwaits, memory_order_relaxed);
}

void rt_poll_interrupt(void)
{
    if (evfd >= 0) {
        uint64_t one = 1;
        ssize_t r = write(evfd, &one, sizeof one);
        (void)r;
    }
}

static int to_events(uint32_t e, int want)
{
    int r = 0;
    if (e & (EPOLLIN | EPOLLRDHUP | EPOLLPRI))
        r |= 1;
    if (e & EPOLLOUT)
        r |= 2;
    if (e & (EPOLLHUP | EPOLLERR))
        r |= want;   /* errors make every wanted direction "ready" */
    return r & want ? r & want : want;
}

static void fire(struct epoll_event *ev)
{
    Coro *co = (Coro *)(uintptr_t)(ev->data.u64 & 0xFFFFFFFFFFFFull);
    unsigned gen = (unsigned)(ev->data.u64 >> 48);
    uint64_t c = atomic_load_explicit(&co->claim, memory_order_acquire);
    if ((c & WAIT_CODE_MASK) || ((c >> WAIT_GEN_SHIFT) & 0xFFFF) != gen)
        return;   /* stale: that wait is over */
    if (!rt_wait_claim(co, c, WIN_FD))
        return;
    co->fd_events = (int)ev->events;
    rt_wake(co);
}

int rt_poll_acquire(void)
{
    int zero = 0;
    return epfd >= 0 && atomic_compare_exchange_strong(&polling, &zero, 1);
}

void rt_poll_release(void)
{
    atomic_store(&polling, 0);
}

int rt_poll_run(int timeout_ms)
{
    struct epoll_event evs[EV_BATCH];
    int n = epoll_wait(epfd, evs, EV_BATCH, timeout_ms);
    int woken = 0;
    for (int i = 0; i < n; i++) {
        if (evs[i].data.u64 == TAG_EVENTFD) {
            uint64_t v;
            ssize_t r = read(evfd, &v, sizeof v);
            (void)r;
            continue;
        }
        fire(&evs[i]);
        woken++;
    }
    return woken;
}

int rt_sched_wait_fd(int fd, int events, wyn_int timeout_ms)
{
    events &= 3;
    if (!events)
        return 0;
    Coro *co = rt_coro_current();
    if (!co) {   /* not in a task: plain poll(2) */
        struct pollfd p = { .fd = fd, .events = (short)((events & 1 ? POLLIN : 0) |
                                                       (events & 2 ? POLLOUT : 0)) };
        int r = poll(&p, 1, timeout_ms < 0 ? -1 : (int)timeout_ms);
        if (r <= 0)
            return 0;
        int got = (p.revents & (POLLIN | POLLHUP | POLLERR) ? 1 : 0) |
                  (p.revents & (POLLOUT | POLLERR) ? 2 : 0);
        return got & events ? got & events : events;
    }
    rt_poll_init();
    uint64_t tok = rt_wait_begin(co, 0, "io wait");
    rt_wait_slots(co, 0);
    co->fd_events = 0;
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLONESHOT | (events & 1 ? EPOLLIN | EPOLLRDHUP : 0) |
                (events & 2 ? EPOLLOUT : 0);
    ev.data.u64 = (uint64_t)(uintptr_t)co | (((tok >> WAIT_GEN_SHIFT) & 0xFFFF) << 48);
    atomic_fetch_add(&nwaits, 1);
    int r = epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
    if (r < 0 && errno == ENOENT)
        r = epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    if (r < 0) {
        /* e.g. a regular file (EPERM): always ready */
        atomic_fetch_sub(&nwaits, 1);
        if (!rt_wait_self(co, tok, WIN_FD))
            rt_wait_park(co);
        return events;
    }
    /* No need to wake anybody: this worker itself polls once it is idle
     * (sched.c sleep_for_work) or every 200 µs while busy. */
    if (timeout_ms >= 0)
        rt_timer_add(co, rt_mono_ns() + (int64_t)timeout_ms * 1000000);
    unsigned code = rt_wait_park(co);
    if (timeout_ms >= 0)
        rt_timer_remove(co);
    int result = 0;
    if (code == WIN_FD) {
        result = to_events((uint32_t)co->fd_events, events);
    } else {
        struct epoll_event none;
        memset(&none, 0, sizeof none);
        epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &none);
    }
    atomic_fetch_sub(&nwaits, 1);
    return result;
}
