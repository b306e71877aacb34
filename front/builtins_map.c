/*
 * builtins_map.c — rows of the map methods (SPEC §10).  Keys are ints or
 * strings; iteration and keys() follow insertion order.
 */
#include "builtins.h"
#include "builtins_hooks.h"
#include "check_int.h"

static void check_key(Node *n, Type *t)
{
    if (!n->list.len)
        return;
    check_expr(&n->list.items[0], t->key);
    coerce(&n->list.items[0], t->key, "key");
}

/* m.get_or(k, d), and m.get(k, d) which is the same call. */
static Type *check_get_or(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 2, 2);
    check_key(n, t);
    if (n->list.len < 2)
        return t->elem;
    Type *v = type_prune(t->elem);
    Type *d = type_prune(check_expr(&n->list.items[1], v->kind == TY_VAR ? NULL : t->elem));
    if (v->kind == TY_VAR)
        type_unify(t->elem, d);
    else
        coerce(&n->list.items[1], t->elem, "default");
    return t->elem;
}

static Type *check_get(Node *n, Type *t, const Builtin *row, Type *expected)
{
    if (n->list.len == 2) {
        n->builtin = builtin_find(BR_MAP, NULL, "get_or");
        return check_get_or(n, t, n->builtin, expected);
    }
    builtin_argc(n, row, 1, 2);
    check_key(n, t);
    return type_opt(t->elem);
}

#define KP (BF_KEEPS | BF_PURE)
#define M(name, sig, rt, flags, check, emit, doc) {BR_MAP, NULL, name, sig, rt, flags, check, emit, doc}
const Builtin builtins_map[] = {
    M("len", "() -> int", "rt_map_len", KP, NULL, NULL, "number of entries"),
    M("is_empty", "() -> bool", NULL, KP, NULL, emit_bi_map_is_empty, "are there no entries?"),
    M("has", "(key: K) -> bool", NULL, KP, NULL, emit_bi_map_has, "is there an entry for key?"),
    M("contains", "(key: K) -> bool", NULL, KP, NULL, emit_bi_map_has, "same as has"),
    M("contains_key", "(key: K) -> bool", NULL, KP, NULL, emit_bi_map_has, "same as has"),
    M("get", "(key: K, default?: V) -> V?", NULL, KP, check_get, emit_bi_map_get,
      "the value for key, or none (with a default: the value or the default)"),
    M("get_or", "(key: K, default: V) -> V", NULL, KP, check_get_or, emit_bi_map_get_or,
      "the value for key, or default when there is none"),
    M("set", "(key: K, value: V) -> void", NULL, BF_KEEPS, NULL, emit_bi_map_set, "adds or replaces the entry for key"),
    M("insert", "(key: K, value: V) -> void", NULL, BF_KEEPS, NULL, emit_bi_map_set, "same as set"),
    M("remove", "(key: K) -> void", NULL, BF_KEEPS, NULL, emit_bi_map_remove, "removes the entry for key, if any"),
    M("keys", "() -> [K]", "rt_map_keys", KP, NULL, NULL, "the keys in insertion order"),
    M("values", "() -> [V]", "rt_map_values", KP, NULL, NULL, "the values in insertion order"),
    {0},
};
