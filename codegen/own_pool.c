/*
 * own_pool.c — loops that cannot put anything in the autorelease pool, so
 * the emitter can leave out their per-iteration drain.
 *
 * Any expression of a counted type other than a literal, a variable, an
 * element or a field read may make a pooled object, and so may a call
 * into user code and a closure with an environment.  A spawned call runs
 * in its own task and pool; only its arguments are evaluated here.
 */
#include "own_int.h"
#include "emit_int.h"

static AstWalk pools_pre(Node *n, Node *parent, void *ctx)
{
    const AstVisitor *self = ctx;
    (void)parent;
    switch (n->kind) {
    case N_STR: case N_INT: case N_FLOAT: case N_BOOL: case N_NONE: case N_IDENT:
        return WALK_SKIP;
    case N_SPAWN:
        for (int i = 0; n->a && i < n->a->list.len; i++)
            if (!ast_walk(n->a->list.items[i], n->a, self))
                return WALK_STOP;
        return WALK_SKIP;
    case N_LAMBDA: {
        FnInfo *lf = n->aux;
        return lf && lambda_has_env(lf) ? WALK_STOP : WALK_SKIP; /* the environment is pooled */
    }
    case N_CALL:
        if (n->op != CALL_BUILTIN && n->op != CALL_VARIANT)
            return WALK_STOP;
        break;
    default:
        break;
    }
    if (n->type && type_managed(n->type) && n->kind != N_MEMBER && n->kind != N_INDEX)
        return WALK_STOP;
    return WALK_INTO;
}

static void find_quiet_loop(OwnFacts *o, Node *loop)
{
    AstVisitor pools = { .pre = pools_pre };
    pools.ctx = &pools;
    if (ast_walk(loop, NULL, &pools))
        own_set(o, loop, OWN_LOOP_NO_POOL);
}

void own_pool_fn(OwnFacts *o, FnInfo *f)
{
    own_each_loop(f, find_quiet_loop, o);
}
