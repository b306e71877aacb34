/*
 * deque.c — Chase-Lev work-stealing deque; see deque.h for the contract.
 */
#include <stdlib.h>
#include <stdio.h>
#include "deque.h"

static DequeBuf *buf_new(int64_t cap)
{
    DequeBuf *b = malloc(sizeof(DequeBuf) + (size_t)cap * sizeof(void *));
    if (!b) {
        fputs("wyn: out of memory (deque)\n", stderr);
        abort();
    }
    b->mask = cap - 1;
    b->retired = NULL;
    return b;
}

void rt_deque_init(Deque *d, int log2_cap)
{
    atomic_init(&d->top, 0);
    atomic_init(&d->bottom, 0);
    atomic_init(&d->buf, buf_new((int64_t)1 << log2_cap));
}

void rt_deque_destroy(Deque *d)
{
    DequeBuf *b = atomic_load_explicit(&d->buf, memory_order_relaxed);
    while (b) {
        DequeBuf *r = b->retired;
        free(b);
        b = r;
    }
    atomic_store_explicit(&d->buf, NULL, memory_order_relaxed);
}

/* Owner only: double the buffer, copying the live range [t, b). */
static DequeBuf *grow(Deque *d, DequeBuf *a, int64_t t, int64_t b)
{
    DequeBuf *n = buf_new((a->mask + 1) * 2);
    for (int64_t i = t; i < b; i++)
        atomic_store_explicit(&n->slot[i & n->mask],
            atomic_load_explicit(&a->slot[i & a->mask], memory_order_relaxed),
            memory_order_relaxed);
    n->retired = a;
    atomic_store_explicit(&d->buf, n, memory_order_release);
    return n;
}

void rt_deque_push(Deque *d, void *x)
{
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
    int64_t t = atomic_load_explicit(&d->top, memory_order_acquire);
    DequeBuf *a = atomic_load_explicit(&d->buf, memory_order_relaxed);
    if (b - t > a->mask)
        a = grow(d, a, t, b);
    atomic_store_explicit(&a->slot[b & a->mask], x, memory_order_relaxed);
    atomic_store_explicit(&d->bottom, b + 1, memory_order_release);
}

void *rt_deque_pop(Deque *d)
{
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed) - 1;
    DequeBuf *a = atomic_load_explicit(&d->buf, memory_order_relaxed);
    atomic_store_explicit(&d->bottom, b, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst);
    int64_t t = atomic_load_explicit(&d->top, memory_order_relaxed);
    void *x = NULL;
    if (t <= b) {
        x = atomic_load_explicit(&a->slot[b & a->mask], memory_order_relaxed);
        if (t == b) {
            /* last entry: race the thieves for it */
            if (!atomic_compare_exchange_strong_explicit(&d->top, &t, t + 1,
                    memory_order_seq_cst, memory_order_relaxed))
                x = NULL;
            atomic_store_explicit(&d->bottom, b + 1, memory_order_relaxed);
        }
    } else {
        atomic_store_explicit(&d->bottom, b + 1, memory_order_relaxed);
    }
    return x;
}

void *rt_deque_steal(Deque *d)
{
    int64_t t = atomic_load_explicit(&d->top, memory_order_acquire);
    atomic_thread_fence(memory_order_seq_cst);
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_acquire);
    if (t >= b)
        return NULL;
    DequeBuf *a = atomic_load_explicit(&d->buf, memory_order_acquire);
    void *x = atomic_load_explicit(&a->slot[t & a->mask], memory_order_relaxed);
    if (!atomic_compare_exchange_strong_explicit(&d->top, &t, t + 1,
            memory_order_seq_cst, memory_order_relaxed))
        return DEQUE_ABORT;
    return x;
}

int64_t rt_deque_size(Deque *d)
{
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_acquire);
    int64_t t = atomic_load_explicit(&d->top, memory_order_acquire);
    return b > t ? b - t : 0;
}

void *rt_deque_peek_bottom(Deque *d)
{
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
    int64_t t = atomic_load_explicit(&d->top, memory_order_acquire);
    if (b <= t)
        return NULL;
    DequeBuf *a = atomic_load_explicit(&d->buf, memory_order_relaxed);
    return atomic_load_explicit(&a->slot[(b - 1) & a->mask], memory_order_relaxed);
}
