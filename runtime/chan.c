/*
 * chan.c — channels (concurrency runtime).
 *
 * A channel is a ring of cap slots of esize bytes (cap 0: unbuffered) plus
 * two FIFO queues of parked coroutines: receivers waiting for a value and
 * senders waiting for room (or, unbuffered, for a receiver).  One spinlock
 * per channel protects everything in it.  Values never travel through a
 * parked coroutine's stack (it may be copied away at any time): a parked
 * sender's value waits in its Coro.xfer, and a value for a parked receiver
 * is written to its Coro.xfer and copied to the caller's `out` once it
 * runs again.
 *
 * Invariants (under the lock):
 *   - receivers are queued only when count == 0 (and, for select, they may
 *     be stale: their wait was won elsewhere; whoever pops them drops them);
 *   - senders are queued only when count == cap;
 *   - closed channels have no senders queued.
 *
 * Ownership: values are raw bytes.  Generated code retains a value before
 * rt_chan_send; the receiver owns what recv/try_recv/select deliver.  A
 * channel may become an int handle, so it is never freed: it stays
 * reachable (and so do values still buffered in it when the program ends).
 *
 * Handles: a Channel<T> value is the Chan address (checked by its magic
 * word); used as an int it becomes a registry handle (handle.c) carrying
 * T's name, made once and kept in Chan.handle.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "handle.h"
#include "rt_sched_internal.h"

#define CHAN_MAGIC 0x7779636e48414e31ull

struct Chan {
    uint64_t magic;
    RtSpin lock;
    uint8_t closed;
    uint32_t esize;
    int64_t cap;              /* 0: unbuffered */
    int64_t head, count;      /* ring position and fill */
    Waiter *rq_head, *rq_tail;
    Waiter *sq_head, *sq_tail;
    char *buf;
    _Atomic wyn_int handle;   /* its registry int once used as one; 0: never */
};

/* ----------------------------------------------------------- wait queues */

static void q_push(Waiter **head, Waiter **tail, Waiter *w)
{
    w->next = NULL;
    w->prev = *tail;
    if (*tail)
        (*tail)->next = w;
    else
        *head = w;
    *tail = w;
    rt_waiter_set_linked(w, 1);
}

static void q_unlink(Waiter **head, Waiter **tail, Waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        *head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        *tail = w->prev;
    rt_waiter_set_linked(w, 0);   /* last access (see Waiter.linked) */
}

/* Pops the first waiter whose wait we win (stale ones are dropped).  The
 * record is read before it is unlinked: once unlinked, a stale record's
 * owner may reuse it.  A record we win stays put until we wake its owner. */
static Waiter *q_claim(Waiter **head, Waiter **tail)
{
    Waiter *w;
    while ((w = *head)) {
        Coro *co = w->co;
        uint64_t tok = w->tok;
        unsigned code = (unsigned)w->code;
        q_unlink(head, tail, w);
        if (rt_wait_claim(co, tok, code))
            return w;
    }
    return NULL;
}

/* ------------------------------------------------------------- handles */

Chan *rt_chan_from(wyn_int h, wyn_loc loc)
{
    Chan *c = (Chan *)(intptr_t)h;
    if (RT_UNLIKELY(h == 0 || (h & 7) != 0 || c->magic != CHAN_MAGIC))
        rt_panic(loc, "invalid channel handle");
    return c;
}

/* A Channel<T> flowing into an int: its registry handle, made once (two
 * threads racing here agree through the CAS; the loser's handle goes). */
wyn_int rt_chan_to_int(wyn_int ch, const char *elem)
{
    Chan *c = rt_chan_from(ch, 0);
    wyn_int h = atomic_load_explicit(&c->handle, memory_order_acquire);
    if (RT_LIKELY(h != 0))
        return h;
    wyn_int mine = rt_handle_new(&rt_hk_channel, elem, c);
    if (atomic_compare_exchange_strong(&c->handle, &h, mine))
        return mine;
    rt_handle_release(mine);
    return h;
}

wyn_int rt_chan_of_int(wyn_int h, const char *elem, const char *what, wyn_loc loc)
{
    return (wyn_int)(intptr_t)rt_handle_get(h, &rt_hk_channel, elem, what, loc);
}

static __attribute__((noinline, cold)) void size_mismatch(Chan *c, wyn_int esize,
                                                          wyn_loc loc)
{
    char msg[128];
    snprintf(msg, sizeof msg,
             "channel element size mismatch: the channel carries %u-byte "
             "values, this operation uses %lld bytes",
             c->esize, (long long)esize);
    rt_panic(loc, msg);
}

/* Kept small (the message is built out of line) so that it inlines into
 * every channel operation. */
static inline Chan *chan_check(wyn_int h, wyn_int esize, wyn_loc loc)
{
    Chan *c = rt_chan_from(h, loc);
    if (RT_UNLIKELY((uint64_t)esize != c->esize))
        size_mismatch(c, esize, loc);
    return c;
}

static Chan *chan_make(int64_t cap, wyn_int esize)
{
    Chan *c = calloc(1, sizeof *c);
    if (!c)
        rt_fatal(0, "out of memory (channel)");
    rt_mem_keep(c);   /* handles are ints: a channel lives until exit */
    c->magic = CHAN_MAGIC;
    c->esize = (uint32_t)esize;
    c->cap = cap;
    if (cap > 0 && esize > 0) {
        c->buf = malloc((size_t)cap * (size_t)esize);
        if (!c->buf)
            rt_fatal(0, "out of memory (channel buffer)");
    }
    return c;
}

wyn_int rt_chan_new(wyn_int cap, wyn_int esize, wyn_loc loc)
{
    if (cap < 1) {
        char msg[96];
        snprintf(msg, sizeof msg, "channel capacity must be at least 1, got %lld",
                 (long long)cap);
        rt_panic(loc, msg);
    }
    if (esize < 0 || esize > (1 << 30) || cap > ((wyn_int)1 << 40) / (esize ? esize : 1))
        rt_panic(loc, "channel too large");
    return (wyn_int)(intptr_t)chan_make(cap, esize);
}

wyn_int rt_chan_new_unbuffered(wyn_int esize)
{
    if (esize < 0 || esize > (1 << 30))
        rt_panic(0, "channel element too large");
    return (wyn_int)(intptr_t)chan_make(0, esize);
}

/* ----------------------------------------------------------- transfers */

/* One element.  Most channels carry 8-byte values (int, float, handles):
 * those are one load and one store instead of a call to memcpy. */
static inline void copy_elem(void *dst, const void *src, size_t n)
{
    if (RT_LIKELY(n == 8))
        memcpy(dst, src, 8);
    else
        memcpy(dst, src, n);
}

static inline void *slot(Chan *c, int64_t i)
{
    return c->buf + (size_t)(i % c->cap) * c->esize;
}

/* Takes a value if one is available (buffer or parked sender), or the
 * zero value if closed and empty.  Lock held.  Returns 1 (value), 2
 * (closed), 0 (nothing); *wake is a sender to wake after unlocking. */
static int take_locked(Chan *c, void *out, Coro **wake)
{
    Waiter *s;
    *wake = NULL;
    if (c->count > 0) {
        copy_elem(out, slot(c, c->head), c->esize);
        c->head = (c->head + 1) % c->cap;
        c->count--;
        if ((s = q_claim(&c->sq_head, &c->sq_tail))) {
            copy_elem(slot(c, c->head + c->count), s->co->xfer, c->esize);
            c->count++;
            *wake = s->co;
        }
        return 1;
    }
    if ((s = q_claim(&c->sq_head, &c->sq_tail))) {
        copy_elem(out, s->co->xfer, c->esize);
        *wake = s->co;
        return 1;
    }
    if (c->closed) {
        memset(out, 0, c->esize);
        return 2;
    }
    return 0;
}

void rt_chan_send(wyn_int ch, const void *val, wyn_int esize, wyn_loc loc)
{
    Chan *c = chan_check(ch, esize, loc);
    rt_spin_lock(&c->lock);
    if (RT_UNLIKELY(c->closed)) {
        rt_spin_unlock(&c->lock);
        rt_panic(loc, "send on closed channel");
    }
    Waiter *r = q_claim(&c->rq_head, &c->rq_tail);
    if (r) {                        /* a receiver is waiting: hand over */
        copy_elem(r->co->xfer, val, c->esize);
        rt_spin_unlock(&c->lock);
        rt_wake(r->co);
        return;
    }
    if (c->count < c->cap) {
        copy_elem(slot(c, c->head + c->count), val, c->esize);
        c->count++;
        rt_spin_unlock(&c->lock);
        return;
    }
    Coro *co = rt_coro_current();
    if (!co) {
        rt_spin_unlock(&c->lock);
        rt_panic(loc, "blocking channel send outside a task");
    }
    rt_wait_begin(co, loc, "send");
    Waiter *w = rt_wait_slots(co, 1);
    copy_elem(rt_xfer_reserve(co, c->esize), val, c->esize);
    w->obj = c;
    q_push(&c->sq_head, &c->sq_tail, w);
    rt_spin_unlock(&c->lock);
    rt_wait_park(co);
    if (w->closed)
        rt_panic(loc, "send on closed channel");
}

void rt_chan_recv(wyn_int ch, void *out, wyn_int esize, wyn_loc loc)
{
    Chan *c = chan_check(ch, esize, loc);
    Coro *wake;
    rt_spin_lock(&c->lock);
    if (take_locked(c, out, &wake)) {
        rt_spin_unlock(&c->lock);
        if (wake)
            rt_wake(wake);
        return;
    }
    Coro *co = rt_coro_current();
    if (!co) {
        rt_spin_unlock(&c->lock);
        rt_panic(loc, "blocking channel receive outside a task");
    }
    rt_wait_begin(co, loc, "recv");
    Waiter *w = rt_wait_slots(co, 1);
    rt_xfer_reserve(co, c->esize);
    w->obj = c;
    q_push(&c->rq_head, &c->rq_tail, w);
    rt_spin_unlock(&c->lock);
    rt_wait_park(co);
    if (w->closed)
        memset(out, 0, c->esize);
    else
        copy_elem(out, co->xfer, c->esize);
}

wyn_bool rt_chan_try_recv(wyn_int ch, void *out, wyn_int esize)
{
    Chan *c = chan_check(ch, esize, 0);
    Coro *wake;
    rt_spin_lock(&c->lock);
    int got = take_locked(c, out, &wake);
    rt_spin_unlock(&c->lock);
    if (wake)
        rt_wake(wake);
    return got == 1;
}

void rt_chan_close(wyn_int ch, wyn_loc loc)
{
    Chan *c = rt_chan_from(ch, loc);
    Coro *wake = NULL;
    Waiter *w;
    rt_spin_lock(&c->lock);
    if (c->closed) {
        rt_spin_unlock(&c->lock);
        rt_panic(loc, "close of closed channel");
    }
    c->closed = 1;
    while ((w = q_claim(&c->rq_head, &c->rq_tail))) {
        w->closed = 1;
        w->co->qnext = wake;
        wake = w->co;
    }
    while ((w = q_claim(&c->sq_head, &c->sq_tail))) {
        w->closed = 1;
        w->co->qnext = wake;
        wake = w->co;
    }
    rt_spin_unlock(&c->lock);
    while (wake) {
        Coro *n = wake->qnext;
        rt_wake(wake);
        wake = n;
    }
}

/* ------------------------------------------------------ select support */

void rt_chan_lock(Chan *c) { rt_spin_lock(&c->lock); }
void rt_chan_unlock(Chan *c) { rt_spin_unlock(&c->lock); }
size_t rt_chan_esize(Chan *c) { return c->esize; }

int rt_chan_sel_take(Chan *c, void *out, Coro **wake)
{
    return take_locked(c, out, wake);
}

/* Lock held: would a receive succeed now?  (Queued senders are never
 * stale: a sender waits on one channel only, with no timeout.) */
int rt_chan_sel_ready(Chan *c)
{
    return c->count > 0 || c->sq_head != NULL || c->closed;
}

void rt_chan_sel_enqueue(Chan *c, Waiter *w)
{
    w->obj = c;
    q_push(&c->rq_head, &c->rq_tail, w);
}

void rt_chan_sel_dequeue(Chan *c, Waiter *w)
{
    rt_spin_lock(&c->lock);
    if (atomic_load_explicit(&w->linked, memory_order_relaxed))
        q_unlink(&c->rq_head, &c->rq_tail, w);
    rt_spin_unlock(&c->lock);
}
