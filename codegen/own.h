/*
 * own.h — the ownership analysis: what each variable and loop of the typed
 * program may assume about the references it holds.
 *
 * The pass runs once, after checking and before any C is written
 * (parse → check → own_analyze → emit_program).  Every analysis in it is a
 * callback of the one tree walk (ast_walk in front/ast.h); the facts live
 * in the pass's own table (OwnFacts), keyed by Sym and Node, and the
 * emitter only asks the questions below.  Nothing here writes into Sym or
 * Node.
 *
 * It lives in codegen/ rather than front/ because its facts are about the
 * C representation, not the language: which types are reference counted
 * (type_managed), what lands in the autorelease pool, which future handles
 * may be recycled.  The checker knows none of that.
 *
 * Every question has a safe answer for what the pass has not proven: a
 * future is not private, a parameter or loop variable owns its value, a
 * loop may pool.  Proving more only saves work at run time.
 *
 * Files: own.c (the table, the driver, the questions), own_futures.c
 * (private futures), own_rc.c (borrowed parameters and loop variables),
 * own_pool.c (loops that put nothing in the pool).
 */
#ifndef WYN_OWN_H
#define WYN_OWN_H
#include "check.h"

typedef struct OwnFacts OwnFacts;

/* Analyses every function of the program (types already resolved). */
OwnFacts *own_analyze(Program *prog);

/* A local Future that only this variable ever holds: every value it gets
 * comes straight from `spawn`, and it is used only by `await v`.  Its
 * handle may be recycled (rt_future_release) when the variable is
 * overwritten and when the function returns. */
int own_future_private(const OwnFacts *o, const Sym *s);

/* A parameter the function never assigns to (nor any place rooted at it)
 * and calls no method on: it may borrow the caller's reference.  Other
 * parameters are retained on entry and released at exit. */
int own_param_borrows(const OwnFacts *o, const Sym *s);

/* The element variable of `for x in xs` over an array whose body can
 * neither drop elements of xs nor assign x: it borrows each element from
 * the array the loop holds instead of retaining it. */
int own_loop_var_borrows(const OwnFacts *o, const Sym *s);

/* A while or for loop (condition, iterable and body) that cannot put
 * anything in the autorelease pool: it needs no per-iteration drain. */
int own_loop_pools_nothing(const OwnFacts *o, const Node *loop);

#endif
