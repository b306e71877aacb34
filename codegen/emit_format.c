/*
 * emit_format.c — C for format() and ${value:spec} (SPEC §10 "Format
 * specs").  Each value goes to the runtime as a WynFmtArg (wyn_rt.h): ints
 * and floats as numbers, so specs can pad, sign and round them, bools and
 * strings as themselves, every other value as its SPEC §14 text.  The
 * runtime parses the spec and formats (runtime/str_format.c).
 */
#include "emit_int.h"

/* slot.kind = WYN_FMT_...; slot.v.x = e; */
static void emit_fmt_arg(Buf *b, const char *slot, Node *e)
{
    switch (type_prune(e->type)->kind) {
    case TY_INT: buf_printf(b, "%s.kind = WYN_FMT_INT; %s.v.i = ", slot, slot); emit_expr(b, e); break;
    case TY_FLOAT: buf_printf(b, "%s.kind = WYN_FMT_FLOAT; %s.v.f = ", slot, slot); emit_expr(b, e); break;
    case TY_BOOL: buf_printf(b, "%s.kind = WYN_FMT_BOOL; %s.v.b = ", slot, slot); emit_expr(b, e); break;
    case TY_STR: buf_printf(b, "%s.kind = WYN_FMT_STR; %s.v.s = ", slot, slot); emit_expr(b, e); break;
    default: buf_printf(b, "%s.kind = WYN_FMT_OTHER; %s.v.s = ", slot, slot); emit_to_string(b, e); break;
    }
    buf_puts(b, "; ");
}

/* fmt.format(args...): the arguments in order, then the receiver. */
void emit_format_call(Buf *b, Node *fmt, NodeList *args, wyn_loc_t loc)
{
    int k = new_tmp();
    buf_printf(b, "({ WynFmtArg _fa%d[%d]; ", k, args->len ? args->len : 1);
    for (int i = 0; i < args->len; i++)
        emit_fmt_arg(b, arena_printf("_fa%d[%d]", k, i), args->items[i]);
    buf_puts(b, "rt_str_format(");
    emit_expr(b, fmt);
    buf_printf(b, ", _fa%d, %d, %d); })", k, args->len, loc);
}

/* ${value:spec} (N_FORMAT): a WynStr *. */
void emit_format_spec(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ WynFmtArg _fs%d; ", k);
    emit_fmt_arg(b, arena_printf("_fs%d", k), n->a);
    buf_printf(b, "rt_str_format_spec(&_fs%d, ", k);
    emit_expr(b, n->b);
    buf_printf(b, ", %d); })", loc_of(n));
}
