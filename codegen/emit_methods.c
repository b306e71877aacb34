/*
 * emit_methods.c — emit hooks of the built-in methods of numbers,
 * strings, maps, options, Results, channels (and Task.send/recv) and
 * StringBuilder: the rows of front/builtins_{num,str,map,opt}.c that are
 * more than one runtime call.
 */
#include "emit_int.h"
#include <string.h>

static Node *recv(Node *n) { return emit_receiver(n); }
static void rcv(Buf *b, Node *n) { emit_expr(b, recv(n)); }
static void arg(Buf *b, Node *n, int i) { emit_expr(b, n->list.items[i]); }

/* --- numbers ----------------------------------------------------------- */

static int recv_is_int(Node *n) { return type_prune(recv(n)->type)->kind == TY_INT; }

void emit_bi_to_float(Buf *b, Node *n) { emit_wrap_receiver(b, n, "((double)(", "))"); }

void emit_bi_to_int(Buf *b, Node *n) { emit_wrap_receiver(b, n, "((wyn_int)(", "))"); }

void emit_bi_num_abs(Buf *b, Node *n)
{
    if (!recv_is_int(n)) {
        buf_puts(b, "fabs(");
        rcv(b, n);
        buf_puts(b, ")");
        return;
    }
    int k = new_tmp();
    buf_printf(b, "({ wyn_int _ab%d = ", k);
    rcv(b, n);
    buf_printf(b, "; _ab%d < 0 ? -_ab%d : _ab%d; })", k, k, k);
}

static void emit_num_pick(Buf *b, Node *n, const char *op)
{
    int k = new_tmp();
    buf_printf(b, "({ %s _ma%d = ", recv_is_int(n) ? "wyn_int" : "double", k);
    rcv(b, n);
    buf_printf(b, ", _mb%d = ", k);
    arg(b, n, 0);
    buf_printf(b, "; _ma%d %s _mb%d ? _ma%d : _mb%d; })", k, op, k, k, k);
}

void emit_bi_num_min(Buf *b, Node *n) { emit_num_pick(b, n, "<"); }
void emit_bi_num_max(Buf *b, Node *n) { emit_num_pick(b, n, ">"); }

void emit_bi_float_trunc(Buf *b, Node *n) { emit_wrap_receiver(b, n, "((double)rt_float_to_int(", "))"); }

void emit_bi_float_is_nan(Buf *b, Node *n) { emit_wrap_receiver(b, n, "({ double _d = ", "; _d != _d; })"); }

void emit_bi_float_is_inf(Buf *b, Node *n) { emit_wrap_receiver(b, n, "({ double _d = ", "; _d == 1.0/0.0 || _d == -1.0/0.0; })"); }

/* --- strings ----------------------------------------------------------- */

void emit_bi_str_format(Buf *b, Node *n)
{
    emit_format_call(b, recv(n), &n->list, loc_of(n));
}

/* --- maps -------------------------------------------------------------- */

/* "s" or "i": the runtime's map functions per key kind */
static const char *key_suffix(Node *n)
{
    return type_prune(type_prune(recv(n)->type)->key)->kind == TY_STR ? "s" : "i";
}

void emit_bi_map_is_empty(Buf *b, Node *n) { emit_wrap_receiver(b, n, "(rt_map_len(", ") == 0)"); }

void emit_bi_map_has(Buf *b, Node *n)
{
    buf_printf(b, "(rt_map_find_%s(", key_suffix(n));
    rcv(b, n);
    buf_puts(b, ", ");
    arg(b, n, 0);
    buf_puts(b, ") != 0)");
}

void emit_bi_map_remove(Buf *b, Node *n)
{
    buf_printf(b, "((void)rt_map_remove_%s(", key_suffix(n));
    rcv(b, n);
    buf_puts(b, ", ");
    arg(b, n, 0);
    buf_puts(b, "))");
}

/* ({ void *_mp = find(m, k); ... }) up to the found pointer */
static int emit_map_find(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ void *_mp%d = rt_map_find_%s(", k, key_suffix(n));
    rcv(b, n);
    buf_puts(b, ", ");
    arg(b, n, 0);
    buf_puts(b, "); ");
    return k;
}

void emit_bi_map_get(Buf *b, Node *n)
{
    const char *vt = ctype(type_prune(recv(n)->type)->elem);
    int k = emit_map_find(b, n);
    buf_printf(b, "%s _mo%d = {0}; if (_mp%d) { _mo%d.some = 1; _mo%d.val = *(%s *)_mp%d; } _mo%d; })",
               ctype(n->type), k, k, k, k, vt, k, k);
}

void emit_bi_map_get_or(Buf *b, Node *n)
{
    const char *vt = ctype(type_prune(recv(n)->type)->elem);
    int k = emit_map_find(b, n);
    buf_printf(b, "_mp%d ? *(%s *)_mp%d : ", k, vt, k);
    arg(b, n, 1);
    buf_puts(b, "; })");
}

void emit_bi_map_set(Buf *b, Node *n)
{
    Type *t = type_prune(recv(n)->type);
    const char *vt = ctype(t->elem);
    int k = new_tmp();
    /* the value first: computing it may insert into the map */
    buf_printf(b, "({ %s _sv%d = ", vt, k);
    arg(b, n, 1);
    Buf slot = {0};
    buf_printf(&slot, "(%s *)rt_map_slot_%s(", vt, key_suffix(n));
    rcv(&slot, n);
    buf_puts(&slot, ", ");
    arg(&slot, n, 0);
    buf_puts(&slot, ")");
    buf_puts(b, "; ");
    emit_set_text(b, t->elem, arena_printf("*%s", slot.data), arena_printf("_sv%d", k));
    buf_free(&slot);
    buf_puts(b, "(void)0; })");
}

/* --- options and Results ------------------------------------------------ */

/* The presence flag of an option (some) or Result (ok). */
static const char *opt_flag(Node *n)
{
    return type_prune(recv(n)->type)->kind == TY_RESULT ? "ok" : "some";
}

void emit_bi_opt_is_set(Buf *b, Node *n)
{
    buf_puts(b, "((");
    rcv(b, n);
    buf_printf(b, ").%s)", opt_flag(n));
}

void emit_bi_opt_is_unset(Buf *b, Node *n)
{
    buf_puts(b, "(!(");
    rcv(b, n);
    buf_printf(b, ").%s)", opt_flag(n));
}

/* ({ T _u = receiver; */
static int emit_opt_hold(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ %s _u%d = ", ctype(type_prune(recv(n)->type)), k);
    rcv(b, n);
    buf_puts(b, "; ");
    return k;
}

void emit_bi_opt_unwrap(Buf *b, Node *n)
{
    int is_res = type_prune(recv(n)->type)->kind == TY_RESULT;
    int k = emit_opt_hold(b, n);
    buf_printf(b, "if (!_u%d.%s) rt_unwrap_fail(%d, \"%s\"); _u%d.val; })", k, opt_flag(n), loc_of(n),
               is_res ? "Err" : "none", k);
}

void emit_bi_opt_expect(Buf *b, Node *n)
{
    int k = emit_opt_hold(b, n);
    buf_printf(b, "if (!_u%d.%s) rt_panic_str(%d, ", k, opt_flag(n), loc_of(n));
    arg(b, n, 0);
    buf_printf(b, "); _u%d.val; })", k);
}

void emit_bi_opt_unwrap_or(Buf *b, Node *n)
{
    int k = emit_opt_hold(b, n);
    buf_printf(b, "_u%d.%s ? _u%d.val : ", k, opt_flag(n), k);
    arg(b, n, 0);
    buf_puts(b, "; })");
}

void emit_bi_res_unwrap_err(Buf *b, Node *n)
{
    int k = emit_opt_hold(b, n);
    buf_printf(b, "if (_u%d.ok) rt_unwrap_fail(%d, \"Ok (unwrap_err)\"); _u%d.err; })", k, loc_of(n), k);
}

/* --- channels ------------------------------------------------------------ */

/* Channel operations; `ch` is the handle expression, et the element type. */
static void emit_send(Buf *b, Node *ch, Node *v, Type *et, Node *at)
{
    int k = new_tmp();
    /* the channel owns what it carries, then the receiver does */
    buf_printf(b, "({ %s _sv%d = ", ctype(et), k);
    emit_owned(b, et, v);
    buf_puts(b, "; rt_chan_send(");
    emit_chan_operand(b, ch, et, builtin_display(at->builtin), at);
    buf_printf(b, ", &_sv%d, sizeof _sv%d, %d); })", k, k, loc_of(at));
}

static void emit_recv(Buf *b, Node *ch, Type *et, Node *at, int try)
{
    int k = new_tmp();
    if (try) {
        buf_printf(b, "({ %s _ro%d = {0}; %s _rv%d; if (rt_chan_try_recv(", ctype(at->type), k, ctype(et), k);
        emit_chan_operand(b, ch, et, builtin_display(at->builtin), at);
        buf_printf(b, ", &_rv%d, sizeof _rv%d)) { _ro%d.some = 1; _ro%d.val = %s(_rv%d); } _ro%d; })", k, k, k, k,
                   rc_auto(et) ? rc_auto(et) : "", k, k);
        return;
    }
    buf_printf(b, "({ %s _rv%d; rt_chan_recv(", ctype(et), k);
    emit_chan_operand(b, ch, et, builtin_display(at->builtin), at);
    buf_printf(b, ", &_rv%d, sizeof _rv%d, %d); ", k, k, loc_of(at));
    if (rc_auto(et))
        buf_printf(b, "_rv%d = %s(_rv%d); ", k, rc_auto(et), k);
    emit_fix_zero(b, arena_printf("_rv%d", k), et);
    buf_printf(b, "_rv%d; })", k);
}

/* The element type of a Task.* channel argument (an int handle carries
 * the sent value's type, or int). */
static Type *chan_elem_of(Node *ch, Node *value)
{
    Type *t = type_prune(ch->type);
    if (t->kind == TY_CHAN)
        return t->elem;
    return value ? value->type : ty_int;
}

static Type *recv_elem(Node *n) { return type_prune(recv(n)->type)->elem; }

void emit_bi_chan_send(Buf *b, Node *n) { emit_send(b, recv(n), n->list.items[0], recv_elem(n), n); }
void emit_bi_chan_recv(Buf *b, Node *n) { emit_recv(b, recv(n), recv_elem(n), n, 0); }
void emit_bi_chan_try_recv(Buf *b, Node *n) { emit_recv(b, recv(n), recv_elem(n), n, 1); }

void emit_bi_task_send(Buf *b, Node *n)
{
    Node *ch = n->list.items[0], *v = n->list.items[1];
    emit_send(b, ch, v, chan_elem_of(ch, v), n);
}

void emit_bi_task_recv(Buf *b, Node *n)
{
    emit_recv(b, n->list.items[0], chan_elem_of(n->list.items[0], NULL), n, 0);
}

void emit_bi_task_try_recv(Buf *b, Node *n)
{
    emit_recv(b, n->list.items[0], chan_elem_of(n->list.items[0], NULL), n, 1);
}

/* Task.close(ch): ch may be an int handle */
void emit_bi_task_close(Buf *b, Node *n)
{
    buf_puts(b, "rt_chan_close(");
    emit_chan_operand(b, n->list.items[0], NULL, "Task.close", n);
    buf_printf(b, ", %d)", loc_of(n));
}

/* Task.cancel(f): f may be an int handle */
void emit_bi_task_cancel(Buf *b, Node *n)
{
    buf_puts(b, "rt_task_cancel(");
    emit_future_operand(b, n->list.items[0], "Task.cancel", n);
    buf_puts(b, ")");
}

/* channel(), Task.channel() */
void emit_bi_chan_new(Buf *b, Node *n)
{
    Type *t = type_prune(n->type);
    const char *et = ctype(t->kind == TY_CHAN ? t->elem : ty_int);
    if (n->list.len == 0) {
        buf_printf(b, "rt_chan_new_unbuffered(sizeof(%s))", et);
        return;
    }
    buf_puts(b, "rt_chan_new(");
    arg(b, n, 0);
    buf_printf(b, ", sizeof(%s), %d)", et, loc_of(n));
}

/* --- StringBuilder --------------------------------------------------------- */

void emit_bi_sb_append(Buf *b, Node *n)
{
    Node *a = n->list.items[0];
    if (type_prune(a->type)->kind == TY_STR && a->kind != N_INTERP) {
        buf_puts(b, "rt_sb_append(");
        rcv(b, n);
        buf_puts(b, ", ");
        arg(b, n, 0);
        buf_puts(b, ")");
        return;
    }
    int k = new_tmp();
    buf_printf(b, "({ WynSB *_sa%d = ", k);
    rcv(b, n);
    buf_puts(b, "; ");
    if (a->kind == N_INTERP) {
        /* sb.append("a${x}b"): the parts go straight into the builder */
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
    } else {
        emit_format_value(b, arena_printf("_sa%d", k), a, 0);
    }
    buf_puts(b, "})");
}
