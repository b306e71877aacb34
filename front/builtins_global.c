/*
 * builtins_global.c — rows of the global built-in functions (print, len,
 * str, range, zip, assert, await_all, Ok, ...) and the check hooks of the
 * ones whose type depends on their arguments.
 */
#include "builtins.h"
#include "builtins_hooks.h"
#include "check_int.h"
#include <string.h>

/* Checks argument i against `want` (NULL: any value). */
static Type *arg(Node *n, int i, Type *want, const char *what)
{
    if (i >= n->list.len)
        return ty_error;
    Type *t = check_expr(&n->list.items[i], want);
    if (want)
        coerce(&n->list.items[i], want, what);
    else if (type_prune(t)->kind == TY_VOID)
        ERR(n->list.items[i], "this expression has no value (%s is expected)", what);
    return want ? want : t;
}

static Type *check_print(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    for (int i = 0; i < n->list.len; i++) {
        Type *t = type_prune(check_expr(&n->list.items[i], NULL));
        if (t->kind == TY_VOID)
            ERR(n->list.items[i], "this expression has no value to print");
    }
    for (int i = 0; i < n->list2.len; i++) {
        Node *na = n->list2.items[i];
        if (strcmp(na->name, "sep") && strcmp(na->name, "end"))
            ERR(na, "%s has no parameter '%s' (only sep and end)", row->name, na->name);
        check_expr(&na->a, ty_str);
        coerce(&na->a, ty_str, na->name);
    }
    return ty_void;
}

static Type *check_len(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    Type *t = type_prune(arg(n, 0, NULL, "argument"));
    if (t->kind != TY_ARRAY && t->kind != TY_STR && t->kind != TY_MAP && t->kind != TY_ERROR)
        ERR(n, "len needs a string, array or map, not %s", type_str(t));
    return ty_int;
}

static Type *check_convert(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    Type *t = type_prune(arg(n, 0, NULL, "argument"));
    if (t->kind != TY_INT && t->kind != TY_FLOAT && t->kind != TY_STR && t->kind != TY_BOOL && t->kind != TY_ERROR)
        ERR(n, "cannot convert %s with %s()", type_str(t), row->name);
    return builtin_sig_result(n, row, NULL);
}

static Type *check_zip(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 2, 2);
    Type *a = type_prune(arg(n, 0, NULL, "argument"));
    Type *b = type_prune(arg(n, 1, NULL, "argument"));
    if (a->kind != TY_ARRAY || b->kind != TY_ARRAY) {
        ERR(n, "zip needs two arrays");
        return ty_error;
    }
    Type *items[2] = { a->elem, b->elem };
    return type_array(type_tuple(items, 2));
}

/* The element type of an array of futures (NULL after an error). */
static Type *futures_elem(Node *n, const Builtin *row)
{
    builtin_argc(n, row, 1, 1);
    Type *t = type_prune(arg(n, 0, NULL, "futures"));
    if (t->kind == TY_ARRAY && type_prune(t->elem)->kind == TY_VAR)
        type_unify(t->elem, type_future(type_var()));
    if (t->kind != TY_ARRAY || type_prune(t->elem)->kind != TY_FUTURE) {
        if (t->kind != TY_ERROR)
            ERR(n, "%s needs an array of futures, not %s", row->name, type_str(t));
        return NULL;
    }
    return type_prune(t->elem)->elem;
}

static Type *check_await_all(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    Type *e = futures_elem(n, row);
    return e ? type_array(e) : ty_error;
}

static Type *check_await_any(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    Type *e = futures_elem(n, row);
    return e ? e : ty_error;
}

/* channel(), Task.channel(): the element type comes from the context. */
Type *builtin_check_channel(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 0, 1);
    arg(n, 0, ty_int, "capacity");
    Type *ex = expected ? type_prune(expected) : NULL;
    return ex && ex->kind == TY_CHAN ? ex : type_chan(type_var());
}

/* Ok(v), Err(e): the Result type comes from the context. */
static Type *check_result_ctor(Node *n, const Builtin *row, Type *expected, int ok)
{
    builtin_argc(n, row, 1, 1);
    Type *ex = expected ? type_prune(expected) : NULL;
    Type *rt = ex && ex->kind == TY_RESULT ? ex : type_result(type_var(), type_var());
    arg(n, 0, ok ? rt->elem : rt->key, row->name);
    return rt;
}

static Type *check_ok(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    return check_result_ctor(n, row, expected, 1);
}

static Type *check_err(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    return check_result_ctor(n, row, expected, 0);
}

#define K BF_KEEPS
const Builtin builtins_global[] = {
    {BR_GLOBAL, NULL, "print", "(values: any...) -> void", NULL, K | BF_NAMED, check_print, emit_bi_print,
     "prints the values separated by spaces (named sep:, end:)"},
    {BR_GLOBAL, NULL, "println", "(values: any...) -> void", NULL, K | BF_NAMED, check_print, emit_bi_print,
     "same as print"},
    {BR_GLOBAL, NULL, "len", "(value: string|array|map) -> int", NULL, K | BF_PURE, check_len, emit_bi_len,
     "length of a string (bytes), array or map"},
    {BR_GLOBAL, NULL, "str", "(value: any) -> string", NULL, K | BF_PURE, NULL, emit_bi_str,
     "the text of any value"},
    {BR_GLOBAL, NULL, "int", "(value: int|float|string|bool) -> int", NULL, K | BF_LOC, check_convert,
     emit_bi_convert, "converts to int (truncates floats; a bad string is a runtime error)"},
    {BR_GLOBAL, NULL, "float", "(value: int|float|string|bool) -> float", NULL, K | BF_LOC, check_convert,
     emit_bi_convert, "converts to float"},
    {BR_GLOBAL, NULL, "range", "(a: int, b?: int, step?: int) -> [int]", NULL, BF_LOC, NULL, emit_bi_range,
     "range(n) is 0..n-1; range(a, b[, step]) counts from a towards b"},
    {BR_GLOBAL, NULL, "zip", "(a: [A], b: [B]) -> [(A, B)]", NULL, 0, check_zip, emit_bi_zip,
     "pairs of elements, as long as the shorter array"},
    {BR_GLOBAL, NULL, "input", "(prompt?: string) -> string?", NULL, BF_PARKS, NULL, emit_bi_input,
     "a line of standard input without its newline; none at end of input"},
    {BR_GLOBAL, NULL, "exit", "(status: int) -> void", "rt_exit", BF_NORETURN, NULL, NULL,
     "ends the program with the status"},
    {BR_GLOBAL, NULL, "panic", "(message: any) -> void", NULL, BF_LOC | BF_NORETURN, NULL, emit_bi_panic,
     "stops the program with an error at this line"},
    {BR_GLOBAL, NULL, "assert", "(condition: bool, message?: string) -> void", NULL, BF_LOC, NULL, emit_bi_assert,
     "panics (with the message) when the condition is false"},
    {BR_GLOBAL, NULL, "await_all", "(futures: [Future<T>]) -> [T]", NULL, BF_PARKS | BF_LOC, check_await_all,
     emit_bi_await_all, "waits for every future; their results in order"},
    {BR_GLOBAL, NULL, "await_any", "(futures: [Future<T>]) -> T", NULL, BF_PARKS | BF_LOC, check_await_any,
     emit_bi_await_any, "waits for the first future to finish; its result"},
    {BR_GLOBAL, NULL, "channel", "(capacity?: int) -> Channel<T>", NULL, BF_LOC, builtin_check_channel,
     emit_bi_chan_new, "a new channel; without a capacity it is unbuffered"},
    {BR_GLOBAL, NULL, "Ok", "(value: T) -> Result<T, E>", NULL, BF_PURE, check_ok, emit_bi_ok,
     "a successful Result"},
    {BR_GLOBAL, NULL, "Err", "(error: E) -> Result<T, E>", NULL, BF_PURE, check_err, emit_bi_err,
     "a failed Result"},
    {0},
};
