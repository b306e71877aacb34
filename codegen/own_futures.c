/*
 * own_futures.c — which local futures only their variable holds.
 *
 * A future handle is an int: copying it into an array, a struct, a map, a
 * parameter or another variable makes another holder that the runtime
 * cannot see.  Recycling the handle (rt_future_release) while any other
 * holder may still await it makes that await read whatever task reuses
 * the slot.  So a variable's future is private only when the variable is
 * the sole holder of every value it ever has:
 *
 *   - it is a local declared by `var` or a bare assignment, and every value
 *     it is given comes straight from `spawn` (parameters, loop variables,
 *     pattern and select bindings, and copies are given values that
 *     someone else holds too), and
 *   - every other mention of it is `await v` (anything else may copy the
 *     handle out: passing it, storing it, returning it, capturing it).
 */
#include "own_int.h"
#include "lexer.h"

/* What one mention of a variable says about it, from where it stands. */
static unsigned mention(Node *id, Node *parent)
{
    if (!parent)
        return OWN_FUT_USED;
    switch (parent->kind) {
    case N_AWAIT:
        return 0;
    case N_ASSIGN:
        if (parent->a == id && parent->op == T_ASSIGN && !parent->list.len)
            return parent->b && parent->b->kind == N_SPAWN ? OWN_FUT_FROM_SPAWN : OWN_FUT_OTHER;
        if (parent->a != id && parent->b != id)
            return OWN_FUT_OTHER; /* a, b = ...: one of several targets */
        return OWN_FUT_USED;
    case N_VAR:
        return parent->a == id ? OWN_FUT_USED : 0; /* the declared names: see N_VAR below */
    case N_FOR:
        return parent->a == id ? OWN_FUT_USED : OWN_FUT_OTHER;
    case N_COMPREHENSION:
        return parent->b == id ? OWN_FUT_OTHER : OWN_FUT_USED;
    default:
        return OWN_FUT_USED;
    }
}

static AstWalk futures_pre(Node *n, Node *parent, void *ctx)
{
    OwnFacts *o = ctx;
    switch (n->kind) {
    case N_LAMBDA: {
        FnInfo *lf = n->aux;
        for (int i = 0; lf && i < lf->captures.len; i++)
            own_set(o, lf->captures.items[i], OWN_FUT_USED); /* the environment holds a copy */
        return WALK_SKIP;
    }
    case N_VAR: {
        Sym **syms = n->aux;
        int alone = n->list.len == 1 && (!n->a || n->a->kind == N_SPAWN);
        for (int i = 0; syms && i < n->list.len; i++)
            own_set(o, syms[i], alone ? OWN_FUT_FROM_SPAWN : OWN_FUT_OTHER);
        return WALK_INTO;
    }
    case N_IDENT:
        if (n->sym)
            own_set(o, n->sym, mention(n, parent));
        return WALK_INTO;
    default:
        return WALK_INTO;
    }
}

void own_futures_fn(OwnFacts *o, FnInfo *f)
{
    /* parameters and variables bound by loops, patterns and select arms
     * start with a value someone else holds */
    for (int i = 0; f->param_syms && i < f->nparams; i++)
        own_set(o, f->param_syms[i], OWN_FUT_OTHER);
    for (int i = 0; i < f->locals.len; i++) {
        Sym *s = f->locals.items[i];
        if (!s->decl || (s->decl->kind != N_VAR && s->decl->kind != N_ASSIGN))
            own_set(o, s, OWN_FUT_OTHER);
    }
    AstVisitor v = { .pre = futures_pre, .ctx = o };
    ast_walk(f->body, NULL, &v);
}
