/*
 * emit_handle.c — where futures and channels meet ints (SPEC §11, "handles
 * are ints").  A typed Future<T> / Channel<T> is the runtime object's
 * address and costs nothing; only the two crossings pay:
 *   - a typed handle flowing into an int (the checker's CONV_HANDLE) becomes
 *     a checked registry int: rt_chan_to_int / rt_future_to_int, which
 *     record T's name;
 *   - an int used as a channel or a future (Task.recv(h), Task.cancel(h),
 *     a select arm) goes through rt_chan_of_int / rt_future_of_int, which
 *     check the kind, T and liveness and give the address back.
 * Shared cells are ints from birth and are checked inside rt_shared_*.
 */
#include <stdio.h>
#include <stdlib.h>
#include "emit_int.h"

/* T's name as a C string literal, as the checker prints it. */
static void emit_type_name(Buf *b, Type *t)
{
    emit_c_string_lit(b, type_str(type_resolve(t)));
}

void emit_handle_to_int(Buf *b, Node *conv)
{
    Type *t = type_prune(conv->a->type);
    if (t->kind != TY_CHAN && t->kind != TY_FUTURE) {
        fprintf(stderr, "wyn: internal error: handle conversion of %s (please report)\n", type_str(t));
        exit(70);
    }
    buf_puts(b, t->kind == TY_CHAN ? "rt_chan_to_int(" : "rt_future_to_int(");
    emit_expr(b, conv->a);
    buf_puts(b, ", ");
    emit_type_name(b, t->elem);
    buf_puts(b, ")");
}

void emit_chan_operand(Buf *b, Node *ch, Type *elem, const char *what, Node *at)
{
    if (type_prune(ch->type)->kind == TY_CHAN) {
        emit_expr(b, ch);
        return;
    }
    buf_puts(b, "rt_chan_of_int(");
    emit_expr(b, ch);
    buf_puts(b, ", ");
    if (elem)
        emit_type_name(b, elem);
    else
        buf_puts(b, "0");
    buf_puts(b, ", ");
    emit_c_string_lit(b, what);
    buf_printf(b, ", %d)", loc_of(at));
}

void emit_future_operand(Buf *b, Node *fut, const char *what, Node *at)
{
    if (type_prune(fut->type)->kind == TY_FUTURE) {
        emit_expr(b, fut);
        return;
    }
    buf_puts(b, "rt_future_of_int(");
    emit_expr(b, fut);
    buf_puts(b, ", 0, ");
    emit_c_string_lit(b, what);
    buf_printf(b, ", %d)", loc_of(at));
}
