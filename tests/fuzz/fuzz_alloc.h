/* fuzz_alloc.h — stands in for runtime/memory.c in the fuzz targets: every
 * runtime allocation is tracked and fuzz_release_all() frees what one
 * input allocated (the runtime itself never frees values).  The runtime
 * files are compiled with -Dfree=rt_fuzz_free so that their own free()
 * calls unlink tracked blocks.  Include in exactly one file. */
#ifndef FUZZ_ALLOC_H
#define FUZZ_ALLOC_H
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wyn_rt.h"

typedef struct Blk { struct Blk *next, *prev; size_t size; max_align_t pad[]; } Blk;
static Blk head = { &head, &head, 0 };

static void *track(Blk *b, size_t size)
{
    if (!b) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
    b->size = size;
    b->next = head.next;
    b->prev = &head;
    head.next->prev = b;
    head.next = b;
    return b->pad;
}
static Blk *blk_of(void *p) { return (Blk *)((char *)p - offsetof(Blk, pad)); }
void *rt_alloc(wyn_int size) { return track(calloc(1, sizeof(Blk) + (size_t)size), (size_t)size); }
void *rt_malloc_raw(size_t size) { return track(malloc(sizeof(Blk) + size), size); }
void *rt_realloc(void *p, wyn_int size)
{
    if (!p)
        return rt_malloc_raw((size_t)size);
    Blk *b = blk_of(p);
    b->prev->next = b->next;
    b->next->prev = b->prev;
    return track(realloc(b, sizeof(Blk) + (size_t)size), (size_t)size);
}
void *rt_box(const void *src, wyn_int size)
{
    void *p = rt_malloc_raw((size_t)size);
    memcpy(p, src, (size_t)size);
    return p;
}
/* The runtime files are compiled with -Dfree=rt_fuzz_free. */
void rt_fuzz_free(void *p)
{
    if (!p)
        return;
    Blk *b = blk_of(p);
    b->prev->next = b->next;
    b->next->prev = b->prev;
    free(b);
}
static void fuzz_release_all(void)
{
    while (head.next != &head) {
        Blk *b = head.next;
        head.next = b->next;
        free(b);
    }
    head.prev = &head;
}

#endif
