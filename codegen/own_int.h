/*
 * own_int.h — shared by the files of the ownership analysis (own.h): the
 * facts table and one entry point per analysis.
 *
 * A fact is a set of bits per key; a key is a Sym or a Node (their
 * addresses never collide).  Bits only accumulate, so the order in which
 * functions are analysed does not matter.
 */
#ifndef WYN_OWN_INT_H
#define WYN_OWN_INT_H
#include "own.h"

enum OwnBit {
    OWN_FUT_FROM_SPAWN = 1 << 0, /* Sym: declared with `spawn` or no value, or assigned a `spawn` */
    OWN_FUT_OTHER = 1 << 1,      /* Sym: gets a value some other way (copy, element, loop, pattern) */
    OWN_FUT_USED = 1 << 2,       /* Sym: read other than by `await v`, or captured */
    OWN_PARAM_ASSIGNED = 1 << 3, /* Sym: a parameter assigned, or a method called on it */
    OWN_PARAM_BORROWS = 1 << 4,  /* Sym: see own_param_borrows */
    OWN_LOOP_VAR_BORROWS = 1 << 5, /* Sym: see own_loop_var_borrows */
    OWN_LOOP_NO_POOL = 1 << 6,   /* Node: see own_loop_pools_nothing */
};

void own_set(OwnFacts *o, const void *key, unsigned bits);
unsigned own_get(const OwnFacts *o, const void *key);

/* Calls visit on every while and for loop of f's body, outer loops
 * first (not on those of its lambdas: they are functions of their own). */
void own_each_loop(FnInfo *f, void (*visit)(OwnFacts *o, Node *loop), OwnFacts *o);

/* One function each; lambdas met in the body are skipped (they are
 * functions of their own in Program.fns). */
void own_futures_fn(OwnFacts *o, FnInfo *f);
void own_rc_fn(OwnFacts *o, FnInfo *f);
void own_pool_fn(OwnFacts *o, FnInfo *f);

#endif
