/*
 * memory.c — the runtime's allocator entry points, reference counting and
 * autorelease pools (runtime/README.md, "Memory").
 *
 * Every value allocation goes through here so that running out of memory
 * is one clear runtime error ("out of memory") instead of a NULL
 * dereference somewhere later.
 *
 * Counted objects (strings, arrays, maps, string builders, boxes) start
 * with `wyn_int rc`: > 0 a count changed with atomic operations (objects
 * cross threads through spawn and channels), < 0 immortal (literals and
 * static tables: retain and release ignore them).  A release that sees
 * rc == 1 is the only owner (nobody else can retain what they do not hold),
 * so it frees without the atomic decrement; the others use acq_rel so that
 * the freeing thread sees every write made through the other references.
 *
 * Live-object accounting (rt_mem_live_objects, for tests): one counter per
 * thread, plain increments, summed over every thread that ever counted.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "rt_internal.h"
#include "rt_values.h"

WYN_NORETURN static void out_of_memory(void)
{
    rt_fatal(0, "out of memory");
}

void *rt_alloc(wyn_int size)
{
    /* size 0 still gets a unique pointer: callers may compare them */
    void *p = calloc(1, size > 0 ? (size_t)size : 1);
    if (RT_UNLIKELY(!p))
        out_of_memory();
    return p;
}

void *rt_malloc_raw(size_t size)
{
    void *p = malloc(size > 0 ? size : 1);
    if (RT_UNLIKELY(!p))
        out_of_memory();
    return p;
}

void *rt_realloc(void *p, wyn_int size)
{
    void *q = realloc(p, size > 0 ? (size_t)size : 1);
    if (RT_UNLIKELY(!q))
        out_of_memory();
    return q;
}

/* ------------------------------------------------- live-object counting */

typedef struct LiveCtr {
    _Atomic wyn_int n;        /* allocations - frees made by this thread */
    struct LiveCtr *next;
} LiveCtr;

static _Atomic(LiveCtr *) live_all;   /* every counter ever made (reachable) */
static __thread LiveCtr *live_mine;

__attribute__((noinline)) static LiveCtr *live_ctr_new(void)
{
    LiveCtr *c = calloc(1, sizeof *c);
    if (!c)
        out_of_memory();
    LiveCtr *head = atomic_load_explicit(&live_all, memory_order_relaxed);
    do
        c->next = head;
    while (!atomic_compare_exchange_weak_explicit(&live_all, &head, c,
               memory_order_release, memory_order_relaxed));
    live_mine = c;
    return c;
}

static inline void live_add(wyn_int d)
{
    LiveCtr *c = live_mine;
    if (RT_UNLIKELY(!c))
        c = live_ctr_new();
    /* only this thread writes c->n: a plain read-modify-write suffices */
    atomic_store_explicit(&c->n, atomic_load_explicit(&c->n, memory_order_relaxed) + d,
                          memory_order_relaxed);
}

wyn_int rt_mem_live_objects(void)
{
    wyn_int sum = 0;
    for (LiveCtr *c = atomic_load_explicit(&live_all, memory_order_acquire); c; c = c->next)
        sum += atomic_load_explicit(&c->n, memory_order_relaxed);
    return sum;
}

void *rt_obj_alloc(size_t size)
{
    void *p = rt_malloc_raw(size);
    live_add(1);
    return p;
}

void *rt_obj_calloc(size_t size)
{
    void *p = rt_alloc((wyn_int)size);
    live_add(1);
    return p;
}

void rt_obj_free(void *p)
{
    live_add(-1);
    free(p);
}

/* ------------------------------------------------------------ counting */

static inline wyn_int rc_load(void *o)
{
    return __atomic_load_n((wyn_int *)o, __ATOMIC_RELAXED);
}

void rt_retain(void *obj)
{
    if (obj && rc_load(obj) > 0)
        __atomic_fetch_add((wyn_int *)obj, 1, __ATOMIC_RELAXED);
}

int rt_rc_release(void *obj)
{
    if (!obj)
        return 0;
    wyn_int rc = __atomic_load_n((wyn_int *)obj, __ATOMIC_ACQUIRE);
    if (rc < 0)
        return 0;
    if (rc == 1)
        return 1; /* the only reference: nobody can retain it meanwhile */
    if (RT_UNLIKELY(rc == 0))
        rt_fatal(0, "internal error: release of a freed object");
    return __atomic_sub_fetch((wyn_int *)obj, 1, __ATOMIC_ACQ_REL) == 0;
}

void rt_release_str(WynStr *s)
{
    if (rt_rc_release(s)) {
        s->rc = 0;
        rt_obj_free(s);
    }
}

/* Boxes: a hidden 16-byte header before the payload (which therefore
 * keeps malloc's 16-byte alignment). */
typedef struct BoxHdr {
    wyn_int rc;
    WynElemFn drop;
} BoxHdr;

static inline BoxHdr *box_hdr(void *payload)
{
    return (BoxHdr *)payload - 1;
}

void *rt_box_new_keep(wyn_int size, WynElemFn drop)
{
    if (RT_UNLIKELY(size < 0 || (wyn_uint)size > (wyn_uint)1 << 48))
        out_of_memory();
    BoxHdr *h = rt_obj_calloc(sizeof(BoxHdr) + (size_t)size);
    h->rc = 1;
    h->drop = drop;
    return h + 1;
}

void *rt_box_new(wyn_int size, WynElemFn drop)
{
    return rt_autorelease_box(rt_box_new_keep(size, drop));
}

void rt_retain_box(void *payload)
{
    if (payload)
        rt_retain(box_hdr(payload));
}

void rt_release_box(void *payload)
{
    if (payload && rt_rc_release(box_hdr(payload)))
        rt_dispose(payload, RT_K_BOX);
}

/* Cells: a variable shared by reference between a frame and closures
 * (SPEC §7) is a box holding the value.  The frame's reference is +1, not
 * pooled; a loop that declares the variable asks for a fresh cell each
 * iteration, and keeps the old one when no closure took it. */
void *rt_cell_new(wyn_int size, WynElemFn drop)
{
    return rt_box_new_keep(size, drop);
}

void rt_cell_fresh(void **cell, wyn_int size, WynElemFn drop)
{
    if (__atomic_load_n(&box_hdr(*cell)->rc, __ATOMIC_ACQUIRE) == 1)
        return;
    rt_release_box(*cell);
    *cell = rt_box_new_keep(size, drop);
}

static void box_destroy(void *payload)
{
    BoxHdr *h = box_hdr(payload);
    h->rc = 0;
    if (h->drop)
        h->drop(payload);
    rt_obj_free(h);
}

/* ------------------------------------------------------------- disposal
 *
 * Freeing a container releases what it holds, which may free more
 * containers: a long chain (a linked list of boxes, arrays of arrays...)
 * would recurse once per link.  Past RT_FREE_DEPTH nested frees, objects
 * are put on a per-thread list instead and freed by the outermost
 * rt_dispose, so the C stack stays bounded whatever the shape. */
#define RT_FREE_DEPTH 64
static __thread int free_depth;
static __thread uintptr_t *deferred;
static __thread size_t ndeferred, capdeferred;

static void destroy(uintptr_t e)
{
    void *o = (void *)(e & ~(uintptr_t)RT_K_MASK);
    switch (e & RT_K_MASK) {
    case RT_K_ARR: rt_arr_destroy(o); break;
    case RT_K_MAP: rt_map_destroy(o); break;
    default: box_destroy(o); break;
    }
}

void rt_dispose(void *o, unsigned kind)
{
    uintptr_t e = (uintptr_t)o | kind;
    if (free_depth >= RT_FREE_DEPTH) {
        if (ndeferred == capdeferred) {
            capdeferred = capdeferred ? capdeferred * 2 : 256;
            deferred = rt_realloc(deferred, (wyn_int)(capdeferred * sizeof *deferred));
        }
        deferred[ndeferred++] = e;
        return;
    }
    free_depth++;
    destroy(e);
    if (free_depth == 1 && ndeferred) {
        while (ndeferred)
            destroy(deferred[--ndeferred]);
        free(deferred);
        deferred = NULL;
        capdeferred = 0;
    }
    free_depth--;
}

/* ------------------------------------------------------- element ops */

static void str_dup(void *e) { rt_retain(*(WynStr **)e); }
static void str_drop(void *e) { rt_release_str(*(WynStr **)e); }
static void arr_dup(void *e) { rt_retain(*(WynArr **)e); }
static void arr_drop(void *e) { rt_release_arr(*(WynArr **)e); }
static void map_dup(void *e) { rt_retain(*(WynMap **)e); }
static void map_drop(void *e) { rt_release_map(*(WynMap **)e); }
static void box_dup(void *e) { rt_retain_box(*(void **)e); }
static void box_drop(void *e) { rt_release_box(*(void **)e); }

const WynElemOps rt_str_ops = { str_dup, str_drop };
const WynElemOps rt_arr_ops = { arr_dup, arr_drop };
const WynElemOps rt_map_ops = { map_dup, map_drop };
const WynElemOps rt_box_ops = { box_dup, box_drop };

/* ------------------------------------------------------ autorelease pools
 *
 * One pool per coroutine (a task's temporaries must not be drained by
 * another task interleaved on the same worker); the scheduler provides it
 * through rt_sched_pool (weak: the value runtime links without it).
 * Threads that are not running a coroutine (FFI callback threads, the
 * unit tests) use a thread-local pool, drained and freed when the thread
 * exits.
 *
 * An entry is the object's address with its kind in the low 3 bits (every
 * counted object is malloc'd, so 16-byte aligned). */
enum { K_STR = 0, K_ARR = RT_K_ARR, K_MAP = RT_K_MAP, K_BOX = RT_K_BOX, K_SB = 4,
       K_MASK = RT_K_MASK };

__attribute__((weak)) RtPool *rt_sched_pool(void);
static __thread RtPool tls_pool;
static pthread_key_t tls_pool_key;
static pthread_once_t tls_pool_once = PTHREAD_ONCE_INIT;

static void release_entry(uintptr_t e)
{
    void *o = (void *)(e & ~(uintptr_t)K_MASK);
    switch (e & K_MASK) {
    case K_STR: rt_release_str(o); break;
    case K_ARR: rt_release_arr(o); break;
    case K_MAP: rt_release_map(o); break;
    case K_BOX: rt_release_box(o); break;
    default: rt_release_sb(o); break;
    }
}

static void pool_drain(RtPool *p, wyn_int mark)
{
    /* newest first; a release that autoreleases more is drained too */
    while (p->len > mark) {
        uintptr_t e = p->items[--p->len];
        /* no stale pointer left behind: leak checkers scan this array */
        p->items[p->len] = 0;
        release_entry(e);
    }
}

static void tls_pool_exit(void *arg)
{
    RtPool *p = arg;
    pool_drain(p, 0);
    free(p->items);
    p->items = NULL;
    p->cap = 0;
}

static void tls_pool_key_init(void)
{
    pthread_key_create(&tls_pool_key, tls_pool_exit);
}

static inline RtPool *cur_pool(void)
{
    RtPool *p = rt_sched_pool ? rt_sched_pool() : NULL;
    return p ? p : &tls_pool;
}

int rt_pool_in_task(void)
{
    return cur_pool() != &tls_pool;
}

__attribute__((noinline)) static void pool_grow(RtPool *p)
{
    size_t cap = p->cap ? (size_t)p->cap * 2 : 256;
    if (p == &tls_pool && !p->items) {
        pthread_once(&tls_pool_once, tls_pool_key_init);
        pthread_setspecific(tls_pool_key, p);
    }
    p->items = rt_realloc(p->items, (wyn_int)(cap * sizeof *p->items));
    p->cap = (wyn_int)cap;
}

static inline void pool_add(void *o, unsigned kind)
{
    RtPool *p = cur_pool();
    if (RT_UNLIKELY(p->len == p->cap))
        pool_grow(p);
    p->items[p->len++] = (uintptr_t)o | kind;
}

/* Hands the caller's reference to the pool; immortal objects and NULL
 * pass through. */
static inline void *autorelease(void *o, unsigned kind)
{
    if (o && rc_load(o) > 0)
        pool_add(o, kind);
    return o;
}

WynStr *rt_autorelease(WynStr *s) { return autorelease(s, K_STR); }
WynArr *rt_autorelease_arr(WynArr *a) { return autorelease(a, K_ARR); }
WynMap *rt_autorelease_map(WynMap *m) { return autorelease(m, K_MAP); }
WynSB *rt_autorelease_sb(WynSB *sb) { return autorelease(sb, K_SB); }

void *rt_autorelease_box(void *payload)
{
    if (payload && rc_load(box_hdr(payload)) > 0)
        pool_add(payload, K_BOX);
    return payload;
}

wyn_int rt_pool_mark(void)
{
    return cur_pool()->len;
}

void rt_pool_drain(wyn_int mark)
{
    RtPool *p = cur_pool();
    if (mark < 0)
        mark = 0;
    pool_drain(p, mark);
}

WynPool *rt_pool_current(void)
{
    return cur_pool();
}

void rt_pool_drain_in(WynPool *p, wyn_int mark)
{
    pool_drain(p, mark < 0 ? 0 : mark);
}

/* Moves what was pooled since mark out of the current pool (blocking.c:
 * objects a pool thread made for a task, handed over when it resumes). */
RtPoolTake rt_pool_take(wyn_int mark)
{
    RtPool *p = cur_pool();
    RtPoolTake t = { NULL, 0 };
    if (mark < 0)
        mark = 0;
    if (p->len <= mark)
        return t;
    t.n = p->len - mark;
    t.items = rt_malloc_raw((size_t)t.n * sizeof *t.items);
    memcpy(t.items, p->items + mark, (size_t)t.n * sizeof *t.items);
    memset(p->items + mark, 0, (size_t)t.n * sizeof *t.items);
    p->len = mark;
    return t;
}

void rt_pool_give(RtPoolTake t)
{
    for (wyn_int i = 0; i < t.n; i++) {
        RtPool *p = cur_pool();
        if (RT_UNLIKELY(p->len == p->cap))
            pool_grow(p);
        p->items[p->len++] = t.items[i];
    }
    free(t.items);
}

/* ------------------------------------------------- kept until exit
 *
 * Objects that live for the rest of the process by design (channels,
 * shared cells, JSON trees, task slabs: their handles are ints and cannot
 * be counted) are listed here so that they stay reachable and LeakSanitizer
 * does not report them. */
#define KEEP_CHUNK 510
typedef struct KeepChunk {
    struct KeepChunk *next;
    size_t n;
    void *p[KEEP_CHUNK];
} KeepChunk;

static pthread_mutex_t keep_lock = PTHREAD_MUTEX_INITIALIZER;
static KeepChunk *keep_head;

void rt_mem_keep(void *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&keep_lock);
    if (!keep_head || keep_head->n == KEEP_CHUNK) {
        KeepChunk *c = calloc(1, sizeof *c);
        if (!c) {
            pthread_mutex_unlock(&keep_lock);
            out_of_memory();
        }
        c->next = keep_head;
        keep_head = c;
    }
    keep_head->p[keep_head->n++] = p;
    pthread_mutex_unlock(&keep_lock);
}
