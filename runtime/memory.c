/*
 * memory.c — the runtime's allocator entry points.  Every value allocation
 * goes through here so that running out of memory is one clear runtime
 * error ("out of memory") instead of a NULL dereference somewhere later.
 * Nothing is freed yet (see runtime/README.md, "Values").
 */
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

void *rt_box(const void *src, wyn_int size)
{
    void *p = rt_malloc_raw(size > 0 ? (size_t)size : 1);
    if (size > 0)
        memcpy(p, src, (size_t)size);
    return p;
}

/* ------------------------------------------------------ autorelease pools
 *
 * One pool per coroutine (a task's temporaries must not be drained by
 * another task interleaved on the same worker); the scheduler provides it
 * through rt_sched_pool (weak: the value runtime links without it).
 * Threads that are not running a coroutine (FFI callback threads, the
 * unit tests) use a thread-local pool. */
__attribute__((weak)) RtPool *rt_sched_pool(void);
static __thread RtPool tls_pool;

static inline RtPool *cur_pool(void)
{
    RtPool *p = rt_sched_pool ? rt_sched_pool() : NULL;
    return p ? p : &tls_pool;
}

WynStr *rt_autorelease(WynStr *s)
{
    if (s->rc != RT_RC_FRESH)
        return s;
    s->rc = 1;
    RtPool *p = cur_pool();
    if (RT_UNLIKELY(p->len == p->cap)) {
        size_t cap = p->cap ? (size_t)p->cap * 2 : 256;
        p->items = rt_realloc(p->items, (wyn_int)(cap * sizeof *p->items));
        p->cap = (wyn_int)cap;
    }
    p->items[p->len++] = s;
    return s;
}

wyn_int rt_pool_mark(void)
{
    return cur_pool()->len;
}

void rt_pool_drain(wyn_int mark)
{
    RtPool *p = cur_pool();
    while (p->len > mark) {
        WynStr *s = p->items[--p->len];
        if (s->rc > 0 && --s->rc == 0)
            free(s);
    }
}

void rt_str_free(WynStr *s)
{
    free(s);
}
