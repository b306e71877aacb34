/*
 * timer.c — the timer heap and Time.sleep (concurrency runtime).
 *
 * One global binary min-heap of coroutines ordered by Coro.deadline,
 * protected by a mutex; each coroutine has at most one timer (for its
 * current wait; Coro.timer_idx is its heap position, -1 when none).  Any
 * worker fires due timers between two coroutines (sched.c service()), and
 * idle workers sleep no longer than the earliest deadline.  A firing timer
 * competes for the wait's claim like any other waker (WIN_TIMEOUT), so a
 * timer that loses the race is harmless; waits remove their timer when
 * they end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include "rt_sched_internal.h"

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static Coro **heap;
static int heap_len, heap_cap;
static _Atomic int64_t heap_min = INT64_MAX;   /* deadline of heap[0] */
static _Atomic int heap_count;

int64_t rt_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void put(int i, Coro *co)
{
    heap[i] = co;
    co->timer_idx = i;
}

static void sift_up(int i)
{
    Coro *co = heap[i];
    while (i > 0) {
        int p = (i - 1) / 2;
        if (heap[p]->deadline <= co->deadline)
            break;
        put(i, heap[p]);
        i = p;
    }
    put(i, co);
}

static void sift_down(int i)
{
    Coro *co = heap[i];
    for (;;) {
        int c = 2 * i + 1;
        if (c >= heap_len)
            break;
        if (c + 1 < heap_len && heap[c + 1]->deadline < heap[c]->deadline)
            c++;
        if (heap[c]->deadline >= co->deadline)
            break;
        put(i, heap[c]);
        i = c;
    }
    put(i, co);
}

static void publish(void)
{
    atomic_store(&heap_min, heap_len ? heap[0]->deadline : INT64_MAX);
    atomic_store(&heap_count, heap_len);
}

static void remove_at(int i)
{
    Coro *co = heap[i];
    co->timer_idx = -1;
    heap_len--;
    if (i < heap_len) {
        put(i, heap[heap_len]);
        sift_down(i);
        sift_up(heap[i]->timer_idx);
    }
}

void rt_timer_add(Coro *co, int64_t deadline_ns)
{
    pthread_mutex_lock(&heap_lock);
    if (heap_len == heap_cap) {
        int cap = heap_cap ? heap_cap * 2 : 256;
        Coro **h = realloc(heap, sizeof(Coro *) * (size_t)cap);
        if (!h)
            rt_fatal(0, "out of memory (timers)");
        heap = h;
        heap_cap = cap;
    }
    co->deadline = deadline_ns;
    co->timer_tok = co->tok;
    heap[heap_len] = co;
    co->timer_idx = heap_len++;
    sift_up(heap_len - 1);
    publish();
    pthread_mutex_unlock(&heap_lock);
}

void rt_timer_remove(Coro *co)
{
    pthread_mutex_lock(&heap_lock);
    if (co->timer_idx >= 0) {
        remove_at(co->timer_idx);
        publish();
    }
    pthread_mutex_unlock(&heap_lock);
}

int rt_timer_fire(int64_t now)
{
    Coro *wake = NULL;
    int n = 0;
    pthread_mutex_lock(&heap_lock);
    while (heap_len && heap[0]->deadline <= now) {
        Coro *co = heap[0];
        remove_at(0);
        if (rt_wait_claim(co, co->timer_tok, WIN_TIMEOUT)) {
            co->qnext = wake;
            wake = co;
        }
    }
    publish();
    pthread_mutex_unlock(&heap_lock);
    while (wake) {
        Coro *next = wake->qnext;
        rt_wake(wake);
        wake = next;
        n++;
    }
    return n;
}

int64_t rt_timer_next(void)
{
    return atomic_load_explicit(&heap_min, memory_order_acquire);
}

int rt_timer_count(void)
{
    return atomic_load_explicit(&heap_count, memory_order_relaxed);
}

void rt_sleep_ms(wyn_int ms, wyn_loc loc)
{
    Coro *co = rt_coro_current();
    if (!co) {
        if (ms > 0) {
            struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
                ;
        }
        return;
    }
    if (ms <= 0) {
        rt_task_yield();
        return;
    }
    int64_t deadline = rt_mono_ns() + (int64_t)ms * 1000000;
    rt_wait_begin(co, loc, "sleep");
    rt_wait_slots(co, 0);
    rt_timer_add(co, deadline);
    rt_wait_park(co);
}
