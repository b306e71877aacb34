/* types.c — type construction, unification and naming (see types.h). */
#include "types.h"
#include <stdio.h>
#include <string.h>

Type *ty_void, *ty_int, *ty_float, *ty_bool, *ty_str, *ty_error, *ty_sb, *ty_ptr;
static int next_var_id;

Type *type_new(TypeKind k)
{
    Type *t = arena_alloc(sizeof *t);
    t->kind = k;
    return t;
}

void types_init(void)
{
    ty_void = type_new(TY_VOID);
    ty_int = type_new(TY_INT);
    ty_float = type_new(TY_FLOAT);
    ty_bool = type_new(TY_BOOL);
    ty_str = type_new(TY_STR);
    ty_error = type_new(TY_ERROR);
    ty_sb = type_new(TY_SB);
    ty_ptr = type_new(TY_PTR);
}

static Type *with_elem(TypeKind k, Type *elem)
{
    Type *t = type_new(k);
    t->elem = elem;
    return t;
}

Type *type_array(Type *elem) { return with_elem(TY_ARRAY, elem); }
Type *type_opt(Type *elem) { return with_elem(TY_OPT, elem); }
Type *type_future(Type *elem) { return with_elem(TY_FUTURE, elem); }
Type *type_chan(Type *elem) { return with_elem(TY_CHAN, elem); }

Type *type_map(Type *key, Type *val)
{
    Type *t = with_elem(TY_MAP, val);
    t->key = key;
    return t;
}

Type *type_result(Type *ok, Type *err)
{
    Type *t = with_elem(TY_RESULT, ok);
    t->key = err;
    return t;
}

Type *type_tuple(Type **items, int n)
{
    Type *t = type_new(TY_TUPLE);
    t->items = arena_alloc(sizeof(Type *) * (size_t)(n ? n : 1));
    if (n)
        memcpy(t->items, items, sizeof(Type *) * (size_t)n);
    t->nitems = n;
    return t;
}

Type *type_fn(Type **params, int n, Type *ret)
{
    Type *t = type_tuple(params, n);
    t->kind = TY_FN;
    t->ret = ret;
    return t;
}

Type *type_var(void)
{
    Type *t = type_new(TY_VAR);
    t->var_id = ++next_var_id;
    return t;
}

Type *type_native(const char *name)
{
    static VEC(Type *) natives;
    for (int i = 0; i < natives.len; i++)
        if (!strcmp(natives.items[i]->name, name))
            return natives.items[i];
    Type *t = type_new(TY_NATIVE);
    t->name = name;
    vec_push(&natives, t);
    return t;
}

Type *type_num_var(void)
{
    Type *t = type_var();
    t->numeric = 1;
    return t;
}

Type *type_prune(Type *t)
{
    while (t && t->kind == TY_VAR && t->link)
        t = t->link;
    return t;
}

static int occurs(Type *v, Type *t)
{
    t = type_prune(t);
    if (!t)
        return 0;
    if (t == v)
        return 1;
    if (t->elem && occurs(v, t->elem)) return 1;
    if (t->key && occurs(v, t->key)) return 1;
    if (t->ret && occurs(v, t->ret)) return 1;
    for (int i = 0; i < t->nitems; i++)
        if (occurs(v, t->items[i]))
            return 1;
    if (t->decl)
        for (int i = 0; i < t->decl->nargs; i++)
            if (occurs(v, t->decl->args[i]))
                return 1;
    return 0;
}

int type_unify(Type *a, Type *b)
{
    a = type_prune(a);
    b = type_prune(b);
    if (a == b)
        return 1;
    if (a->kind == TY_ERROR || b->kind == TY_ERROR)
        return 1;
    if (a->kind == TY_VAR || b->kind == TY_VAR) {
        Type *v = a->kind == TY_VAR ? a : b;
        Type *o = v == a ? b : a;
        if (o->kind == TY_VAR) {
            o->numeric |= v->numeric;
            v->link = o;
            return 1;
        }
        if (v->numeric && o->kind != TY_INT && o->kind != TY_FLOAT)
            return 0;
        if (occurs(v, o))
            return 0;
        v->link = o;
        return 1;
    }
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case TY_ARRAY: case TY_OPT: case TY_FUTURE: case TY_CHAN:
        return type_unify(a->elem, b->elem);
    case TY_MAP: case TY_RESULT:
        return type_unify(a->key, b->key) && type_unify(a->elem, b->elem);
    case TY_TUPLE: case TY_FN:
        if (a->nitems != b->nitems)
            return 0;
        for (int i = 0; i < a->nitems; i++)
            if (!type_unify(a->items[i], b->items[i]))
                return 0;
        return a->kind == TY_TUPLE || type_unify(a->ret, b->ret);
    case TY_STRUCT: case TY_ENUM:
        if (a->decl == b->decl)
            return 1;
        /* two instances of one generic declaration, one still holding
         * inference variables: unify the type arguments */
        if (a->decl->node != b->decl->node || a->decl->nargs != b->decl->nargs || !a->decl->nargs)
            return 0;
        for (int i = 0; i < a->decl->nargs; i++)
            if (!type_unify(a->decl->args[i], b->decl->args[i]))
                return 0;
        return 1;
    default:
        return 1;
    }
}

int type_has_vars(Type *t)
{
    t = type_prune(t);
    if (!t)
        return 0;
    if (t->kind == TY_VAR)
        return 1;
    if ((t->elem && type_has_vars(t->elem)) || (t->key && type_has_vars(t->key)) ||
        (t->ret && type_has_vars(t->ret)))
        return 1;
    for (int i = 0; i < t->nitems; i++)
        if (type_has_vars(t->items[i]))
            return 1;
    return 0;
}

Type *type_resolve(Type *t)
{
    t = type_prune(t);
    if (!t)
        return ty_void;
    switch (t->kind) {
    case TY_VAR:
        t->link = ty_int; /* nothing constrained it: default to int */
        return ty_int;
    case TY_ARRAY: case TY_OPT: case TY_FUTURE: case TY_CHAN:
        t->elem = type_resolve(t->elem);
        return t;
    case TY_MAP: case TY_RESULT:
        t->key = type_resolve(t->key);
        t->elem = type_resolve(t->elem);
        return t;
    case TY_TUPLE: case TY_FN:
        for (int i = 0; i < t->nitems; i++)
            t->items[i] = type_resolve(t->items[i]);
        if (t->ret)
            t->ret = type_resolve(t->ret);
        return t;
    default:
        return t;
    }
}

int type_equal(Type *a, Type *b)
{
    a = type_prune(a);
    b = type_prune(b);
    if (a == b)
        return 1;
    if (!a || !b || a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case TY_ARRAY: case TY_OPT: case TY_FUTURE: case TY_CHAN:
        return type_equal(a->elem, b->elem);
    case TY_MAP: case TY_RESULT:
        return type_equal(a->key, b->key) && type_equal(a->elem, b->elem);
    case TY_TUPLE: case TY_FN:
        if (a->nitems != b->nitems)
            return 0;
        for (int i = 0; i < a->nitems; i++)
            if (!type_equal(a->items[i], b->items[i]))
                return 0;
        return a->kind == TY_TUPLE || type_equal(a->ret, b->ret);
    case TY_STRUCT: case TY_ENUM:
        return a->decl == b->decl;
    case TY_VAR:
        return 0;
    default:
        return 1;
    }
}

int type_is_numeric(Type *t)
{
    t = type_prune(t);
    return t->kind == TY_INT || t->kind == TY_FLOAT;
}

int type_is_handle(Type *t)
{
    t = type_prune(t);
    return t->kind == TY_FUTURE || t->kind == TY_CHAN;
}

static void type_write(Buf *b, Type *t, int mangle)
{
    t = type_prune(t);
    switch (t->kind) {
    case TY_VOID: buf_puts(b, "void"); return;
    case TY_INT: buf_puts(b, "int"); return;
    case TY_FLOAT: buf_puts(b, "float"); return;
    case TY_BOOL: buf_puts(b, "bool"); return;
    case TY_STR: buf_puts(b, mangle ? "str" : "string"); return;
    case TY_SB: buf_puts(b, "StringBuilder"); return;
    case TY_PTR: buf_puts(b, "ptr"); return;
    case TY_ERROR: buf_puts(b, "?"); return;
    case TY_VAR: buf_puts(b, mangle ? "int" : "_"); return;
    case TY_ARRAY:
        buf_puts(b, mangle ? "arr_" : "[");
        type_write(b, t->elem, mangle);
        if (!mangle) buf_puts(b, "]");
        return;
    case TY_MAP:
        buf_puts(b, mangle ? "map_" : "{");
        type_write(b, t->key, mangle);
        buf_puts(b, mangle ? "_" : ": ");
        type_write(b, t->elem, mangle);
        buf_puts(b, mangle ? "_E" : "}");
        return;
    case TY_OPT:
        if (mangle) buf_puts(b, "opt_");
        type_write(b, t->elem, mangle);
        if (!mangle) buf_puts(b, "?");
        return;
    case TY_RESULT:
        buf_puts(b, mangle ? "res_" : "Result<");
        type_write(b, t->elem, mangle);
        buf_puts(b, mangle ? "_" : ", ");
        type_write(b, t->key, mangle);
        buf_puts(b, mangle ? "_E" : ">");
        return;
    case TY_FUTURE: case TY_CHAN:
        buf_puts(b, t->kind == TY_FUTURE ? (mangle ? "fut_" : "Future<") : (mangle ? "chan_" : "Channel<"));
        type_write(b, t->elem, mangle);
        buf_puts(b, mangle ? "_E" : ">");
        return;
    case TY_TUPLE: case TY_FN:
        buf_puts(b, t->kind == TY_FN ? (mangle ? "fn_" : "fn(") : (mangle ? "tup_" : "("));
        for (int i = 0; i < t->nitems; i++) {
            if (i) buf_puts(b, mangle ? "_" : ", ");
            type_write(b, t->items[i], mangle);
        }
        buf_puts(b, mangle ? "_E" : ")");
        if (t->kind == TY_FN && t->ret && type_prune(t->ret)->kind != TY_VOID) {
            buf_puts(b, mangle ? "R" : " -> ");
            type_write(b, t->ret, mangle);
        }
        return;
    case TY_STRUCT: case TY_ENUM:
        buf_puts(b, mangle ? t->decl->cname : t->decl->name);
        return;
    case TY_NATIVE:
        buf_puts(b, t->name);
        return;
    }
}

const char *type_str(Type *t)
{
    Buf b = {0};
    type_write(&b, t, 0);
    const char *s = arena_strdup(b.data ? b.data : "");
    buf_free(&b);
    return s;
}

const char *type_mangle(Type *t)
{
    Buf b = {0};
    type_write(&b, t, 1);
    const char *s = arena_strdup(b.data ? b.data : "");
    buf_free(&b);
    return s;
}
