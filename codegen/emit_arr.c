/*
 * emit_arr.c — emit hooks of the array methods (front/builtins_arr.c):
 * element moves with their reference counts, searches with the element
 * type's equality, sorting with its comparison, and the higher-order
 * methods (map, filter, reduce, ...) as loops that call the function value.
 */
#include "emit_int.h"

static Node *recv(Node *n) { return emit_receiver(n); }
static void rcv(Buf *b, Node *n) { emit_expr(b, recv(n)); }
static void arg(Buf *b, Node *n, int i) { emit_expr(b, n->list.items[i]); }
static Type *elem_of(Node *n) { return type_prune(type_prune(recv(n)->type)->elem); }

void emit_bi_arr_push(Buf *b, Node *n)
{
    Type *e = elem_of(n);
    const char *et = ctype(e);
    int k = new_tmp();
    /* the value first: computing it may itself grow the array */
    buf_printf(b, "({ %s _pu%d = ", et, k);
    arg(b, n, 0);
    buf_printf(b, "; *(%s *)rt_arr_push_slot(", et);
    rcv(b, n);
    const char *own = rc_own(e);
    buf_printf(b, ") = %s(_pu%d); })", own ? own : "", k);
}

/* ({ T _pv; rt_arr_pop(a, &_pv, loc); auto(_pv); }) — `take` moves the
 * element out of the array, into the pool */
static void emit_elem_out(Buf *b, Node *n, int take)
{
    Type *e = elem_of(n);
    const char *aut = take ? rc_auto(e) : NULL;
    int k = new_tmp();
    buf_printf(b, "({ %s _pv%d; %s(", ctype(e), k, n->builtin->rt);
    rcv(b, n);
    buf_printf(b, ", &_pv%d, %d); %s(_pv%d); })", k, loc_of(n), aut ? aut : "", k);
}

void emit_bi_arr_take_last(Buf *b, Node *n) { emit_elem_out(b, n, 1); }
void emit_bi_arr_peek(Buf *b, Node *n) { emit_elem_out(b, n, 0); }

void emit_bi_arr_remove(Buf *b, Node *n)
{
    Type *e = elem_of(n);
    const char *aut = rc_auto(e);
    int k = new_tmp();
    buf_printf(b, "({ %s _pv%d; rt_arr_remove(", ctype(e), k);
    rcv(b, n);
    buf_puts(b, ", ");
    arg(b, n, 0);
    buf_printf(b, ", &_pv%d, %d); %s(_pv%d); })", k, loc_of(n), aut ? aut : "", k);
}

void emit_bi_arr_insert(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ %s _iv%d = ", ctype(elem_of(n)), k);
    arg(b, n, 1);
    buf_puts(b, "; rt_arr_insert(");
    rcv(b, n);
    buf_puts(b, ", ");
    arg(b, n, 0);
    buf_printf(b, ", &_iv%d, %d); })", k, loc_of(n));
}

/* contains (found: index >= 0), index_of */
static void emit_arr_search(Buf *b, Node *n, const char *test)
{
    Type *e = elem_of(n);
    int k = new_tmp();
    buf_printf(b, "({ %s _cv%d = ", ctype(e), k);
    arg(b, n, 0);
    buf_puts(b, "; rt_arr_index_of(");
    rcv(b, n);
    buf_printf(b, ", &_cv%d, %s)%s; })", k, eqp_fn(e), test);
}

void emit_bi_arr_contains(Buf *b, Node *n) { emit_arr_search(b, n, " >= 0"); }
void emit_bi_arr_index_of(Buf *b, Node *n) { emit_arr_search(b, n, ""); }

void emit_bi_arr_slice(Buf *b, Node *n)
{
    buf_puts(b, "rt_arr_slice(");
    rcv(b, n);
    buf_puts(b, ", ");
    arg(b, n, 0);
    buf_puts(b, ", ");
    if (n->list.len > 1) arg(b, n, 1); else buf_puts(b, "9223372036854775807LL");
    buf_puts(b, ")");
}

void emit_bi_arr_unique(Buf *b, Node *n)
{
    buf_puts(b, "rt_arr_unique(");
    rcv(b, n);
    buf_printf(b, ", %s)", eqp_fn(elem_of(n)));
}

static const char *cmp_of(Type *e) { return cmpp_fn(e) ? cmpp_fn(e) : "rt_cmp_int"; }

/* sort (in place) and sorted (a copy) */
static void emit_arr_sort(Buf *b, Node *n, int copy)
{
    int k = new_tmp();
    buf_printf(b, "({ WynArr *_so%d = ", k);
    if (copy) buf_puts(b, "rt_arr_copy(");
    rcv(b, n);
    if (copy) buf_puts(b, ")");
    buf_printf(b, "; rt_arr_sort(_so%d, %s); _so%d; })", k, cmp_of(elem_of(n)), k);
}

void emit_bi_arr_sort(Buf *b, Node *n) { emit_arr_sort(b, n, 0); }
void emit_bi_arr_sorted(Buf *b, Node *n) { emit_arr_sort(b, n, 1); }

static const char *num_suffix(Node *n) { return elem_of(n)->kind == TY_FLOAT ? "float" : "int"; }

void emit_bi_arr_sum(Buf *b, Node *n)
{
    buf_printf(b, "rt_arr_sum_%s(", num_suffix(n));
    rcv(b, n);
    buf_puts(b, ")");
}

void emit_bi_arr_average(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ WynArr *_av%d = ", k);
    rcv(b, n);
    buf_printf(b, "; _av%d->len ? (double)rt_arr_sum_%s(_av%d) / (double)_av%d->len : 0.0; })", k, num_suffix(n), k, k);
}

/* min, max */
void emit_bi_arr_extreme(Buf *b, Node *n)
{
    Type *e = elem_of(n);
    int k = new_tmp();
    buf_printf(b, "({ %s _mv%d; %s(", ctype(e), k, n->builtin->rt);
    rcv(b, n);
    buf_printf(b, ", &_mv%d, %s, %d); _mv%d; })", k, cmp_of(e), loc_of(n), k);
}

void emit_bi_arr_join(Buf *b, Node *n)
{
    Type *e = elem_of(n);
    Node *sep = n->list.len ? n->list.items[0] : NULL;
    if (e->kind == TY_STR) {
        buf_puts(b, "rt_arr_join(");
        rcv(b, n);
        buf_puts(b, ", ");
        if (sep) emit_expr(b, sep); else emit_str_literal(b, "", 0);
        buf_puts(b, ")");
        return;
    }
    int k = new_tmp();
    buf_printf(b, "({ WynArr *_ja%d = ", k);
    rcv(b, n);
    buf_printf(b, "; WynArr *_js%d = rt_arr_new(sizeof(WynStr *), _ja%d->len); "
                  "for (wyn_int _i%d = 0; _i%d < _ja%d->len; _i%d++) { WynSB *_jb = rt_sb_new(); %s(_jb, ((%s *)_ja%d->data)[_i%d], 0); "
                  "*(WynStr **)rt_arr_push_slot(_js%d) = rt_sb_to_string(_jb); rt_sb_free(_jb); } rt_arr_join(_js%d, ",
               k, k, k, k, k, k, fmt_fn(e), ctype(e), k, k, k, k);
    if (sep) emit_expr(b, sep); else emit_str_literal(b, "", 0);
    buf_puts(b, "); })");
}

/* --- higher-order methods ------------------------------------------------ */

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

/* The walk shared by the one-function methods: the array is held while
 * the function runs (it may reassign the variable the array came from).
 * Opens `({ WynArr *_hK = own(recv); WynFn _gK = f` and returns K; `call`
 * is the C call of f on element _iK, `loop` the for header over _hK. */
typedef struct Walk {
    int k;
    Type *elem, *fn;
    const char *et, *call, *loop;
} Walk;

static Walk walk_open(Buf *b, Node *n)
{
    Walk w;
    w.k = new_tmp();
    w.elem = elem_of(n);
    w.et = ctype(w.elem);
    w.fn = type_prune(n->list.items[0]->type);
    int k = w.k;
    buf_printf(b, "({ WynArr *_h%d = wyn_own_arr(", k);
    rcv(b, n);
    buf_printf(b, "); WynFn _g%d = ", k);
    arg(b, n, 0);
    w.call = arena_printf("(%s_g%d.fn)(_g%d.env, ((%s *)_h%d->data)[_i%d])", fn_cast(w.fn), k, k, w.et, k, k);
    w.loop = arena_printf("for (wyn_int _i%d = 0; _i%d < _h%d->len; _i%d++)", k, k, k, k);
    return w;
}

void emit_bi_arr_map(Buf *b, Node *n)
{
    Walk w = walk_open(b, n);
    int k = w.k;
    const char *rt = ctype(w.fn->ret), *own = rc_own(w.fn->ret);
    buf_printf(b, "; WynArr *_o%d = rt_arr_new_ops(sizeof(%s), _h%d->len, %s); %s *(%s *)rt_arr_push_slot(_o%d) = %s(%s); rt_release_arr(_h%d); _o%d; })",
               k, rt, k, rc_ops(w.fn->ret), w.loop, rt, k, own ? own : "", w.call, k, k);
}

void emit_bi_arr_filter(Buf *b, Node *n)
{
    Walk w = walk_open(b, n);
    int k = w.k;
    const char *own = rc_own(w.elem);
    buf_printf(b, "; WynArr *_o%d = rt_arr_new_ops(sizeof(%s), 0, %s); %s if (%s) *(%s *)rt_arr_push_slot(_o%d) = %s(((%s *)_h%d->data)[_i%d]); rt_release_arr(_h%d); _o%d; })",
               k, w.et, rc_ops(w.elem), w.loop, w.call, w.et, k, own ? own : "", w.et, k, k, k, k);
}

/* any (stop at the first true) and all (stop at the first false) */
static void emit_arr_test(Buf *b, Node *n, int all)
{
    Walk w = walk_open(b, n);
    int k = w.k;
    buf_printf(b, "; wyn_bool _o%d = %d; %s if (%s%s) { _o%d = %d; break; } rt_release_arr(_h%d); _o%d; })", k, all, w.loop,
               all ? "!" : "", w.call, k, !all, k, k);
}

void emit_bi_arr_any(Buf *b, Node *n) { emit_arr_test(b, n, 0); }
void emit_bi_arr_all(Buf *b, Node *n) { emit_arr_test(b, n, 1); }

void emit_bi_arr_find(Buf *b, Node *n)
{
    Walk w = walk_open(b, n);
    int k = w.k;
    /* the element found outlives the hold on the array */
    const char *own = rc_own(w.elem), *aut = rc_auto(w.elem);
    buf_printf(b, "; %s _o%d = {0}; %s if (%s) { _o%d.some = 1; _o%d.val = %s(%s(((%s *)_h%d->data)[_i%d])); break; } "
                  "rt_release_arr(_h%d); _o%d; })",
               ctype(n->type), k, w.loop, w.call, k, k, aut ? aut : "", own ? own : "", w.et, k, k, k, k);
}

void emit_bi_arr_sort_by(Buf *b, Node *n)
{
    Walk w = walk_open(b, n);
    int k = w.k;
    const char *kt = ctype(w.fn->ret), *own = rc_own(w.fn->ret);
    buf_printf(b, "; WynArr *_k%d = rt_arr_new_ops(sizeof(%s), _h%d->len, %s); %s *(%s *)rt_arr_push_slot(_k%d) = %s(%s); "
                  "rt_arr_sort_by_keys(_h%d, _k%d, %s); rt_release_arr(_h%d); (void)0; })",
               k, kt, k, rc_ops(w.fn->ret), w.loop, kt, k, own ? own : "", w.call, k, k, cmpp_fn(w.fn->ret), k);
}

/* for_each, each */
void emit_bi_arr_each(Buf *b, Node *n)
{
    Walk w = walk_open(b, n);
    buf_printf(b, "; %s %s; rt_release_arr(_h%d); (void)0; })", w.loop, w.call, w.k);
}

void emit_bi_arr_count(Buf *b, Node *n)
{
    Walk w = walk_open(b, n);
    int k = w.k;
    buf_printf(b, "; wyn_int _o%d = 0; %s if (%s) _o%d++; rt_release_arr(_h%d); _o%d; })", k, w.loop, w.call, k, k, k);
}

/* max_by (better is ">") and min_by ("<"): the first element whose key
 * beats every earlier one */
static void emit_arr_extreme_by(Buf *b, Node *n, const char *better)
{
    Walk w = walk_open(b, n);
    int k = w.k;
    Type *kt = w.fn->ret;
    const char *kc = ctype(kt), *own = rc_own(w.elem), *aut = rc_auto(w.elem);
    buf_printf(b, "; %s _o%d = {0}; %s _bk%d = %s; wyn_int _bi%d = -1; "
                  "%s { %s _ck = %s; if (_bi%d < 0 || %s(&_ck, &_bk%d) %s 0) { _bk%d = _ck; _bi%d = _i%d; } } ",
               ctype(n->type), k, kc, k, zero_value(kt), k, w.loop, kc, w.call, k, cmpp_fn(kt), k, better, k, k, k);
    /* the element found outlives the hold on the array */
    buf_printf(b, "if (_bi%d >= 0) { _o%d.some = 1; _o%d.val = %s(%s(((%s *)_h%d->data)[_bi%d])); } rt_release_arr(_h%d); _o%d; })",
               k, k, k, aut ? aut : "", own ? own : "", w.et, k, k, k, k);
}

void emit_bi_arr_max_by(Buf *b, Node *n) { emit_arr_extreme_by(b, n, ">"); }
void emit_bi_arr_min_by(Buf *b, Node *n) { emit_arr_extreme_by(b, n, "<"); }

/* {K: [T]}: each element pushed onto the array of its key, made on first sight */
void emit_bi_arr_group_by(Buf *b, Node *n)
{
    Walk w = walk_open(b, n);
    int k = w.k;
    Type *mt = type_prune(n->type);
    int str = type_prune(mt->key)->kind == TY_STR;
    const char *own = rc_own(w.elem);
    buf_printf(b, "; WynMap *_o%d = rt_map_new_ops(%d, sizeof(WynArr *), %s); "
                  "%s { WynArr **_gs = (WynArr **)rt_map_slot_%s(_o%d, %s); "
                  "if (!*_gs) *_gs = wyn_own_arr(rt_arr_new_ops(sizeof(%s), 0, %s)); "
                  "*(%s *)rt_arr_push_slot(*_gs) = %s(((%s *)_h%d->data)[_i%d]); } rt_release_arr(_h%d); _o%d; })",
               k, str, rc_ops(mt->elem), w.loop, str ? "s" : "i", k, w.call, w.et, rc_ops(w.elem), w.et,
               own ? own : "", w.et, k, k, k, k);
}

/* reduce(f, init) and reduce(init, f): arguments evaluated in source order */
static void emit_arr_reduce(Buf *b, Node *n, int fn_arg)
{
    Type *ft = type_prune(n->list.items[fn_arg]->type);
    const char *at = ctype(n->type), *et = ctype(elem_of(n));
    int k = new_tmp();
    buf_printf(b, "({ WynArr *_h%d = ", k);
    rcv(b, n);
    for (int i = 0; i < 2; i++) {
        if (i == fn_arg)
            buf_printf(b, "; WynFn _g%d = ", k);
        else
            buf_printf(b, "; %s _acc%d = ", at, k);
        arg(b, n, i);
    }
    buf_printf(b, "; for (wyn_int _i%d = 0; _i%d < _h%d->len; _i%d++) _acc%d = (%s_g%d.fn)(_g%d.env, _acc%d, ((%s *)_h%d->data)[_i%d]); _acc%d; })",
               k, k, k, k, k, fn_cast(ft), k, k, k, et, k, k, k);
}

void emit_bi_arr_reduce(Buf *b, Node *n) { emit_arr_reduce(b, n, 0); }
void emit_bi_arr_reduce_init_first(Buf *b, Node *n) { emit_arr_reduce(b, n, 1); }
