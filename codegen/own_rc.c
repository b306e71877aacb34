/*
 * own_rc.c — which parameters and loop variables may borrow their value
 * instead of holding a counted reference of their own (see "Ownership in
 * generated code" in README.md).
 *
 * A parameter borrows the caller's reference unless the function assigns
 * it, assigns a place rooted at it (p.x = ..., xs[i] = ...), or calls a
 * method on it (the method may assign its fields): then the old value
 * would be released under the caller.  `self` is passed by pointer and
 * always borrows.
 *
 * The element variable of `for x in xs` (arrays) borrows each element
 * from the array the loop holds when nothing in the body can drop an
 * element of xs or assign x: no calls into user code, no task switches,
 * closures or defers, no built-in that may drop elements, no element
 * assignment.
 */
#include "own_int.h"
#include "builtins.h"
#include <string.h>

/* The variable at the root of a place: xs in xs[i].f, p in p.x. */
static Sym *place_root(Node *n)
{
    while (n && (n->kind == N_INDEX || n->kind == N_MEMBER))
        n = n->a;
    return n && n->kind == N_IDENT ? n->sym : NULL;
}

/* The places an assignment or ++/-- writes (one, or the targets of
 * a, b = ...). */
static Node *const *written_places(Node *n, int *count)
{
    if (n->kind == N_ASSIGN && n->list.len) {
        *count = n->list.len;
        return n->list.items;
    }
    *count = 1;
    return &n->a;
}

/* --------------------------------------------------------- parameters */

typedef struct ParamWalk {
    OwnFacts *o;
    FnInfo *f;
} ParamWalk;

static void mark_if_param(ParamWalk *w, Sym *s)
{
    FnInfo *f = w->f;
    for (int i = f->is_method ? 1 : 0; s && i < f->nparams; i++)
        if (f->param_syms[i] == s)
            own_set(w->o, s, OWN_PARAM_ASSIGNED);
}

static AstWalk params_pre(Node *n, Node *parent, void *ctx)
{
    ParamWalk *w = ctx;
    (void)parent;
    if (n->kind == N_LAMBDA)
        return WALK_SKIP; /* its own function; it assigns its own copies */
    if (n->kind == N_ASSIGN || n->kind == N_INCDEC) {
        int count;
        Node *const *places = written_places(n, &count);
        for (int i = 0; i < count; i++)
            mark_if_param(w, place_root(places[i]));
    } else if (n->kind == N_CALL && n->op == CALL_METHOD && n->a && n->a->kind == N_MEMBER) {
        mark_if_param(w, place_root(n->a->a));
    }
    return WALK_INTO;
}

static void find_borrowing_params(OwnFacts *o, FnInfo *f)
{
    if (!f->param_syms)
        return;
    ParamWalk w = { o, f };
    AstVisitor v = { .pre = params_pre, .ctx = &w };
    ast_walk(f->body, NULL, &v);
    for (int i = 0; i < f->nparams; i++) {
        Sym *s = f->param_syms[i];
        if (s && ((i == 0 && f->is_method) || !(own_get(o, s) & OWN_PARAM_ASSIGNED)))
            own_set(o, s, OWN_PARAM_BORROWS);
    }
}

/* ------------------------------------------------------ loop variables */

typedef struct LoopVars {
    Sym *const *vars;
    int count;
} LoopVars;

/* Stops at the first thing that may drop an element or assign a loop
 * variable. */
static AstWalk drops_pre(Node *n, Node *parent, void *ctx)
{
    const LoopVars *lv = ctx;
    (void)parent;
    switch (n->kind) {
    case N_SPAWN: case N_AWAIT: case N_SELECT: case N_PARALLEL: case N_LAMBDA: case N_DEFER:
        return WALK_STOP;
    case N_CALL:
        if (n->op == CALL_FN || n->op == CALL_METHOD || n->op == CALL_VALUE)
            return WALK_STOP;
        if (n->op == CALL_BUILTIN && !builtin_keeps_elements(n->builtin))
            return WALK_STOP;
        return WALK_INTO;
    case N_ASSIGN: case N_INCDEC: {
        int count;
        Node *const *places = written_places(n, &count);
        for (int i = 0; i < count; i++) {
            Node *t = places[i];
            if (!t)
                continue;
            if (t->kind == N_INDEX && type_prune(t->a->type)->kind == TY_ARRAY)
                return WALK_STOP;
            Sym *root = place_root(t);
            for (int k = 0; root && k < lv->count; k++)
                if (root == lv->vars[k])
                    return WALK_STOP;
        }
        return WALK_INTO;
    }
    default:
        return WALK_INTO;
    }
}

static void find_borrowing_loop_var(OwnFacts *o, Node *loop)
{
    if (loop->kind != N_FOR || loop->op != 3 || loop->ival || !loop->aux)
        return; /* only arrays, and not zip pairs */
    LoopVars lv = { loop->aux, loop->list.len };
    AstVisitor drops = { .pre = drops_pre, .ctx = &lv };
    if (!ast_walk(loop->b, loop, &drops))
        return;
    Sym *elem = lv.count == 2 ? lv.vars[1] : lv.vars[0];
    if (elem && !elem->in_cell) /* a variable in a cell owns through its cell */
        own_set(o, elem, OWN_LOOP_VAR_BORROWS);
}

void own_rc_fn(OwnFacts *o, FnInfo *f)
{
    find_borrowing_params(o, f);
    own_each_loop(f, find_borrowing_loop_var, o);
}
