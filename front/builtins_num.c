/*
 * builtins_num.c — rows of the methods of int, float and bool, and the
 * to_string most values have (SPEC §10, §14).
 */
#include "builtins.h"
#include "builtins_hooks.h"
#include "check_int.h"

/* n.min(m), n.max(m): an int receiver needs an int; a float takes both. */
static Type *check_num_minmax(Node *n, Type *t, const Builtin *row, Type *expected)
{
    if (!builtin_argc(n, row, 1, 1))
        return t;
    Type *o = type_prune(check_expr(&n->list.items[0], NULL));
    if (t->kind == TY_INT && o->kind == TY_FLOAT) {
        ERR(n, "int.%s needs an int", row->name);
        return t;
    }
    if (t->kind == TY_FLOAT)
        coerce(&n->list.items[0], ty_float, "argument");
    else if (!type_unify(o, ty_int))
        ERR(n, "%s needs a number, not %s", row->name, type_str(o));
    return t;
}

#define KP (BF_KEEPS | BF_PURE)
#define N(owner, name, sig, rt, emit, doc) {owner, NULL, name, sig, rt, KP, NULL, emit, doc}
const Builtin builtins_num[] = {
    N(BR_NUM | BR_BOOL | BR_ARR | BR_MAP | BR_OPT | BR_RES | BR_OTHER, "to_string", "() -> string", NULL,
      emit_bi_to_string, "the text of the value, as print shows it"),
    N(BR_NUM, "abs", "() -> Self", NULL, emit_bi_num_abs, "absolute value"),
    {BR_NUM, NULL, "min", "(other: Self) -> Self", NULL, KP, check_num_minmax, emit_bi_num_min, "the smaller number"},
    {BR_NUM, NULL, "max", "(other: Self) -> Self", NULL, KP, check_num_minmax, emit_bi_num_max, "the larger number"},
    N(BR_INT, "pow", "(exponent: int) -> int", "rt_int_pow", NULL, "integer power"),
    N(BR_FLOAT, "pow", "(exponent: float) -> float", "pow", NULL, "x to the power exponent"),
    N(BR_NUM, "to_float", "() -> float", NULL, emit_bi_to_float, "the same number as a float"),
    N(BR_INT, "to_int", "() -> int", NULL, emit_bi_recv, "the integer itself"),
    N(BR_FLOAT, "to_int", "() -> int", "rt_float_to_int", NULL, "truncated towards zero"),
    N(BR_FLOAT, "round", "() -> float", "rt_float_round", NULL, "nearest whole number, halves away from zero"),
    N(BR_FLOAT, "floor", "() -> float", "floor", NULL, "largest whole number not above it"),
    N(BR_FLOAT, "ceil", "() -> float", "ceil", NULL, "smallest whole number not below it"),
    N(BR_FLOAT, "sqrt", "() -> float", "sqrt", NULL, "square root"),
    N(BR_FLOAT, "trunc", "() -> float", NULL, emit_bi_float_trunc, "whole part, towards zero"),
    N(BR_FLOAT, "is_nan", "() -> bool", NULL, emit_bi_float_is_nan, "is it not a number?"),
    N(BR_FLOAT, "is_inf", "() -> bool", NULL, emit_bi_float_is_inf, "is it infinite?"),
    N(BR_BOOL, "to_int", "() -> int", NULL, emit_bi_to_int, "1 for true, 0 for false"),
    {0},
};
