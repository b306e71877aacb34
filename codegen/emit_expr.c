/*
 * emit_expr.c — C for Wyn expressions.  Expressions that need temporaries
 * or control flow become GNU statement expressions ({ ... }), which both
 * tcc and gcc accept.
 */
#include "emit_int.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static void emit_call(Buf *b, Node *n);

/* Evaluation order.  C leaves the order of operands and arguments
 * unspecified (gcc often goes right to left); Wyn evaluates left to
 * right.  When two or more operands can have effects, they are computed
 * into temporaries first, in order. */
static int is_simple(Node *n)
{
    switch (n->kind) {
    case N_INT: case N_FLOAT: case N_BOOL: case N_STR: case N_NONE: case N_IDENT: case N_LAMBDA:
        return 1;
    case N_MEMBER:
        return (n->op == MEM_FIELD || n->op == MEM_TUPLE) && !(n->flags & NF_OPTCHAIN) ? is_simple(n->a) : n->op != 0;
    case N_CONVERT: case N_UNARY:
        return is_simple(n->a);
    case N_BINARY:
        return n->op != T_SLASH && n->op != T_PERCENT && is_simple(n->a) && is_simple(n->b) &&
               type_prune(n->a->type)->kind != TY_STR;
    default:
        return 0;
    }
}

Node *temp_ident(Node *orig, const char *cname)
{
    Sym *s = arena_alloc(sizeof *s);
    s->kind = SYM_LOCAL;
    s->name = cname;
    s->cname = cname;
    s->type = orig->type;
    Node *id = node_new(N_IDENT, orig->file, orig->line, orig->col);
    id->name = cname;
    id->sym = s;
    id->type = orig->type;
    return id;
}

/* If 2+ of the n operands are not simple, emits "({ T _oK_i = op_i; ..."
 * replacing them with temporaries, and returns 1 (caller closes "; })"). */
static int sequence_operands(Buf *b, Node **ops[], int n)
{
    if (em.for_tcc)
        return 0;
    int complex = 0;
    for (int i = 0; i < n; i++)
        if (!is_simple(*ops[i]))
            complex++;
    if (complex < 2)
        return 0;
    int k = new_tmp();
    buf_puts(b, "({ ");
    for (int i = 0; i < n; i++) {
        Node *op = *ops[i];
        if (is_simple(op) || type_is_void(op->type))
            continue;
        const char *name = arena_printf("_o%d_%d", k, i);
        buf_printf(b, "%s %s = ", ctype(op->type), name);
        emit_expr(b, op);
        buf_puts(b, "; ");
        *ops[i] = temp_ident(op, name);
    }
    return 1;
}

void emit_str_literal(Buf *b, const char *s, int len)
{
    static VEC(const char *) lits;
    static VEC(int) lens;
    int id = -1;
    for (int i = 0; i < lits.len; i++)
        if (lens.items[i] == len && memcmp(lits.items[i], s, (size_t)len) == 0)
            id = i;
    if (id < 0) {
        id = lits.len;
        vec_push(&lits, s);
        vec_push(&lens, len);
        buf_printf(&em.globals, "static WYN_STR_LIT_TYPE(%d) wyn_lit%d = { -1, %d, \"", len + 1, id, len);
        for (int i = 0; i < len; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '"' || c == '\\')
                buf_printf(&em.globals, "\\%c", c);
            else if (c >= 32 && c < 127 && c != '?')
                buf_put(&em.globals, (const char *)&c, 1);
            else
                buf_printf(&em.globals, "\\%03o", c);
        }
        buf_puts(&em.globals, "\" };\n");
    }
    buf_printf(b, "((WynStr *)&wyn_lit%d)", id);
}

/* Is n an lvalue whose evaluation has no side effects (safe to repeat)? */
int is_pure_lvalue(Node *n)
{
    if (n->kind == N_IDENT)
        return n->sym && (n->sym->kind == SYM_LOCAL || n->sym->kind == SYM_GLOBAL);
    if (n->kind == N_MEMBER && (n->op == MEM_FIELD || n->op == MEM_TUPLE) && !(n->flags & NF_OPTCHAIN))
        return is_pure_lvalue(n->a);
    return 0;
}

/* Is s a copy in the running lambda's environment?  (Captured cells go
 * by their own name, see emit_cells.c; globals are read in place.) */
static int is_captured(Sym *s)
{
    if (s->in_cell || s->kind != SYM_LOCAL || !em.fn || !em.fn->is_lambda)
        return 0;
    for (int i = 0; i < em.fn->captures.len; i++)
        if (em.fn->captures.items[i] == s)
            return 1;
    return 0;
}

static void emit_ident(Buf *b, Node *n)
{
    if (n->op == MEM_VARIANT && !n->sym) {
        buf_printf(b, "((%s){ .tag = %d })", ctype(n->type), (int)n->ival);
        return;
    }
    if (n->op == MEM_FNVALUE) {
        buf_printf(b, "((WynFn){ (void *)%s, 0 })", fn_value_wrapper(n->aux));
        return;
    }
    Sym *s = n->sym;
    if (!s) {
        buf_puts(b, "0");
        return;
    }
    if (em.fn && em.fn->is_lambda && em.fn->self_sym == s) {
        /* a nested named function's own name: the running closure */
        buf_printf(b, "((WynFn){ (void *)%s, _envp })", em.fn->cname);
        return;
    }
    if (is_captured(s)) {
        buf_printf(b, "(_env->%s)", s->cname);
        return;
    }
    if (!strcmp(s->name, "self") && s->kind == SYM_LOCAL && s->owner && s->owner->is_method &&
        s->owner->param_syms[0] == s) {
        buf_puts(b, "(*v_self)");
        return;
    }
    buf_puts(b, s->cname);
}

static void emit_int_literal(Buf *b, long long v)
{
    if (v == (-9223372036854775807LL - 1))
        buf_puts(b, "(-9223372036854775807LL - 1)");
    else if (v < 0)
        buf_printf(b, "(%lldLL)", v);
    else
        buf_printf(b, "%lldLL", v);
}

static void emit_float_literal(Buf *b, double v)
{
    if (isinf(v))
        buf_puts(b, v > 0 ? "(1.0/0.0)" : "(-1.0/0.0)");
    else if (isnan(v))
        buf_puts(b, "(0.0/0.0)");
    else {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.17g", v);
        if (!strpbrk(tmp, ".eEn"))
            strcat(tmp, ".0");
        buf_printf(b, "(%s)", tmp);
    }
}

static int loc(Node *n) { return loc_of(n); }

static void emit_binary_ordered(Buf *b, Node *n);

static void emit_binary(Buf *b, Node *n)
{
    if (n->op == T_AND || n->op == T_OR) {
        emit_binary_ordered(b, n);
        return;
    }
    Node copy = *n;
    Node **ops[2] = { &copy.a, &copy.b };
    int seq = sequence_operands(b, ops, 2);
    emit_binary_ordered(b, &copy);
    if (seq)
        buf_puts(b, "; })");
}

static void emit_binary_ordered(Buf *b, Node *n)
{
    Type *lt = type_prune(n->a->type);
    int op = n->op;
    if (op == T_AND || op == T_OR) {
        buf_puts(b, "(");
        emit_expr(b, n->a);
        buf_puts(b, op == T_AND ? " && " : " || ");
        emit_expr(b, n->b);
        buf_puts(b, ")");
        return;
    }
    if (op == T_IN || op == T_NOT) {
        Type *rt = type_prune(n->b->type);
        buf_puts(b, op == T_NOT ? "(!" : "(");
        if (rt->kind == TY_STR) {
            buf_puts(b, "rt_str_contains(");
            emit_expr(b, n->b);
            buf_puts(b, ", ");
            emit_expr(b, n->a);
            buf_puts(b, ")");
        } else if (rt->kind == TY_MAP) {
            buf_printf(b, "(rt_map_find_%s(", type_prune(rt->key)->kind == TY_STR ? "s" : "i");
            emit_expr(b, n->b);
            buf_puts(b, ", ");
            emit_expr(b, n->a);
            buf_puts(b, ") != 0)");
        } else {
            int t = new_tmp();
            buf_printf(b, "({ %s _e%d = ", ctype(rt->elem), t);
            emit_expr(b, n->a);
            buf_puts(b, "; rt_arr_index_of(");
            emit_expr(b, n->b);
            buf_printf(b, ", &_e%d, %s) >= 0; })", t, eqp_fn(rt->elem));
        }
        buf_puts(b, ")");
        return;
    }
    Type *pt = type_prune(n->a->type), *qt = type_prune(n->b->type);
    if (op == T_EQ || op == T_NE) {
        const char *neg = op == T_NE ? "!" : "";
        if (pt->kind == TY_OPT && n->b->kind == N_NONE) {
            buf_printf(b, "(%s!(", op == T_NE ? "!" : "");
            emit_expr(b, n->a);
            buf_puts(b, ").some)");
            return;
        }
        if (pt->kind == TY_INT || pt->kind == TY_FLOAT || pt->kind == TY_BOOL || pt->kind == TY_PTR ||
            pt->kind == TY_FUTURE || pt->kind == TY_CHAN) {
            buf_puts(b, "(");
            emit_expr(b, n->a);
            buf_puts(b, op == T_EQ ? " == " : " != ");
            if (pt->kind == TY_PTR && qt->kind == TY_INT)
                buf_puts(b, "(void *)");
            emit_expr(b, n->b);
            buf_puts(b, ")");
            return;
        }
        buf_printf(b, "(%s%s(", neg, eq_fn(pt));
        if (pt->kind == TY_STR) emit_expr(b, n->a); else emit_expr(b, n->a);
        buf_puts(b, ", ");
        if (pt->kind == TY_STR) emit_expr(b, n->b); else emit_expr(b, n->b);
        buf_puts(b, "))");
        return;
    }
    if ((op == T_LT || op == T_LE || op == T_GT || op == T_GE) && pt->kind == TY_STR) {
        buf_puts(b, "(rt_str_cmp(");
        emit_expr(b, n->a);
        buf_puts(b, ", ");
        emit_expr(b, n->b);
        buf_printf(b, ") %s 0)", op == T_LT ? "<" : op == T_LE ? "<=" : op == T_GT ? ">" : ">=");
        return;
    }
    if (op == T_PLUS && pt->kind == TY_STR) {
        buf_puts(b, "rt_str_concat(");
        emit_expr(b, n->a);
        buf_puts(b, ", ");
        emit_expr(b, n->b);
        buf_puts(b, ")");
        return;
    }
    if (op == T_PLUS && pt->kind == TY_ARRAY) {
        buf_puts(b, "rt_arr_concat(");
        emit_expr(b, n->a);
        buf_puts(b, ", ");
        emit_expr(b, n->b);
        buf_puts(b, ")");
        return;
    }
    if (op == T_STAR && pt->kind == TY_STR) {
        buf_puts(b, "rt_str_repeat(");
        emit_expr(b, n->a);
        buf_puts(b, ", ");
        emit_expr(b, n->b);
        buf_puts(b, ")");
        return;
    }
    if ((op == T_SLASH || op == T_PERCENT) && lt->kind == TY_INT) {
        if (n->b->kind == N_INT && n->b->ival != 0 && n->b->ival != -1) {
            buf_puts(b, "(");
            emit_expr(b, n->a);
            buf_printf(b, " %c ", op == T_SLASH ? '/' : '%');
            emit_expr(b, n->b);
            buf_puts(b, ")");
            return;
        }
        int t = new_tmp();
        buf_printf(b, "({ wyn_int _x%d = ", t);
        emit_expr(b, n->a);
        buf_printf(b, ", _y%d = ", t);
        emit_expr(b, n->b);
        buf_printf(b, "; if (_y%d == 0) rt_div_zero(%d); ", t, loc(n));
        if (op == T_SLASH)
            buf_printf(b, "_y%d == -1 ? (wyn_int)(0ULL - (wyn_uint)_x%d) : _x%d / _y%d; })", t, t, t, t);
        else
            buf_printf(b, "_y%d == -1 ? 0 : _x%d %% _y%d; })", t, t, t);
        return;
    }
    if (op == T_PERCENT && lt->kind == TY_FLOAT) {
        buf_puts(b, "fmod(");
        emit_expr(b, n->a);
        buf_puts(b, ", ");
        emit_expr(b, n->b);
        buf_puts(b, ")");
        return;
    }
    const char *cop;
    switch (op) {
    case T_PLUS: cop = "+"; break;
    case T_MINUS: cop = "-"; break;
    case T_STAR: cop = "*"; break;
    case T_SLASH: cop = "/"; break;
    case T_LT: cop = "<"; break;
    case T_LE: cop = "<="; break;
    case T_GT: cop = ">"; break;
    case T_GE: cop = ">="; break;
    case T_AMP: cop = "&"; break;
    case T_PIPE: cop = "|"; break;
    case T_CARET: cop = "^"; break;
    case T_SHL: cop = "<<"; break;
    case T_SHR: cop = ">>"; break;
    default: cop = "?";
    }
    buf_puts(b, "(");
    emit_expr(b, n->a);
    buf_printf(b, " %s ", cop);
    emit_expr(b, n->b);
    buf_puts(b, ")");
}

/* Emits an addressable element access for arrays: ((T *)a->data)[i]. */
static void emit_index(Buf *b, Node *n, int for_write)
{
    Type *ct = type_prune(n->a->type);
    if (ct->kind == TY_STR) {
        buf_puts(b, "rt_str_at(");
        emit_expr(b, n->a);
        buf_puts(b, ", ");
        emit_expr(b, n->b);
        buf_printf(b, ", %d)", loc(n));
        return;
    }
    if (ct->kind == TY_MAP) {
        const char *k = type_prune(ct->key)->kind == TY_STR ? "s" : "i";
        buf_printf(b, "(*(%s *)rt_map_%s_%s(", ctype(ct->elem), for_write ? "slot" : "get", k);
        emit_expr(b, n->a);
        buf_puts(b, ", ");
        emit_expr(b, n->b);
        if (!for_write)
            buf_printf(b, ", %d", loc(n));
        buf_puts(b, "))");
        return;
    }
    if (ct->kind == TY_TUPLE) {
        buf_puts(b, "(");
        emit_expr(b, n->a);
        buf_printf(b, ").f%d", (int)n->b->ival);
        return;
    }
    const char *et = ctype(ct->elem);
    if (n->a->kind == N_IDENT && is_pure_lvalue(n->a)) {
        Buf arr = {0};
        emit_expr(&arr, n->a);
        buf_printf(b, "(((%s *)%s->data)[wyn_idx(%s->len, ", et, arr.data, arr.data);
        emit_expr(b, n->b);
        buf_printf(b, ", %d)])", loc(n));
        buf_free(&arr);
        return;
    }
    buf_printf(b, "(*(%s *)wyn_at(", et);
    emit_expr(b, n->a);
    buf_puts(b, ", ");
    emit_expr(b, n->b);
    buf_printf(b, ", %d))", loc(n));
}

static void emit_expr_raw(Buf *b, Node *n);

void emit_lvalue(Buf *b, Node *n, int for_write)
{
    if (n->kind == N_INDEX)
        emit_index(b, n, for_write);
    else
        emit_expr_raw(b, n);
}

static void emit_member(Buf *b, Node *n)
{
    switch (n->op) {
    case MEM_FIELD:
        if (n->flags & NF_OPTCHAIN) {
            Type *ot = type_prune(n->a->type);
            Type *inner = type_prune(ot->elem);
            Type *ft = type_prune(inner->decl->fields.items[n->ival].type);
            int t = new_tmp();
            buf_printf(b, "({ %s _o%d = ", ctype(ot), t);
            emit_expr(b, n->a);
            buf_printf(b, "; %s _r%d = {0}; if (_o%d.some) { ", ctype(n->type), t, t);
            if (ft->kind == TY_OPT)
                buf_printf(b, "_r%d = _o%d.val.f_%s; ", t, t, n->name);
            else
                buf_printf(b, "_r%d.some = 1; _r%d.val = _o%d.val.f_%s; ", t, t, t, n->name);
            buf_printf(b, "} _r%d; })", t);
            return;
        }
        buf_puts(b, "(");
        emit_expr(b, n->a);
        buf_printf(b, ").f_%s", n->name);
        return;
    case MEM_TUPLE:
        buf_puts(b, "(");
        emit_expr(b, n->a);
        buf_printf(b, ").f%d", (int)n->ival);
        return;
    case MEM_VARIANT:
        buf_printf(b, "((%s){ .tag = %d })", ctype(n->type), (int)n->ival);
        return;
    case MEM_GLOBAL:
        buf_puts(b, n->sym->cname);
        return;
    case MEM_FNVALUE:
        buf_printf(b, "((WynFn){ (void *)%s, 0 })", fn_value_wrapper(n->aux));
        return;
    case MEM_CONST:
        buf_puts(b, !strcmp(n->sval, "Math.PI") ? "3.141592653589793" : "2.718281828459045");
        return;
    }
    buf_puts(b, "0");
}

static void emit_array_lit(Buf *b, Node *n)
{
    Type *t = type_prune(n->type);
    const char *et = ctype(t->elem);
    int k = new_tmp();
    buf_printf(b, "({ WynArr *_a%d = rt_arr_new_ops(sizeof(%s), %d, %s); ", k, et, n->list.len, rc_ops(t->elem));
    for (int i = 0; i < n->list.len; i++) {
        buf_printf(b, "*(%s *)rt_arr_push_slot(_a%d) = ", et, k);
        emit_owned(b, t->elem, n->list.items[i]);
        buf_puts(b, "; ");
    }
    buf_printf(b, "_a%d; })", k);
}

static void emit_map_lit(Buf *b, Node *n)
{
    Type *t = type_prune(n->type);
    int str = type_prune(t->key)->kind == TY_STR;
    const char *vt = ctype(t->elem);
    int k = new_tmp();
    buf_printf(b, "({ WynMap *_m%d = rt_map_new_ops(%d, sizeof(%s), %s); ", k, str, vt, rc_ops(t->elem));
    for (int i = 0; i < n->list.len; i++) {
        Buf slot = {0};
        buf_printf(&slot, "(%s *)rt_map_slot_%s(_m%d, ", vt, str ? "s" : "i", k);
        emit_expr(&slot, n->list.items[i]);
        buf_puts(&slot, ")");
        emit_set(b, t->elem, slot.data, n->list2.items[i]);
        buf_free(&slot);
    }
    buf_printf(b, "_m%d; })", k);
}

static void emit_lambda(Buf *b, Node *n)
{
    FnInfo *f = n->aux;
    if (!lambda_has_env(f)) {
        buf_printf(b, "((WynFn){ (void *)%s, 0 })", f->cname);
        return;
    }
    int k = new_tmp();
    /* the environment is a box that owns the captured values (the box
     * itself starts in the pool, like every new object) */
    buf_printf(b, "({ struct env_%s *_e%d = rt_box_new(sizeof *_e%d, envdrop_%s); ", f->cname, k, k, f->cname);
    emit_env_init(b, f, arena_printf("_e%d", k));
    buf_printf(b, "(WynFn){ (void *)%s, _e%d }; })", f->cname, k);
}

/* The value of a block: statements, then `result = last expression`. */
void emit_expr_block_value(Buf *b, Node *block, const char *result)
{
    if (block->kind != N_BLOCK) {
        if (result && !type_is_void(block->type)) {
            buf_printf(b, "%s = ", result);
            emit_expr(b, block);
            buf_puts(b, "; ");
        } else if (block->kind == N_RETURN || block->kind == N_BREAK || block->kind == N_CONTINUE ||
                   block->kind == N_ASSIGN || block->kind == N_INCDEC) {
            emit_stmt(b, block);
        } else {
            emit_expr(b, block);
            buf_puts(b, "; ");
        }
        return;
    }
    buf_puts(b, "{ ");
    for (int i = 0; i < block->list.len; i++) {
        Node *s = block->list.items[i];
        if (i == block->list.len - 1 && s->kind == N_EXPR_STMT && result && !type_is_void(s->a->type)) {
            buf_printf(b, "%s = ", result);
            emit_expr(b, s->a);
            buf_puts(b, "; ");
        } else {
            emit_stmt(b, s);
        }
    }
    buf_puts(b, "} ");
}

static void emit_if_expr(Buf *b, Node *n)
{
    int k = new_tmp();
    int is_void = type_is_void(n->type);
    const char *r = is_void ? NULL : arena_printf("_r%d", k);
    buf_puts(b, "({ ");
    if (!is_void)
        buf_printf(b, "%s %s; ", ctype(n->type), r);
    for (Node *c = n; c; ) {
        buf_puts(b, "if (");
        emit_expr(b, c->a);
        buf_puts(b, ") ");
        emit_expr_block_value(b, c->b, r);
        if (c->c && c->c->kind == N_IF_EXPR) {
            buf_puts(b, "else ");
            c = c->c;
            continue;
        }
        if (c->c) {
            buf_puts(b, "else ");
            emit_expr_block_value(b, c->c, r);
        }
        break;
    }
    if (!is_void)
        buf_printf(b, "%s; })", r);
    else
        buf_puts(b, "(void)0; })");
}

/* ---------------------------------------------------------------- match */

/* Emits a C condition testing pattern p against the value expression v. */
static void emit_pattern_test(Buf *b, Node *p, const char *v, Type *t)
{
    t = type_prune(t);
    switch (p->kind) {
    case N_PAT_WILD: case N_PAT_BIND:
        buf_puts(b, "1");
        return;
    case N_PAT_LIT:
        if (t->kind == TY_STR) {
            buf_printf(b, "rt_str_eq(%s, ", v);
            emit_expr(b, p->a);
            buf_puts(b, ")");
        } else {
            buf_printf(b, "(%s == ", v);
            emit_expr(b, p->a);
            buf_puts(b, ")");
        }
        return;
    case N_PAT_RANGE:
        buf_printf(b, "(%s >= ", v);
        emit_expr(b, p->a);
        buf_printf(b, " && %s %s ", v, p->ival ? "<=" : "<");
        emit_expr(b, p->b);
        buf_puts(b, ")");
        return;
    case N_PAT_OR:
        buf_puts(b, "(");
        for (int i = 0; i < p->list.len; i++) {
            if (i) buf_puts(b, " || ");
            emit_pattern_test(b, p->list.items[i], v, t);
        }
        buf_puts(b, ")");
        return;
    case N_PAT_NONE:
        buf_printf(b, "!(%s).some", v);
        return;
    case N_PAT_VARIANT:
        if (t->kind == TY_OPT) {
            buf_printf(b, "((%s).some", v);
            if (p->list.len) {
                buf_puts(b, " && ");
                emit_pattern_test(b, p->list.items[0], arena_printf("(%s).val", v), t->elem);
            }
            buf_puts(b, ")");
            return;
        }
        if (t->kind == TY_RESULT) {
            buf_printf(b, "(%s(%s).ok", p->ival ? "" : "!", v);
            if (p->list.len) {
                buf_puts(b, " && ");
                emit_pattern_test(b, p->list.items[0], arena_printf("(%s).%s", v, p->ival ? "val" : "err"),
                                  p->ival ? t->elem : t->key);
            }
            buf_puts(b, ")");
            return;
        }
        if (t->kind == TY_ENUM) {
            Variant *var = &t->decl->variants.items[p->ival];
            buf_printf(b, "((%s).tag == %d", v, (int)p->ival);
            for (int i = 0; i < p->list.len && i < var->npayload; i++) {
                buf_puts(b, " && ");
                emit_pattern_test(b, p->list.items[i],
                                  arena_printf("%s(%s).u.v%d.f%d", var->boxed[i] ? "*" : "", v, (int)p->ival, i),
                                  var->payload[i]);
            }
            buf_puts(b, ")");
            return;
        }
        buf_puts(b, "0");
        return;
    case N_PAT_STRUCT:
        buf_puts(b, "(1");
        for (int i = 0; i < p->list.len; i++) {
            Node *f = p->list.items[i];
            if (f->a) {
                buf_puts(b, " && ");
                emit_pattern_test(b, f->a, arena_printf("(%s).f_%s", v, f->name),
                                  t->decl->fields.items[f->ival].type);
            }
        }
        buf_puts(b, ")");
        return;
    default:
        buf_puts(b, "0");
    }
}

/* Assigns the names a pattern binds. */
static void emit_pattern_binds(Buf *b, Node *p, const char *v, Type *t)
{
    t = type_prune(t);
    switch (p->kind) {
    case N_PAT_BIND:
        if (p->sym)
            emit_set_text(b, p->sym->type, p->sym->cname, v);
        return;
    case N_PAT_VARIANT:
        if (t->kind == TY_OPT && p->list.len) {
            emit_pattern_binds(b, p->list.items[0], arena_printf("(%s).val", v), t->elem);
        } else if (t->kind == TY_RESULT && p->list.len) {
            emit_pattern_binds(b, p->list.items[0], arena_printf("(%s).%s", v, p->ival ? "val" : "err"),
                               p->ival ? t->elem : t->key);
        } else if (t->kind == TY_ENUM) {
            Variant *var = &t->decl->variants.items[p->ival];
            for (int i = 0; i < p->list.len && i < var->npayload; i++)
                emit_pattern_binds(b, p->list.items[i],
                                   arena_printf("%s(%s).u.v%d.f%d", var->boxed[i] ? "*" : "", v, (int)p->ival, i),
                                   var->payload[i]);
        }
        return;
    case N_PAT_STRUCT:
        for (int i = 0; i < p->list.len; i++) {
            Node *f = p->list.items[i];
            const char *fv = arena_printf("(%s).f_%s", v, f->name);
            if (f->a)
                emit_pattern_binds(b, f->a, fv, t->decl->fields.items[f->ival].type);
            else if (f->sym)
                emit_set_text(b, f->sym->type, f->sym->cname, fv);
        }
        return;
    default:
        return;
    }
}

/* match as statement (result NULL) or expression. */
void emit_match(Buf *b, Node *m, const char *result)
{
    int k = new_tmp();
    Type *st = m->a->type;
    const char *sv = arena_printf("_s%d", k);
    buf_printf(b, "{ %s %s = ", ctype(st), sv);
    emit_expr(b, m->a);
    buf_puts(b, "; ");
    for (int i = 0; i < m->list.len; i++) {
        Node *arm = m->list.items[i];
        buf_puts(b, "if (");
        emit_pattern_test(b, arm->a, sv, st);
        buf_printf(b, ") { ");
        emit_pattern_binds(b, arm->a, sv, st);
        if (arm->b) {
            buf_puts(b, "if (");
            emit_expr(b, arm->b);
            buf_puts(b, ") { ");
        }
        emit_expr_block_value(b, arm->c, arm->type && !type_is_void(arm->type) ? result : NULL);
        buf_printf(b, "goto _mend%d; ", k);
        if (arm->b)
            buf_puts(b, "} ");
        buf_puts(b, "} ");
    }
    if (result)
        buf_printf(b, "rt_panic(%d, \"no match arm matched\"); ", loc(m));
    buf_printf(b, "_mend%d: ; } ", k);
}

void emit_if_let(Buf *b, Node *pat, const char *v, Node *s)
{
    buf_puts(b, "if (");
    emit_pattern_test(b, pat, v, s->a->type);
    buf_puts(b, ") { ");
    emit_pattern_binds(b, pat, v, s->a->type);
    emit_block_body(b, s->b);
    buf_puts(b, "} ");
    if (s->c) {
        buf_puts(b, "else { ");
        emit_block_body(b, s->c);
        buf_puts(b, "} ");
    }
}

static void emit_match_expr(Buf *b, Node *m)
{
    if (type_is_void(m->type)) {
        buf_puts(b, "({ ");
        emit_match(b, m, NULL);
        buf_puts(b, "(void)0; })");
        return;
    }
    int k = new_tmp();
    const char *r = arena_printf("_mr%d", k);
    buf_printf(b, "({ %s %s; ", ctype(m->type), r);
    emit_match(b, m, r);
    buf_printf(b, "%s; })", r);
}

/* ---------------------------------------------------------------- spawn */

/* spawn f(args): an argument struct and a thunk per spawn site. */
static void emit_spawn(Buf *b, Node *n)
{
    Node *call = n->a;
    int k = new_tmp();
    Type *rt = type_prune(call->type);
    int is_void = type_is_void(rt);
    int detached = (n->flags & NF_STMT_SPAWN) != 0;
    Buf fields = {0}, callargs = {0}, init = {0}, drops = {0};
    int nf = 0;
    const char *target = NULL;
    if (call->op == CALL_VALUE) {
        buf_printf(&fields, " WynFn fn;");
        buf_puts(&init, "a.fn = ");
        emit_owned(&init, call->a->type, call->a);
        buf_puts(&init, "; ");
        emit_drop_var(&drops, call->a->type, "p->fn");
        nf++;
    } else if (call->op == CALL_METHOD) {
        FnInfo *f = call->aux;
        buf_printf(&fields, " %s self;", ctype(f->params[0]));
        buf_puts(&init, "a.self = ");
        emit_owned(&init, f->params[0], call->a->a);
        buf_puts(&init, "; ");
        emit_drop_var(&drops, f->params[0], "p->self");
        buf_puts(&callargs, "&p->self");
        target = f->cname;
        nf++;
    } else {
        FnInfo *f = call->aux;
        target = f->cname;
    }
    for (int i = 0; i < call->list.len; i++) {
        Node *a = call->list.items[i];
        buf_printf(&fields, " %s a%d;", ctype(a->type), i);
        buf_printf(&init, "a.a%d = ", i);
        emit_owned(&init, a->type, a);
        buf_puts(&init, "; ");
        emit_drop_var(&drops, a->type, arena_printf("p->a%d", i));
        buf_printf(&callargs, "%sp->a%d", callargs.len ? ", " : "", i);
        nf++;
    }
    /* the thunk (built apart: the helpers it needs go to em.helpers first) */
    Buf thunk = {0}, *h = &thunk;
    buf_printf(h, "struct spawn_args%d {%s };\n", k, nf ? fields.data : " char unused;");
    buf_printf(h, "static void spawn_thunk%d(void *args, void *result) {\n"
                  "    struct spawn_args%d *p = args;\n    ", k, k);
    /* the result buffer owns the result; the task's pool is drained after */
    const char *own_result = !is_void && !detached ? rc_own(rt) : NULL;
    if (!is_void && !detached)
        buf_printf(h, "*(%s *)result = %s(", ctype(rt), own_result ? own_result : "");
    if (call->op == CALL_VALUE) {
        Type *ft = type_prune(call->a->type);
        buf_printf(h, "((%s (*)(void *", ctype(ft->ret));
        for (int i = 0; i < ft->nitems; i++)
            buf_printf(h, ", %s", ctype(ft->items[i]));
        buf_puts(h, "))p->fn.fn)(p->fn.env");
        for (int i = 0; i < call->list.len; i++)
            buf_printf(h, ", p->a%d", i);
        buf_puts(h, !is_void && !detached ? "));\n" : ");\n");
    } else if (((FnInfo *)call->aux)->is_extern) {
        /* through the extern's conversions (strings, callbacks) */
        Node fake = *call;
        fake.list.items = arena_alloc(sizeof(Node *) * (size_t)(call->list.len + 1));
        for (int i = 0; i < call->list.len; i++)
            fake.list.items[i] = temp_ident(call->list.items[i], arena_printf("p->a%d", i));
        emit_extern_call(h, &fake, call->aux);
        buf_puts(h, !is_void && !detached ? ");\n" : ";\n");
    } else {
        buf_printf(h, "%s(%s)%s;\n", target, callargs.data ? callargs.data : "", !is_void && !detached ? ")" : "");
    }
    /* the arguments were retained for the task: release them */
    /* (and forget them: stale pointers would blind a leak checker) */
    buf_printf(h, "    %s%s(void)p; (void)result;\n}\n", drops.data ? drops.data : "",
               drops.data ? "memset(p, 0, sizeof *p); " : "");
    buf_puts(&em.helpers, thunk.data);
    buf_free(&thunk);
    buf_printf(b, "({ struct spawn_args%d a; memset(&a, 0, sizeof a); %s", k, init.data ? init.data : "");
    if (detached)
        buf_printf(b, "rt_spawn_detached(spawn_thunk%d, &a, sizeof a, %d); 0; })", k, loc(n));
    else
        buf_printf(b, "rt_spawn_ex(spawn_thunk%d, &a, sizeof a, %s, %s, %d); })", k,
                   is_void ? "0" : arena_printf("sizeof(%s)", ctype(rt)), is_void ? "NULL" : rc_drop_fn(rt), loc(n));
    buf_free(&fields);
    buf_free(&drops);
    buf_free(&callargs);
    buf_free(&init);
}

/* ----------------------------------------------------------- comprehension */

static void emit_comprehension(Buf *b, Node *n)
{
    Type *et = type_prune(type_prune(n->type)->elem);
    int k = new_tmp();
    buf_printf(b, "({ WynArr *_c%d = rt_arr_new_ops(sizeof(%s), 0, %s); ", k, ctype(et), rc_ops(et));
    Node *it = n->c;
    const char *var = n->b->kind == N_TUPLE ? NULL : n->b->sym->cname;
    if (it->kind == N_RANGE) {
        buf_printf(b, "for (wyn_int _i%d = ", k);
        emit_expr(b, it->a);
        buf_printf(b, ", _n%d = ", k);
        emit_expr(b, it->b);
        buf_printf(b, "; _i%d %s _n%d; _i%d++) { ", k, it->ival ? "<=" : "<", k, k);
        emit_fresh_cells(b, n);
        buf_printf(b, "%s = _i%d; ", var, k);
    } else {
        Type *ct = type_prune(it->type);
        if (ct->kind == TY_MAP) {
            buf_printf(b, "WynMap *_m%d = wyn_own_map(", k);
            emit_expr(b, it);
            loop_ref_push(arena_printf("rt_release_map(_m%d); ", k));
            buf_printf(b, "); for (wyn_int _p%d = rt_map_next(_m%d, 0); _p%d >= 0; _p%d = rt_map_next(_m%d, _p%d + 1)) { ",
                       k, k, k, k, k, k);
            emit_fresh_cells(b, n);
            const char *kv = arena_printf("*(%s *)rt_map_key_at(_m%d, _p%d)", ctype(ct->key), k, k);
            if (var) {
                emit_set_text(b, ct->key, var, kv);
            } else {
                emit_set_text(b, ct->key, n->b->list.items[0]->sym->cname, kv);
                emit_set_text(b, ct->elem, n->b->list.items[1]->sym->cname,
                              arena_printf("*(%s *)rt_map_val_at(_m%d, _p%d)", ctype(ct->elem), k, k));
            }
        } else {
            buf_printf(b, "WynArr *_s%d = wyn_own_arr(", k);
            if (ct->kind == TY_STR) {
                buf_puts(b, "rt_str_chars(");
                emit_expr(b, it);
                buf_puts(b, ")");
            } else {
                emit_expr(b, it);
            }
            buf_puts(b, ")");
            loop_ref_push(arena_printf("rt_release_arr(_s%d); ", k));
            const char *elt = ct->kind == TY_STR ? "WynStr *" : ctype(ct->elem);
            buf_printf(b, "; for (wyn_int _i%d = 0; _i%d < _s%d->len; _i%d++) { ", k, k, k, k);
            emit_fresh_cells(b, n);
            const char *el = arena_printf("((%s *)_s%d->data)[_i%d]", elt, k, k);
            Sym *s0 = var ? NULL : n->b->list.items[0]->sym, *s1 = var ? NULL : n->b->list.items[1]->sym;
            if (var) {
                emit_set_text(b, n->b->sym->type, var, el);
            } else {
                Type *e = type_prune(ct->elem);
                if (e->kind == TY_TUPLE) {
                    emit_set_text(b, s0->type, s0->cname, arena_printf("%s.f0", el));
                    emit_set_text(b, s1->type, s1->cname, arena_printf("%s.f1", el));
                } else {
                    buf_printf(b, "%s = _i%d; ", s0->cname, k);
                    emit_set_text(b, s1->type, s1->cname, el);
                }
            }
        }
    }
    if (n->d) {
        buf_puts(b, "if (");
        emit_expr(b, n->d);
        buf_puts(b, ") ");
    }
    buf_printf(b, "*(%s *)rt_arr_push_slot(_c%d) = ", ctype(et), k);
    emit_owned(b, et, n->a);
    buf_puts(b, "; } ");
    if (it->kind != N_RANGE) {
        buf_puts(b, em.loop_refs.items[em.loop_refs.len - 1]);
        loop_ref_pop();
    }
    buf_printf(b, "_c%d; })", k);
}

/* ------------------------------------------------------------------ try */

static void emit_try(Buf *b, Node *n)
{
    Type *it = type_prune(n->a->type);
    Type *rt = type_prune(em.fn->ret);
    int k = new_tmp();
    buf_printf(b, "({ %s _q%d = ", ctype(it), k);
    emit_expr(b, n->a);
    buf_puts(b, "; ");
    /* the early return: like `return`, it owns its value across the exit */
    const char *own = rc_own(rt), *aut = rc_auto(rt);
    if (it->kind == TY_RESULT) {
        buf_printf(b, "if (!_q%d.ok) { %s _e%d = {0}; _e%d.err = _q%d.err; ", k, ctype(rt), k, k, k);
        if (own)
            buf_printf(b, "_e%d = %s(_e%d); ", k, own, k);
        emit_function_exit(b);
        if (aut)
            buf_printf(b, "return %s(_e%d); } ", aut, k);
        else
            buf_printf(b, "return _e%d; } ", k);
    } else {
        buf_printf(b, "if (!_q%d.some) { ", k);
        emit_function_exit(b);
        buf_printf(b, "return (%s){0}; } ", ctype(rt));
    }
    buf_printf(b, "_q%d.val; })", k);
}

/* ----------------------------------------------------------------- calls */

/* A value read from a place the callee could overwrite while it runs (an
 * element, a field, a global): arguments are borrowed, so such a value is
 * kept alive by the pool for the call. */
static int borrowed_from_place(Node *a)
{
    if (a->kind == N_INDEX)
        return type_prune(a->a->type)->kind != TY_STR;
    if (a->kind == N_MEMBER)
        return (a->op == MEM_FIELD || a->op == MEM_TUPLE || a->op == MEM_GLOBAL) && !(a->flags & NF_OPTCHAIN);
    return a->kind == N_IDENT && a->sym && a->sym->kind == SYM_GLOBAL;
}

static void emit_args(Buf *b, Node *n, int first)
{
    for (int i = 0; i < n->list.len; i++) {
        Node *a = n->list.items[i];
        if (i || !first)
            buf_puts(b, ", ");
        if (type_managed(a->type) && borrowed_from_place(a)) {
            buf_printf(b, "%s(", rc_auto(a->type));
            emit_owned(b, a->type, a);
            buf_puts(b, ")");
        } else {
            emit_expr(b, a);
        }
    }
}

static void emit_call(Buf *b, Node *n)
{
    switch (n->op) {
    case CALL_FN: {
        FnInfo *f = n->aux;
        if (f->is_extern) {
            emit_extern_call(b, n, f);
            return;
        }
        buf_printf(b, "%s(", f->cname);
        emit_args(b, n, 1);
        buf_puts(b, ")");
        return;
    }
    case CALL_METHOD: {
        FnInfo *f = n->aux;
        Node *recv = n->a->a;
        if (is_pure_lvalue(recv) || recv->kind == N_INDEX) {
            buf_printf(b, "%s(&", f->cname);
            emit_lvalue(b, recv, 0);
            emit_args(b, n, 0);
            buf_puts(b, ")");
        } else if (!type_managed(recv->type)) {
            int k = new_tmp();
            buf_printf(b, "({ %s _v%d = ", ctype(recv->type), k);
            emit_expr(b, recv);
            buf_printf(b, "; %s(&_v%d", f->cname, k);
            emit_args(b, n, 0);
            buf_puts(b, "); })");
        } else {
            /* the method may assign self's fields (releasing the old
             * values): give it a copy of its own */
            int k = new_tmp();
            int is_void = type_is_void(n->type);
            buf_printf(b, "({ %s _v%d = ", ctype(recv->type), k);
            emit_owned(b, recv->type, recv);
            buf_puts(b, "; ");
            if (!is_void)
                buf_printf(b, "%s _vr%d = ", ctype(n->type), k);
            buf_printf(b, "%s(&_v%d", f->cname, k);
            emit_args(b, n, 0);
            buf_puts(b, "); ");
            emit_drop_var(b, recv->type, arena_printf("_v%d", k));
            if (!is_void)
                buf_printf(b, "_vr%d; })", k);
            else
                buf_puts(b, "(void)0; })");
        }
        return;
    }
    case CALL_VALUE: {
        Type *ft = type_prune(n->a->type);
        int k = new_tmp();
        buf_printf(b, "({ WynFn _f%d = ", k);
        emit_expr(b, n->a);
        buf_printf(b, "; ((%s (*)(void *", ctype(ft->ret));
        for (int i = 0; i < ft->nitems; i++)
            buf_printf(b, ", %s", ctype(ft->items[i]));
        buf_printf(b, "))_f%d.fn)(_f%d.env", k, k);
        emit_args(b, n, 0);
        buf_puts(b, "); })");
        return;
    }
    case CALL_VARIANT: {
        TypeDecl *td = n->aux;
        Variant *v = &td->variants.items[n->ival];
        int k = new_tmp();
        buf_printf(b, "({ %s _n%d; memset(&_n%d, 0, sizeof _n%d); _n%d.tag = %d; ", td->cname, k, k, k, k, (int)n->ival);
        for (int i = 0; i < n->list.len && i < v->npayload; i++) {
            if (v->boxed[i]) {
                const char *pt = ctype(v->payload[i]);
                /* a box that owns its payload, itself owned by the pool */
                buf_printf(b, "{ %s *_b = rt_box_new(sizeof *_b, %s); *_b = ", pt, rc_drop_fn(v->payload[i]));
                emit_owned(b, v->payload[i], n->list.items[i]);
                buf_printf(b, "; _n%d.u.v%d.f%d = _b; } ", k, (int)n->ival, i);
            } else {
                buf_printf(b, "_n%d.u.v%d.f%d = ", k, (int)n->ival, i);
                emit_expr(b, n->list.items[i]);
                buf_puts(b, "; ");
            }
        }
        buf_printf(b, "_n%d; })", k);
        return;
    }
    case CALL_BUILTIN:
        emit_builtin_call(b, n);
        return;
    }
    buf_puts(b, "0");
}

/* A method call inside an option chain, a?.f(x): applied to the value
 * when there is one; the result is an option. */
static void emit_lifted_call(Buf *b, Node *n)
{
    Node *recv = n->a->a;
    Type *ot = type_prune(recv->type);
    Type *rt = type_prune(n->type);
    int k = new_tmp();
    buf_printf(b, "({ %s _lo%d = ", ctype(ot), k);
    emit_expr(b, recv);
    buf_puts(b, "; ");
    if (rt->kind != TY_VOID)
        buf_printf(b, "%s _lr%d = {0}; ", ctype(rt), k);
    buf_printf(b, "if (_lo%d.some) { ", k);
    Node call = *n;
    call.flags &= ~(NF_LIFTED | NF_OPTCHAIN);
    Node callee = *n->a;
    callee.flags &= ~(NF_LIFTED | NF_OPTCHAIN);
    Node proto = { .kind = N_IDENT, .type = ot->elem };
    callee.a = temp_ident(&proto, arena_printf("_lo%d.val", k));
    call.a = &callee;
    if (rt->kind == TY_VOID) {
        emit_expr(b, &call);
        buf_puts(b, "; } (void)0; })");
        return;
    }
    /* the call's own result type: the option's element unless it already was one */
    Type *own = call.type;
    int own_is_opt = 0;
    if (call.op == CALL_METHOD)
        own = ((FnInfo *)call.aux)->ret;
    else if (call.op == CALL_BUILTIN && call.aux)
        own = call.aux;
    own_is_opt = type_prune(own)->kind == TY_OPT;
    if (own_is_opt) {
        call.type = own;
        buf_printf(b, "_lr%d = ", k);
        emit_expr(b, &call);
        buf_puts(b, "; ");
    } else {
        buf_printf(b, "_lr%d.some = 1; _lr%d.val = ", k, k);
        call.type = rt->elem;
        emit_expr(b, &call);
        buf_puts(b, "; ");
    }
    buf_printf(b, "} _lr%d; })", k);
}

static void emit_expr_raw(Buf *b, Node *n);

/* Expressions yield borrowed values (emit_rc.c): whoever stores one takes
 * its own reference. */
void emit_expr(Buf *b, Node *n)
{
    emit_expr_raw(b, n);
}

static void emit_expr_raw(Buf *b, Node *n)
{
    switch (n->kind) {
    case N_INT: emit_int_literal(b, n->ival); return;
    case N_FLOAT: emit_float_literal(b, n->fval); return;
    case N_BOOL: buf_puts(b, n->ival ? "1" : "0"); return;
    case N_STR: emit_str_literal(b, n->sval ? n->sval : "", n->slen); return;
    case N_INTERP: {
        /* each part as a string, then one concatenation */
        int k = new_tmp();
        buf_printf(b, "({ WynStr *_ip%d[%d]; ", k, n->list.len ? n->list.len : 1);
        for (int i = 0; i < n->list.len; i++) {
            buf_printf(b, "_ip%d[%d] = ", k, i);
            emit_to_string(b, n->list.items[i]);
            buf_puts(b, "; ");
        }
        buf_printf(b, "rt_str_concat_n(_ip%d, %d); })", k, n->list.len);
        return;
    }
    case N_FORMAT: emit_format_spec(b, n); return;
    case N_NONE: buf_printf(b, "((%s){0})", ctype(n->type)); return;
    case N_SOME:
        buf_printf(b, "((%s){ 1, ", ctype(n->type));
        emit_expr(b, n->a);
        buf_puts(b, " })");
        return;
    case N_IDENT: emit_ident(b, n); return;
    case N_UNARY:
        buf_puts(b, n->op == T_MINUS ? "(-" : n->op == T_NOT ? "(!" : "(~");
        emit_expr(b, n->a);
        buf_puts(b, ")");
        return;
    case N_BINARY: emit_binary(b, n); return;
    case N_TERNARY:
        buf_puts(b, "(");
        emit_expr(b, n->a);
        buf_puts(b, " ? ");
        emit_expr(b, n->b);
        buf_puts(b, " : ");
        emit_expr(b, n->c);
        buf_puts(b, ")");
        return;
    case N_CALL:
        if (n->flags & NF_LIFTED) {
            emit_lifted_call(b, n);
            return;
        }
        {
        Node copy = *n;
        Node **ops[32];
        int nops = 0;
        copy.list.items = arena_alloc(sizeof(Node *) * (size_t)(n->list.len + 1));
        if (n->list.len)
            memcpy(copy.list.items, n->list.items, sizeof(Node *) * (size_t)n->list.len);
        Node *recv_copy = NULL;
        if (n->a->kind == N_MEMBER && n->op != CALL_VALUE && n->a->a && n->a->a->type &&
            !is_pure_lvalue(n->a->a) && n->a->a->kind != N_INDEX && n->a->a->sym == NULL &&
            !(n->a->a->kind == N_IDENT)) {
            recv_copy = node_new(N_MEMBER, n->a->file, n->a->line, n->a->col);
            *recv_copy = *n->a;
            copy.a = recv_copy;
            ops[nops++] = &recv_copy->a;
        }
        for (int i = 0; i < n->list.len && nops < 32; i++)
            ops[nops++] = &copy.list.items[i];
        int seq = sequence_operands(b, ops, nops);
        emit_call(b, seq ? &copy : n);
        if (seq)
            buf_puts(b, "; })");
        return;
    }
    case N_MEMBER: emit_member(b, n); return;
    case N_INDEX: emit_index(b, n, 0); return;
    case N_SLICE: {
        Type *t = type_prune(n->a->type);
        buf_puts(b, t->kind == TY_STR ? "rt_str_slice(" : "rt_arr_slice(");
        emit_expr(b, n->a);
        buf_puts(b, ", ");
        if (n->b) emit_expr(b, n->b); else buf_puts(b, "0");
        buf_puts(b, ", ");
        if (n->c) emit_expr(b, n->c); else buf_puts(b, "9223372036854775807LL");
        buf_puts(b, ")");
        return;
    }
    case N_TRY: emit_try(b, n); return;
    case N_ARRAY: emit_array_lit(b, n); return;
    case N_MAP: emit_map_lit(b, n); return;
    case N_TUPLE:
        buf_printf(b, "((%s){ ", ctype(n->type));
        for (int i = 0; i < n->list.len; i++) {
            if (i) buf_puts(b, ", ");
            emit_expr(b, n->list.items[i]);
        }
        buf_puts(b, " })");
        return;
    case N_STRUCT_LIT: {
        buf_printf(b, "((%s){ ", ctype(n->type));
        for (int i = 0; i < n->list.len; i++) {
            buf_printf(b, "%s.f_%s = ", i ? ", " : "", n->list.items[i]->name);
            emit_expr(b, n->list.items[i]->a);
        }
        if (!n->list.len)
            buf_puts(b, "0");
        buf_puts(b, " })");
        return;
    }
    case N_LAMBDA: emit_lambda(b, n); return;
    case N_IF_EXPR: emit_if_expr(b, n); return;
    case N_MATCH: emit_match_expr(b, n); return;
    case N_SPAWN: emit_spawn(b, n); return;
    case N_AWAIT: {
        Type *t = type_prune(n->type);
        if (n->a->kind == N_SPAWN) {
            /* await spawn f(x): the future is never seen again, recycle it */
            int k = new_tmp();
            buf_printf(b, "({ wyn_int _af%d = ", k);
            emit_expr(b, n->a);
            if (type_is_void(t))
                buf_printf(b, "; (void)rt_await(_af%d, %d); rt_future_release(_af%d); })", k, loc(n), k);
            else if (!type_managed(t))
                buf_printf(b, "; %s _av%d = *(%s const *)rt_await(_af%d, %d); rt_future_release(_af%d); _av%d; })",
                           ctype(t), k, ctype(t), k, loc(n), k, k);
            else /* the value outlives the future: take it into the pool */
                buf_printf(b, "; %s _av%d = %s(*(%s const *)rt_await(_af%d, %d)); rt_future_release(_af%d); %s(_av%d); })",
                           ctype(t), k, rc_own(t), ctype(t), k, loc(n), k, rc_auto(t), k);
            return;
        }
        if (type_is_void(t)) {
            buf_puts(b, "((void)rt_await(");
            emit_expr(b, n->a);
            buf_printf(b, ", %d))", loc(n));
        } else {
            buf_printf(b, "(*(%s const *)rt_await(", ctype(t));
            emit_expr(b, n->a);
            buf_printf(b, ", %d))", loc(n));
        }
        return;
    }
    case N_COMPREHENSION: emit_comprehension(b, n); return;
    case N_RANGE: {
        int k = new_tmp();
        buf_printf(b, "({ WynArr *_g%d = rt_arr_new(sizeof(wyn_int), 0); for (wyn_int _i%d = ", k, k);
        emit_expr(b, n->a);
        buf_printf(b, ", _n%d = ", k);
        emit_expr(b, n->b);
        buf_printf(b, "; _i%d %s _n%d; _i%d++) *(wyn_int *)rt_arr_push_slot(_g%d) = _i%d; _g%d; })",
                   k, n->ival ? "<=" : "<", k, k, k, k, k);
        return;
    }
    case N_CONVERT:
        if (n->op == CONV_FLOAT) {
            buf_puts(b, "((double)(");
            emit_expr(b, n->a);
            buf_puts(b, "))");
        } else if (n->op == CONV_NULL) {
            buf_puts(b, "((void *)0)");
        } else if (n->op == CONV_SOME) {
            buf_printf(b, "((%s){ 1, ", ctype(n->type));
            emit_expr(b, n->a);
            buf_puts(b, " })");
        } else if (n->op == CONV_HANDLE) {
            emit_handle_to_int(b, n);
        } else {
            emit_expr(b, n->a);
        }
        return;
    default:
        buf_puts(b, "0");
    }
}
