/*
 * poll.c — waiting for file descriptors without blocking a worker
 * (concurrency runtime; the I/O library builds sockets on it).
 *
 * One epoll instance shared by all workers, created on first use, plus an
 * eventfd used to interrupt a worker blocked in epoll_wait.  Each fd has an
 * entry in a table listing the coroutines waiting on it (several may: see
 * FdEntry); it is registered EPOLLONESHOT with the union of their
 * interests and the event data is the fd.  A wait that ends otherwise
 * (timeout) just unlinks its record; a later event finds nobody.  At most
 * one thread runs epoll_wait at a time: an idle worker while fd waits
 * exist (instead of its futex sleep), and busy workers every 200 µs with a
 * zero timeout (sched.c service()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "rt_sched_internal.h"

#define EV_BATCH 64
#define TAG_EVENTFD (~0ull)   /* event data is an fd otherwise */

static pthread_once_t once = PTHREAD_ONCE_INIT;
/* written once (init_once), read by every worker: atomics for TSan */
static _Atomic int epfd = -1, evfd = -1;
static _Atomic int nwaits;
static _Atomic int polling;

static void init_once(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int ev = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ep < 0 || ev < 0)
        rt_fatal(0, "cannot create the event poller");
    struct epoll_event e = { .events = EPOLLIN, .data.u64 = TAG_EVENTFD };
    epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e);
    evfd = ev;
    epfd = ep;   /* last: epfd >= 0 means "ready" */
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

/* ---------------------------------------------------------- fd table */

/* Several tasks may wait on one descriptor (accepting tasks on a listening
 * socket, a reader and a writer on one connection), but epoll takes one
 * registration per descriptor: each fd has an entry listing its waiters,
 * registered with the union of their interests (EPOLLONESHOT, re-armed
 * while waiters remain). */
typedef struct FdEntry {
    RtSpin lock;
    uint8_t added;            /* EPOLL_CTL_ADD done (under lock) */
    Waiter *head;             /* waiting coroutines (under lock) */
} FdEntry;

#define FD_CHUNK 1024
#define FD_CHUNKS 4096        /* up to 4 194 304 descriptors */
static _Atomic(FdEntry *) fd_tab[FD_CHUNKS];
static pthread_mutex_t fd_tab_lock = PTHREAD_MUTEX_INITIALIZER;

static FdEntry *fd_entry(int fd)
{
    if (fd < 0 || fd >= FD_CHUNK * FD_CHUNKS)
        return NULL;
    _Atomic(FdEntry *) *slot = &fd_tab[fd / FD_CHUNK];
    FdEntry *c = atomic_load_explicit(slot, memory_order_acquire);
    if (!c) {
        pthread_mutex_lock(&fd_tab_lock);
        if (!(c = atomic_load_explicit(slot, memory_order_relaxed))) {
            c = calloc(FD_CHUNK, sizeof(FdEntry));
            if (!c)
                rt_fatal(0, "out of memory (fd table)");
            atomic_store_explicit(slot, c, memory_order_release);
        }
        pthread_mutex_unlock(&fd_tab_lock);
    }
    return &c[fd % FD_CHUNK];
}

static uint32_t want_bits(int want)
{
    return (want & 1 ? EPOLLIN | EPOLLRDHUP : 0) | (want & 2 ? EPOLLOUT : 0);
}

/* Lock held: (re-)arm fd for the union of its waiters' interests. */
static int arm(int fd, FdEntry *e)
{
    uint32_t bits = 0;
    for (Waiter *r = e->head; r; r = r->next)
        bits |= want_bits(r->co->fd_want);
    if (!bits)
        return 0;
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = bits | EPOLLONESHOT;
    ev.data.u64 = (uint64_t)fd;
    int r = epoll_ctl(epfd, e->added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
    if (r < 0 && errno == ENOENT)        /* closed and reopened meanwhile */
        r = epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    else if (r < 0 && errno == EEXIST)
        r = epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
    if (r == 0)
        e->added = 1;
    return r;
}

static void unlink_rec(FdEntry *e, Waiter *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        e->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    rt_waiter_set_linked(r, 0);   /* last access (see Waiter.linked) */
}

static void fire(struct epoll_event *ev)
{
    int fd = (int)ev->data.u64;
    FdEntry *e = fd_entry(fd);
    if (!e)
        return;
    uint32_t got = ev->events;
    int ready = (got & (EPOLLIN | EPOLLRDHUP | EPOLLPRI) ? 1 : 0) | (got & EPOLLOUT ? 2 : 0);
    if (got & (EPOLLHUP | EPOLLERR))
        ready = 3;   /* errors make every direction "ready": the I/O call reports them */
    Coro *wake = NULL;
    rt_spin_lock(&e->lock);
    for (Waiter *r = e->head, *next; r; r = next) {
        next = r->next;
        Coro *co = r->co;
        int want = co->fd_want;
        if (!(want & ready))
            continue;
        uint64_t tok = r->tok;
        unlink_rec(e, r);
        if (rt_wait_claim(co, tok, WIN_FD)) {
            co->fd_events = want & ready;
            co->qnext = wake;
            wake = co;
        }
    }
    if (e->head)
        arm(fd, e);
    rt_spin_unlock(&e->lock);
    while (wake) {
        Coro *n = wake->qnext;
        rt_wake(wake);
        wake = n;
    }
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
    FdEntry *e = fd_entry(fd);
    if (!e)
        return events;
    uint64_t tok = rt_wait_begin(co, 0, "io wait");
    Waiter *r = rt_wait_slots(co, 1);
    co->fd_want = events;
    co->fd_events = 0;
    r->obj = e;
    atomic_fetch_add(&nwaits, 1);
    rt_spin_lock(&e->lock);
    r->prev = NULL;
    r->next = e->head;
    if (e->head)
        e->head->prev = r;
    e->head = r;
    rt_waiter_set_linked(r, 1);
    int armed = arm(fd, e);
    if (armed < 0)
        unlink_rec(e, r);
    rt_spin_unlock(&e->lock);
    if (armed < 0) {
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
    if (rt_waiter_linked(r)) {
        rt_spin_lock(&e->lock);
        if (atomic_load_explicit(&r->linked, memory_order_relaxed))
            unlink_rec(e, r);
        rt_spin_unlock(&e->lock);
    }
    atomic_fetch_sub(&nwaits, 1);
    int result = code == WIN_FD ? co->fd_events : 0;
    return result;
}
