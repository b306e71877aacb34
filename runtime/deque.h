/*
 * deque.h — Chase-Lev work-stealing deque of pointers (owned by the
 * concurrency runtime).
 *
 * One owner thread pushes and pops at the bottom (LIFO); any thread may
 * steal from the top (FIFO).  Lock-free, growable (the buffer doubles when
 * full; retired buffers are kept until rt_deque_destroy because a thief may
 * still be reading one).  This is the C11 formulation of Lê, Pop, Cohen and
 * Zappa Nardelli, "Correct and Efficient Work-Stealing for Weak Memory
 * Models" (PPoPP 2013), with the bottom published by a release store rather
 * than a fence so that ThreadSanitizer sees the hand-over.
 *
 * Invariants: only the owner calls push/pop; entries are never NULL.
 */
#ifndef WYN_DEQUE_H
#define WYN_DEQUE_H
#include <stdatomic.h>
#include <stdint.h>

typedef struct DequeBuf {
    int64_t mask;                 /* capacity - 1 (capacity is a power of 2) */
    struct DequeBuf *retired;     /* older buffer, freed at destroy */
    _Atomic(void *) slot[];
} DequeBuf;

typedef struct Deque {
    _Atomic int64_t top;          /* thieves CAS it */
    char pad0[56];
    _Atomic int64_t bottom;       /* written by the owner only */
    _Atomic(DequeBuf *) buf;      /* replaced by the owner only */
    char pad1[48];
} Deque;

/* steal() lost a race with another thief or the owner: try again. */
#define DEQUE_ABORT ((void *)1)

void rt_deque_init(Deque *d, int log2_cap);
void rt_deque_destroy(Deque *d);
void rt_deque_push(Deque *d, void *x);     /* owner */
void *rt_deque_pop(Deque *d);              /* owner; NULL when empty */
void *rt_deque_steal(Deque *d);            /* any thread; NULL or DEQUE_ABORT */
/* Approximate number of entries (exact when called by the owner with no
 * concurrent thieves). */
int64_t rt_deque_size(Deque *d);
/* Owner: the most recently pushed entry without removing it (NULL if empty). */
void *rt_deque_peek_bottom(Deque *d);

#endif
