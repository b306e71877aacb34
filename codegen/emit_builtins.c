/*
 * emit_builtins.c — C for calls of the built-in table (front/builtins.h):
 * the dispatch through a call's row, printing and to_string, and the emit
 * hooks of the global functions (len, range, zip, assert, await_all, ...)
 * and of Task/Math/StringBuilder.  The hooks of methods are in
 * emit_methods.c and emit_arr.c, those of the I/O library in emit_io.c.
 */
#include "emit_int.h"
#include <string.h>

static void arg(Buf *b, Node *n, int i) { emit_expr(b, n->list.items[i]); }

/* The receiver of a method call. */
Node *emit_receiver(Node *call) { return call->a->a; }

void emit_wrap_receiver(Buf *b, Node *call, const char *pre, const char *post)
{
    buf_puts(b, pre);
    emit_expr(b, emit_receiver(call));
    buf_puts(b, post);
}

/* A row without a hook: rt(receiver, args [, loc]). */
static void emit_plain_call(Buf *b, Node *n, const Builtin *row)
{
    buf_printf(b, "%s(", row->rt);
    const char *sep = "";
    if (!(row->owner & (BR_GLOBAL | BR_MODULE))) {
        emit_expr(b, emit_receiver(n));
        sep = ", ";
    }
    for (int i = 0; i < n->list.len; i++) {
        buf_puts(b, sep);
        arg(b, n, i);
        sep = ", ";
    }
    if (row->flags & BF_LOC)
        buf_printf(b, "%s%d", sep, loc_of(n));
    buf_puts(b, ")");
}

void emit_builtin_call(Buf *b, Node *n)
{
    const Builtin *row = n->builtin;
    if (!row)
        diag_internal(n->file, n->line, n->col, "built-in call without a row of the built-in table");
    if (row->emit)
        row->emit(b, n);
    else if (row->rt)
        emit_plain_call(b, n, row);
    else
        diag_internal(n->file, n->line, n->col, "no C for the built-in %s", builtin_display(row));
}

void emit_format_value(Buf *b, const char *sb, Node *e, int quoted)
{
    buf_printf(b, "%s(%s, ", fmt_fn(e->type), sb);
    emit_expr(b, e);
    buf_printf(b, ", %d); ", quoted);
}

void emit_print(Buf *b, Node *n)
{
    Node *sep = NULL, *end = NULL;
    for (int i = 0; i < n->list2.len; i++) {
        if (!strcmp(n->list2.items[i]->name, "sep")) sep = n->list2.items[i]->a;
        if (!strcmp(n->list2.items[i]->name, "end")) end = n->list2.items[i]->a;
    }
    if (n->list.len == 1 && !sep && !end && type_prune(n->list.items[0]->type)->kind == TY_STR) {
        buf_puts(b, "rt_print_str(");
        emit_expr(b, n->list.items[0]);
        buf_puts(b, ")");
        return;
    }
    int k = new_tmp();
    buf_printf(b, "({ WynSB *_p%d = rt_sb_new(); ", k);
    const char *sbn = arena_printf("_p%d", k);
    for (int i = 0; i < n->list.len; i++) {
        if (i) {
            if (sep) {
                buf_printf(b, "rt_sb_append(%s, ", sbn);
                emit_expr(b, sep);
                buf_puts(b, "); ");
            } else {
                buf_printf(b, "rt_sb_append_cstr(%s, \" \"); ", sbn);
            }
        }
        emit_format_value(b, sbn, n->list.items[i], 0);
    }
    if (end) {
        buf_printf(b, "rt_sb_append(%s, ", sbn);
        emit_expr(b, end);
        buf_puts(b, "); ");
    } else {
        buf_printf(b, "rt_sb_append_cstr(%s, \"\\n\"); ", sbn);
    }
    buf_printf(b, "rt_print_sb(%s); rt_sb_free(%s); })", sbn, sbn);
}

void emit_bi_print(Buf *b, Node *n) { emit_print(b, n); }

/* to_string / str(): the SPEC §14 text of any value. */
void emit_to_string(Buf *b, Node *e)
{
    Type *t = type_prune(e->type);
    switch (t->kind) {
    case TY_STR: emit_expr(b, e); return;
    case TY_INT: buf_puts(b, "rt_str_from_int("); emit_expr(b, e); buf_puts(b, ")"); return;
    case TY_FLOAT: buf_puts(b, "rt_str_from_float("); emit_expr(b, e); buf_puts(b, ")"); return;
    case TY_BOOL: buf_puts(b, "rt_str_from_bool("); emit_expr(b, e); buf_puts(b, ")"); return;
    default: {
        int k = new_tmp();
        buf_printf(b, "({ WynSB *_ts%d = rt_sb_new(); ", k);
        emit_format_value(b, arena_printf("_ts%d", k), e, 0);
        buf_printf(b, "WynStr *_tr%d = rt_sb_to_string(_ts%d); rt_sb_free(_ts%d); _tr%d; })", k, k, k, k);
    }
    }
}

/* --- hooks shared by several receivers ------------------------------- */

void emit_bi_to_string(Buf *b, Node *n) { emit_to_string(b, emit_receiver(n)); }
void emit_bi_recv(Buf *b, Node *n) { emit_expr(b, emit_receiver(n)); }

void emit_bi_recv_len(Buf *b, Node *n) { emit_wrap_receiver(b, n, "((", ")->len)"); }
void emit_bi_recv_is_empty(Buf *b, Node *n) { emit_wrap_receiver(b, n, "((", ")->len == 0)"); }

/* --- global functions ------------------------------------------------ */

void emit_bi_len(Buf *b, Node *n)
{
    Type *t = type_prune(n->list.items[0]->type);
    if (t->kind == TY_MAP) { buf_puts(b, "rt_map_len("); arg(b, n, 0); buf_puts(b, ")"); }
    else { buf_puts(b, "(("); arg(b, n, 0); buf_puts(b, ")->len)"); }
}

void emit_bi_str(Buf *b, Node *n) { emit_to_string(b, n->list.items[0]); }

/* int(x), float(x) */
void emit_bi_convert(Buf *b, Node *n)
{
    Type *t = type_prune(n->list.items[0]->type);
    int to_int = type_prune(n->type)->kind == TY_INT;
    if (t->kind == TY_STR) buf_printf(b, "rt_str_to_%s(", to_int ? "int" : "float");
    else if (t->kind == TY_FLOAT && to_int) buf_puts(b, "rt_float_to_int(");
    else buf_printf(b, "((%s)(", to_int ? "wyn_int" : "double");
    arg(b, n, 0);
    if (t->kind == TY_STR) buf_printf(b, ", %d)", loc_of(n));
    else if (t->kind == TY_FLOAT && to_int) buf_puts(b, ")");
    else buf_puts(b, "))");
}

void emit_bi_range(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ wyn_int _ra%d = ", k);
    if (n->list.len >= 2) arg(b, n, 0); else buf_puts(b, "0");
    buf_printf(b, ", _rb%d = ", k);
    arg(b, n, n->list.len >= 2 ? 1 : 0);
    buf_printf(b, ", _rs%d = ", k);
    if (n->list.len == 3) arg(b, n, 2); else buf_puts(b, "1");
    buf_printf(b, "; if (_rs%d == 0) rt_panic(%d, \"range step must not be zero\"); "
                  "WynArr *_rr%d = rt_arr_new(sizeof(wyn_int), 0); "
                  "for (wyn_int _i = _ra%d; _rs%d > 0 ? _i < _rb%d : _i > _rb%d; _i += _rs%d) *(wyn_int *)rt_arr_push_slot(_rr%d) = _i; _rr%d; })",
               k, loc_of(n), k, k, k, k, k, k, k, k);
}

void emit_bi_zip(Buf *b, Node *n)
{
    int k = new_tmp();
    Type *tt = type_prune(type_prune(n->type)->elem);
    const char *tc = ctype(tt);
    buf_printf(b, "({ WynArr *_za%d = ", k);
    arg(b, n, 0);
    buf_printf(b, ", *_zb%d = ", k);
    arg(b, n, 1);
    buf_printf(b, "; wyn_int _zn%d = _za%d->len < _zb%d->len ? _za%d->len : _zb%d->len; "
                  "WynArr *_zr%d = rt_arr_new_ops(sizeof(%s), _zn%d, %s); for (wyn_int _i = 0; _i < _zn%d; _i++) { "
                  "%s *_zt = rt_arr_push_slot(_zr%d); _zt->f0 = ((%s *)_za%d->data)[_i]; _zt->f1 = ((%s *)_zb%d->data)[_i]; ",
               k, k, k, k, k, k, tc, k, rc_ops(tt), k, tc, k, ctype(tt->items[0]), k, ctype(tt->items[1]), k);
    if (type_managed(tt))
        buf_printf(b, "%s(_zt); ", rc_dup_fn(tt));
    buf_printf(b, "} _zr%d; })", k);
}

void emit_bi_input(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ WynStr *_in%d = rt_input(", k);
    if (n->list.len) arg(b, n, 0); else buf_puts(b, "0");
    buf_printf(b, "); %s _io%d = {0}; if (_in%d) { _io%d.some = 1; _io%d.val = _in%d; } _io%d; })",
               ctype(n->type), k, k, k, k, k, k);
}

void emit_bi_panic(Buf *b, Node *n)
{
    buf_printf(b, "rt_panic_str(%d, ", loc_of(n));
    emit_to_string(b, n->list.items[0]);
    buf_puts(b, ")");
}

void emit_bi_assert(Buf *b, Node *n)
{
    buf_puts(b, "({ if (!(");
    arg(b, n, 0);
    buf_printf(b, ")) rt_panic_str(%d, ", loc_of(n));
    if (n->list.len > 1) arg(b, n, 1); else emit_str_literal(b, "assertion failed", 16);
    buf_puts(b, "); })");
}

void emit_bi_await_all(Buf *b, Node *n)
{
    int k = new_tmp();
    Type *et = type_prune(type_prune(n->type)->elem);
    const char *ct = ctype(et);
    buf_printf(b, "({ WynArr *_fa%d = ", k);
    arg(b, n, 0);
    const char *own = rc_own(et);
    buf_printf(b, "; WynArr *_fr%d = rt_arr_new_ops(sizeof(%s), _fa%d->len, %s); for (wyn_int _i = 0; _i < _fa%d->len; _i++) "
                  "*(%s *)rt_arr_push_slot(_fr%d) = %s(*(%s const *)rt_await(((wyn_int *)_fa%d->data)[_i], %d)); _fr%d; })",
               k, ct, k, rc_ops(et), k, ct, k, own ? own : "", ct, k, loc_of(n), k);
}

void emit_bi_await_any(Buf *b, Node *n)
{
    int k = new_tmp();
    const char *ct = ctype(n->type);
    buf_printf(b, "({ WynArr *_fa%d = ", k);
    arg(b, n, 0);
    buf_printf(b, "; wyn_int _fi%d = rt_await_any(_fa%d, %d); *(%s const *)rt_await(((wyn_int *)_fa%d->data)[_fi%d], %d); })",
               k, k, loc_of(n), ct, k, k, loc_of(n));
}

/* Ok(v), Err(e) */
static void emit_result(Buf *b, Node *n, int ok)
{
    int k = new_tmp();
    buf_printf(b, "({ %s _re%d = {0}; _re%d.ok = %d; _re%d.%s = ", ctype(n->type), k, k, ok, k, ok ? "val" : "err");
    arg(b, n, 0);
    buf_printf(b, "; _re%d; })", k);
}

void emit_bi_ok(Buf *b, Node *n) { emit_result(b, n, 1); }
void emit_bi_err(Buf *b, Node *n) { emit_result(b, n, 0); }

/* --- Task, Math, StringBuilder ---------------------------------------- */

void emit_bi_shared_new(Buf *b, Node *n)
{
    buf_puts(b, "rt_shared_new(");
    if (n->list.len) arg(b, n, 0); else buf_puts(b, "0");
    buf_puts(b, ")");
}

void emit_bi_sb_new(Buf *b, Node *n) { buf_puts(b, "rt_autorelease_sb(rt_sb_new())"); }

/* Math.abs/min/max on ints or floats: each argument evaluated once. */
static void emit_math_num(Buf *b, Node *n, const char *op)
{
    int is_int = type_prune(n->type)->kind == TY_INT;
    int k = new_tmp();
    buf_printf(b, "({ %s _x%d = ", is_int ? "wyn_int" : "double", k);
    arg(b, n, 0);
    if (!op) {
        buf_printf(b, "; _x%d < 0 ? -_x%d : _x%d; })", k, k, k);
        return;
    }
    buf_printf(b, ", _y%d = ", k);
    arg(b, n, 1);
    buf_printf(b, "; _x%d %s _y%d ? _x%d : _y%d; })", k, op, k, k, k);
}

void emit_bi_math_abs(Buf *b, Node *n) { emit_math_num(b, n, NULL); }
void emit_bi_math_min(Buf *b, Node *n) { emit_math_num(b, n, "<"); }
void emit_bi_math_max(Buf *b, Node *n) { emit_math_num(b, n, ">"); }
