/*
 * task.c — tasks and futures: spawn, spawn_detached, await (inline run of
 * not-yet-started tasks), await_until, await_any, cancel, yield.
 *
 * A Task is 96 bytes (rt_sched_internal.h), carved from 64 KB slabs into
 * per-worker free lists.  Arguments and result live inside the task when
 * they fit in TASK_INLINE bytes together; otherwise on the heap (arguments
 * are freed when the task completes, the result stays with the future).
 * Futures are memoized (a future's handle is an int: its lifetime cannot
 * be counted) until rt_future_release recycles a finished one, running the
 * result_drop given to rt_spawn_ex on its result; detached tasks are
 * recycled.  Slabs are never freed and stay reachable (slab_list), so
 * memoized results are not leaks for LeakSanitizer.
 *
 * A result_drop is stored next to the result: in the last 8 bytes of the
 * inline payload, or in the 16 bytes before a heap result (which keeps the
 * result 16-byte aligned).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "handle.h"
#include "rt_sched_internal.h"

#define TASK_SLAB (64 * 1024)
static pthread_mutex_t foreign_lock = PTHREAD_MUTEX_INITIALIZER;
static Task *foreign_free;
static char *foreign_cur, *foreign_end;

/* Slabs are plain malloc: pre-populating (MAP_POPULATE) or transparent
 * huge pages were measured and do not pay on these VMs (page allocation
 * itself costs ~2-2.5 µs per 4 KB either way; THP faults sometimes stall
 * for milliseconds).  rt_future_release lets the code generator recycle
 * futures instead. */
static _Atomic(char *) slab_list;   /* every slab (link in its last 8 bytes) */

_Static_assert(TASK_SLAB - (TASK_SLAB / sizeof(Task)) * sizeof(Task) >= sizeof(char *),
               "room for the slab link");

static Task *carve(char **cur, char **end)
{
    if (*cur == *end) {
        char *s = malloc(TASK_SLAB);
        if (!s)
            rt_fatal(0, "out of memory (tasks)");
        char **link = (char **)(s + TASK_SLAB - sizeof(char *));
        char *head = atomic_load_explicit(&slab_list, memory_order_relaxed);
        do
            *link = head;
        while (!atomic_compare_exchange_weak_explicit(&slab_list, &head, s,
                   memory_order_release, memory_order_relaxed));
        *cur = s;
        *end = s + (TASK_SLAB / sizeof(Task)) * sizeof(Task);
    }
    Task *t = (Task *)*cur;
    *cur += sizeof(Task);
    return t;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        rt_fatal(0, "out of memory (task arguments)");
    return p;
}

static WynElemFn *drop_slot(Task *t)
{
    return (t->flags & TF_HEAP_RESULT)
        ? (WynElemFn *)((char *)t->result - 16)
        : (WynElemFn *)(t->payload + TASK_INLINE - sizeof(WynElemFn));
}

Task *rt_task_alloc(Worker *w, wyn_int args_size, wyn_int result_size,
                    WynElemFn result_drop)
{
    Task *t;
    if (RT_LIKELY(w != NULL)) {
        if ((t = w->tfree))
            w->tfree = t->next;
        else
            t = carve(&w->slab_cur, &w->slab_end);
    } else {
        pthread_mutex_lock(&foreign_lock);
        if ((t = foreign_free))
            foreign_free = t->next;
        else
            t = carve(&foreign_cur, &foreign_end);
        pthread_mutex_unlock(&foreign_lock);
    }
    size_t rs = ((size_t)result_size + 7) & ~(size_t)7;
    size_t as = (size_t)args_size;
    size_t room = result_drop ? TASK_INLINE - sizeof(WynElemFn) : TASK_INLINE;
    uint8_t flags = result_drop ? TF_RESULT_DROP : 0;
    if (rs <= room) {
        t->result = t->payload;
    } else {
        t->result = (char *)xmalloc(rs + (result_drop ? 16 : 0)) + (result_drop ? 16 : 0);
        flags |= TF_HEAP_RESULT;
        rs = 0;
    }
    if (as <= room - rs) {
        t->args = t->payload + rs;
    } else {
        t->args = xmalloc(as);
        flags |= TF_HEAP_ARGS;
    }
    if (result_size > 0)
        memset(t->result, 0, (size_t)result_size);
    t->flags = flags;
    if (result_drop)
        *drop_slot(t) = result_drop;
    atomic_store_explicit(&t->cancel, 0, memory_order_relaxed);
    atomic_store_explicit(&t->lock.v, 0, memory_order_relaxed);
    t->waiters = NULL;
    t->next = NULL;
    return t;
}

void rt_task_release(Worker *w, Task *t)
{
    atomic_store_explicit(&t->state, T_FREE, memory_order_relaxed);
    if (RT_UNLIKELY(atomic_load_explicit(&t->cancel, memory_order_relaxed) & TC_HANDLE))
        rt_handle_forget(t);
    if (t->flags & TF_RESULT_DROP) {
        (*drop_slot(t))(t->result);   /* what the result holds */
        if (t->flags & TF_HEAP_RESULT)
            free((char *)t->result - 16);
    } else if (t->flags & TF_HEAP_RESULT) {
        free(t->result);
    }
    t->next = w->tfree;
    w->tfree = t;
}

void rt_task_chain_init(Task *t, wyn_loc loc)
{
    Coro *co = rt_coro_current();
    Task *p = co ? co->cur : NULL;
    t->chain[0] = loc;
    int n = 1;
    if (p && !(p->flags & TF_MAIN))
        for (int i = 0; i < p->nchain && n < TASK_CHAIN; i++)
            t->chain[n++] = p->chain[i];
    t->nchain = (uint8_t)n;
}

static Task *task_new(WynTaskFn fn, const void *args, wyn_int args_size,
                      wyn_int result_size, WynElemFn result_drop, wyn_loc loc,
                      uint8_t flags)
{
    Task *t = rt_task_alloc(rt_tls_worker, args_size, result_size, result_drop);
    t->fn = fn;
    t->flags |= flags;
    if (args_size > 0)
        memcpy(t->args, args, (size_t)args_size);
    rt_task_chain_init(t, loc);
    atomic_store_explicit(&t->state, T_READY, memory_order_release);
    return t;
}

wyn_int rt_spawn_ex(WynTaskFn fn, const void *args, wyn_int args_size,
                    wyn_int result_size, WynElemFn result_drop, wyn_loc loc)
{
    Task *t = task_new(fn, args, args_size, result_size, result_drop, loc, 0);
    rt_sched_push_new(t);
    return (wyn_int)(intptr_t)t;
}

wyn_int rt_spawn(WynTaskFn fn, const void *args, wyn_int args_size,
                 wyn_int result_size, wyn_loc loc)
{
    return rt_spawn_ex(fn, args, args_size, result_size, NULL, loc);
}

void rt_spawn_detached(WynTaskFn fn, const void *args, wyn_int args_size,
                       wyn_loc loc)
{
    Task *t = task_new(fn, args, args_size, 0, NULL, loc, TF_DETACHED);
    atomic_fetch_add(&rt_sched.ndetached, 1);
    rt_sched_push_new(t);
}

/* Marks t finished and wakes its awaiters. */
static void task_complete(Task *t)
{
    if (t->flags & TF_HEAP_ARGS) {
        free(t->args);
        t->args = NULL;
        t->flags &= (uint8_t)~TF_HEAP_ARGS;
    }
    rt_spin_lock(&t->lock);
    atomic_store_explicit(&t->state, T_DONE, memory_order_release);
    Waiter *r = t->waiters;
    t->waiters = NULL;
    Coro *wake = NULL;
    while (r) {
        /* read everything before clearing linked (see Waiter.linked) */
        Waiter *next = r->next;
        Coro *co = r->co;
        uint64_t tok = r->tok;
        unsigned code = (unsigned)r->code;
        rt_waiter_set_linked(r, 0);
        if (rt_wait_claim(co, tok, code)) {
            co->qnext = wake;
            wake = co;
        }
        r = next;
    }
    rt_spin_unlock(&t->lock);
    while (wake) {
        Coro *n = wake->qnext;
        rt_wake(wake);
        wake = n;
    }
}

void rt_task_run_body(Coro *co, Task *t)
{
    /* the body runs in this coroutine from start to end: its pool too */
    WynPool *pool = rt_pool_current();
    wyn_int mark = pool->len;
    t->fn(t->args, t->result);
    if (pool->len > mark)
        rt_pool_drain_in(pool, mark);
    task_complete(t);
}

static Task *task_from(wyn_int fut, wyn_loc loc)
{
    if (RT_UNLIKELY(fut == 0 || (fut & 15) != 0))
        rt_panic(loc, "await of an invalid future");
    return (Task *)(intptr_t)fut;
}

static inline int task_done(Task *t)
{
    return atomic_load_explicit(&t->state, memory_order_acquire) == T_DONE;
}

/* Runs a claimed task on the caller's stack as part of the caller. */
static void run_inline(Task *t)
{
    Coro *co = rt_coro_current();
    if (co) {
        Task *outer = co->cur;
        co->cur = t;
        rt_task_run_body(co, t);
        co->cur = outer;
    } else {
        rt_task_run_body(NULL, t);
    }
}

static void unlink_waiter(Waiter *r)
{
    Task *t = r->obj;
    rt_spin_lock(&t->lock);
    if (atomic_load_explicit(&r->linked, memory_order_relaxed)) {
        if (r->prev)
            r->prev->next = r->next;
        else
            t->waiters = r->next;
        if (r->next)
            r->next->prev = r->prev;
        rt_waiter_set_linked(r, 0);
    }
    rt_spin_unlock(&t->lock);
}

/* Links r into t's awaiters; 0 if t is already done. */
static int link_waiter(Task *t, Waiter *r)
{
    rt_spin_lock(&t->lock);
    if (task_done(t)) {
        rt_spin_unlock(&t->lock);
        return 0;
    }
    r->obj = t;
    r->prev = NULL;
    r->next = t->waiters;
    if (t->waiters)
        t->waiters->prev = r;
    t->waiters = r;
    rt_waiter_set_linked(r, 1);
    rt_spin_unlock(&t->lock);
    return 1;
}

/* Outside any coroutine (a foreign thread): poll politely. */
static int foreign_wait(Task *t, int64_t deadline)
{
    for (int i = 0; !task_done(t); i++) {
        if (deadline >= 0 && rt_mono_ns() >= deadline)
            return 0;
        if (i < 100)
            sched_yield();
        else
            usleep(200);
    }
    return 1;
}

/* Parks until t is done or the deadline (ns, -1: none) passes. */
static int wait_task(Task *t, int64_t deadline, wyn_loc loc)
{
    Coro *co = rt_coro_current();
    if (!co)
        return foreign_wait(t, deadline);
    uint64_t tok = rt_wait_begin(co, loc, "await");
    Waiter *r = rt_wait_slots(co, 1);
    if (!link_waiter(t, r)) {
        if (rt_wait_self(co, tok, 1))
            return 1;
        rt_wait_park(co);   /* cannot happen: nobody else knows the wait */
        return 1;
    }
    if (deadline >= 0)
        rt_timer_add(co, deadline);
    unsigned code = rt_wait_park(co);
    if (deadline >= 0)
        rt_timer_remove(co);
    if (rt_waiter_linked(r))
        unlink_waiter(r);
    return code == 1;
}

const void *rt_await(wyn_int fut, wyn_loc loc)
{
    Task *t = task_from(fut, loc);
    if (task_done(t))
        return t->result;
    if (atomic_load_explicit(&t->state, memory_order_relaxed) == T_READY) {
        Worker *w = rt_tls_worker;
        /* the usual case: spawned just now by us; drop the deque entry */
        if (w && rt_deque_peek_bottom(&w->dq) == t)
            rt_deque_pop(&w->dq);
        uint32_t s = T_READY;
        if (atomic_compare_exchange_strong_explicit(&t->state, &s, T_RUNNING,
                memory_order_acq_rel, memory_order_relaxed)) {
            run_inline(t);
            return t->result;
        }
    }
    wait_task(t, -1, loc);
    return t->result;
}

const void *rt_await_until(wyn_int fut, wyn_int deadline_ns, wyn_loc loc)
{
    Task *t = task_from(fut, loc);
    if (task_done(t))
        return t->result;
    if (deadline_ns < 0)
        deadline_ns = 0;
    return wait_task(t, deadline_ns, loc) ? t->result : NULL;
}

wyn_int rt_await_any(WynArr *futs, wyn_loc loc)
{
    if (!futs || futs->len == 0)
        rt_panic(loc, "await_any of an empty array");
    int n = (int)futs->len;
    const wyn_int *f = (const wyn_int *)futs->data;
    for (int i = 0; i < n; i++)
        if (task_done(task_from(f[i], loc)))
            return i;
    Coro *co = rt_coro_current();
    if (!co) {
        for (;;) {
            for (int i = 0; i < n; i++)
                if (task_done(task_from(f[i], loc)))
                    return i;
            usleep(200);
        }
    }
    uint64_t tok = rt_wait_begin(co, loc, "await_any");
    Waiter *r = rt_wait_slots(co, n);
    int i;
    for (i = 0; i < n; i++)
        if (!link_waiter(task_from(f[i], loc), &r[i]))
            break;
    if (i < n) {   /* f[i] finished meanwhile */
        if (!rt_wait_self(co, tok, (unsigned)i + 1))
            rt_wait_park(co);
    } else {
        rt_wait_park(co);
    }
    unsigned code = (unsigned)(atomic_load(&co->claim) & WAIT_CODE_MASK);
    for (int k = 0; k < n; k++)
        if (rt_waiter_linked(&r[k]))
            unlink_waiter(&r[k]);
    return (wyn_int)code - 1;
}

wyn_bool rt_future_done(wyn_int fut)
{
    if (fut == 0 || (fut & 15))
        return 0;
    return task_done((Task *)(intptr_t)fut);
}

void rt_future_release(wyn_int fut)
{
    if (fut == 0 || (fut & 15))
        return;
    Task *t = (Task *)(intptr_t)fut;
    Worker *w = rt_tls_worker;
    /* Only finished tasks with no awaiter left can go; anything else is
     * kept (memoized) as before.  A stale deque entry may still point at
     * the object: harmless, it is claimed by CAS and memory is type-stable. */
    if (!w || !task_done(t) || (t->flags & (TF_DETACHED | TF_MAIN)))
        return;
    rt_spin_lock(&t->lock);
    int idle = t->waiters == NULL;
    rt_spin_unlock(&t->lock);
    if (idle)
        rt_task_release(w, t);
}

void rt_task_cancel(wyn_int fut)
{
    if (fut == 0 || (fut & 15))
        return;
    atomic_fetch_or_explicit(&((Task *)(intptr_t)fut)->cancel, TC_CANCEL, memory_order_relaxed);
}

/* A Future<T> flowing into an int.  The Task has no room for its handle:
 * the registry interns it, and TC_HANDLE tells rt_task_release to forget it
 * (so the int is stale once the task is recycled, never a new task). */
wyn_int rt_future_to_int(wyn_int fut, const char *result)
{
    Task *t = task_from(fut, 0);
    atomic_fetch_or_explicit(&t->cancel, TC_HANDLE, memory_order_relaxed);
    return rt_handle_intern(&rt_hk_future, result, t);
}

wyn_int rt_future_of_int(wyn_int h, const char *result, const char *what, wyn_loc loc)
{
    return (wyn_int)(intptr_t)rt_handle_get(h, &rt_hk_future, result, what, loc);
}

wyn_bool rt_task_is_cancelled(void)
{
    Coro *co = rt_coro_current();
    Task *t = co ? co->cur : NULL;
    return t && (atomic_load_explicit(&t->cancel, memory_order_relaxed) & TC_CANCEL);
}

void rt_task_yield(void)
{
    rt_sched_yield_current();
}
