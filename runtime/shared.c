/*
 * shared.c — shared atomic int cells: Task.value / Shared.new and friends
 * (concurrency runtime).  A cell is 64-byte aligned and 64 bytes big (its
 * own cache line: no false sharing between cells).  Cells are only ever
 * seen as ints (Task.value returns int), so every handle is a registry
 * handle (handle.c): a forged int or a channel passed to Shared.get is a
 * runtime error naming the call.
 */
#include <stdlib.h>
#include "handle.h"
#include "rt_sched_internal.h"

typedef struct {
    _Atomic wyn_int v;
    char pad[64 - sizeof(wyn_int)];
} SharedCell;

static inline SharedCell *cell(wyn_int h, const char *what, wyn_loc loc)
{
    return rt_handle_get(h, &rt_hk_shared, NULL, what, loc);
}

wyn_int rt_shared_new(wyn_int init)
{
    SharedCell *c = aligned_alloc(64, sizeof(SharedCell));
    if (!c)
        rt_fatal(0, "out of memory (shared value)");
    atomic_init(&c->v, init);
    rt_mem_keep(c);   /* handles are ints: a cell lives until exit */
    return rt_handle_new(&rt_hk_shared, "int", c);
}

wyn_int rt_shared_get(wyn_int h, wyn_loc loc)
{
    return atomic_load(&cell(h, "Shared.get", loc)->v);
}

void rt_shared_set(wyn_int h, wyn_int v, wyn_loc loc)
{
    atomic_store(&cell(h, "Shared.set", loc)->v, v);
}

wyn_int rt_shared_add(wyn_int h, wyn_int n, wyn_loc loc)
{
    return atomic_fetch_add(&cell(h, "Shared.add", loc)->v, n);
}

wyn_int rt_shared_sub(wyn_int h, wyn_int n, wyn_loc loc)
{
    return atomic_fetch_sub(&cell(h, "Shared.sub", loc)->v, n);
}
