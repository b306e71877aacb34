/*
 * check_expr.c — types of expressions, conversions, lambdas, patterns and
 * match exhaustiveness.  Calls and members live in check_call.c.
 */
#include "check_int.h"
#include <stdlib.h>
#include <string.h>

static Node *wrap_convert(Node *inner, int op, Type *to)
{
    Node *c = node_new(N_CONVERT, inner->file, inner->line, inner->col);
    c->op = op;
    c->a = inner;
    c->type = to;
    return c;
}

void coerce(Node **slot, Type *want, const char *what)
{
    Node *n = *slot;
    Type *got = type_prune(n->type);
    Type *w = type_prune(want);
    if (!got || !w)
        return;
    if (got->kind == TY_ERROR || w->kind == TY_ERROR)
        return;
    if (got->kind == TY_VOID && w->kind != TY_VOID) {
        ERR(n, "this expression has no value (%s is expected)", what);
        n->type = ty_error;
        return;
    }
    if (got->kind == TY_INT && w->kind == TY_FLOAT) {
        *slot = wrap_convert(n, CONV_FLOAT, ty_float);
        return;
    }
    if (w->kind == TY_PTR && got->kind == TY_INT && n->kind == N_INT && n->ival == 0) {
        *slot = wrap_convert(n, CONV_NULL, ty_ptr); /* 0 is the null pointer */
        return;
    }
    if (type_is_handle(got) && w->kind == TY_INT) {
        *slot = wrap_convert(n, CONV_HANDLE, ty_int);
        return;
    }
    if (w->kind == TY_OPT && got->kind != TY_OPT && got->kind != TY_VAR) {
        Type *inner = type_prune(w->elem);
        if (type_unify(inner, got)) {
            *slot = wrap_convert(n, CONV_SOME, w);
            return;
        }
        if (type_prune(inner)->kind == TY_FLOAT && got->kind == TY_INT) {
            *slot = wrap_convert(wrap_convert(n, CONV_FLOAT, ty_float), CONV_SOME, w);
            return;
        }
    }
    if (type_unify(got, w))
        return;
    /* [int] literal where [float] is wanted etc. are not converted */
    ERR(n, "type mismatch: %s is %s, expected %s", what, type_str(got), type_str(w));
}

/* ---------------------------------------------------------- operators */

static Type *check_binary(Node *n, Type *expected)
{
    int op = n->op;
    if (op == T_AND || op == T_OR) {
        check_expr(&n->a, ty_bool);
        coerce(&n->a, ty_bool, "operand of 'and'/'or'");
        check_expr(&n->b, ty_bool);
        coerce(&n->b, ty_bool, "operand of 'and'/'or'");
        return ty_bool;
    }
    if (op == T_IN || op == T_NOT) {
        Type *r = type_prune(check_expr(&n->b, NULL));
        if (r->kind == TY_ARRAY) {
            check_expr(&n->a, r->elem);
            coerce(&n->a, r->elem, "element");
        } else if (r->kind == TY_MAP) {
            check_expr(&n->a, r->key);
            coerce(&n->a, r->key, "key");
        } else if (r->kind == TY_STR) {
            check_expr(&n->a, ty_str);
            coerce(&n->a, ty_str, "substring");
        } else if (r->kind != TY_ERROR) {
            check_expr(&n->a, NULL);
            ERR(n, "'in' needs an array, map or string, not %s", type_str(r));
        }
        return ty_bool;
    }
    Type *a = type_prune(check_expr(&n->a, NULL));
    Type *b = type_prune(check_expr(&n->b, a->kind == TY_VAR ? NULL : a));
    a = type_prune(n->a->type);
    if (a->kind == TY_ERROR || b->kind == TY_ERROR)
        return (op == T_EQ || op == T_NE || op == T_LT || op == T_LE || op == T_GT || op == T_GE) ? ty_bool : ty_error;
    /* an unknown side takes the other side's type */
    if (a->kind == TY_VAR && b->kind != TY_VAR)
        type_unify(a, b), a = type_prune(a);
    else if (b->kind == TY_VAR && a->kind != TY_VAR)
        type_unify(b, a), b = type_prune(b);
    else if (a->kind == TY_VAR && b->kind == TY_VAR) {
        type_unify(a, b);
        a->numeric = 1;
        a = b = type_prune(a);
    }
    switch (op) {
    case T_EQ: case T_NE:
        if (type_is_numeric(a) && type_is_numeric(b)) {
            if (a->kind != b->kind) {
                if (a->kind == TY_INT) coerce(&n->a, ty_float, "operand");
                else coerce(&n->b, ty_float, "operand");
            }
            return ty_bool;
        }
        if (a->kind == TY_OPT && n->b->kind == N_NONE) return ty_bool;
        /* m.get(k) == 25: true exactly when it holds Some(25) */
        if (a->kind == TY_OPT && b->kind != TY_OPT && b->kind != TY_VAR) {
            coerce(&n->b, a, "operand");
            return ty_bool;
        }
        if (b->kind == TY_OPT && a->kind != TY_OPT && a->kind != TY_VAR) {
            coerce(&n->a, b, "operand");
            return ty_bool;
        }
        if (a->kind == TY_PTR && b->kind == TY_INT) return ty_bool;
        if (!type_unify(a, b))
            ERR(n, "cannot compare %s with %s", type_str(a), type_str(b));
        if (a->kind == TY_FN)
            ERR(n, "functions cannot be compared");
        return ty_bool;
    case T_LT: case T_LE: case T_GT: case T_GE:
        if (type_is_numeric(a) && type_is_numeric(b)) {
            if (a->kind != b->kind) {
                if (a->kind == TY_INT) coerce(&n->a, ty_float, "operand");
                else coerce(&n->b, ty_float, "operand");
            }
            return ty_bool;
        }
        if (a->kind == TY_STR && b->kind == TY_STR)
            return ty_bool;
        ERR(n, "cannot order %s and %s", type_str(a), type_str(b));
        return ty_bool;
    case T_PLUS:
        if (a->kind == TY_STR && b->kind == TY_STR)
            return ty_str;
        if (a->kind == TY_ARRAY && b->kind == TY_ARRAY) {
            if (!type_unify(a, b))
                ERR(n, "cannot add %s and %s", type_str(a), type_str(b));
            return a;
        }
        /* fall through */
    case T_MINUS: case T_STAR: case T_SLASH: case T_PERCENT:
        if (op == T_STAR && a->kind == TY_STR && b->kind == TY_INT)
            return ty_str;
        if (type_is_numeric(a) && type_is_numeric(b)) {
            if (a->kind == TY_FLOAT || b->kind == TY_FLOAT) {
                if (a->kind == TY_INT) coerce(&n->a, ty_float, "operand");
                if (b->kind == TY_INT) coerce(&n->b, ty_float, "operand");
                return ty_float;
            }
            return ty_int;
        }
        if (a->kind == TY_VAR && a->numeric)
            return a;
        if (op == T_PLUS && (a->kind == TY_STR) != (b->kind == TY_STR))
            ERR(n, "cannot apply '+' to %s and %s: Wyn builds strings by interpolation, \"n=${n}\" "
                "(or str(x))", type_str(a), type_str(b));
        else
            ERR(n, "cannot apply %s to %s and %s", tok_name(op), type_str(a), type_str(b));
        return ty_error;
    case T_AMP: case T_PIPE: case T_CARET: case T_SHL: case T_SHR:
        if (a->kind == TY_BOOL && b->kind == TY_BOOL && op != T_SHL && op != T_SHR)
            return ty_bool;
        if (!type_unify(a, ty_int) || !type_unify(b, ty_int))
            ERR(n, "%s needs int operands, not %s and %s", tok_name(op), type_str(a), type_str(b));
        return ty_int;
    default:
        INTERNAL(n, "check_binary: unhandled operator %s", tok_name(op));
    }
    (void)expected;
}

static Type *check_unary(Node *n)
{
    Type *t = type_prune(check_expr(&n->a, NULL));
    if (t->kind == TY_ERROR)
        return ty_error;
    switch (n->op) {
    case T_MINUS:
        if (t->kind == TY_VAR)
            type_unify(t, ty_int), t = ty_int;
        if (!type_is_numeric(t))
            ERR(n, "cannot negate %s", type_str(t));
        return t;
    case T_NOT:
        coerce(&n->a, ty_bool, "operand of 'not'");
        return ty_bool;
    case T_TILDE:
        if (!type_unify(t, ty_int))
            ERR(n, "'~' needs an int, not %s", type_str(t));
        return ty_int;
    }
    INTERNAL(n, "check_unary: unhandled operator %s", tok_name(n->op));
}

/* ----------------------------------------------------------- literals */

static Type *check_array(Node *n, Type *expected)
{
    Type *ex = expected ? type_prune(expected) : NULL;
    Type *elem = ex && ex->kind == TY_ARRAY ? ex->elem : type_var();
    for (int i = 0; i < n->list.len; i++) {
        Type *t = type_prune(check_expr(&n->list.items[i], elem));
        Type *e = type_prune(elem);
        /* [1, 2.5] is a [float] */
        if (e->kind == TY_INT && t->kind == TY_FLOAT && i > 0) {
            for (int k = 0; k < i; k++)
                coerce(&n->list.items[k], ty_float, "array element");
            elem = ty_float;
            continue;
        }
        coerce(&n->list.items[i], elem, "array element");
    }
    return type_array(elem);
}

static Type *check_map(Node *n, Type *expected)
{
    Type *ex = expected ? type_prune(expected) : NULL;
    Type *kt = ex && ex->kind == TY_MAP ? ex->key : type_var();
    Type *vt = ex && ex->kind == TY_MAP ? ex->elem : type_var();
    for (int i = 0; i < n->list.len; i++) {
        check_expr(&n->list.items[i], kt);
        coerce(&n->list.items[i], kt, "map key");
        check_expr(&n->list2.items[i], vt);
        coerce(&n->list2.items[i], vt, "map value");
    }
    Type *k = type_prune(kt);
    if (k->kind != TY_VAR && k->kind != TY_INT && k->kind != TY_STR && k->kind != TY_ERROR)
        ERR(n, "map keys must be string or int, not %s", type_str(k));
    return type_map(kt, vt);
}

static Type *check_struct_lit(Node *n)
{
    Sym *s = NULL;
    const char *name = n->name;
    s = scope_lookup(name, NULL);
    if (!s || s->kind != SYM_TYPE || s->tgen->node->kind != N_STRUCT) {
        ERR(n, "unknown struct '%s'", name);
        for (int i = 0; i < n->list.len; i++)
            check_expr(&n->list.items[i]->a, NULL);
        return ty_error;
    }
    Node *decl = s->tgen->node;
    int ntp = decl->list2.len;
    TypeDecl *td;
    if (ntp == 0) {
        td = instantiate_type(s->tgen, NULL, 0, n);
    } else if (n->list2.len) {
        Type *args[16];
        for (int i = 0; i < ntp && i < 16; i++)
            args[i] = i < n->list2.len ? resolve_type_expr(n->list2.items[i]) : ty_error;
        td = instantiate_type(s->tgen, args, ntp, n);
    } else {
        /* infer type arguments from the field values */
        Type *args[16];
        Scope *sc = scope_push(SCOPE_BLOCK);
        for (int i = 0; i < ntp && i < 16; i++) {
            args[i] = type_var();
            Sym *tp = arena_alloc(sizeof *tp);
            tp->kind = SYM_TYPEPARAM;
            tp->name = decl->list2.items[i]->name;
            tp->type = args[i];
            vec_push(&sc->syms, tp);
        }
        for (int i = 0; i < n->list.len; i++) {
            Node *f = n->list.items[i];
            Node *fd = NULL;
            for (int k = 0; k < decl->list.len; k++)
                if (!strcmp(decl->list.items[k]->name, f->name))
                    fd = decl->list.items[k];
            Type *ft = fd ? resolve_type_expr(fd->c) : NULL;
            scope_pop();
            Type *vt = check_expr(&f->a, ft);
            if (ft && !type_unify(ft, vt) && !(type_prune(ft)->kind == TY_FLOAT && type_prune(vt)->kind == TY_INT))
                ERR(f->a, "field '%s' is %s, got %s", f->name, type_str(ft), type_str(vt));
            ck.scope = sc;
        }
        scope_pop();
        for (int i = 0; i < ntp && i < 16; i++)
            args[i] = type_prune(args[i]);
        td = instantiate_type(s->tgen, args, ntp, n);
        n->aux = td;
        Type *t = type_new(TY_STRUCT);
        t->decl = td;
        /* coerce values to the instantiated field types */
        char *given = arena_alloc((size_t)td->fields.len + 1);
        for (int i = 0; i < n->list.len; i++) {
            Node *f = n->list.items[i];
            int found = 0;
            for (int k = 0; k < td->fields.len; k++)
                if (!strcmp(td->fields.items[k].name, f->name)) {
                    f->ival = k;
                    found = 1;
                    if (given[k])
                        ERR(f, "field '%s' given twice", f->name);
                    given[k] = 1;
                    coerce(&f->a, td->fields.items[k].type, "field value");
                }
            if (!found)
                ERR(f, "struct %s has no field '%s'", decl->name, f->name);
        }
        for (int k = 0; k < td->fields.len; k++)
            if (!given[k])
                ERR(n, "missing field '%s' in %s literal", td->fields.items[k].name, decl->name);
        return t;
    }
    n->aux = td;
    char *seen = arena_alloc((size_t)td->fields.len + 1);
    for (int i = 0; i < n->list.len; i++) {
        Node *f = n->list.items[i];
        int idx = -1;
        for (int k = 0; k < td->fields.len; k++)
            if (!strcmp(td->fields.items[k].name, f->name))
                idx = k;
        if (idx < 0) {
            ERR(f, "struct %s has no field '%s'", td->name, f->name);
            check_expr(&f->a, NULL);
            continue;
        }
        if (seen[idx])
            ERR(f, "field '%s' given twice", f->name);
        seen[idx] = 1;
        f->ival = idx;
        check_expr(&f->a, td->fields.items[idx].type);
        coerce(&f->a, td->fields.items[idx].type, arena_printf("field '%s'", f->name));
    }
    for (int k = 0; k < td->fields.len; k++)
        if (!seen[k])
            ERR(n, "missing field '%s' in %s literal", td->fields.items[k].name, td->name);
    Type *t = type_new(TY_STRUCT);
    t->decl = td;
    return t;
}

/* --------------------------------------------------------------- blocks */

/* The value of a block used as an expression: its last expression
 * statement (statements before it are checked normally). */
Type *block_value_type(Node *block, Type *expected)
{
    if (block->kind != N_BLOCK)
        return check_expr(&block, expected);
    scope_push(SCOPE_BLOCK);
    Type *t = ty_void;
    for (int i = 0; i < block->list.len; i++) {
        Node *s = block->list.items[i];
        if (i == block->list.len - 1 && s->kind == N_EXPR_STMT) {
            t = check_expr(&s->a, expected);
            s->type = t;
        } else {
            check_stmt(s);
        }
    }
    scope_pop();
    block->type = t;
    return t;
}

static Node **block_result_slot(Node *block)
{
    if (block->kind == N_BLOCK && block->list.len &&
        block->list.items[block->list.len - 1]->kind == N_EXPR_STMT)
        return &block->list.items[block->list.len - 1]->a;
    return NULL;
}

/* Unifies the value types of two branches; numeric branches promote. */
static Type *join_branches(Node *n, Node *bthen, Node *belse, Type *t1, Type *t2)
{
    Type *a = type_prune(t1), *b = type_prune(t2);
    if (a->kind == TY_INT && b->kind == TY_FLOAT) {
        Node **s = bthen->kind == N_BLOCK ? block_result_slot(bthen) : NULL;
        if (s) coerce(s, ty_float, "branch value");
        return ty_float;
    }
    if (a->kind == TY_FLOAT && b->kind == TY_INT) {
        Node **s = belse->kind == N_BLOCK ? block_result_slot(belse) : NULL;
        if (s) coerce(s, ty_float, "branch value");
        return ty_float;
    }
    if (a->kind == TY_OPT && b->kind != TY_OPT) {
        Node **s = belse->kind == N_BLOCK ? block_result_slot(belse) : NULL;
        if (s) { coerce(s, a, "branch value"); return a; }
    }
    if (!type_unify(a, b)) {
        ERR(n, "branches have different types: %s and %s", type_str(a), type_str(b));
        return ty_error;
    }
    return a;
}

static Type *check_if_expr(Node *n, Type *expected)
{
    check_expr(&n->a, ty_bool);
    coerce(&n->a, ty_bool, "condition");
    Type *t1 = block_value_type(n->b, expected);
    Type *t2;
    if (n->c && n->c->kind == N_IF_EXPR) {
        t2 = check_expr(&n->c, expected);
    } else if (n->c) {
        t2 = block_value_type(n->c, expected);
    } else {
        t2 = ty_void;
    }
    if (type_prune(t1)->kind == TY_VOID || type_prune(t2)->kind == TY_VOID) {
        return ty_void;
    }
    return join_branches(n, n->b, n->c, t1, t2);
}

/* ---------------------------------------------------------------- match */

static Variant *find_variant(TypeDecl *td, const char *name, int *index)
{
    for (int i = 0; i < td->variants.len; i++)
        if (!strcmp(td->variants.items[i].name, name)) {
            if (index)
                *index = i;
            return &td->variants.items[i];
        }
    return NULL;
}

static void bind_pattern_var(Node *pat, Type *t)
{
    if (!strcmp(pat->name, "_"))
        return;
    pat->sym = declare_var(pat->name, t, pat, ck.scope);
    pat->type = t;
}

void check_pattern(Node *pat, Type *subject)
{
    Type *st = type_prune(subject);
    pat->type = st;
    switch (pat->kind) {
    case N_PAT_WILD:
        return;
    case N_PAT_BIND:
        /* a bare name that is a variant of the subject's enum */
        if (st->kind == TY_ENUM) {
            int idx;
            Variant *v = find_variant(st->decl, pat->name, &idx);
            if (v) {
                pat->kind = N_PAT_VARIANT;
                pat->ival = idx;
                if (v->npayload)
                    ERR(pat, "variant %s has %d value%s: write %s(...)", pat->name, v->npayload,
                        v->npayload == 1 ? "" : "s", pat->name);
                return;
            }
        }
        bind_pattern_var(pat, st);
        return;
    case N_PAT_LIT: {
        Type *lt = check_expr(&pat->a, st);
        if (!type_unify(lt, st) && !(type_is_numeric(lt) && type_is_numeric(st)))
            ERR(pat, "pattern of type %s cannot match %s", type_str(lt), type_str(st));
        return;
    }
    case N_PAT_RANGE: {
        Type *lt = check_expr(&pat->a, st);
        Type *ht = check_expr(&pat->b, st);
        if (!type_is_numeric(lt) || !type_is_numeric(ht) || !type_is_numeric(st))
            ERR(pat, "range patterns need numbers");
        return;
    }
    case N_PAT_OR:
        for (int i = 0; i < pat->list.len; i++) {
            check_pattern(pat->list.items[i], st);
            if (pat->list.items[i]->kind == N_PAT_BIND)
                ERR(pat->list.items[i], "or-patterns cannot bind names");
        }
        return;
    case N_PAT_NONE:
        if (st->kind != TY_OPT && st->kind != TY_ERROR)
            ERR(pat, "none matches options, not %s", type_str(st));
        return;
    case N_PAT_VARIANT: {
        const char *vn = pat->name;
        if (st->kind == TY_OPT && !strcmp(vn, "Some") && !pat->sval) {
            pat->ival = 1;
            if (pat->list.len != 1)
                ERR(pat, "Some takes one pattern");
            else
                check_pattern(pat->list.items[0], st->elem);
            return;
        }
        if (st->kind == TY_RESULT && (!strcmp(vn, "Ok") || !strcmp(vn, "Err")) && !pat->sval) {
            pat->ival = !strcmp(vn, "Ok") ? 1 : 0;
            if (pat->list.len != 1)
                ERR(pat, "%s takes one pattern", vn);
            else
                check_pattern(pat->list.items[0], pat->ival ? st->elem : st->key);
            return;
        }
        if (st->kind != TY_ENUM) {
            if (st->kind != TY_ERROR)
                ERR(pat, "pattern %s cannot match %s", vn, type_str(st));
            return;
        }
        if (pat->sval && strcmp(pat->sval, st->decl->base_name) != 0)
            ERR(pat, "%s is not the enum %s", pat->sval, st->decl->name);
        int idx;
        Variant *v = find_variant(st->decl, vn, &idx);
        if (!v) {
            ERR(pat, "enum %s has no variant '%s'", st->decl->name, vn);
            return;
        }
        pat->ival = idx;
        if (pat->list.len != v->npayload) {
            ERR(pat, "variant %s has %d value%s, pattern has %d", vn, v->npayload,
                v->npayload == 1 ? "" : "s", pat->list.len);
            return;
        }
        for (int i = 0; i < v->npayload; i++)
            check_pattern(pat->list.items[i], v->payload[i]);
        return;
    }
    case N_PAT_STRUCT: {
        if (st->kind != TY_STRUCT || strcmp(st->decl->base_name, pat->name) != 0) {
            if (st->kind != TY_ERROR)
                ERR(pat, "pattern %s cannot match %s", pat->name, type_str(st));
            return;
        }
        for (int i = 0; i < pat->list.len; i++) {
            Node *f = pat->list.items[i];
            int idx = -1;
            for (int k = 0; k < st->decl->fields.len; k++)
                if (!strcmp(st->decl->fields.items[k].name, f->name))
                    idx = k;
            if (idx < 0) {
                ERR(f, "struct %s has no field '%s'", st->decl->name, f->name);
                continue;
            }
            f->ival = idx;
            Type *ft = st->decl->fields.items[idx].type;
            if (f->a)
                check_pattern(f->a, ft);
            else
                bind_pattern_var(f, ft);
        }
        return;
    }
    default:
        INTERNAL(pat, "check_pattern: a %s node is not a pattern", node_kind_name(pat->kind));
    }
}

int pattern_is_catch_all(Node *pat)
{
    if (pat->kind == N_PAT_WILD || pat->kind == N_PAT_BIND)
        return 1;
    if (pat->kind == N_PAT_OR) {
        for (int i = 0; i < pat->list.len; i++)
            if (pattern_is_catch_all(pat->list.items[i]))
                return 1;
    }
    if (pat->kind == N_PAT_STRUCT) {
        for (int i = 0; i < pat->list.len; i++)
            if (pat->list.items[i]->a && !pattern_is_catch_all(pat->list.items[i]->a))
                return 0;
        return 1;
    }
    return 0;
}

/* Exhaustiveness: do the patterns (a row each) cover every value of t?
 * Nested patterns are followed (Ok(Some(v)) and Ok(none) cover Ok); for
 * variants with several payloads each column is checked on its own, an
 * approximation that can accept a match that misses a combination (which
 * then fails at run time with "no match arm matched"). */
typedef VEC(Node *) PatList;

static void flatten_or(Node *p, PatList *out)
{
    if (p->kind == N_PAT_OR)
        for (int i = 0; i < p->list.len; i++)
            flatten_or(p->list.items[i], out);
    else
        vec_push(out, p);
}

static int covers(PatList *rows, Type *t);

/* Rows whose pattern is variant `tag` (ival): their column-th sub-pattern. */
static int covers_variant(PatList *rows, int tag, int npayload, Type **payload)
{
    PatList sub[8] = {{0}};
    int any = 0, all_wild = 0;
    for (int i = 0; i < rows->len && !all_wild; i++) {
        Node *p = rows->items[i];
        if (p->kind != N_PAT_VARIANT || p->ival != tag)
            continue;
        any = 1;
        all_wild = 1;
        for (int c = 0; c < p->list.len; c++)
            all_wild &= pattern_is_catch_all(p->list.items[c]);
        for (int c = 0; !all_wild && c < p->list.len && c < 8; c++)
            flatten_or(p->list.items[c], &sub[c]);
    }
    int ok = any;
    for (int c = 0; ok && !all_wild && c < npayload && c < 8; c++)
        ok = covers(&sub[c], payload[c]);
    for (int c = 0; c < 8; c++)
        free(sub[c].items);
    return ok;
}

static int covers(PatList *rows, Type *t)
{
    t = type_prune(t);
    for (int i = 0; i < rows->len; i++)
        if (pattern_is_catch_all(rows->items[i]))
            return 1;
    switch (t->kind) {
    case TY_ENUM:
        for (int v = 0; v < t->decl->variants.len; v++) {
            Variant *var = &t->decl->variants.items[v];
            if (!covers_variant(rows, v, var->npayload, var->payload))
                return 0;
        }
        return 1;
    case TY_OPT: {
        int none = 0;
        for (int i = 0; i < rows->len; i++)
            none |= rows->items[i]->kind == N_PAT_NONE;
        return none && covers_variant(rows, 1, 1, &t->elem);
    }
    case TY_RESULT:
        return covers_variant(rows, 1, 1, &t->elem) && covers_variant(rows, 0, 1, &t->key);
    case TY_BOOL: {
        int seen[2] = {0, 0};
        for (int i = 0; i < rows->len; i++) {
            Node *p = rows->items[i];
            if (p->kind == N_PAT_LIT && p->a->kind == N_BOOL)
                seen[p->a->ival ? 1 : 0] = 1;
        }
        return seen[0] && seen[1];
    }
    default:
        return 0;
    }
}

void check_match_exhaustive(Node *m, Type *subject)
{
    Type *st = type_prune(subject);
    PatList rows = {0};
    for (int i = 0; i < m->list.len; i++) {
        Node *arm = m->list.items[i];
        if (!arm->b) /* guarded arms may not match */
            flatten_or(arm->a, &rows);
    }
    if (covers(&rows, st) || st->kind == TY_ERROR) {
        m->ival = 1;
        free(rows.items);
        return;
    }
    if (st->kind == TY_ENUM) {
        for (int v = 0; v < st->decl->variants.len; v++) {
            Variant *var = &st->decl->variants.items[v];
            if (!covers_variant(&rows, v, var->npayload, var->payload)) {
                ERR(m, "match is not exhaustive: variant %s is not covered (add it or a '_' arm)", var->name);
                free(rows.items);
                return;
            }
        }
    }
    free(rows.items);
    ERR(m, "match is not exhaustive: add a '_' arm");
}

static Type *check_match(Node *m, Type *expected)
{
    Type *st = check_expr(&m->a, NULL);
    Type *result = NULL;
    int is_value = 1;
    for (int i = 0; i < m->list.len; i++) {
        Node *arm = m->list.items[i];
        scope_push(SCOPE_BLOCK);
        check_pattern(arm->a, st);
        if (arm->b) {
            check_expr(&arm->b, ty_bool);
            coerce(&arm->b, ty_bool, "guard");
        }
        Type *t;
        Node *body = arm->c;
        if (body->kind == N_BLOCK) {
            t = block_value_type(body, expected);
        } else if (body->kind == N_RETURN || body->kind == N_BREAK || body->kind == N_CONTINUE ||
                   body->kind == N_ASSIGN || body->kind == N_INCDEC) {
            check_stmt(body);
            t = NULL; /* diverges or is a statement */
            if (body->kind == N_ASSIGN || body->kind == N_INCDEC)
                is_value = 0;
        } else {
            t = check_expr(&arm->c, expected);
        }
        scope_pop();
        arm->type = t;
        if (!t)
            continue;
        if (type_prune(t)->kind == TY_VOID) {
            is_value = 0;
            continue;
        }
        if (!result) {
            result = t;
        } else if (is_value) {
            Type *a = type_prune(result), *b = type_prune(t);
            if (a->kind == TY_INT && b->kind == TY_FLOAT)
                result = ty_float;
            else if (!(a->kind == TY_FLOAT && b->kind == TY_INT) && !type_unify(a, b))
                is_value = 0;
        }
    }
    check_match_exhaustive(m, st);
    if (!is_value || !result)
        return ty_void;
    /* promote int arms when the match is a float */
    for (int i = 0; i < m->list.len; i++) {
        Node *arm = m->list.items[i];
        if (!arm->type)
            continue;
        if (arm->c->kind == N_BLOCK) {
            Node **s = block_result_slot(arm->c);
            if (s) coerce(s, result, "match arm");
        } else if (arm->c->kind != N_RETURN) {
            coerce(&arm->c, result, "match arm");
        }
    }
    return result;
}

/* -------------------------------------------------------------- lambdas */

/* Checks a lambda's body with `outer` as the enclosing scope. */
static void check_lambda_body(FnInfo *f, Scope *outer)
{
    Node *n = f->node;
    FnInfo *saved_fn = ck.fn;
    Module *saved_mod = ck.mod;
    Scope *saved_scope = ck.scope;
    int saved_loop = ck.loop_depth;
    int saved_par = ck.in_parallel;
    ck.fn = f;
    ck.mod = f->module;
    ck.scope = outer;
    ck.loop_depth = 0;
    ck.in_parallel = 0;
    Scope *top = scope_push(SCOPE_FN);
    top->fn = f;
    for (int i = 0; i < f->nparams; i++)
        vec_push(&top->syms, f->param_syms[i]);
    if (n->a->kind == N_BLOCK) {
        /* without an annotation the result comes from the return statements */
        for (int i = 0; i < n->a->list.len; i++)
            check_stmt(n->a->list.items[i]);
        if (type_prune(f->ret)->kind == TY_VAR) {
            /* no return with a value: a void lambda */
            type_unify(f->ret, ty_void);
        }
    } else {
        Type *want = type_prune(f->ret);
        Type *bt = check_expr(&n->a, want->kind == TY_VAR || want->kind == TY_VOID ? NULL : want);
        if (want->kind == TY_VAR)
            type_unify(want, bt);
        else if (want->kind != TY_VOID)
            coerce(&n->a, want, "lambda result");
    }
    ck.fn = saved_fn;
    ck.mod = saved_mod;
    ck.scope = saved_scope;
    ck.loop_depth = saved_loop;
    ck.in_parallel = saved_par;
}

/* The scopes visible at this point, as they are now: names declared
 * later in them stay invisible to a lambda checked later. */
static Scope *scope_snapshot(Scope *s)
{
    if (!s)
        return NULL;
    Scope *c = arena_alloc(sizeof *c);
    *c = *s;
    c->syms.items = NULL;
    c->syms.len = c->syms.cap = 0;
    for (int i = 0; i < s->syms.len; i++)
        vec_push(&c->syms, s->syms.items[i]);
    c->parent = scope_snapshot(s->parent);
    return c;
}

/* Lambdas with untyped parameters and no context (`var add = |a, b| a +
 * b`) are checked once their first call has typed the parameters (SPEC
 * §7): `force` checks the rest, whatever their parameters are by then.
 * Returns how many were checked. */
int check_pending_lambdas(int force)
{
    int done = 0;
    for (int i = 0; i < ck.pending.len; i++) {
        FnInfo *f = ck.pending.items[i].fn;
        int ready = 1;
        for (int k = 0; k < f->nparams && ready; k++)
            ready = type_prune(f->params[k])->kind != TY_VAR;
        if (!ready && !force)
            continue;
        Scope *outer = ck.pending.items[i].scope;
        ck.pending.items[i] = ck.pending.items[--ck.pending.len];
        check_lambda_body(f, outer);
        done++;
        i = -1; /* the body may have finished or added others */
    }
    return done;
}

Type *check_lambda(Node *n, Type *expected)
{
    Type *ex = expected ? type_prune(expected) : NULL;
    if (ex && ex->kind != TY_FN)
        ex = NULL;
    FnInfo *f = arena_alloc(sizeof *f);
    f->is_lambda = 1;
    f->parent = ck.fn;
    f->module = ck.mod;
    f->node = n;
    f->name = "lambda";
    f->cname = unique_cname("lambda_", arena_printf("%d", ++ck.lambda_count));
    int np = n->list.len;
    f->nparams = np;
    f->params = arena_alloc(sizeof(Type *) * (size_t)(np + 1));
    f->param_syms = arena_alloc(sizeof(Sym *) * (size_t)(np + 1));
    if (ex && ex->nitems != np)
        ERR(n, "this function takes %d parameter%s, expected %d", np, np == 1 ? "" : "s", ex->nitems);
    int untyped = 0;
    for (int i = 0; i < np; i++) {
        Node *p = n->list.items[i];
        Type *t;
        if (p->c)
            t = resolve_type_expr(p->c);
        else if (ex && i < ex->nitems)
            t = ex->items[i];
        else
            t = type_var();
        untyped |= type_prune(t)->kind == TY_VAR;
        if (p->c && ex && i < ex->nitems && !type_unify(t, ex->items[i]))
            ERR(p, "parameter '%s' is %s, expected %s", p->name, type_str(t), type_str(ex->items[i]));
        f->params[i] = t;
        Sym *sym = arena_alloc(sizeof *sym);
        sym->kind = SYM_LOCAL;
        sym->name = p->name;
        sym->type = t;
        sym->decl = p;
        sym->owner = f;
        sym->cname = arena_printf("p_%s", p->name);
        f->param_syms[i] = sym;
    }
    Type *ret = n->c ? resolve_type_expr(n->c) : (ex ? ex->ret : NULL);
    f->ret = ret ? ret : type_var();
    f->body = n->a;
    n->aux = f;
    vec_push(&ck.prog->fns, f);
    Type *ft = type_fn(f->params, np, f->ret);
    if (!ex && untyped) {
        PendingLambda pl = { f, scope_snapshot(ck.scope) };
        vec_push(&ck.pending, pl);
        return ft;
    }
    check_lambda_body(f, ck.scope);
    if (ex)
        type_unify(ft, ex);
    return ft;
}

/* ---------------------------------------------------------------- main */

static Type *check_interp(Node *n)
{
    for (int i = 0; i < n->list.len; i++) {
        Type *t = type_prune(check_expr(&n->list.items[i], NULL));
        if (t->kind == TY_VOID)
            ERR(n->list.items[i], "this expression has no value to interpolate");
    }
    return ty_str;
}

static Type *check_comprehension(Node *n)
{
    scope_push(SCOPE_BLOCK);
    Type *et = ty_error;
    Node *it = n->c;
    if (it->kind == N_RANGE) {
        check_expr(&it->a, ty_int);
        coerce(&it->a, ty_int, "range start");
        check_expr(&it->b, ty_int);
        coerce(&it->b, ty_int, "range end");
        et = ty_int;
    } else {
        Type *t = type_prune(check_expr(&n->c, NULL));
        if (t->kind == TY_ARRAY) et = t->elem;
        else if (t->kind == TY_MAP) et = t->key;
        else if (t->kind == TY_STR) et = ty_str;
        else if (t->kind != TY_ERROR) ERR(n->c, "cannot iterate over %s", type_str(t));
    }
    if (n->b->kind == N_TUPLE) {
        Type *e = type_prune(et);
        for (int i = 0; i < n->b->list.len; i++) {
            Type *vt = e->kind == TY_TUPLE && i < e->nitems ? e->items[i] : ty_error;
            if (e->kind != TY_TUPLE && type_prune(n->c->type)->kind == TY_ARRAY)
                vt = i == 0 ? ty_int : e;
            if (type_prune(n->c->type)->kind == TY_MAP)
                vt = i == 0 ? type_prune(n->c->type)->key : type_prune(n->c->type)->elem;
            n->b->list.items[i]->sym = declare_var(n->b->list.items[i]->name, vt, n->b, ck.scope);
        }
    } else {
        n->b->sym = declare_var(n->b->name, et, n->b, ck.scope);
    }
    if (n->d) {
        check_expr(&n->d, ty_bool);
        coerce(&n->d, ty_bool, "filter");
    }
    Type *t = check_expr(&n->a, NULL);
    scope_pop();
    return type_array(t);
}

/* A variant used as a value without a payload (`Dot`, `Color.Red`):
 * records it on n and returns the enum type, or NULL if td has no such
 * variant. */
Type *variant_value(Node *n, TypeDecl *td, const char *name)
{
    for (int v = 0; v < td->variants.len; v++) {
        if (strcmp(td->variants.items[v].name, name))
            continue;
        if (td->variants.items[v].npayload)
            ERR(n, "variant %s needs %d value(s)", name, td->variants.items[v].npayload);
        n->op = MEM_VARIANT;
        n->aux = td;
        n->ival = v;
        Type *t = type_new(TY_ENUM);
        t->decl = td;
        return t;
    }
    return NULL;
}

/* Values spelled as in other languages (nil, null, True...): the Wyn
 * word, or NULL.  Only used when no such name is declared. */
static const char *foreign_value_word(const char *name)
{
    static const char *const words[][2] = {
        {"nil", "none"}, {"null", "none"}, {"NULL", "none"}, {"Nil", "none"}, {"undefined", "none"},
        {"True", "true"}, {"TRUE", "true"}, {"False", "false"}, {"FALSE", "false"},
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!strcmp(name, words[i][0]))
            return words[i][1];
    return NULL;
}

static Type *check_ident(Node *n, Type *expected)
{
    Sym *s = scope_lookup(n->name, n);
    if (!s) {
        /* bare enum variant without payload, e.g. `Dot` */
        TypeDecl *td = find_bare_variant(n->name, expected, n);
        Type *vt = td ? variant_value(n, td, n->name) : NULL;
        if (vt)
            return vt;
        const char *wyn = foreign_value_word(n->name);
        if (!strcmp(n->name, "_"))
            ERR(n, "'_' can only be assigned to");
        else if (wyn)
            ERR(n, "unknown name '%s': Wyn writes it as '%s'", n->name, wyn);
        else
            ERR(n, "unknown name '%s'%s", n->name, suggest_name(n->name));
        return ty_error;
    }
    n->sym = s;
    switch (s->kind) {
    case SYM_LOCAL: case SYM_GLOBAL:
        return s->type;
    case SYM_FN: {
        if (s->fn->node->list2.len) {
            ERR(n, "generic function '%s' cannot be used as a value", n->name);
            return ty_error;
        }
        FnInfo *f = instantiate_fn(s->fn, NULL, 0, NULL);
        f->used_as_value = 1;
        n->op = MEM_FNVALUE;
        n->aux = f;
        return type_fn(f->params, f->nparams, f->ret);
    }
    case SYM_TYPE:
        ERR(n, "'%s' is a type, not a value", n->name);
        return ty_error;
    case SYM_MODULE:
        ERR(n, "'%s' is a module, not a value", n->name);
        return ty_error;
    default:
        ERR(n, "'%s' is not a value", n->name);
        return ty_error;
    }
    (void)expected;
}

/* `HashMap.new()`, from older Wyn programs, is the empty map `{}`. */
static int is_old_map_constructor(Node *call)
{
    Node *c = call->a;
    return c->kind == N_MEMBER && c->a->kind == N_IDENT && !strcmp(c->a->name, "HashMap") &&
           !strcmp(c->name, "new") && call->list.len == 0 && !scope_lookup("HashMap", NULL);
}

Type *check_expr(Node **slot, Type *expected)
{
    Node *n = *slot;
    Type *t = ty_error;
    switch (n->kind) {
    case N_INT:
        if (n->flags & NF_NEEDS_MINUS)
            ERR(n, "integer literal out of range for int");
        t = ty_int;
        break;
    case N_FLOAT: t = ty_float; break;
    case N_BOOL: t = ty_bool; break;
    case N_STR: t = ty_str; break;
    case N_INTERP: t = check_interp(n); break;
    case N_FORMAT: t = check_format_spec(n); break;
    case N_NONE: {
        Type *ex = expected ? type_prune(expected) : NULL;
        t = ex && ex->kind == TY_OPT ? ex : type_opt(type_var());
        break;
    }
    case N_SOME: {
        Type *ex = expected ? type_prune(expected) : NULL;
        Type *inner = check_expr(&n->a, ex && ex->kind == TY_OPT ? ex->elem : NULL);
        if (type_prune(inner)->kind == TY_VOID) {
            ERR(n->a, "this expression has no value");
            inner = ty_error;
        }
        if (ex && ex->kind == TY_OPT) {
            coerce(&n->a, ex->elem, "Some value");
            t = ex;
        } else {
            t = type_opt(inner);
        }
        break;
    }
    case N_IDENT: t = check_ident(n, expected); break;
    case N_UNARY: t = check_unary(n); break;
    case N_BINARY: t = check_binary(n, expected); break;
    case N_TERNARY: {
        check_expr(&n->a, ty_bool);
        coerce(&n->a, ty_bool, "condition");
        Type *a = check_expr(&n->b, expected);
        Type *b = check_expr(&n->c, expected);
        Type *pa = type_prune(a), *pb = type_prune(b);
        if (pa->kind == TY_INT && pb->kind == TY_FLOAT) {
            coerce(&n->b, ty_float, "branch");
            t = ty_float;
        } else if (pa->kind == TY_FLOAT && pb->kind == TY_INT) {
            coerce(&n->c, ty_float, "branch");
            t = ty_float;
        } else {
            if (!type_unify(a, b))
                ERR(n, "branches have different types: %s and %s", type_str(a), type_str(b));
            t = a;
        }
        break;
    }
    case N_CALL:
        if (is_old_map_constructor(n)) {
            *slot = node_new(N_MAP, n->file, n->line, n->col);
            return check_expr(slot, expected);
        }
        t = check_call(n, expected);
        if (ck.pending.len)
            check_pending_lambdas(0); /* this call may have typed one */
        break;
    case N_MEMBER: t = check_member(n, expected); break;
    case N_INDEX: {
        Type *ct = type_prune(check_expr(&n->a, NULL));
        if (ct->kind == TY_MAP) {
            check_expr(&n->b, ct->key);
            coerce(&n->b, ct->key, "map key");
            Type *kt = type_prune(ct->key);
            if (kt->kind != TY_INT && kt->kind != TY_STR && kt->kind != TY_VAR && kt->kind != TY_ERROR) {
                ERR(n->b, "map keys must be string or int, not %s", type_str(kt));
                ct->key = ty_error;
            }
            t = ct->elem;
        } else if (ct->kind == TY_ARRAY || ct->kind == TY_STR) {
            check_expr(&n->b, ty_int);
            coerce(&n->b, ty_int, "index");
            t = ct->kind == TY_STR ? ty_str : ct->elem;
        } else if (ct->kind == TY_TUPLE && n->b->kind == N_INT) {
            int i = (int)n->b->ival;
            if (i < 0 || i >= ct->nitems) {
                ERR(n->b, "tuple index %d out of range", i);
            } else {
                t = ct->items[i];
            }
        } else {
            check_expr(&n->b, NULL);
            if (ct->kind != TY_ERROR)
                ERR(n, "cannot index %s", type_str(ct));
        }
        break;
    }
    case N_SLICE: {
        Type *ct = type_prune(check_expr(&n->a, NULL));
        if (n->b) { check_expr(&n->b, ty_int); coerce(&n->b, ty_int, "slice start"); }
        if (n->c) { check_expr(&n->c, ty_int); coerce(&n->c, ty_int, "slice end"); }
        if (ct->kind != TY_ARRAY && ct->kind != TY_STR && ct->kind != TY_ERROR)
            ERR(n, "cannot slice %s", type_str(ct));
        t = ct;
        break;
    }
    case N_TRY: {
        Type *it = type_prune(check_expr(&n->a, NULL));
        Type *rt = type_prune(ck.fn->ret);
        if (it->kind == TY_RESULT) {
            if (rt->kind != TY_RESULT)
                ERR(n, "'?' on a Result needs the function to return a Result");
            else if (!type_unify(rt->key, it->key))
                ERR(n, "error type %s does not match the function's %s", type_str(it->key), type_str(rt->key));
            t = it->elem;
        } else if (it->kind == TY_OPT) {
            if (rt->kind != TY_OPT)
                ERR(n, "'?' on an option needs the function to return an option");
            t = it->elem;
        } else if (it->kind != TY_ERROR) {
            ERR(n, "'?' needs a Result or an option, not %s", type_str(it));
        }
        break;
    }
    case N_ARRAY: t = check_array(n, expected); break;
    case N_MAP: t = check_map(n, expected); break;
    case N_TUPLE: {
        Type *items[32];
        Type *ex = expected ? type_prune(expected) : NULL;
        int cnt = n->list.len < 32 ? n->list.len : 32;
        for (int i = 0; i < cnt; i++) {
            Type *want = ex && ex->kind == TY_TUPLE && i < ex->nitems ? ex->items[i] : NULL;
            items[i] = check_expr(&n->list.items[i], want);
            if (type_prune(items[i])->kind == TY_VOID) {
                ERR(n->list.items[i], "this expression has no value");
                items[i] = ty_error;
            }
            if (want) {
                coerce(&n->list.items[i], want, "tuple element");
                items[i] = want;
            }
        }
        t = type_tuple(items, cnt);
        break;
    }
    case N_STRUCT_LIT: t = check_struct_lit(n); break;
    case N_LAMBDA: t = check_lambda(n, expected); break;
    case N_IF_EXPR: t = check_if_expr(n, expected); break;
    case N_MATCH: t = check_match(n, expected); break;
    case N_SPAWN: {
        Node *call = n->a;
        if (call->kind != N_CALL) {
            t = ty_error;
            break;
        }
        Type *rt = check_expr(&n->a, NULL);
        call = n->a;
        if (call->op != CALL_FN && call->op != CALL_METHOD && call->op != CALL_VALUE)
            ERR(n, "spawn needs a call of a function, method or closure");
        t = type_future(rt);
        break;
    }
    case N_AWAIT: {
        Type *ft = type_prune(check_expr(&n->a, NULL));
        if (ft->kind == TY_FUTURE)
            t = ft->elem;
        else if (ft->kind == TY_VAR) {
            Type *e = type_var();
            type_unify(ft, type_future(e));
            t = e;
        } else {
            if (ft->kind != TY_ERROR)
                ERR(n, "await needs a future (from spawn), not %s", type_str(ft));
            t = ty_error;
        }
        break;
    }
    case N_COMPREHENSION: t = check_comprehension(n); break;
    case N_RANGE: {
        check_expr(&n->a, ty_int);
        coerce(&n->a, ty_int, "range start");
        check_expr(&n->b, ty_int);
        coerce(&n->b, ty_int, "range end");
        t = type_array(ty_int);
        break;
    }
    case N_CONVERT:
        return n->type;
    default:
        INTERNAL(n, "check_expr: unhandled expression kind '%s'", node_kind_name(n->kind));
    }
    n = *slot;
    n->type = t;
    return t;
}
