/*
 * check_methods.c — types of the built-in methods of int, float, bool,
 * string, arrays, maps, options, results, channels and StringBuilder
 * (SPEC §10).  The call is recorded as CALL_BUILTIN with sval
 * "<receiver kind>.<method>", e.g. "str.split", "arr.map".
 */
#include "check_int.h"
#include <string.h>

static int argc_ok(Node *n, const char *what, int lo, int hi)
{
    int got = n->list.len;
    if (got >= lo && got <= hi)
        return 1;
    if (lo == hi)
        ERR(n, "%s takes %d argument%s, got %d", what, lo, lo == 1 ? "" : "s", got);
    else
        ERR(n, "%s takes %d to %d arguments, got %d", what, lo, hi, got);
    for (int i = 0; i < got; i++)
        if (!n->list.items[i]->type)
            check_expr(&n->list.items[i], NULL);
    return 0;
}

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

typedef struct MethodSig {
    const char *name;
    int argc;
    TypeKind ret;   /* TY_VOID..TY_STR, or TY_ERROR = special */
    TypeKind arg0;  /* TY_ERROR = none/special */
    TypeKind arg1;
} MethodSig;

static const MethodSig str_methods[] = {
    {"len", 0, TY_INT, 0, 0}, {"upper", 0, TY_STR, 0, 0}, {"lower", 0, TY_STR, 0, 0},
    {"trim", 0, TY_STR, 0, 0}, {"trim_start", 0, TY_STR, 0, 0}, {"trim_end", 0, TY_STR, 0, 0},
    {"contains", 1, TY_BOOL, TY_STR, 0}, {"starts_with", 1, TY_BOOL, TY_STR, 0},
    {"ends_with", 1, TY_BOOL, TY_STR, 0}, {"index_of", 1, TY_INT, TY_STR, 0},
    {"replace", 2, TY_STR, TY_STR, TY_STR}, {"reverse", 0, TY_STR, 0, 0},
    {"slice", 2, TY_STR, TY_INT, TY_INT}, {"repeat", 1, TY_STR, TY_INT, 0},
    {"to_int", 0, TY_INT, 0, 0}, {"to_float", 0, TY_FLOAT, 0, 0},
    {"is_empty", 0, TY_BOOL, 0, 0}, {"to_string", 0, TY_STR, 0, 0},
    {"char_at", 1, TY_STR, TY_INT, 0},
    {NULL, 0, 0, 0, 0},
};

static Type *prim(TypeKind k)
{
    switch (k) {
    case TY_INT: return ty_int;
    case TY_FLOAT: return ty_float;
    case TY_BOOL: return ty_bool;
    case TY_STR: return ty_str;
    default: return ty_void;
    }
}

static Type *str_method(Node *n, const char *name)
{
    for (int i = 0; str_methods[i].name; i++) {
        const MethodSig *m = &str_methods[i];
        if (strcmp(m->name, name))
            continue;
        if (!argc_ok(n, name, m->argc, m->argc))
            return prim(m->ret);
        if (m->argc > 0) want(n, 0, prim(m->arg0), "argument");
        if (m->argc > 1) want(n, 1, prim(m->arg1), "argument");
        return prim(m->ret);
    }
    if (!strcmp(name, "split")) {
        argc_ok(n, name, 1, 1);
        want(n, 0, ty_str, "separator");
        return type_array(ty_str);
    }
    if (!strcmp(name, "lines") || !strcmp(name, "chars")) {
        argc_ok(n, name, 0, 0);
        return type_array(ty_str);
    }
    if (!strcmp(name, "bytes")) {
        argc_ok(n, name, 0, 0);
        return type_array(ty_int);
    }
    if (!strcmp(name, "format")) {
        for (int i = 0; i < n->list.len; i++)
            check_expr(&n->list.items[i], NULL);
        check_format_literal(n->a->a, &n->list);
        return ty_str;
    }
    return NULL;
}

static Type *num_method(Node *n, Type *t, const char *name)
{
    int is_int = t->kind == TY_INT;
    if (!strcmp(name, "to_string")) { argc_ok(n, name, 0, 0); return ty_str; }
    if (!strcmp(name, "abs")) { argc_ok(n, name, 0, 0); return t; }
    if (!strcmp(name, "min") || !strcmp(name, "max")) {
        argc_ok(n, name, 1, 1);
        Type *o = type_prune(want(n, 0, NULL, "argument"));
        if (is_int && o->kind == TY_FLOAT) {
            ERR(n, "int.%s needs an int", name);
            return t;
        }
        if (!is_int)
            coerce(&n->list.items[0], ty_float, "argument");
        else if (!type_unify(o, ty_int))
            ERR(n, "%s needs a number, not %s", name, type_str(o));
        return t;
    }
    if (!strcmp(name, "pow")) {
        argc_ok(n, name, 1, 1);
        want(n, 0, is_int ? ty_int : ty_float, "exponent");
        return t;
    }
    if (is_int && !strcmp(name, "to_float")) { argc_ok(n, name, 0, 0); return ty_float; }
    if (is_int && !strcmp(name, "to_int")) { argc_ok(n, name, 0, 0); return ty_int; }
    if (!is_int) {
        if (!strcmp(name, "to_int")) { argc_ok(n, name, 0, 0); return ty_int; }
        if (!strcmp(name, "to_float")) { argc_ok(n, name, 0, 0); return ty_float; }
        if (!strcmp(name, "round") || !strcmp(name, "floor") || !strcmp(name, "ceil") ||
            !strcmp(name, "sqrt") || !strcmp(name, "trunc")) {
            argc_ok(n, name, 0, 0);
            return ty_float;
        }
        if (!strcmp(name, "is_nan") || !strcmp(name, "is_inf")) { argc_ok(n, name, 0, 0); return ty_bool; }
    }
    return NULL;
}

static int is_orderable(Type *t)
{
    t = type_prune(t);
    return t->kind == TY_INT || t->kind == TY_FLOAT || t->kind == TY_STR || t->kind == TY_BOOL;
}

static Type *arr_method(Node *n, Type *t, const char *name, Type *expected)
{
    Type *e = t->elem;
    Type *pe = type_prune(e);
    if (!strcmp(name, "len")) { argc_ok(n, name, 0, 0); return ty_int; }
    if (!strcmp(name, "is_empty")) { argc_ok(n, name, 0, 0); return ty_bool; }
    if (!strcmp(name, "push")) {
        argc_ok(n, name, 1, 1);
        Type *vt = type_prune(want(n, 0, pe->kind == TY_VAR ? NULL : e, "pushed value"));
        if (pe->kind == TY_VAR) {
            if (vt->kind == TY_VOID)
                ERR(n->list.items[0], "this expression has no value");
            else if (!type_unify(e, vt))
                ERR(n->list.items[0], "type mismatch: cannot push %s into %s", type_str(vt), type_str(t));
        }
        return ty_void;
    }
    if (!strcmp(name, "pop") || !strcmp(name, "first") || !strcmp(name, "last")) {
        argc_ok(n, name, 0, 0);
        return e;
    }
    if (!strcmp(name, "insert")) {
        argc_ok(n, name, 2, 2);
        want(n, 0, ty_int, "index");
        want(n, 1, e, "inserted value");
        return ty_void;
    }
    if (!strcmp(name, "remove")) {
        argc_ok(n, name, 1, 1);
        want(n, 0, ty_int, "index");
        return e;
    }
    if (!strcmp(name, "contains") || !strcmp(name, "index_of")) {
        argc_ok(n, name, 1, 1);
        want(n, 0, e, "value");
        if (type_prune(e)->kind == TY_FN)
            ERR(n, "functions cannot be compared");
        return name[0] == 'c' ? ty_bool : ty_int;
    }
    if (!strcmp(name, "slice")) {
        argc_ok(n, name, 1, 2);
        want(n, 0, ty_int, "start");
        if (n->list.len > 1) want(n, 1, ty_int, "end");
        return t;
    }
    if (!strcmp(name, "reverse") || !strcmp(name, "sorted") || !strcmp(name, "sort") ||
        !strcmp(name, "unique") || !strcmp(name, "copy")) {
        argc_ok(n, name, 0, 0);
        if ((name[0] == 's') && !is_orderable(e) && type_prune(e)->kind != TY_VAR)
            ERR(n, "cannot sort %s: elements must be numbers, strings or bools (use sort_by)", type_str(t));
        if (!strcmp(name, "unique") && type_prune(e)->kind == TY_FN)
            ERR(n, "functions cannot be compared");
        return t;
    }
    if (!strcmp(name, "clear")) { argc_ok(n, name, 0, 0); return ty_void; }
    if (!strcmp(name, "sum") || !strcmp(name, "min") || !strcmp(name, "max")) {
        argc_ok(n, name, 0, 0);
        if (pe->kind == TY_VAR)
            type_unify(pe, ty_int);
        pe = type_prune(e);
        if (!strcmp(name, "sum") ? !type_is_numeric(pe) : !is_orderable(pe))
            ERR(n, "%s needs %s elements, not %s", name, !strcmp(name, "sum") ? "number" : "ordered", type_str(pe));
        return e;
    }
    if (!strcmp(name, "average")) {
        argc_ok(n, name, 0, 0);
        if (!type_is_numeric(e))
            ERR(n, "average needs number elements, not %s", type_str(e));
        return ty_float;
    }
    if (!strcmp(name, "join")) {
        argc_ok(n, name, 0, 1);
        if (n->list.len) want(n, 0, ty_str, "separator");
        return ty_str;
    }
    if (!strcmp(name, "flatten")) {
        argc_ok(n, name, 0, 0);
        if (pe->kind != TY_ARRAY) {
            ERR(n, "flatten needs an array of arrays, not %s", type_str(t));
            return ty_error;
        }
        return pe;
    }
    Type *params[2] = { e, NULL };
    if (!strcmp(name, "map")) {
        argc_ok(n, name, 1, 1);
        Type *r = want_fn(n, 0, params, 1, NULL);
        if (type_prune(r)->kind == TY_VOID)
            ERR(n, "map needs a function that returns a value");
        return type_array(r);
    }
    if (!strcmp(name, "filter") || !strcmp(name, "any") || !strcmp(name, "all") || !strcmp(name, "find")) {
        argc_ok(n, name, 1, 1);
        want_fn(n, 0, params, 1, ty_bool);
        if (!strcmp(name, "filter")) return t;
        if (!strcmp(name, "find")) return type_opt(e);
        return ty_bool;
    }
    if (!strcmp(name, "sort_by")) {
        argc_ok(n, name, 1, 1);
        Type *k = want_fn(n, 0, params, 1, NULL);
        if (!is_orderable(k))
            ERR(n, "sort_by needs a key that is a number, string or bool, not %s", type_str(k));
        return t;
    }
    if (!strcmp(name, "reduce")) {
        argc_ok(n, name, 2, 2);
        Type *acc = want(n, 1, expected, "initial value");
        Type *ps[2] = { acc, e };
        Type *r = want_fn(n, 0, ps, 2, acc);
        (void)r;
        return acc;
    }
    if (!strcmp(name, "for_each") || !strcmp(name, "each")) {
        argc_ok(n, name, 1, 1);
        want_fn(n, 0, params, 1, NULL);
        return ty_void;
    }
    if (!strcmp(name, "to_string")) { argc_ok(n, name, 0, 0); return ty_str; }
    return NULL;
}

static Type *map_method(Node *n, Type *t, const char *name)
{
    if (!strcmp(name, "len")) { argc_ok(n, name, 0, 0); return ty_int; }
    if (!strcmp(name, "is_empty")) { argc_ok(n, name, 0, 0); return ty_bool; }
    if (!strcmp(name, "has") || !strcmp(name, "contains") || !strcmp(name, "contains_key")) {
        argc_ok(n, name, 1, 1);
        want(n, 0, t->key, "key");
        n->sval = "map.has";
        return ty_bool;
    }
    if (!strcmp(name, "remove")) {
        argc_ok(n, name, 1, 1);
        want(n, 0, t->key, "key");
        return ty_void;
    }
    if (!strcmp(name, "get")) {
        argc_ok(n, name, 1, 2);
        want(n, 0, t->key, "key");
        if (n->list.len == 2) {
            Type *v = type_prune(t->elem);
            Type *d = type_prune(want(n, 1, v->kind == TY_VAR ? NULL : t->elem, "default"));
            if (v->kind == TY_VAR)
                type_unify(t->elem, d);
            n->sval = "map.get_or";
            return t->elem;
        }
        return type_opt(t->elem);
    }
    if (!strcmp(name, "keys")) { argc_ok(n, name, 0, 0); return type_array(t->key); }
    if (!strcmp(name, "values")) { argc_ok(n, name, 0, 0); return type_array(t->elem); }
    if (!strcmp(name, "set") || !strcmp(name, "insert")) {
        argc_ok(n, name, 2, 2);
        want(n, 0, t->key, "key");
        want(n, 1, t->elem, "value");
        n->sval = "map.set";
        return ty_void;
    }
    if (!strcmp(name, "to_string")) { argc_ok(n, name, 0, 0); return ty_str; }
    return NULL;
}

static Type *opt_method(Node *n, Type *t, const char *name)
{
    int is_res = t->kind == TY_RESULT;
    if (!strcmp(name, "unwrap")) { argc_ok(n, name, 0, 0); return t->elem; }
    if (!strcmp(name, "expect")) { argc_ok(n, name, 1, 1); want(n, 0, ty_str, "message"); return t->elem; }
    if (!strcmp(name, "unwrap_or")) {
        argc_ok(n, name, 1, 1);
        want(n, 0, t->elem, "default");
        return t->elem;
    }
    if (!strcmp(name, "to_string")) { argc_ok(n, name, 0, 0); return ty_str; }
    if (!is_res && (!strcmp(name, "is_some") || !strcmp(name, "is_none"))) {
        argc_ok(n, name, 0, 0);
        return ty_bool;
    }
    if (is_res && (!strcmp(name, "is_ok") || !strcmp(name, "is_err"))) {
        argc_ok(n, name, 0, 0);
        return ty_bool;
    }
    if (is_res && !strcmp(name, "unwrap_err")) { argc_ok(n, name, 0, 0); return t->key; }
    return NULL;
}

static Type *chan_method(Node *n, Type *t, const char *name)
{
    if (!strcmp(name, "send")) {
        argc_ok(n, name, 1, 1);
        Type *e = type_prune(t->elem);
        Type *v = want(n, 0, e->kind == TY_VAR ? NULL : t->elem, "sent value");
        if (e->kind == TY_VAR)
            type_unify(t->elem, v);
        return ty_void;
    }
    if (!strcmp(name, "recv")) { argc_ok(n, name, 0, 0); return t->elem; }
    if (!strcmp(name, "try_recv")) { argc_ok(n, name, 0, 0); return type_opt(t->elem); }
    if (!strcmp(name, "close")) { argc_ok(n, name, 0, 0); return ty_void; }
    return NULL;
}

/* Method names per receiver kind, for "did you mean" hints. */
static const char *method_hint(Type *t, const char *name)
{
    static const char *const str_names[] = { "len", "upper", "lower", "trim", "trim_start", "trim_end",
        "contains", "starts_with", "ends_with", "index_of", "replace", "split", "lines", "chars", "bytes",
        "reverse", "slice", "repeat", "to_int", "to_float", "format", "is_empty", "to_string", NULL };
    static const char *const arr_names[] = { "len", "push", "pop", "insert", "remove", "contains", "index_of",
        "first", "last", "slice", "reverse", "sort", "sorted", "sort_by", "map", "filter", "reduce", "any",
        "all", "find", "sum", "min", "max", "average", "join", "unique", "flatten", "is_empty", "clear",
        "to_string", NULL };
    static const char *const map_names[] = { "get", "has", "remove", "keys", "values", "len", "is_empty",
        "to_string", NULL };
    static const char *const num_names[] = { "to_string", "to_float", "to_int", "abs", "pow", "min", "max",
        "round", "floor", "ceil", "sqrt", NULL };
    static const char *const opt_names[] = { "unwrap", "unwrap_or", "is_some", "is_none", "is_ok", "is_err",
        "unwrap_err", "expect", "to_string", NULL };
    const char *const *names = NULL;
    switch (type_prune(t)->kind) {
    case TY_STR: names = str_names; break;
    case TY_ARRAY: names = arr_names; break;
    case TY_MAP: names = map_names; break;
    case TY_INT: case TY_FLOAT: names = num_names; break;
    case TY_OPT: case TY_RESULT: names = opt_names; break;
    default: return "";
    }
    const char *best = NULL;
    size_t best_d = 3;
    for (int i = 0; names[i]; i++) {
        /* cheap distance: common prefix/suffix mismatch count */
        const char *a = name, *b = names[i];
        size_t la = strlen(a), lb = strlen(b);
        if ((la > lb ? la - lb : lb - la) > 2)
            continue;
        size_t pre = 0, suf = 0;
        while (pre < la && pre < lb && a[pre] == b[pre])
            pre++;
        while (suf < la - pre && suf < lb - pre && a[la - 1 - suf] == b[lb - 1 - suf])
            suf++;
        size_t d = (la > lb ? la : lb) - pre - suf;
        if (d < best_d) {
            best_d = d;
            best = b;
        }
    }
    return best ? arena_printf(" (did you mean '%s'?)", best) : "";
}

static const char *kind_prefix(Type *t)
{
    switch (t->kind) {
    case TY_INT: return "int";
    case TY_FLOAT: return "float";
    case TY_BOOL: return "bool";
    case TY_STR: return "str";
    case TY_ARRAY: return "arr";
    case TY_MAP: return "map";
    case TY_OPT: return "opt";
    case TY_RESULT: return "res";
    case TY_CHAN: return "chan";
    case TY_SB: return "sb";
    case TY_FUTURE: return "fut";
    default: return "val";
    }
}

Type *check_builtin_method(Node *call, Node *recv, Type *rt, const char *name, Type *expected)
{
    Type *t = type_prune(rt);
    call->op = CALL_BUILTIN;
    call->sval = arena_printf("%s.%s", kind_prefix(t), name);
    Type *r = NULL;
    switch (t->kind) {
    case TY_STR: r = str_method(call, name); break;
    case TY_INT: case TY_FLOAT: r = num_method(call, t, name); break;
    case TY_BOOL:
        if (!strcmp(name, "to_string")) { argc_ok(call, name, 0, 0); r = ty_str; }
        break;
    case TY_ARRAY: r = arr_method(call, t, name, expected); break;
    case TY_MAP: r = map_method(call, t, name); break;
    case TY_OPT: case TY_RESULT: r = opt_method(call, t, name); break;
    case TY_CHAN: r = chan_method(call, t, name); break;
    case TY_NATIVE: {
        call->sval = arena_printf("%s.%s", t->name, name);
        if (!strcmp(t->name, "Listener") || !strcmp(t->name, "HttpServer")) {
            if (!strcmp(name, "port")) { argc_ok(call, name, 0, 0); r = ty_int; }
            else if (!strcmp(name, "close")) { argc_ok(call, name, 0, 0); r = ty_void; }
        } else if (!strcmp(t->name, "Conn")) {
            if (!strcmp(name, "read")) { argc_ok(call, name, 0, 1); if (call->list.len) want(call, 0, ty_int, "max"); r = ty_str; }
            else if (!strcmp(name, "write")) { argc_ok(call, name, 1, 1); want(call, 0, ty_str, "data"); r = ty_void; }
            else if (!strcmp(name, "close")) { argc_ok(call, name, 0, 0); r = ty_void; }
        } else if (!strcmp(t->name, "Json")) {
            if (!strcmp(name, "get_string")) { argc_ok(call, name, 1, 1); want(call, 0, ty_str, "key"); r = ty_str; }
            else if (!strcmp(name, "get_int")) { argc_ok(call, name, 1, 1); want(call, 0, ty_str, "key"); r = ty_int; }
            else if (!strcmp(name, "get_float")) { argc_ok(call, name, 1, 1); want(call, 0, ty_str, "key"); r = ty_float; }
            else if (!strcmp(name, "get_bool")) { argc_ok(call, name, 1, 1); want(call, 0, ty_str, "key"); r = ty_bool; }
            else if (!strcmp(name, "get")) { argc_ok(call, name, 1, 1); want(call, 0, ty_str, "key"); r = t; }
            else if (!strcmp(name, "at")) { argc_ok(call, name, 1, 1); want(call, 0, ty_int, "index"); r = t; }
            else if (!strcmp(name, "keys")) { argc_ok(call, name, 0, 0); r = type_array(ty_str); }
            else if (!strcmp(name, "len")) { argc_ok(call, name, 0, 0); r = ty_int; }
            else if (!strcmp(name, "to_string")) { argc_ok(call, name, 0, 0); r = ty_str; }
        }
        break;
    }
    case TY_SB:
        if (!strcmp(name, "append")) {
            argc_ok(call, name, 1, 1);
            want(call, 0, NULL, "text");
            r = ty_void;
        } else if (!strcmp(name, "len")) {
            argc_ok(call, name, 0, 0);
            r = ty_int;
        } else if (!strcmp(name, "to_string")) {
            argc_ok(call, name, 0, 0);
            r = ty_str;
        }
        break;
    case TY_ERROR:
        for (int i = 0; i < call->list.len; i++)
            check_expr(&call->list.items[i], NULL);
        return ty_error;
    case TY_VAR:
        ERR(call, "cannot infer the type of this value before '.%s()': add a type annotation", name);
        return ty_error;
    default:
        if (!strcmp(name, "to_string")) {
            argc_ok(call, name, 0, 0);
            call->sval = "val.to_string";
            r = ty_str;
        }
        break;
    }
    if (!r) {
        ERR(call, "%s has no method '%s'%s", type_str(t), name, method_hint(t, name));
        for (int i = 0; i < call->list.len; i++)
            if (!call->list.items[i]->type)
                check_expr(&call->list.items[i], NULL);
        return ty_error;
    }
    (void)recv;
    return r;
}
