/*
 * builtins_arr.c — rows of the array methods (SPEC §10) and the check
 * hooks of the generic ones (push, map, filter, reduce, sort, ...).
 */
#include "builtins.h"
#include "builtins_hooks.h"
#include "check_int.h"

/* Argument i checked against t (NULL: any); its type. */
static Type *want(Node *n, int i, Type *t, const char *what)
{
    if (i >= n->list.len)
        return ty_error;
    Type *got = check_expr(&n->list.items[i], t);
    if (t) {
        coerce(&n->list.items[i], t, what);
        return t;
    }
    return got;
}

/* A function argument fn(params) -> ret; returns its (pruned) result type. */
static Type *want_fn(Node *n, int i, Type **params, int np, Type *ret)
{
    Type *ft = type_fn(params, np, ret ? ret : type_var());
    if (i >= n->list.len)
        return ty_error;
    Type *got = check_expr(&n->list.items[i], ft);
    if (!type_unify(got, ft)) {
        ERR(n->list.items[i], "expected a function %s, got %s", type_str(ft), type_str(got));
        return ty_error;
    }
    return type_prune(ft->ret);
}

static int is_orderable(Type *t)
{
    t = type_prune(t);
    return t->kind == TY_INT || t->kind == TY_FLOAT || t->kind == TY_STR || t->kind == TY_BOOL;
}

static Type *check_push(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    Type *e = t->elem, *pe = type_prune(e);
    Type *vt = type_prune(want(n, 0, pe->kind == TY_VAR ? NULL : e, "pushed value"));
    if (pe->kind == TY_VAR && n->list.len) {
        if (vt->kind == TY_VOID)
            ERR(n->list.items[0], "this expression has no value");
        else if (!type_unify(e, vt))
            ERR(n->list.items[0], "type mismatch: cannot push %s into %s", type_str(vt), type_str(t));
    }
    return ty_void;
}

/* contains, index_of: elements are compared with == */
static Type *check_search(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    want(n, 0, t->elem, "value");
    if (type_prune(t->elem)->kind == TY_FN)
        ERR(n, "functions cannot be compared");
    return builtin_sig_result(n, row, t);
}

static Type *check_sort(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 0, 0);
    if (!is_orderable(t->elem) && type_prune(t->elem)->kind != TY_VAR)
        ERR(n, "cannot sort %s: elements must be numbers, strings or bools (use sort_by)", type_str(t));
    return t;
}

static Type *check_unique(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 0, 0);
    if (type_prune(t->elem)->kind == TY_FN)
        ERR(n, "functions cannot be compared");
    return t;
}

/* sum, min, max: elements of unknown type default to int */
static Type *aggregate_elem(Node *n, Type *t, const Builtin *row)
{
    builtin_argc(n, row, 0, 0);
    if (type_prune(t->elem)->kind == TY_VAR)
        type_unify(t->elem, ty_int);
    return type_prune(t->elem);
}

static Type *check_sum(Node *n, Type *t, const Builtin *row, Type *expected)
{
    Type *e = aggregate_elem(n, t, row);
    if (!type_is_numeric(e))
        ERR(n, "%s needs number elements, not %s", row->name, type_str(e));
    return t->elem;
}

/* min, max */
static Type *check_extreme(Node *n, Type *t, const Builtin *row, Type *expected)
{
    Type *e = aggregate_elem(n, t, row);
    if (!is_orderable(e))
        ERR(n, "%s needs ordered elements, not %s", row->name, type_str(e));
    return t->elem;
}

static Type *check_average(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 0, 0);
    if (!type_is_numeric(t->elem))
        ERR(n, "average needs number elements, not %s", type_str(t->elem));
    return ty_float;
}

static Type *check_flatten(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 0, 0);
    Type *pe = type_prune(t->elem);
    if (pe->kind != TY_ARRAY) {
        ERR(n, "flatten needs an array of arrays, not %s", type_str(t));
        return ty_error;
    }
    return pe;
}

static Type *check_map(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    Type *params[1] = { t->elem };
    Type *r = want_fn(n, 0, params, 1, NULL);
    if (type_prune(r)->kind == TY_VOID)
        ERR(n, "map needs a function that returns a value");
    return type_array(r);
}

/* filter, any, all, find: a predicate on elements */
static void want_predicate(Node *n, Type *t, const Builtin *row)
{
    builtin_argc(n, row, 1, 1);
    Type *params[1] = { t->elem };
    want_fn(n, 0, params, 1, ty_bool);
}

static Type *check_filter(Node *n, Type *t, const Builtin *row, Type *expected)
{
    want_predicate(n, t, row);
    return t;
}

static Type *check_find(Node *n, Type *t, const Builtin *row, Type *expected)
{
    want_predicate(n, t, row);
    return type_opt(t->elem);
}

/* any, all */
static Type *check_test(Node *n, Type *t, const Builtin *row, Type *expected)
{
    want_predicate(n, t, row);
    return ty_bool;
}

static Type *check_sort_by(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    Type *params[1] = { t->elem };
    Type *k = want_fn(n, 0, params, 1, NULL);
    if (!is_orderable(k))
        ERR(n, "sort_by needs a key that is a number, string or bool, not %s", type_str(k));
    return t;
}

/* Does e name a function: a lambda, a function, or a variable holding one? */
static int names_function(Node *e)
{
    if (e->kind == N_LAMBDA)
        return 1;
    if (e->kind != N_IDENT)
        return 0;
    Sym *s = scope_lookup(e->name, NULL);
    if (!s)
        return 0;
    return s->kind == SYM_FN ||
           ((s->kind == SYM_LOCAL || s->kind == SYM_GLOBAL) && s->type && type_prune(s->type)->kind == TY_FN);
}

/* reduce(init, f): the row after reduce(f, init) */
static Type *check_reduce_init_first(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 2, 2);
    Type *acc = want(n, 0, expected, "initial value");
    Type *ps[2] = { acc, t->elem };
    want_fn(n, 1, ps, 2, acc);
    return acc;
}

/* reduce(f, init), or reduce(init, f) when only the second argument
 * names a function */
static Type *check_reduce(Node *n, Type *t, const Builtin *row, Type *expected)
{
    if (n->list.len == 2 && !names_function(n->list.items[0]) && names_function(n->list.items[1])) {
        n->builtin = builtin_find_next(row);
        return check_reduce_init_first(n, t, n->builtin, expected);
    }
    builtin_argc(n, row, 2, 2);
    Type *acc = want(n, 1, expected, "initial value");
    Type *ps[2] = { acc, t->elem };
    want_fn(n, 0, ps, 2, acc);
    return acc;
}

/* max_by, min_by: the element with the largest (smallest) key, or none */
static Type *check_extreme_by(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    Type *params[1] = { t->elem };
    Type *k = want_fn(n, 0, params, 1, NULL);
    if (k->kind != TY_ERROR && !is_orderable(k))
        ERR(n, "%s needs a key that is a number, string or bool, not %s", row->name, type_str(k));
    return type_opt(t->elem);
}

static Type *check_group_by(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    Type *params[1] = { t->elem };
    Type *k = want_fn(n, 0, params, 1, NULL);
    if (k->kind == TY_ERROR)
        return ty_error;
    if (k->kind != TY_INT && k->kind != TY_STR) {
        ERR(n, "group_by needs a key that is a string or an int (a map key), not %s", type_str(k));
        return ty_error;
    }
    return type_map(k, t);
}

static Type *check_count(Node *n, Type *t, const Builtin *row, Type *expected)
{
    want_predicate(n, t, row);
    return ty_int;
}

static Type *check_for_each(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    Type *params[1] = { t->elem };
    want_fn(n, 0, params, 1, NULL);
    return ty_void;
}

/* BF_KEEPS: see builtin_keeps_elements.  The methods without it release
 * elements (pop, remove, clear) or call a function value. */
#define K BF_KEEPS
#define A(name, sig, rt, flags, check, emit, doc) {BR_ARR, NULL, name, sig, rt, flags, check, emit, doc}
const Builtin builtins_arr[] = {
    A("len", "() -> int", NULL, K | BF_PURE, NULL, emit_bi_recv_len, "number of elements"),
    A("is_empty", "() -> bool", NULL, K | BF_PURE, NULL, emit_bi_recv_is_empty, "are there no elements?"),
    A("push", "(value: T) -> void", NULL, K, check_push, emit_bi_arr_push, "adds value at the end"),
    A("pop", "() -> T", "rt_arr_pop", BF_LOC, NULL, emit_bi_arr_take_last, "removes and returns the last element"),
    A("first", "() -> T", "rt_arr_first", K | BF_LOC, NULL, emit_bi_arr_peek, "the first element (empty: an error)"),
    A("last", "() -> T", "rt_arr_last", K | BF_LOC, NULL, emit_bi_arr_peek, "the last element (empty: an error)"),
    A("insert", "(index: int, value: T) -> void", NULL, K | BF_LOC, NULL, emit_bi_arr_insert,
      "puts value before position index"),
    A("remove", "(index: int) -> T", NULL, BF_LOC, NULL, emit_bi_arr_remove, "removes and returns the element at index"),
    A("contains", "(value: T) -> bool", NULL, K | BF_PURE, check_search, emit_bi_arr_contains, "is an element == value?"),
    A("index_of", "(value: T) -> int", NULL, K | BF_PURE, check_search, emit_bi_arr_index_of,
      "position of the first element == value, or -1"),
    A("slice", "(start: int, end?: int) -> Self", NULL, K | BF_PURE, NULL, emit_bi_arr_slice,
      "elements start..end-1 as a new array (negative counts from the end)"),
    A("reverse", "() -> Self", "rt_arr_reverse", K | BF_PURE, NULL, NULL, "a reversed copy"),
    A("copy", "() -> Self", "rt_arr_copy", K | BF_PURE, NULL, NULL, "a shallow copy"),
    A("sorted", "() -> Self", NULL, K | BF_PURE, check_sort, emit_bi_arr_sorted, "a sorted copy"),
    A("sort", "() -> Self", NULL, K, check_sort, emit_bi_arr_sort, "sorts the array in place; the array"),
    A("unique", "() -> Self", NULL, K | BF_PURE, check_unique, emit_bi_arr_unique,
      "the elements without repeats, first occurrences in order"),
    A("clear", "() -> void", "rt_arr_clear", 0, NULL, NULL, "removes every element"),
    A("sum", "() -> T", NULL, K | BF_PURE, check_sum, emit_bi_arr_sum, "the sum of the numbers (0 if empty)"),
    A("min", "() -> T", "rt_arr_min", K | BF_LOC, check_extreme, emit_bi_arr_extreme,
      "the smallest element (empty: an error)"),
    A("max", "() -> T", "rt_arr_max", K | BF_LOC, check_extreme, emit_bi_arr_extreme,
      "the largest element (empty: an error)"),
    A("average", "() -> float", NULL, K | BF_PURE, check_average, emit_bi_arr_average, "the mean (0.0 if empty)"),
    A("join", "(sep?: string) -> string", NULL, K | BF_PURE, NULL, emit_bi_arr_join,
      "the texts of the elements with sep between them"),
    A("flatten", "() -> T", "rt_arr_flatten", K | BF_PURE, check_flatten, NULL, "the elements of the inner arrays in order"),
    A("map", "(f: fn(T) -> U) -> [U]", NULL, 0, check_map, emit_bi_arr_map, "f applied to every element"),
    A("filter", "(keep: fn(T) -> bool) -> Self", NULL, 0, check_filter, emit_bi_arr_filter,
      "the elements for which keep is true"),
    A("any", "(test: fn(T) -> bool) -> bool", NULL, 0, check_test, emit_bi_arr_any,
      "is test true for some element? (stops at the first)"),
    A("all", "(test: fn(T) -> bool) -> bool", NULL, 0, check_test, emit_bi_arr_all,
      "is test true for every element? (stops at the first false)"),
    A("find", "(test: fn(T) -> bool) -> T?", NULL, 0, check_find, emit_bi_arr_find,
      "the first element for which test is true, or none"),
    A("sort_by", "(key: fn(T) -> K) -> Self", NULL, 0, check_sort_by, emit_bi_arr_sort_by,
      "sorts in place by the key of each element (stable)"),
    A("reduce", "(f: fn(A, T) -> A, init: A) -> A", NULL, 0, check_reduce, emit_bi_arr_reduce,
      "folds the elements into init from the left"),
    A("reduce", "(init: A, f: fn(A, T) -> A) -> A", NULL, 0, check_reduce_init_first, emit_bi_arr_reduce_init_first,
      "the same with the initial value first (chosen when only the second argument names a function)"),
    A("count", "(test: fn(T) -> bool) -> int", NULL, 0, check_count, emit_bi_arr_count,
      "how many elements test is true for"),
    A("max_by", "(key: fn(T) -> K) -> T?", NULL, 0, check_extreme_by, emit_bi_arr_max_by,
      "the first element with the largest key, or none when empty"),
    A("min_by", "(key: fn(T) -> K) -> T?", NULL, 0, check_extreme_by, emit_bi_arr_min_by,
      "the first element with the smallest key, or none when empty"),
    A("group_by", "(key: fn(T) -> K) -> {K: [T]}", NULL, 0, check_group_by, emit_bi_arr_group_by,
      "the elements grouped by key (string or int), keys in first-seen order"),
    A("for_each", "(f: fn(T) -> void) -> void", NULL, 0, check_for_each, emit_bi_arr_each, "calls f on every element"),
    A("each", "(f: fn(T) -> void) -> void", NULL, 0, check_for_each, emit_bi_arr_each, "same as for_each"),
    {0},
};
