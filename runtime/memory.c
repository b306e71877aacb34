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
