/*
 * own.c — the ownership analysis's facts table, its driver and the
 * questions the emitter asks (see own.h).
 */
#include "own_int.h"
#include <stdint.h>
#include <stdlib.h>

typedef struct OwnSlot {
    const void *key;
    unsigned bits;
} OwnSlot;

struct OwnFacts {
    OwnSlot *slots; /* open addressing, linear probing; cap is a power of two */
    size_t cap, len;
};

static size_t slot_of(const OwnSlot *slots, size_t cap, const void *key)
{
    uintptr_t h = (uintptr_t)key;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 20) & (cap - 1);
    while (slots[i].key && slots[i].key != key)
        i = (i + 1) & (cap - 1);
    return i;
}

static void grow(OwnFacts *o)
{
    size_t cap = o->cap ? o->cap * 2 : 256;
    OwnSlot *slots = xrealloc(NULL, cap * sizeof *slots);
    for (size_t i = 0; i < cap; i++)
        slots[i] = (OwnSlot){ 0 };
    for (size_t i = 0; i < o->cap; i++)
        if (o->slots[i].key)
            slots[slot_of(slots, cap, o->slots[i].key)] = o->slots[i];
    free(o->slots);
    o->slots = slots;
    o->cap = cap;
}

void own_set(OwnFacts *o, const void *key, unsigned bits)
{
    if (!key || !bits)
        return;
    if (2 * (o->len + 1) > o->cap)
        grow(o);
    size_t i = slot_of(o->slots, o->cap, key);
    if (!o->slots[i].key) {
        o->slots[i].key = key;
        o->len++;
    }
    o->slots[i].bits |= bits;
}

unsigned own_get(const OwnFacts *o, const void *key)
{
    if (!o || !o->cap || !key)
        return 0;
    return o->slots[slot_of(o->slots, o->cap, key)].bits;
}

typedef struct LoopWalk {
    void (*visit)(OwnFacts *o, Node *loop);
    OwnFacts *o;
} LoopWalk;

static AstWalk loop_pre(Node *n, Node *parent, void *ctx)
{
    LoopWalk *w = ctx;
    (void)parent;
    if (n->kind == N_LAMBDA)
        return WALK_SKIP;
    if (n->kind == N_WHILE || n->kind == N_FOR)
        w->visit(w->o, n);
    return WALK_INTO;
}

void own_each_loop(FnInfo *f, void (*visit)(OwnFacts *o, Node *loop), OwnFacts *o)
{
    LoopWalk w = { visit, o };
    AstVisitor v = { .pre = loop_pre, .ctx = &w };
    ast_walk(f->body, NULL, &v);
}

OwnFacts *own_analyze(Program *prog)
{
    OwnFacts *o = arena_alloc(sizeof *o);
    for (int i = 0; i < prog->fns.len; i++) {
        FnInfo *f = prog->fns.items[i];
        if (f->is_extern || !f->body)
            continue;
        own_futures_fn(o, f);
        own_rc_fn(o, f);
        own_pool_fn(o, f);
    }
    return o;
}

int own_future_private(const OwnFacts *o, const Sym *s)
{
    if (!s || s->kind != SYM_LOCAL || type_prune(s->type)->kind != TY_FUTURE)
        return 0;
    return (own_get(o, s) & (OWN_FUT_FROM_SPAWN | OWN_FUT_OTHER | OWN_FUT_USED)) == OWN_FUT_FROM_SPAWN;
}

int own_param_borrows(const OwnFacts *o, const Sym *s)
{
    return (own_get(o, s) & OWN_PARAM_BORROWS) != 0;
}

int own_loop_var_borrows(const OwnFacts *o, const Sym *s)
{
    return (own_get(o, s) & OWN_LOOP_VAR_BORROWS) != 0;
}

int own_loop_pools_nothing(const OwnFacts *o, const Node *loop)
{
    return (own_get(o, loop) & OWN_LOOP_NO_POOL) != 0;
}
