/*
 * shared.c — shared atomic int cells: Task.value / Shared.new and friends
 * (concurrency runtime).  A handle is the address of a 64-byte aligned,
 * 64-byte cell (its own cache line: no false sharing between cells).
 */
#include <stdlib.h>
#include "rt_sched_internal.h"

typedef struct {
    _Atomic wyn_int v;
    char pad[64 - sizeof(wyn_int)];
} SharedCell;

static inline SharedCell *cell(wyn_int h)
{
    if (RT_UNLIKELY(h == 0 || (h & 63) != 0))
        rt_panic(0, "invalid shared value handle");
    return (SharedCell *)(intptr_t)h;
}

wyn_int rt_shared_new(wyn_int init)
{
    SharedCell *c = aligned_alloc(64, sizeof(SharedCell));
    if (!c)
        rt_fatal(0, "out of memory (shared value)");
    atomic_init(&c->v, init);
    rt_mem_keep(c);   /* handles are ints: a cell lives until exit */
    return (wyn_int)(intptr_t)c;
}

wyn_int rt_shared_get(wyn_int h) { return atomic_load(&cell(h)->v); }
void rt_shared_set(wyn_int h, wyn_int v) { atomic_store(&cell(h)->v, v); }
wyn_int rt_shared_add(wyn_int h, wyn_int n) { return atomic_fetch_add(&cell(h)->v, n); }
wyn_int rt_shared_sub(wyn_int h, wyn_int n) { return atomic_fetch_sub(&cell(h)->v, n); }
