/*
 * emit_builtins.c — C for calls into the built-in library: printing,
 * conversions, the methods of strings, arrays, maps, options, results and
 * channels, and the Task/Time/Math modules (SPEC §10, §11).  The checker
 * recorded the call as CALL_BUILTIN with sval "<kind>.<name>".
 */
#include "emit_int.h"
#include <string.h>

static int loc(Node *n) { return loc_of(n); }

static void arg(Buf *b, Node *n, int i) { emit_expr(b, n->list.items[i]); }

/* The receiver of a method call. */
static Node *recv(Node *n) { return n->a->a; }

static void rcv(Buf *b, Node *n)
{
    /* string methods only read their receiver */
    if (type_prune(recv(n)->type)->kind == TY_STR) emit_expr(b, recv(n)); else emit_expr(b, recv(n));
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

static void call2(Buf *b, const char *fn, Node *n, int with_loc)
{
    buf_printf(b, "%s(", fn);
    rcv(b, n);
    for (int i = 0; i < n->list.len; i++) {
        buf_puts(b, ", ");
        arg(b, n, i);
    }
    if (with_loc)
        buf_printf(b, ", %d", loc(n));
    buf_puts(b, ")");
}

static int emit_str_method(Buf *b, Node *n, const char *m)
{
    static const char *const direct[] = { "upper", "lower", "trim", "trim_start", "trim_end",
        "contains", "starts_with", "ends_with", "index_of", "replace", "split", "lines",
        "chars", "bytes", "reverse", "repeat", NULL };
    for (int i = 0; direct[i]; i++)
        if (!strcmp(m, direct[i])) {
            call2(b, arena_printf("rt_str_%s", m), n, 0);
            return 1;
        }
    if (!strcmp(m, "len")) { buf_puts(b, "(("); rcv(b, n); buf_puts(b, ")->len)"); return 1; }
    if (!strcmp(m, "is_empty")) { buf_puts(b, "(("); rcv(b, n); buf_puts(b, ")->len == 0)"); return 1; }
    if (!strcmp(m, "slice")) { call2(b, "rt_str_slice", n, 0); return 1; }
    if (!strcmp(m, "char_at")) { call2(b, "rt_str_at", n, 1); return 1; }
    if (!strcmp(m, "to_int")) { call2(b, "rt_str_to_int", n, 1); return 1; }
    if (!strcmp(m, "to_float")) { call2(b, "rt_str_to_float", n, 1); return 1; }
    if (!strcmp(m, "to_string")) { rcv(b, n); return 1; }
    if (!strcmp(m, "format")) { emit_format_call(b, recv(n), &n->list, loc(n)); return 1; }
    return 0;
}

static int emit_num_method(Buf *b, Node *n, const char *m, int is_int)
{
    if (!strcmp(m, "to_string")) { emit_to_string(b, recv(n)); return 1; }
    if (!strcmp(m, "to_float")) { buf_puts(b, "((double)("); rcv(b, n); buf_puts(b, "))"); return 1; }
    if (!strcmp(m, "to_int")) {
        if (is_int) rcv(b, n);
        else { buf_puts(b, "rt_float_to_int("); rcv(b, n); buf_puts(b, ")"); }
        return 1;
    }
    if (!strcmp(m, "abs")) {
        if (!is_int) { buf_puts(b, "fabs("); rcv(b, n); buf_puts(b, ")"); return 1; }
        int k = new_tmp();
        buf_printf(b, "({ wyn_int _ab%d = ", k);
        rcv(b, n);
        buf_printf(b, "; _ab%d < 0 ? -_ab%d : _ab%d; })", k, k, k);
        return 1;
    }
    if (!strcmp(m, "min") || !strcmp(m, "max")) {
        int k = new_tmp();
        const char *ct = is_int ? "wyn_int" : "double";
        buf_printf(b, "({ %s _ma%d = ", ct, k);
        rcv(b, n);
        buf_printf(b, ", _mb%d = ", k);
        arg(b, n, 0);
        buf_printf(b, "; _ma%d %s _mb%d ? _ma%d : _mb%d; })", k, m[1] == 'i' ? "<" : ">", k, k, k);
        return 1;
    }
    if (!strcmp(m, "pow")) { call2(b, is_int ? "rt_int_pow" : "pow", n, 0); return 1; }
    if (!strcmp(m, "round")) { buf_puts(b, "rt_float_round("); rcv(b, n); buf_puts(b, ")"); return 1; }
    if (!strcmp(m, "floor") || !strcmp(m, "ceil") || !strcmp(m, "sqrt")) {
        buf_printf(b, "%s(", m);
        rcv(b, n);
        buf_puts(b, ")");
        return 1;
    }
    if (!strcmp(m, "trunc")) { buf_puts(b, "((double)rt_float_to_int("); rcv(b, n); buf_puts(b, "))"); return 1; }
    if (!strcmp(m, "is_nan")) { buf_puts(b, "({ double _d = "); rcv(b, n); buf_puts(b, "; _d != _d; })"); return 1; }
    if (!strcmp(m, "is_inf")) { buf_puts(b, "({ double _d = "); rcv(b, n); buf_puts(b, "; _d == 1.0/0.0 || _d == -1.0/0.0; })"); return 1; }
    return 0;
}

/* Calls a function value f on args: ((R (*)(void *, A...))f.fn)(f.env, ...) */
static const char *fn_cast(Type *ft)
{
    ft = type_prune(ft);
    Buf c = {0};
    buf_printf(&c, "(%s (*)(void *", ctype(ft->ret));
    for (int i = 0; i < ft->nitems; i++)
        buf_printf(&c, ", %s", ctype(ft->items[i]));
    buf_puts(&c, "))");
    const char *s = arena_strdup(c.data);
    buf_free(&c);
    return s;
}

static int emit_arr_hof(Buf *b, Node *n, const char *m, Type *t)
{
    const char *et = ctype(t->elem);
    int k = new_tmp();
    if (!strcmp(m, "map") || !strcmp(m, "filter") || !strcmp(m, "any") || !strcmp(m, "all") ||
        !strcmp(m, "find") || !strcmp(m, "for_each") || !strcmp(m, "each") || !strcmp(m, "sort_by")) {
        Type *ft = type_prune(n->list.items[0]->type);
        /* the array is held for the walk: the function may reassign the
         * (global) variable it came from */
        buf_printf(b, "({ WynArr *_h%d = wyn_own_arr(", k);
        rcv(b, n);
        buf_printf(b, "); WynFn _g%d = ", k);
        arg(b, n, 0);
        const char *call = arena_printf("(%s_g%d.fn)(_g%d.env, ((%s *)_h%d->data)[_i%d])", fn_cast(ft), k, k, et, k, k);
        const char *loop = arena_printf("for (wyn_int _i%d = 0; _i%d < _h%d->len; _i%d++)", k, k, k, k);
        if (!strcmp(m, "map")) {
            const char *rt = ctype(ft->ret);
            const char *own = rc_own(ft->ret);
            buf_printf(b, "; WynArr *_o%d = rt_arr_new_ops(sizeof(%s), _h%d->len, %s); %s *(%s *)rt_arr_push_slot(_o%d) = %s(%s); rt_release_arr(_h%d); _o%d; })",
                       k, rt, k, rc_ops(ft->ret), loop, rt, k, own ? own : "", call, k, k);
        } else if (!strcmp(m, "filter")) {
            const char *own = rc_own(t->elem);
            buf_printf(b, "; WynArr *_o%d = rt_arr_new_ops(sizeof(%s), 0, %s); %s if (%s) *(%s *)rt_arr_push_slot(_o%d) = %s(((%s *)_h%d->data)[_i%d]); rt_release_arr(_h%d); _o%d; })",
                       k, et, rc_ops(t->elem), loop, call, et, k, own ? own : "", et, k, k, k, k);
        } else if (!strcmp(m, "any")) {
            buf_printf(b, "; wyn_bool _o%d = 0; %s if (%s) { _o%d = 1; break; } rt_release_arr(_h%d); _o%d; })", k, loop, call, k,
                       k, k);
        } else if (!strcmp(m, "all")) {
            buf_printf(b, "; wyn_bool _o%d = 1; %s if (!%s) { _o%d = 0; break; } rt_release_arr(_h%d); _o%d; })", k, loop, call, k,
                       k, k);
        } else if (!strcmp(m, "find")) {
            const char *ot = ctype(n->type);
            /* the element found outlives the hold on the array */
            const char *own = rc_own(t->elem), *aut = rc_auto(t->elem);
            buf_printf(b, "; %s _o%d = {0}; %s if (%s) { _o%d.some = 1; _o%d.val = %s(%s(((%s *)_h%d->data)[_i%d])); break; } "
                          "rt_release_arr(_h%d); _o%d; })",
                       ot, k, loop, call, k, k, aut ? aut : "", own ? own : "", et, k, k, k, k);
        } else if (!strcmp(m, "sort_by")) {
            const char *kt = ctype(ft->ret);
            const char *own = rc_own(ft->ret);
            buf_printf(b, "; WynArr *_k%d = rt_arr_new_ops(sizeof(%s), _h%d->len, %s); %s *(%s *)rt_arr_push_slot(_k%d) = %s(%s); "
                          "rt_arr_sort_by_keys(_h%d, _k%d, %s); rt_release_arr(_h%d); (void)0; })",
                       k, kt, k, rc_ops(ft->ret), loop, kt, k, own ? own : "", call, k, k, cmpp_fn(ft->ret), k);
        } else {
            buf_printf(b, "; %s %s; rt_release_arr(_h%d); (void)0; })", loop, call, k);
        }
        return 1;
    }
    if (!strcmp(m, "reduce")) {
        Type *ft = type_prune(n->list.items[0]->type);
        const char *at = ctype(n->type);
        buf_printf(b, "({ WynArr *_h%d = ", k);
        rcv(b, n);
        buf_printf(b, "; WynFn _g%d = ", k);
        arg(b, n, 0);
        buf_printf(b, "; %s _acc%d = ", at, k);
        arg(b, n, 1);
        buf_printf(b, "; for (wyn_int _i%d = 0; _i%d < _h%d->len; _i%d++) _acc%d = (%s_g%d.fn)(_g%d.env, _acc%d, ((%s *)_h%d->data)[_i%d]); _acc%d; })",
                   k, k, k, k, k, fn_cast(ft), k, k, k, et, k, k, k);
        return 1;
    }
    return 0;
}

static int emit_arr_method(Buf *b, Node *n, const char *m)
{
    Type *t = type_prune(recv(n)->type);
    Type *e = type_prune(t->elem);
    const char *et = ctype(e);
    int k;
    if (emit_arr_hof(b, n, m, t))
        return 1;
    if (!strcmp(m, "len")) { buf_puts(b, "(("); rcv(b, n); buf_puts(b, ")->len)"); return 1; }
    if (!strcmp(m, "is_empty")) { buf_puts(b, "(("); rcv(b, n); buf_puts(b, ")->len == 0)"); return 1; }
    if (!strcmp(m, "push")) {
        /* the value first: computing it may itself grow the array */
        k = new_tmp();
        buf_printf(b, "({ %s _pu%d = ", et, k);
        arg(b, n, 0);
        buf_printf(b, "; *(%s *)rt_arr_push_slot(", et);
        rcv(b, n);
        const char *own = rc_own(e);
        buf_printf(b, ") = %s(_pu%d); })", own ? own : "", k);
        return 1;
    }
    if (!strcmp(m, "pop") || !strcmp(m, "first") || !strcmp(m, "last")) {
        /* pop moves the element out of the array: into the pool with it */
        const char *aut = m[0] == 'p' ? rc_auto(e) : NULL;
        k = new_tmp();
        buf_printf(b, "({ %s _pv%d; rt_arr_%s(", et, k, m);
        rcv(b, n);
        buf_printf(b, ", &_pv%d, %d); %s(_pv%d); })", k, loc(n), aut ? aut : "", k);
        return 1;
    }
    if (!strcmp(m, "remove")) {
        const char *aut = rc_auto(e);
        k = new_tmp();
        buf_printf(b, "({ %s _pv%d; rt_arr_remove(", et, k);
        rcv(b, n);
        buf_puts(b, ", ");
        arg(b, n, 0);
        buf_printf(b, ", &_pv%d, %d); %s(_pv%d); })", k, loc(n), aut ? aut : "", k);
        return 1;
    }
    if (!strcmp(m, "insert")) {
        k = new_tmp();
        buf_printf(b, "({ %s _iv%d = ", et, k);
        arg(b, n, 1);
        buf_puts(b, "; rt_arr_insert(");
        rcv(b, n);
        buf_puts(b, ", ");
        arg(b, n, 0);
        buf_printf(b, ", &_iv%d, %d); })", k, loc(n));
        return 1;
    }
    if (!strcmp(m, "contains") || !strcmp(m, "index_of")) {
        k = new_tmp();
        buf_printf(b, "({ %s _cv%d = ", et, k);
        arg(b, n, 0);
        buf_puts(b, "; rt_arr_index_of(");
        rcv(b, n);
        buf_printf(b, ", &_cv%d, %s)%s; })", k, eqp_fn(e), m[0] == 'c' ? " >= 0" : "");
        return 1;
    }
    if (!strcmp(m, "slice")) {
        buf_puts(b, "rt_arr_slice(");
        rcv(b, n);
        buf_puts(b, ", ");
        arg(b, n, 0);
        buf_puts(b, ", ");
        if (n->list.len > 1) arg(b, n, 1); else buf_puts(b, "9223372036854775807LL");
        buf_puts(b, ")");
        return 1;
    }
    if (!strcmp(m, "reverse") || !strcmp(m, "copy") || !strcmp(m, "flatten")) {
        buf_printf(b, "rt_arr_%s(", m);
        rcv(b, n);
        buf_puts(b, ")");
        return 1;
    }
    if (!strcmp(m, "clear")) { buf_puts(b, "rt_arr_clear("); rcv(b, n); buf_puts(b, ")"); return 1; }
    if (!strcmp(m, "unique")) {
        buf_puts(b, "rt_arr_unique(");
        rcv(b, n);
        buf_printf(b, ", %s)", eqp_fn(e));
        return 1;
    }
    if (!strcmp(m, "sort") || !strcmp(m, "sorted")) {
        k = new_tmp();
        buf_printf(b, "({ WynArr *_so%d = ", k);
        if (m[4] == 'e') buf_puts(b, "rt_arr_copy(");
        rcv(b, n);
        if (m[4] == 'e') buf_puts(b, ")");
        buf_printf(b, "; rt_arr_sort(_so%d, %s); _so%d; })", k, cmpp_fn(e) ? cmpp_fn(e) : "rt_cmp_int", k);
        return 1;
    }
    if (!strcmp(m, "sum")) {
        buf_printf(b, "rt_arr_sum_%s(", e->kind == TY_FLOAT ? "float" : "int");
        rcv(b, n);
        buf_puts(b, ")");
        return 1;
    }
    if (!strcmp(m, "average")) {
        k = new_tmp();
        buf_printf(b, "({ WynArr *_av%d = ", k);
        rcv(b, n);
        buf_printf(b, "; _av%d->len ? (double)rt_arr_sum_%s(_av%d) / (double)_av%d->len : 0.0; })", k,
                   e->kind == TY_FLOAT ? "float" : "int", k, k);
        return 1;
    }
    if (!strcmp(m, "min") || !strcmp(m, "max")) {
        k = new_tmp();
        buf_printf(b, "({ %s _mv%d; rt_arr_%s(", et, k, m);
        rcv(b, n);
        buf_printf(b, ", &_mv%d, %s, %d); _mv%d; })", k, cmpp_fn(e) ? cmpp_fn(e) : "rt_cmp_int", loc(n), k);
        return 1;
    }
    if (!strcmp(m, "join")) {
        Node *sep = n->list.len ? n->list.items[0] : NULL;
        k = new_tmp();
        if (e->kind == TY_STR) {
            buf_puts(b, "rt_arr_join(");
            rcv(b, n);
            buf_puts(b, ", ");
            if (sep) emit_expr(b, sep); else emit_str_literal(b, "", 0);
            buf_puts(b, ")");
            return 1;
        }
        buf_printf(b, "({ WynArr *_ja%d = ", k);
        rcv(b, n);
        buf_printf(b, "; WynArr *_js%d = rt_arr_new(sizeof(WynStr *), _ja%d->len); "
                      "for (wyn_int _i%d = 0; _i%d < _ja%d->len; _i%d++) { WynSB *_jb = rt_sb_new(); %s(_jb, ((%s *)_ja%d->data)[_i%d], 0); "
                      "*(WynStr **)rt_arr_push_slot(_js%d) = rt_sb_to_string(_jb); rt_sb_free(_jb); } rt_arr_join(_js%d, ",
                   k, k, k, k, k, k, fmt_fn(e), et, k, k, k, k);
        if (sep) emit_expr(b, sep); else emit_str_literal(b, "", 0);
        buf_puts(b, "); })");
        return 1;
    }
    if (!strcmp(m, "to_string")) { emit_to_string(b, recv(n)); return 1; }
    return 0;
}

static int emit_map_method(Buf *b, Node *n, const char *m)
{
    Type *t = type_prune(recv(n)->type);
    const char *ks = type_prune(t->key)->kind == TY_STR ? "s" : "i";
    const char *vt = ctype(t->elem);
    int k = new_tmp();
    if (!strcmp(m, "len")) { buf_puts(b, "rt_map_len("); rcv(b, n); buf_puts(b, ")"); return 1; }
    if (!strcmp(m, "is_empty")) { buf_puts(b, "(rt_map_len("); rcv(b, n); buf_puts(b, ") == 0)"); return 1; }
    if (!strcmp(m, "has")) {
        buf_printf(b, "(rt_map_find_%s(", ks);
        rcv(b, n);
        buf_puts(b, ", ");
        arg(b, n, 0);
        buf_puts(b, ") != 0)");
        return 1;
    }
    if (!strcmp(m, "remove")) {
        buf_printf(b, "((void)rt_map_remove_%s(", ks);
        rcv(b, n);
        buf_puts(b, ", ");
        arg(b, n, 0);
        buf_puts(b, "))");
        return 1;
    }
    if (!strcmp(m, "get") || !strcmp(m, "get_or")) {
        buf_printf(b, "({ void *_mp%d = rt_map_find_%s(", k, ks);
        rcv(b, n);
        buf_puts(b, ", ");
        arg(b, n, 0);
        if (m[3] == '_') {
            buf_printf(b, "); _mp%d ? *(%s *)_mp%d : ", k, vt, k);
            arg(b, n, 1);
            buf_puts(b, "; })");
        } else {
            const char *ot = ctype(n->type);
            buf_printf(b, "); %s _mo%d = {0}; if (_mp%d) { _mo%d.some = 1; _mo%d.val = *(%s *)_mp%d; } _mo%d; })",
                       ot, k, k, k, k, vt, k, k);
        }
        return 1;
    }
    if (!strcmp(m, "set")) {
        /* the value first: computing it may insert into the map */
        buf_printf(b, "({ %s _sv%d = ", vt, k);
        arg(b, n, 1);
        Buf slot = {0};
        buf_printf(&slot, "(%s *)rt_map_slot_%s(", vt, ks);
        rcv(&slot, n);
        buf_puts(&slot, ", ");
        arg(&slot, n, 0);
        buf_puts(&slot, ")");
        buf_puts(b, "; ");
        emit_set_text(b, t->elem, arena_printf("*%s", slot.data), arena_printf("_sv%d", k));
        buf_free(&slot);
        buf_puts(b, "(void)0; })");
        return 1;
    }
    if (!strcmp(m, "keys") || !strcmp(m, "values")) {
        buf_printf(b, "rt_map_%s(", m);
        rcv(b, n);
        buf_puts(b, ")");
        return 1;
    }
    if (!strcmp(m, "to_string")) { emit_to_string(b, recv(n)); return 1; }
    return 0;
}

static int emit_opt_method(Buf *b, Node *n, const char *m, int is_res)
{
    Type *t = type_prune(recv(n)->type);
    const char *ct = ctype(t);
    const char *flag = is_res ? "ok" : "some";
    int k = new_tmp();
    if (!strcmp(m, "is_some") || !strcmp(m, "is_ok")) { buf_puts(b, "(("); rcv(b, n); buf_printf(b, ").%s)", flag); return 1; }
    if (!strcmp(m, "is_none") || !strcmp(m, "is_err")) { buf_puts(b, "(!("); rcv(b, n); buf_printf(b, ").%s)", flag); return 1; }
    if (!strcmp(m, "unwrap") || !strcmp(m, "expect")) {
        buf_printf(b, "({ %s _u%d = ", ct, k);
        rcv(b, n);
        if (!strcmp(m, "expect")) {
            buf_printf(b, "; if (!_u%d.%s) rt_panic_str(%d, ", k, flag, loc(n));
            arg(b, n, 0);
            buf_puts(b, ");");
        } else {
            buf_printf(b, "; if (!_u%d.%s) rt_unwrap_fail(%d, \"%s\");", k, flag, loc(n), is_res ? "Err" : "none");
        }
        buf_printf(b, " _u%d.val; })", k);
        return 1;
    }
    if (!strcmp(m, "unwrap_or")) {
        buf_printf(b, "({ %s _u%d = ", ct, k);
        rcv(b, n);
        buf_printf(b, "; _u%d.%s ? _u%d.val : ", k, flag, k);
        arg(b, n, 0);
        buf_puts(b, "; })");
        return 1;
    }
    if (!strcmp(m, "unwrap_err")) {
        buf_printf(b, "({ %s _u%d = ", ct, k);
        rcv(b, n);
        buf_printf(b, "; if (_u%d.ok) rt_unwrap_fail(%d, \"Ok (unwrap_err)\"); _u%d.err; })", k, loc(n), k);
        return 1;
    }
    if (!strcmp(m, "to_string")) { emit_to_string(b, recv(n)); return 1; }
    return 0;
}

/* Channel operations; `ch` is the handle expression, et the element type. */
static void emit_send(Buf *b, Node *ch, Node *v, Type *et, Node *at)
{
    int k = new_tmp();
    /* the channel owns what it carries, then the receiver does */
    buf_printf(b, "({ %s _sv%d = ", ctype(et), k);
    emit_owned(b, et, v);
    buf_puts(b, "; rt_chan_send(");
    emit_chan_operand(b, ch, et, "Task.send", at);
    buf_printf(b, ", &_sv%d, sizeof _sv%d, %d); })", k, k, loc(at));
}

static void emit_recv(Buf *b, Node *ch, Type *et, Node *at, int try)
{
    int k = new_tmp();
    if (try) {
        buf_printf(b, "({ %s _ro%d = {0}; %s _rv%d; if (rt_chan_try_recv(", ctype(at->type), k, ctype(et), k);
        emit_chan_operand(b, ch, et, "Task.try_recv", at);
        buf_printf(b, ", &_rv%d, sizeof _rv%d)) { _ro%d.some = 1; _ro%d.val = %s(_rv%d); } _ro%d; })", k, k, k, k,
                   rc_auto(et) ? rc_auto(et) : "", k, k);
        return;
    }
    buf_printf(b, "({ %s _rv%d; rt_chan_recv(", ctype(et), k);
    emit_chan_operand(b, ch, et, "Task.recv", at);
    buf_printf(b, ", &_rv%d, sizeof _rv%d, %d); ", k, k, loc(at));
    if (rc_auto(et))
        buf_printf(b, "_rv%d = %s(_rv%d); ", k, rc_auto(et), k);
    emit_fix_zero(b, arena_printf("_rv%d", k), et);
    buf_printf(b, "_rv%d; })", k);
}

static Type *chan_elem_of(Node *ch, Node *value)
{
    Type *t = type_prune(ch->type);
    if (t->kind == TY_CHAN)
        return t->elem;
    return value ? value->type : ty_int;
}

static void emit_chan_new(Buf *b, Node *n)
{
    Type *t = type_prune(n->type);
    const char *et = ctype(t->kind == TY_CHAN ? t->elem : ty_int);
    if (n->list.len == 0) {
        buf_printf(b, "rt_chan_new_unbuffered(sizeof(%s))", et);
        return;
    }
    buf_puts(b, "rt_chan_new(");
    arg(b, n, 0);
    buf_printf(b, ", sizeof(%s), %d)", et, loc(n));
}

static int emit_module_call(Buf *b, Node *n, const char *q)
{
    if (!strcmp(q, "Task.value")) {
        buf_puts(b, "rt_shared_new(");
        if (n->list.len) arg(b, n, 0); else buf_puts(b, "0");
        buf_puts(b, ")");
        return 1;
    }
    static const char *const shared[] = { "get", "set", "add", "sub", NULL };
    for (int i = 0; shared[i]; i++)
        if (!strncmp(q, "Task.", 5) && !strcmp(q + 5, shared[i])) {
            buf_printf(b, "rt_shared_%s(", shared[i]);
            arg(b, n, 0);
            if (n->list.len > 1) { buf_puts(b, ", "); arg(b, n, 1); }
            buf_printf(b, ", %d)", loc(n));
            return 1;
        }
    if (!strcmp(q, "Task.channel")) { emit_chan_new(b, n); return 1; }
    if (!strcmp(q, "Task.send")) {
        emit_send(b, n->list.items[0], n->list.items[1], chan_elem_of(n->list.items[0], n->list.items[1]), n);
        return 1;
    }
    if (!strcmp(q, "Task.recv")) { emit_recv(b, n->list.items[0], chan_elem_of(n->list.items[0], NULL), n, 0); return 1; }
    if (!strcmp(q, "Task.try_recv")) { emit_recv(b, n->list.items[0], chan_elem_of(n->list.items[0], NULL), n, 1); return 1; }
    if (!strcmp(q, "Task.close")) {
        buf_puts(b, "rt_chan_close(");
        emit_chan_operand(b, n->list.items[0], NULL, "Task.close", n);
        buf_printf(b, ", %d)", loc(n));
        return 1;
    }
    if (!strcmp(q, "Task.cancel")) {
        buf_puts(b, "rt_task_cancel(");
        emit_future_operand(b, n->list.items[0], "Task.cancel", n);
        buf_puts(b, ")");
        return 1;
    }
    if (!strcmp(q, "Task.is_cancelled")) { buf_puts(b, "rt_task_is_cancelled()"); return 1; }
    if (!strcmp(q, "Task.yield")) { buf_puts(b, "rt_task_yield()"); return 1; }
    if (!strcmp(q, "Time.now")) { buf_puts(b, "rt_time_now()"); return 1; }
    if (!strcmp(q, "Time.millis")) { buf_puts(b, "rt_time_millis()"); return 1; }
    if (!strcmp(q, "Time.nanos")) { buf_puts(b, "rt_time_nanos()"); return 1; }
    if (!strcmp(q, "Time.sleep")) { buf_puts(b, "rt_sleep_ms("); arg(b, n, 0); buf_printf(b, ", %d)", loc(n)); return 1; }
    if (!strcmp(q, "StringBuilder.new")) { buf_puts(b, "rt_autorelease_sb(rt_sb_new())"); return 1; }
    if (!strncmp(q, "Ptr.", 4)) {
        buf_printf(b, "rt_ptr_%s(", q + 4);
        for (int i = 0; i < n->list.len; i++) {
            if (i) buf_puts(b, ", ");
            arg(b, n, i);
        }
        buf_puts(b, ")");
        return 1;
    }
    if (!strncmp(q, "Math.", 5)) {
        const char *f = q + 5;
        int is_int = type_prune(n->type)->kind == TY_INT;
        if (!strcmp(f, "abs") || !strcmp(f, "min") || !strcmp(f, "max")) {
            int k = new_tmp();
            const char *ct = is_int ? "wyn_int" : "double";
            buf_printf(b, "({ %s _x%d = ", ct, k);
            arg(b, n, 0);
            if (f[0] == 'a') {
                buf_printf(b, "; _x%d < 0 ? -_x%d : _x%d; })", k, k, k);
            } else {
                buf_printf(b, ", _y%d = ", k);
                arg(b, n, 1);
                buf_printf(b, "; _x%d %s _y%d ? _x%d : _y%d; })", k, f[1] == 'i' ? "<" : ">", k, k, k);
            }
            return 1;
        }
        buf_printf(b, "%s(", !strcmp(f, "round") ? "rt_float_round" : f);
        for (int i = 0; i < n->list.len; i++) {
            if (i) buf_puts(b, ", ");
            arg(b, n, i);
        }
        buf_puts(b, ")");
        return 1;
    }
    return 0;
}

static int emit_global_call(Buf *b, Node *n, const char *q)
{
    if (!strcmp(q, "print") || !strcmp(q, "println")) { emit_print(b, n); return 1; }
    if (!strcmp(q, "len")) {
        Type *t = type_prune(n->list.items[0]->type);
        if (t->kind == TY_MAP) { buf_puts(b, "rt_map_len("); arg(b, n, 0); buf_puts(b, ")"); }
        else { buf_puts(b, "(("); arg(b, n, 0); buf_puts(b, ")->len)"); }
        return 1;
    }
    if (!strcmp(q, "str")) { emit_to_string(b, n->list.items[0]); return 1; }
    if (!strcmp(q, "int") || !strcmp(q, "float")) {
        Type *t = type_prune(n->list.items[0]->type);
        int to_int = q[0] == 'i';
        if (t->kind == TY_STR) buf_printf(b, "rt_str_to_%s(", to_int ? "int" : "float");
        else if (t->kind == TY_FLOAT && to_int) buf_puts(b, "rt_float_to_int(");
        else buf_printf(b, "((%s)(", to_int ? "wyn_int" : "double");
        arg(b, n, 0);
        if (t->kind == TY_STR) buf_printf(b, ", %d)", loc(n));
        else if (t->kind == TY_FLOAT && to_int) buf_puts(b, ")");
        else buf_puts(b, "))");
        return 1;
    }
    if (!strcmp(q, "range")) {
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
                   k, loc(n), k, k, k, k, k, k, k, k);
        return 1;
    }
    if (!strcmp(q, "zip")) {
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
        return 1;
    }
    if (!strcmp(q, "input")) {
        int k = new_tmp();
        buf_printf(b, "({ WynStr *_in%d = rt_input(", k);
        if (n->list.len) arg(b, n, 0); else buf_puts(b, "0");
        buf_printf(b, "); %s _io%d = {0}; if (_in%d) { _io%d.some = 1; _io%d.val = _in%d; } _io%d; })",
                   ctype(n->type), k, k, k, k, k, k);
        return 1;
    }
    if (!strcmp(q, "exit") || !strcmp(q, "System.exit")) { buf_puts(b, "rt_exit("); arg(b, n, 0); buf_puts(b, ")"); return 1; }
    if (!strcmp(q, "panic")) {
        buf_printf(b, "rt_panic_str(%d, ", loc(n));
        emit_to_string(b, n->list.items[0]);
        buf_puts(b, ")");
        return 1;
    }
    if (!strcmp(q, "assert")) {
        buf_puts(b, "({ if (!(");
        arg(b, n, 0);
        buf_printf(b, ")) rt_panic_str(%d, ", loc(n));
        if (n->list.len > 1) arg(b, n, 1); else emit_str_literal(b, "assertion failed", 16);
        buf_puts(b, "); })");
        return 1;
    }
    if (!strcmp(q, "await_all")) {
        int k = new_tmp();
        Type *et = type_prune(type_prune(n->type)->elem);
        const char *ct = ctype(et);
        buf_printf(b, "({ WynArr *_fa%d = ", k);
        arg(b, n, 0);
        const char *own = rc_own(et);
        buf_printf(b, "; WynArr *_fr%d = rt_arr_new_ops(sizeof(%s), _fa%d->len, %s); for (wyn_int _i = 0; _i < _fa%d->len; _i++) "
                      "*(%s *)rt_arr_push_slot(_fr%d) = %s(*(%s const *)rt_await(((wyn_int *)_fa%d->data)[_i], %d)); _fr%d; })",
                   k, ct, k, rc_ops(et), k, ct, k, own ? own : "", ct, k, loc(n), k);
        return 1;
    }
    if (!strcmp(q, "await_any")) {
        int k = new_tmp();
        const char *ct = ctype(n->type);
        buf_printf(b, "({ WynArr *_fa%d = ", k);
        arg(b, n, 0);
        buf_printf(b, "; wyn_int _fi%d = rt_await_any(_fa%d, %d); *(%s const *)rt_await(((wyn_int *)_fa%d->data)[_fi%d], %d); })",
                   k, k, loc(n), ct, k, k, loc(n));
        return 1;
    }
    if (!strcmp(q, "Ok") || !strcmp(q, "Err")) {
        int k = new_tmp();
        buf_printf(b, "({ %s _re%d = {0}; _re%d.ok = %d; _re%d.%s = ", ctype(n->type), k, k, q[0] == 'O', k,
                   q[0] == 'O' ? "val" : "err");
        arg(b, n, 0);
        buf_printf(b, "; _re%d; })", k);
        return 1;
    }
    return 0;
}

void emit_builtin_call(Buf *b, Node *n)
{
    const char *q = n->sval;
    if (emit_global_call(b, n, q) || emit_module_call(b, n, q) || emit_io_call(b, n, q))
        return;
    const char *dot = strchr(q, '.');
    const char *m = dot ? dot + 1 : q;
    int ok = 0;
    if (!strncmp(q, "str.", 4)) ok = emit_str_method(b, n, m);
    else if (!strncmp(q, "int.", 4)) ok = emit_num_method(b, n, m, 1);
    else if (!strncmp(q, "float.", 6)) ok = emit_num_method(b, n, m, 0);
    else if (!strncmp(q, "bool.", 5) || !strcmp(q, "val.to_string")) { emit_to_string(b, recv(n)); ok = 1; }
    else if (!strncmp(q, "arr.", 4)) ok = emit_arr_method(b, n, m);
    else if (!strncmp(q, "map.", 4)) ok = emit_map_method(b, n, m);
    else if (!strncmp(q, "opt.", 4)) ok = emit_opt_method(b, n, m, 0);
    else if (!strncmp(q, "res.", 4)) ok = emit_opt_method(b, n, m, 1);
    else if (!strncmp(q, "chan.", 5)) {
        Node *ch = recv(n);
        Type *et = type_prune(ch->type)->elem;
        ok = 1;
        if (!strcmp(m, "send")) emit_send(b, ch, n->list.items[0], et, n);
        else if (!strcmp(m, "recv")) emit_recv(b, ch, et, n, 0);
        else if (!strcmp(m, "try_recv")) emit_recv(b, ch, et, n, 1);
        else if (!strcmp(m, "close")) { buf_puts(b, "rt_chan_close("); emit_expr(b, ch); buf_printf(b, ", %d)", loc(n)); }
        else ok = 0;
    } else if (!strncmp(q, "sb.", 3)) {
        ok = 1;
        if (!strcmp(m, "append")) {
            Node *a = n->list.items[0];
            if (a->kind == N_INTERP) {
                /* sb.append("a${x}b"): the parts go straight into the builder */
                int k = new_tmp();
                buf_printf(b, "({ WynSB *_sa%d = ", k);
                rcv(b, n);
                buf_puts(b, "; ");
                for (int i = 0; i < a->list.len; i++) {
                    Node *part = a->list.items[i];
                    if (part->kind == N_STR) {
                        buf_printf(b, "rt_sb_append(_sa%d, ", k);
                        emit_expr(b, part);
                        buf_puts(b, "); ");
                    } else {
                        emit_format_value(b, arena_printf("_sa%d", k), part, 0);
                    }
                }
                buf_puts(b, "})");
            } else if (type_prune(a->type)->kind == TY_STR) {
                buf_puts(b, "rt_sb_append(");
                rcv(b, n);
                buf_puts(b, ", ");
                arg(b, n, 0);
                buf_puts(b, ")");
            } else {
                int k = new_tmp();
                buf_printf(b, "({ WynSB *_sa%d = ", k);
                rcv(b, n);
                buf_puts(b, "; ");
                emit_format_value(b, arena_printf("_sa%d", k), a, 0);
                buf_puts(b, "})");
            }
        } else if (!strcmp(m, "len")) { buf_puts(b, "rt_sb_len("); rcv(b, n); buf_puts(b, ")"); }
        else if (!strcmp(m, "to_string")) { buf_puts(b, "rt_sb_to_string("); rcv(b, n); buf_puts(b, ")"); }
        else ok = 0;
    }
    if (!ok)
        buf_printf(b, "/* unsupported builtin %s */ 0", q);
}
