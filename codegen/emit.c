/*
 * emit.c — the C emitter's driver: program layout, functions, lambdas,
 * statements (loops, defer, parallel, select).  See emit.h.
 *
 * Every local of a Wyn function is declared at the top of its C function
 * (each with a unique name), which gives SPEC §4's scoping for free:
 * a bare assignment in a nested block stays visible for the rest of the
 * function, and `var` shadowing just uses another C name.
 */
#include "emit_int.h"
#include "diag.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

Emitter em;

int new_tmp(void) { return ++em.tmp; }

wyn_loc_t loc_of(Node *n) { return (n->file << 20) | (n->line & 0xFFFFF); }

static void indent_nl(Buf *b) { buf_puts(b, "\n    "); }

/* A future only its variable holds (own.h): recycled when the variable
 * is overwritten and when the function returns. */
static int private_future(Sym *s)
{
    return own_future_private(em.own, s);
}

static void release_private_futures(Buf *b, FnInfo *f)
{
    for (int i = 0; i < f->locals.len; i++)
        if (private_future(f->locals.items[i]))
            buf_printf(b, "rt_future_release(%s); ", f->locals.items[i]->cname);
}

static int has_private_futures(FnInfo *f)
{
    for (int i = 0; i < f->locals.len; i++)
        if (private_future(f->locals.items[i]))
            return 1;
    return 0;
}

/* Runs the defers registered since `base`, innermost first. */
void emit_defers_to(Buf *b, int base)
{
    for (int i = em.defers.len - 1; i >= base; i--) {
        Node *d = em.defers.items[i];
        if (d->ival) {
            /* closures registered at run time, newest first */
            int k = (int)(intptr_t)d->aux;
            buf_printf(b, "if (_dd%d) { for (wyn_int _i = _dd%d->len - 1; _i >= 0; _i--) { "
                          "WynFn _f = ((WynFn *)_dd%d->data)[_i]; ((void (*)(void *))_f.fn)(_f.env); } "
                          "rt_release_arr(_dd%d); _dd%d = 0; } ", k, k, k, k, k);
        } else {
            emit_stmt(b, d->a);
        }
    }
}

void emit_block_body(Buf *b, Node *block)
{
    if (block->kind != N_BLOCK) {
        emit_stmt(b, block);
        return;
    }
    /* defers inside nested blocks are registered at run time (the checker
     * turned them into closures), so a block has nothing to run at its end */
    for (int i = 0; i < block->list.len; i++)
        emit_stmt(b, block->list.items[i]);
}

static int same_variable(Node *a, Node *b)
{
    return a->kind == N_IDENT && b->kind == N_IDENT && a->sym && a->sym == b->sym &&
           (a->sym->kind == SYM_LOCAL || a->sym->kind == SYM_GLOBAL);
}

/* m[k] = m.get(k, 0) + x, the counting idiom: one lookup instead of two.
 * A new slot starts zeroed, which is exactly the default 0. */
static int emit_map_count_idiom(Buf *b, Node *target, Node *value)
{
    if (target->kind != N_INDEX || type_prune(target->a->type)->kind != TY_MAP)
        return 0;
    Type *vt = type_prune(target->type);
    if (vt->kind != TY_INT || value->kind != N_BINARY || value->op != T_PLUS)
        return 0;
    Node *get = value->a, *inc = value->b;
    if (get->kind != N_CALL || get->op != CALL_BUILTIN || !builtin_is(get->builtin, BR_MAP, "get_or") ||
        get->list.len != 2 || get->list.items[1]->kind != N_INT || get->list.items[1]->ival != 0)
        return 0;
    if (!same_variable(get->a->a, target->a) || !same_variable(get->list.items[0], target->b))
        return 0;
    if (inc->kind != N_INT && !(inc->kind == N_IDENT && inc->sym && inc->sym->kind != SYM_FN))
        return 0;
    const char *ks = type_prune(type_prune(target->a->type)->key)->kind == TY_STR ? "s" : "i";
    int k = new_tmp();
    buf_printf(b, "{ wyn_int *_cs%d = rt_map_slot_%s(", k, ks);
    emit_expr(b, target->a);
    buf_puts(b, ", ");
    emit_expr(b, target->b);
    buf_printf(b, "); *_cs%d = *_cs%d + ", k, k);
    emit_expr(b, inc);
    buf_puts(b, "; } ");
    return 1;
}

/* Ownership (emit_rc.c): every local of a counted type owns its value
 * (assigned through rcset, released when the function returns), and so
  * does a parameter the function assigns to or calls a method on (retained
  * on entry); other parameters and some loop variables borrow (own.h).
  * A parameter in a cell is owned by its cell (emit_cells.c). */
static int owned_param(FnInfo *f, int i)
{
    return f->param_syms && f->param_syms[i] && !f->param_syms[i]->in_cell &&
           !own_param_borrows(em.own, f->param_syms[i]) && type_managed(f->params[i]);
}

/* Releases what the function's variables own (every exit runs this). */
static void release_locals(Buf *b, FnInfo *f)
{
    for (int i = 0; i < f->locals.len; i++) {
        Sym *s = f->locals.items[i];
        if (s->in_cell)
            emit_cell_release(b, s);
        else if (!own_loop_var_borrows(em.own, s))
            emit_drop_var(b, s->type, s->cname);
    }
    for (int i = 0; i < f->nparams; i++)
        if (owned_param(f, i))
            emit_drop_var(b, f->params[i], f->param_syms[i]->cname);
        else if (f->param_syms && f->param_syms[i] && f->param_syms[i]->in_cell)
            emit_cell_release(b, f->param_syms[i]);
}

static int has_owned_locals(FnInfo *f)
{
    for (int i = 0; i < f->locals.len; i++)
        if ((type_managed(f->locals.items[i]->type) && !own_loop_var_borrows(em.own, f->locals.items[i])) ||
            f->locals.items[i]->in_cell)
            return 1;
    for (int i = 0; i < f->nparams; i++)
        if (f->param_syms && f->param_syms[i] && f->param_syms[i]->in_cell)
            return 1;
    for (int i = 0; i < f->nparams; i++)
        if (owned_param(f, i))
            return 1;
    return 0;
}

/* What the variables and the enclosing loops hold, released. */
static void release_held(Buf *b)
{
    release_private_futures(b, em.fn);
    release_locals(b, em.fn);
    for (int i = em.loop_refs.len - 1; i >= 0; i--)
        buf_puts(b, em.loop_refs.items[i]);
}

/* Everything an early exit must do before `return`: defers, futures,
 * variables, loops. */
void emit_function_exit(Buf *b)
{
    emit_defers_to(b, em.defer_base);
    release_held(b);
}

/* A loop keeps its iterable alive (the body may reassign the variable it
 * came from): `_c = own(iterable)` before the loop, and this release after
 * it and on every return from inside it. */
void loop_ref_push(const char *release)
{
    vec_push(&em.loop_refs, release);
}

void loop_ref_pop(void)
{
    em.loop_refs.len--;
}

/* return VALUE: the value is retained before the variables are released,
 * then handed to the pool, so the caller gets it borrowed like any other
 * expression's value. */
/* A value that nothing but the pool owns, so releasing the function's
 * variables cannot free it: a string built here, a new array, map or
 * closure, or what a user function returned (which obeys this very rule). */
static int fresh_value(Node *n)
{
    switch (n->kind) {
    case N_INTERP: case N_ARRAY: case N_MAP: case N_COMPREHENSION: case N_LAMBDA:
        return 1;
    case N_BINARY:
        return n->op == T_PLUS && type_prune(n->type)->kind == TY_STR;
    case N_CALL:
        return n->op == CALL_FN || n->op == CALL_METHOD || n->op == CALL_VALUE;
    default:
        return 0;
    }
}

void emit_return_value(Buf *b, Type *rt, Node *value)
{
    int k = new_tmp();
    const char *aut = fresh_value(value) ? NULL : rc_auto(rt);
    buf_printf(b, "{ %s _ret%d = ", ctype(rt), k);
    if (aut)
        emit_owned(b, rt, value);
    else
        emit_expr(b, value);
    buf_puts(b, "; ");
    emit_function_exit(b);
    if (aut)
        buf_printf(b, "return %s(_ret%d); } ", aut, k);
    else
        buf_printf(b, "return _ret%d; } ", k);
}

static void emit_assign_to(Buf *b, Node *target, Node *value, int op)
{
    Type *tt = type_prune(target->type);
    if (target->kind == N_IDENT && !strcmp(target->name, "_")) {
        buf_puts(b, "(void)(");
        emit_expr(b, value);
        buf_puts(b, "); ");
        return;
    }
    if (op == T_ASSIGN && target->kind == N_IDENT && private_future(target->sym)) {
        int k = new_tmp();
        buf_printf(b, "{ wyn_int _nf%d = ", k);
        emit_expr(b, value);
        buf_printf(b, "; rt_future_release(%s); %s = _nf%d; } ", target->sym->cname, target->sym->cname, k);
        return;
    }
    if (op == T_ASSIGN && emit_map_count_idiom(b, target, value))
        return;
    if (op == T_ASSIGN) {
        if (target->kind == N_INDEX) {
            /* the value first: it may grow the array or map being written */
            int k = new_tmp();
            buf_printf(b, "{ %s _av%d = ", ctype(tt), k);
            emit_expr(b, value);
            buf_puts(b, "; ");
            Buf lv = {0};
            emit_lvalue(&lv, target, 1);
            Node tmp = { .kind = N_IDENT, .type = tt };
            emit_set(b, tt, arena_printf("&%s", lv.data), temp_ident(&tmp, arena_printf("_av%d", k)));
            buf_free(&lv);
            buf_puts(b, "} ");
            return;
        }
        Buf lv = {0};
        emit_lvalue(&lv, target, 1);
        emit_set(b, tt, arena_printf("&%s", lv.data), value);
        buf_free(&lv);
        return;
    }
    /* compound: evaluate the target address once */
    int k = new_tmp();
    const char *ct = ctype(tt);
    buf_printf(b, "{ %s *_lv%d = &", ct, k);
    emit_lvalue(b, target, 0);
    buf_puts(b, "; ");
    const char *lv = arena_printf("(*_lv%d)", k);
    if (tt->kind == TY_STR) {
        buf_printf(b, "wyn_set_str(_lv%d, rt_str_concat(%s, ", k, lv);
        emit_expr(b, value);
        buf_puts(b, ")); } ");
        return;
    }
    if ((op == T_SLASHEQ || op == T_PERCENTEQ) && tt->kind == TY_INT) {
        buf_printf(b, "wyn_int _d%d = ", k);
        emit_expr(b, value);
        buf_printf(b, "; if (_d%d == 0) rt_div_zero(%d); %s = _d%d == -1 ? %s : %s %c _d%d; } ", k, loc_of(target), lv, k,
                   op == T_SLASHEQ ? arena_printf("(wyn_int)(0ULL - (wyn_uint)%s)", lv) : "0", lv,
                   op == T_SLASHEQ ? '/' : '%', k);
        return;
    }
    if (op == T_PERCENTEQ && tt->kind == TY_FLOAT) {
        buf_printf(b, "%s = fmod(%s, ", lv, lv);
        emit_expr(b, value);
        buf_puts(b, "); } ");
        return;
    }
    const char *cop = op == T_PLUSEQ ? "+=" : op == T_MINUSEQ ? "-=" : op == T_STAREQ ? "*=" : "/=";
    buf_printf(b, "%s %s ", lv, cop);
    emit_expr(b, value);
    buf_puts(b, "; } ");
}

static void emit_var(Buf *b, Node *s)
{
    Sym **syms = s->aux;
    int n = s->list.len;
    if (!s->a) {
        for (int i = 0; i < n; i++) {
            const char *set = rc_set(syms[i]->type);
            if (set)
                buf_printf(b, "%s(&%s, %s); ", set, syms[i]->cname, zero_value(syms[i]->type));
            else
                buf_printf(b, "%s = %s; ", syms[i]->cname, zero_value(syms[i]->type));
        }
        return;
    }
    if (n == 1) {
        if (private_future(syms[0])) {
            int k = new_tmp();
            buf_printf(b, "{ wyn_int _nf%d = ", k);
            emit_expr(b, s->a);
            buf_printf(b, "; rt_future_release(%s); %s = _nf%d; } ", syms[0]->cname, syms[0]->cname, k);
            return;
        }
        emit_set(b, syms[0]->type, arena_printf("&%s", syms[0]->cname), s->a);
        return;
    }
    int k = new_tmp();
    if (s->ival) { /* var a, b = x, y */
        buf_puts(b, "{ ");
        for (int i = 0; i < n && i < s->a->list.len; i++) {
            buf_printf(b, "%s _m%d_%d = ", ctype(syms[i]->type), k, i);
            emit_expr(b, s->a->list.items[i]);
            buf_puts(b, "; ");
        }
        for (int i = 0; i < n; i++)
            emit_set_text(b, syms[i]->type, syms[i]->cname, arena_printf("_m%d_%d", k, i));
        buf_puts(b, "} ");
        return;
    }
    buf_printf(b, "{ %s _u%d = ", ctype(s->a->type), k);
    emit_expr(b, s->a);
    buf_puts(b, "; ");
    for (int i = 0; i < n; i++)
        emit_set_text(b, syms[i]->type, syms[i]->cname, arena_printf("_u%d.f%d", k, i));
    buf_puts(b, "} ");
}

static int for_mark; /* _pm of the for loop being emitted */

/* The element variable of an array loop: borrowed when the body cannot
 * drop elements (own_loop_var_borrows), else owned like any local. */
static void emit_loop_var(Buf *b, Sym *v, const char *elem)
{
    if (own_loop_var_borrows(em.own, v))
        buf_printf(b, "%s = %s; ", v->cname, elem);
    else
        emit_set_text(b, v->type, v->cname, elem);
}

static void emit_for(Buf *b, Node *s)
{
    int mark = for_mark;
    Sym **vars = s->aux;
    int nv = s->list.len;
    int k = new_tmp();
    Node *it = s->a;
    const char *v0 = nv > 0 && vars[0] ? vars[0]->cname : NULL;
    const char *v1 = nv > 1 && vars[1] ? vars[1]->cname : NULL;
    if (s->op == 1) {
        buf_printf(b, "for (wyn_int _i%d = ", k);
        emit_expr(b, it->a);
        buf_printf(b, ", _n%d = ", k);
        emit_expr(b, it->b);
        buf_printf(b, "; _i%d %s _n%d; _i%d++) { ", k, it->ival ? "<=" : "<", k, k);
        emit_fresh_cells(b, s);
        buf_printf(b, "%s = _i%d; ", v0, k);
        if (mark)
            buf_printf(b, "WYN_POOL_DRAIN(%d); ", mark);
    } else if (s->op == 2) {
        buf_printf(b, "{ wyn_int _a%d = ", k);
        if (it->list.len >= 2) emit_expr(b, it->list.items[0]); else buf_puts(b, "0");
        buf_printf(b, ", _b%d = ", k);
        emit_expr(b, it->list.items[it->list.len >= 2 ? 1 : 0]);
        buf_printf(b, ", _s%d = ", k);
        if (it->list.len == 3) emit_expr(b, it->list.items[2]); else buf_puts(b, "1");
        buf_printf(b, "; if (_s%d == 0) rt_panic(%d, \"range step must not be zero\"); "
                      "for (wyn_int _i%d = _a%d; _s%d > 0 ? _i%d < _b%d : _i%d > _b%d; _i%d += _s%d) { ",
                   k, loc_of(it), k, k, k, k, k, k, k, k, k);
        emit_fresh_cells(b, s);
        buf_printf(b, "%s = _i%d; ", v0, k);
        if (mark)
            buf_printf(b, "WYN_POOL_DRAIN(%d); ", mark);
    } else if (s->op == 3 || s->op == 5) {
        Type *ct = type_prune(it->type);
        buf_printf(b, "{ WynArr *_c%d = wyn_own_arr(", k);
        if (s->op == 5) {
            buf_puts(b, "rt_str_chars(");
            emit_expr(b, it);
            buf_puts(b, ")");
        } else {
            emit_expr(b, it);
        }
        buf_puts(b, ")");
        loop_ref_push(arena_printf("rt_release_arr(_c%d); ", k));
        const char *et = s->op == 5 ? "WynStr *" : ctype(ct->elem);
        buf_puts(b, "; ");
        /* the mark after the iterable: a fresh iterable must outlive the drains */
        if (mark)
            buf_printf(b, "WYN_POOL_MARK(%d); ", mark);
        buf_printf(b, "for (wyn_int _i%d = 0; _i%d < _c%d->len; _i%d++) { ", k, k, k, k);
        emit_fresh_cells(b, s);
        if (mark)
            buf_printf(b, "WYN_POOL_DRAIN(%d); ", mark);
        const char *elem = arena_printf("((%s *)_c%d->data)[_i%d]", et, k, k);
        if (s->ival) { /* zip pairs */
            if (v0 && strcmp(vars[0]->name, "_")) emit_set_text(b, vars[0]->type, v0, arena_printf("%s.f0", elem));
            if (v1 && strcmp(vars[1]->name, "_")) emit_set_text(b, vars[1]->type, v1, arena_printf("%s.f1", elem));
        } else if (nv == 2) {
            if (strcmp(vars[0]->name, "_")) buf_printf(b, "%s = _i%d; ", v0, k);
            if (strcmp(vars[1]->name, "_")) emit_loop_var(b, vars[1], elem);
        } else if (strcmp(vars[0]->name, "_")) {
            emit_loop_var(b, vars[0], elem);
        }
    } else if (s->op == 4) {
        Type *ct = type_prune(it->type);
        buf_printf(b, "{ WynMap *_c%d = wyn_own_map(", k);
        emit_expr(b, it);
        buf_puts(b, "); ");
        loop_ref_push(arena_printf("rt_release_map(_c%d); ", k));
        if (mark)
            buf_printf(b, "WYN_POOL_MARK(%d); ", mark);
        buf_printf(b, "for (wyn_int _p%d = rt_map_next(_c%d, 0); _p%d >= 0; _p%d = rt_map_next(_c%d, _p%d + 1)) { ",
                   k, k, k, k, k, k);
        emit_fresh_cells(b, s);
        if (mark)
            buf_printf(b, "WYN_POOL_DRAIN(%d); ", mark);
        if (v0 && strcmp(vars[0]->name, "_"))
            emit_set_text(b, vars[0]->type, v0, arena_printf("*(%s *)rt_map_key_at(_c%d, _p%d)", ctype(ct->key), k, k));
        if (v1 && strcmp(vars[1]->name, "_"))
            emit_set_text(b, vars[1]->type, v1, arena_printf("*(%s *)rt_map_val_at(_c%d, _p%d)", ctype(ct->elem), k, k));
    } else {
        buf_puts(b, "{ { ");
        emit_fresh_cells(b, s);
        if (mark)
            buf_printf(b, "WYN_POOL_DRAIN(%d); ", mark);
    }
    emit_block_body(b, s->b);
    buf_puts(b, "} ");
    if (mark)
        buf_printf(b, "WYN_POOL_DRAIN(%d); ", mark);
    if (s->op == 3 || s->op == 4 || s->op == 5) {
        buf_puts(b, em.loop_refs.items[em.loop_refs.len - 1]);
        loop_ref_pop();
    }
    if (s->op != 1)
        buf_puts(b, "} ");
}

static void emit_parallel(Buf *b, Node *s)
{
    int k = new_tmp();
    Node *blk = s->b;
    buf_puts(b, "{ ");
    if (s->a) {
        buf_printf(b, "wyn_int _dl%d = rt_time_nanos() + (", k);
        emit_expr(b, s->a);
        buf_puts(b, ") * 1000000LL; ");
    }
    /* start every spawn, remembering which variable gets its value */
    for (int i = 0; i < blk->list.len; i++) {
        Node *st = blk->list.items[i];
        if (st->kind == N_ASSIGN && !st->list.len && st->b->kind == N_SPAWN) {
            buf_printf(b, "wyn_int _pf%d_%d = ", k, i);
            emit_expr(b, st->b);
            buf_puts(b, "; ");
        } else if (st->kind == N_EXPR_STMT && st->a->kind == N_SPAWN) {
            st->a->flags &= ~NF_STMT_SPAWN;
            buf_printf(b, "wyn_int _pf%d_%d = ", k, i);
            emit_expr(b, st->a);
            buf_puts(b, "; ");
        } else {
            emit_stmt(b, st);
        }
    }
    for (int i = 0; i < blk->list.len; i++) {
        Node *st = blk->list.items[i];
        int is_assign = st->kind == N_ASSIGN && !st->list.len && st->b->kind == N_SPAWN;
        int is_spawn = st->kind == N_EXPR_STMT && st->a->kind == N_SPAWN;
        if (!is_assign && !is_spawn)
            continue;
        Node *sp = is_assign ? st->b : st->a;
        Type *rt = type_prune(sp->a->type);
        const char *wait = s->a ? arena_printf("rt_await_until(_pf%d_%d, _dl%d, %d)", k, i, k, loc_of(sp))
                                : arena_printf("rt_await(_pf%d_%d, %d)", k, i, loc_of(sp));
        if (is_assign && !type_is_void(rt)) {
            buf_printf(b, "{ const void *_pr = %s; ", wait);
            Buf lv = {0};
            emit_lvalue(&lv, st->a, 1);
            buf_puts(b, "if (_pr) { ");
            emit_set_text(b, rt, lv.data, arena_printf("*(%s const *)_pr", ctype(rt)));
            buf_printf(b, "rt_future_release(_pf%d_%d); } else { ", k, i);
            emit_set_text(b, rt, lv.data, zero_value(rt));
            buf_printf(b, "rt_task_cancel(_pf%d_%d); } } ", k, i);
            buf_free(&lv);
        } else {
            buf_printf(b, "if (!%s) rt_task_cancel(_pf%d_%d); else rt_future_release(_pf%d_%d); ", wait, k, i, k, i);
        }
    }
    buf_puts(b, "} ");
}

static void emit_select(Buf *b, Node *s)
{
    int k = new_tmp();
    int n = 0, has_default = 0;
    Node *timeout = NULL;
    buf_puts(b, "{ ");
    for (int i = 0; i < s->list.len; i++) {
        Node *arm = s->list.items[i];
        if (arm->ival == 2) has_default = 1;
        else if (arm->ival == 1) timeout = arm->a;
        else {
            buf_printf(b, "%s _sv%d_%d; ", ctype(arm->a->type), k, i);
            n++;
        }
    }
    buf_printf(b, "WynSelCase _sc%d[%d]; ", k, n ? n : 1);
    int j = 0;
    for (int i = 0; i < s->list.len; i++) {
        Node *arm = s->list.items[i];
        if (arm->ival)
            continue;
        buf_printf(b, "_sc%d[%d].chan = ", k, j);
        emit_chan_operand(b, arm->a->a->a, arm->a->type, "select", arm->a);
        buf_printf(b, "; _sc%d[%d].out = &_sv%d_%d; _sc%d[%d].esize = sizeof _sv%d_%d; ", k, j, k, i, k, j, k, i);
        j++;
    }
    buf_printf(b, "int _sr%d = rt_select(_sc%d, %d, ", k, k, n);
    if (timeout) emit_expr(b, timeout); else buf_puts(b, "-1");
    buf_printf(b, ", %d, %d); ", has_default, loc_of(s));
    j = 0;
    for (int i = 0; i < s->list.len; i++) {
        Node *arm = s->list.items[i];
        if (arm->ival == 2)
            buf_printf(b, "if (_sr%d == WYN_SELECT_DEFAULT) { ", k);
        else if (arm->ival == 1)
            buf_printf(b, "if (_sr%d == WYN_SELECT_TIMEOUT) { ", k);
        else {
            buf_printf(b, "if (_sr%d == %d) { ", k, j++);
            /* the value received is ours: into the pool, then the variable */
            if (rc_auto(arm->a->type))
                buf_printf(b, "_sv%d_%d = %s(_sv%d_%d); ", k, i, rc_auto(arm->a->type), k, i);
            emit_fix_zero(b, arena_printf("_sv%d_%d", k, i), arm->a->type);
            if (arm->sym)
                emit_set_text(b, arm->sym->type, arm->sym->cname, arena_printf("_sv%d_%d", k, i));
        }
        emit_block_body(b, arm->b);
        buf_puts(b, "} ");
    }
    buf_puts(b, "} ");
}

void emit_stmt(Buf *b, Node *s)
{
    switch (s->kind) {
    case N_VAR:
        emit_var(b, s);
        break;
    case N_ASSIGN:
        if (s->list.len) {
            int k = new_tmp();
            buf_puts(b, "{ ");
            for (int i = 0; i < s->list.len; i++) {
                Node *v = s->b->list.items[i];
                buf_printf(b, "%s _ma%d_%d = ", ctype(s->list.items[i]->type ? s->list.items[i]->type : v->type), k, i);
                emit_expr(b, v);
                buf_puts(b, "; ");
            }
            for (int i = 0; i < s->list.len; i++) {
                Node *t = s->list.items[i];
                if (t->kind == N_IDENT && !strcmp(t->name, "_"))
                    continue;
                Buf lv = {0};
                emit_lvalue(&lv, t, 1);
                emit_set_text(b, t->type, lv.data, arena_printf("_ma%d_%d", k, i));
                buf_free(&lv);
            }
            buf_puts(b, "} ");
        } else {
            emit_assign_to(b, s->a, s->b, s->op);
        }
        break;
    case N_INCDEC:
        buf_puts(b, "(");
        emit_lvalue(b, s->a, 0);
        buf_puts(b, s->op == T_PLUSPLUS ? ")++; " : ")--; ");
        break;
    case N_EXPR_STMT:
        if (s->a->kind == N_MATCH) {
            emit_match(b, s->a, NULL);
            break;
        }
        buf_puts(b, "(void)(");
        emit_expr(b, s->a);
        buf_puts(b, "); ");
        break;
    case N_IF:
        if (s->d) {
            int k = new_tmp();
            buf_printf(b, "{ %s _il%d = ", ctype(s->a->type), k);
            emit_expr(b, s->a);
            buf_puts(b, "; ");
            emit_if_let(b, s->d, arena_printf("_il%d", k), s);
            buf_puts(b, "} ");
            break;
        }
        buf_puts(b, "if (");
        emit_expr(b, s->a);
        buf_puts(b, ") { ");
        emit_block_body(b, s->b);
        buf_puts(b, "} ");
        if (s->c) {
            buf_puts(b, "else { ");
            emit_block_body(b, s->c);
            buf_puts(b, "} ");
        }
        break;
    case N_WHILE: {
        if (own_loop_pools_nothing(em.own, s)) {
            buf_puts(b, "while (");
            emit_expr(b, s->a);
            buf_puts(b, ") { ");
            emit_fresh_cells(b, s);
            emit_block_body(b, s->b);
            buf_puts(b, "} ");
            break;
        }
        int k = new_tmp();
        buf_printf(b, "{ WYN_POOL_MARK(%d); while (", k);
        emit_expr(b, s->a);
        buf_printf(b, ") { WYN_POOL_DRAIN(%d); ", k);
        emit_fresh_cells(b, s);
        emit_block_body(b, s->b);
        buf_printf(b, "} WYN_POOL_DRAIN(%d); } ", k);
        break;
    }
    case N_FOR: {
        if (own_loop_pools_nothing(em.own, s)) {
            for_mark = 0;
            emit_for(b, s);
            break;
        }
        int k = new_tmp();
        /* arrays, strings and maps take the mark after their iterable */
        int late = s->op == 3 || s->op == 4 || s->op == 5;
        buf_puts(b, "{ ");
        if (!late)
            buf_printf(b, "WYN_POOL_MARK(%d); ", k);
        for_mark = k;
        emit_for(b, s);
        buf_puts(b, "} ");
        break;
    }
    case N_BREAK:
        buf_puts(b, "break; ");
        break;
    case N_CONTINUE:
        buf_puts(b, "continue; ");
        break;
    case N_RETURN: {
        FnInfo *f = em.fn;
        Type *rt = type_prune(f->ret);
        if (f->is_entry) {
            buf_puts(b, "{ wyn_int _sr = ");
            if (s->a) emit_expr(b, s->a); else buf_puts(b, "0");
            buf_puts(b, "; ");
            release_held(b);
            buf_puts(b, "return _sr; } ");
            break;
        }
        if (!s->a || type_is_void(rt)) {
            if (s->a) {
                buf_puts(b, "(void)(");
                emit_expr(b, s->a);
                buf_puts(b, "); ");
            }
            emit_function_exit(b);
            buf_puts(b, "return; ");
            break;
        }
        if (em.defers.len > em.defer_base || has_private_futures(f) || has_owned_locals(f) ||
            em.loop_refs.len || type_managed(rt)) {
            emit_return_value(b, rt, s->a);
        } else {
            buf_puts(b, "return ");
            emit_expr(b, s->a);
            buf_puts(b, "; ");
        }
        break;
    }
    case N_DEFER:
        if (s->ival) {
            if (!s->aux) {
                int k = new_tmp();
                s->aux = (void *)(intptr_t)k;
                buf_printf(&em.fn_extra, "WynArr *_dd%d = 0;\n    ", k);
                vec_push(&em.defers, s);
            }
            int k = (int)(intptr_t)s->aux;
            /* owned by the function (not the pool): released at its exit */
            buf_printf(b, "if (!_dd%d) _dd%d = wyn_own_arr(rt_arr_new_ops(sizeof(WynFn), 4, &wyn_fn_ops)); "
                          "{ WynFn *_ds = rt_arr_push_slot(_dd%d); *_ds = ", k, k, k);
            emit_expr(b, s->b);
            buf_puts(b, "; rt_retain_box(_ds->env); } ");
        } else {
            vec_push(&em.defers, s);
        }
        break;
    case N_PARALLEL:
        emit_parallel(b, s);
        break;
    case N_SELECT:
        emit_select(b, s);
        break;
    case N_BLOCK:
        buf_puts(b, "{ ");
        emit_block_body(b, s);
        buf_puts(b, "} ");
        break;
    case N_FN:
        emit_set(b, s->sym->type, arena_printf("&%s", s->sym->cname), s->b);
        break;
    default:
        break;
    }
    indent_nl(b);
}


/* ------------------------------------------------------------ functions */

const char *fn_value_wrapper(FnInfo *f)
{
    const char *name = arena_printf("fnv_%s", f->cname);
    if (helper_done(name))
        return name;
    Buf h = {0};
    buf_printf(&h, "static %s %s(void *env", ctype(f->ret), name);
    for (int i = 0; i < f->nparams; i++)
        buf_printf(&h, ", %s a%d", ctype(f->params[i]), i);
    buf_printf(&h, ") {\n    (void)env;\n    %s", type_is_void(f->ret) ? "" : "return ");
    if (f->is_extern) {
        /* through the extern's conversions (strings, callbacks) */
        Node call = { .kind = N_CALL, .op = CALL_FN, .aux = f, .file = f->node->file, .line = f->node->line };
        call.list.items = arena_alloc(sizeof(Node *) * (size_t)(f->nparams + 1));
        call.list.len = f->nparams;
        for (int i = 0; i < f->nparams; i++) {
            Node proto = { .kind = N_IDENT, .type = f->params[i] };
            call.list.items[i] = temp_ident(&proto, arena_printf("a%d", i));
        }
        emit_extern_call(&h, &call, f);
    } else {
        buf_printf(&h, "%s(", f->cname);
        for (int i = 0; i < f->nparams; i++)
            buf_printf(&h, "%sa%d", i ? ", " : "", i);
        buf_puts(&h, ")");
    }
    buf_puts(&h, ";\n}\n");
    buf_puts(&em.helpers, h.data);
    buf_free(&h);
    return name;
}

static void emit_signature(Buf *b, FnInfo *f)
{
    if (f->is_entry) {
        buf_printf(b, "static wyn_int %s(void)", f->cname);
        return;
    }
    buf_printf(b, "static %s %s(", ctype(f->ret), f->cname);
    int first = 1;
    if (f->is_lambda) {
        buf_puts(b, "void *_envp");
        first = 0;
    }
    for (int i = 0; i < f->nparams; i++) {
        if (!first)
            buf_puts(b, ", ");
        first = 0;
        if (i == 0 && f->is_method)
            buf_printf(b, "%s *v_self", ctype(f->params[0]));
        else
            buf_printf(b, "%s %s", ctype(f->params[i]), cell_param_name(f->param_syms[i]));
    }
    if (first)
        buf_puts(b, "void");
    buf_puts(b, ")");
}

static void emit_function(FnInfo *f)
{
    if (f->is_extern || (!f->checked && !f->is_lambda && !f->is_entry) || !f->body)
        return;
    Buf *b = &em.code;
    em.fn = f;
    int saved_defers = em.defers.len;
    int saved_base = em.defer_base;
    em.defer_base = em.defers.len;
    int saved_refs = em.loop_refs.len;
    em.loop_refs.len = 0;
    if (f->is_lambda && lambda_has_env(f)) {
        buf_printf(&em.helpers, "struct env_%s {", f->cname);
        emit_env_fields(&em.helpers, f);
        buf_puts(&em.helpers, " };\n");
        /* run when the environment box is freed: release the captures */
        buf_printf(&em.protos, "static void envdrop_%s(void *p);\n", f->cname);
        Buf drop = {0};
        buf_printf(&drop, "static void envdrop_%s(void *p) {\n    struct env_%s *e = p;\n    (void)e;\n    ", f->cname,
                   f->cname);
        emit_env_drop(&drop, f);
        buf_puts(&drop, "\n}\n");
        buf_puts(&em.helpers, drop.data);
        buf_free(&drop);
    }
    emit_signature(&em.protos, f);
    buf_puts(&em.protos, ";\n");
    Buf *outer = b;
    Buf body_buf = {0};
    b = &body_buf;
    buf_free(&em.fn_extra);
    emit_signature(outer, f);
    buf_puts(outer, " {\n    ");
    if (f->is_lambda) {
        if (lambda_has_env(f)) {
            buf_printf(b, "struct env_%s *_env = _envp;\n    ", f->cname);
            emit_env_cells(b, f);
        } else
            buf_puts(b, "(void)_envp;\n    ");
    }
    for (int i = 0; i < f->locals.len; i++) {
        Sym *s = f->locals.items[i];
        Type *t = type_prune(s->type);
        if (t->kind == TY_VOID || s->in_cell)
            continue;
        buf_printf(b, "%s %s = %s;\n    ", ctype(t), s->cname,
                   (t->kind == TY_OPT || t->kind == TY_RESULT || t->kind == TY_TUPLE || t->kind == TY_STRUCT ||
                    t->kind == TY_ENUM || t->kind == TY_FN) ? "{0}" : "0");
    }
    emit_cell_locals(b, f);
    Node *body = f->body;
    for (int i = 0; i < f->nparams; i++)
        if (owned_param(f, i))
            buf_printf(b, "%s(&%s);\n    ", rc_dup_fn(f->params[i]), f->param_syms[i]->cname);
    if (f->is_lambda && body->kind != N_BLOCK) {
        if (type_is_void(f->ret)) {
            buf_puts(b, "(void)(");
            emit_expr(b, body);
            buf_puts(b, ");\n    ");
            emit_function_exit(b);
        } else {
            emit_return_value(b, type_prune(f->ret), body);
        }
        buf_puts(b, "\n");
    } else {
        for (int i = 0; i < body->list.len; i++)
            emit_stmt(b, body->list.items[i]);
        emit_function_exit(b);
        if (f->is_entry)
            buf_puts(b, "return 0;\n");
        else if (!type_is_void(f->ret))
            buf_printf(b, "rt_panic(%d, \"missing return value\");\n", loc_of(f->node));
    }
    buf_puts(b, "}\n\n");
    if (em.fn_extra.data)
        buf_puts(outer, em.fn_extra.data);
    buf_puts(outer, body_buf.data);
    buf_free(&body_buf);
    buf_free(&em.fn_extra);
    em.defers.len = saved_defers;
    em.defer_base = saved_base;
    em.loop_refs.len = saved_refs;
}

static const char prelude[] =
    "static void wyn_fmt_int(WynSB *sb, wyn_int v, int q) { (void)q; rt_sb_append_int(sb, v); }\n"
    "static void wyn_fmt_float(WynSB *sb, double v, int q) { (void)q; rt_sb_append_float(sb, v); }\n"
    "static void wyn_fmt_bool(WynSB *sb, wyn_bool v, int q) { (void)q; rt_sb_append_bool(sb, v); }\n"
    "static void wyn_fmt_str(WynSB *sb, WynStr *v, int q) { if (q) rt_sb_append_quoted(sb, v); else rt_sb_append(sb, v); }\n"
    "static wyn_bool wyn_eq_int(wyn_int a, wyn_int b) { return a == b; }\n"
    "static wyn_bool wyn_eq_float(double a, double b) { return a == b; }\n"
    "static wyn_bool wyn_eq_bool(wyn_bool a, wyn_bool b) { return a == b; }\n"
    "static void wyn_fn_dup(void *p) { rt_retain_box(((WynFn *)p)->env); }\n"
    "static void wyn_fn_drop(void *p) { rt_release_box(((WynFn *)p)->env); }\n"
    "static const WynElemOps wyn_fn_ops = { wyn_fn_dup, wyn_fn_drop };\n";

void emit_c_string_lit(Buf *b, const char *s)
{
    buf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_printf(b, "\\%c", *s);
        else if ((unsigned char)*s < 32 || *s == '?')
            buf_printf(b, "\\%03o", (unsigned char)*s);
        else
            buf_put(b, s, 1);
    }
    buf_puts(b, "\"");
}

char *emit_program(Program *prog, const OwnFacts *own, int for_tcc)
{
    memset(&em, 0, sizeof em);
    em.prog = prog;
    em.own = own;
    em.for_tcc = for_tcc;
    emit_cells_prepare(prog);
    for (int i = 0; i < prog->fns.len; i++)
        emit_function(prog->fns.items[i]);
    for (int i = 0; i < prog->globals.len; i++) {
        Sym *g = prog->globals.items[i];
        Type *t = type_prune(g->type);
        if (t->kind == TY_VOID)
            continue;
        const char *ct = ctype(t);
        buf_printf(&em.globals, "static %s %s;\n", ct, g->cname);
    }
    Buf ext_init = {0};
    emit_extern_decls(&em.globals, &ext_init);
    Buf out = {0};
    buf_puts(&out, "/* generated by wyn */\n");
    buf_puts(&out, prelude);
    buf_puts(&out, em.types.data ? em.types.data : "");
    buf_puts(&out, em.protos.data ? em.protos.data : "");
    buf_puts(&out, em.globals.data ? em.globals.data : "");
    buf_puts(&out, em.helpers.data ? em.helpers.data : "");
    buf_puts(&out, em.code.data ? em.code.data : "");
    /* the entry: module code in import order, then main */
    buf_puts(&out, "static wyn_int wyn_entry(void) {\n");
    if (ext_init.data)
        buf_puts(&out, ext_init.data);
    buf_free(&ext_init);
    for (int i = 0; i < prog->modules.len; i++) {
        Module *m = prog->modules.items[i];
        if (!m->is_main)
            buf_printf(&out, "    %s();\n", m->init->cname);
    }
    Module *mm = prog->main_module;
    if (prog->user_main) {
        buf_printf(&out, "    wyn_int rc = %s();\n    if (rc) return rc;\n", mm->init->cname);
        if (type_is_void(prog->user_main->ret))
            buf_printf(&out, "    %s();\n    return 0;\n", prog->user_main->cname);
        else
            buf_printf(&out, "    return %s();\n", prog->user_main->cname);
    } else {
        buf_printf(&out, "    return %s();\n", mm->init->cname);
    }
    buf_puts(&out, "}\n");
    buf_puts(&out, "static const char *const wyn_files[] = {");
    for (int i = 0; i < diag_file_count(); i++) {
        emit_c_string_lit(&out, diag_file(i)->path);
        buf_puts(&out, ", ");
    }
    buf_puts(&out, "0 };\n");
    /* function starts and declaration lines, for stack-overflow reports */
    Buf addrs = {0}, locs = {0};
    int nfns = 0;
    for (int i = 0; i < prog->fns.len; i++) {
        FnInfo *f = prog->fns.items[i];
        if (f->is_extern || !f->body || !f->node || (!f->checked && !f->is_lambda))
            continue;
        buf_printf(&addrs, "(const void *)%s, ", f->cname);
        buf_printf(&locs, "%d, ", loc_of(f->node));
        nfns++;
    }
    buf_printf(&out, "static const void *const wyn_fn_addrs[] = { %s0 };\n", addrs.data ? addrs.data : "");
    buf_printf(&out, "static const int wyn_fn_locs[] = { %s0 };\n", locs.data ? locs.data : "");
    buf_free(&addrs);
    buf_free(&locs);
    buf_printf(&out, "const WynProgram wyn_program = { wyn_files, %d, wyn_entry, wyn_fn_addrs, wyn_fn_locs, %d };\n",
               diag_file_count(), nfns);
    buf_puts(&out, "#ifndef WYN_JIT\nint main(int argc, char **argv) { return rt_main(&wyn_program, argc, argv); }\n#endif\n");
    buf_free(&em.types);
    buf_free(&em.protos);
    buf_free(&em.globals);
    buf_free(&em.helpers);
    buf_free(&em.code);
    return out.data;
}
