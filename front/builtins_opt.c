/*
 * builtins_opt.c — rows of the methods of options, Results, channels and
 * StringBuilder (SPEC §10, §11).
 */
#include "builtins.h"
#include "builtins_hooks.h"
#include "check_int.h"

/* ch.send(v): the first value sent fixes the element type of a channel
 * made without one. */
static Type *check_send(Node *n, Type *t, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    if (!n->list.len)
        return ty_void;
    Type *e = type_prune(t->elem);
    Type *v = check_expr(&n->list.items[0], e->kind == TY_VAR ? NULL : t->elem);
    if (e->kind == TY_VAR)
        type_unify(t->elem, v);
    else
        coerce(&n->list.items[0], t->elem, "sent value");
    return ty_void;
}

#define OR (BR_OPT | BR_RES)
#define KP (BF_KEEPS | BF_PURE)
#define O(owner, name, sig, flags, emit, doc) {owner, NULL, name, sig, NULL, flags, NULL, emit, doc}
const Builtin builtins_opt[] = {
    O(OR, "unwrap", "() -> T", KP | BF_LOC, emit_bi_opt_unwrap, "the value inside (none or Err: a runtime error)"),
    O(OR, "expect", "(message: string) -> T", KP | BF_LOC, emit_bi_opt_expect,
      "the value inside (none or Err: a runtime error with the message)"),
    O(OR, "unwrap_or", "(default: T) -> T", KP, emit_bi_opt_unwrap_or, "the value inside, or default"),
    O(BR_OPT, "is_some", "() -> bool", KP, emit_bi_opt_is_set, "is there a value?"),
    O(BR_OPT, "is_none", "() -> bool", KP, emit_bi_opt_is_unset, "is there no value?"),
    O(BR_RES, "is_ok", "() -> bool", KP, emit_bi_opt_is_set, "is it Ok?"),
    O(BR_RES, "is_err", "() -> bool", KP, emit_bi_opt_is_unset, "is it Err?"),
    O(BR_RES, "unwrap_err", "() -> E", KP | BF_LOC, emit_bi_res_unwrap_err, "the error inside (Ok: a runtime error)"),
    {BR_CHAN, NULL, "send", "(value: T) -> void", NULL, BF_LOC | BF_PARKS, check_send, emit_bi_chan_send,
     "sends value; waits while the channel is full (closed: a runtime error)"},
    O(BR_CHAN, "recv", "() -> T", BF_LOC | BF_PARKS, emit_bi_chan_recv,
      "the next value; waits for one (closed and empty: the zero value)"),
    O(BR_CHAN, "try_recv", "() -> T?", 0, emit_bi_chan_try_recv, "the next value if one is ready, else none"),
    {BR_CHAN, NULL, "close", "() -> void", "rt_chan_close", BF_LOC, NULL, NULL, "no more sends; receivers drain it"},
    O(BR_SB, "append", "(text: any) -> void", 0, emit_bi_sb_append, "adds the text of a value"),
    {BR_SB, NULL, "len", "() -> int", "rt_sb_len", BF_PURE, NULL, NULL, "length in bytes so far"},
    {BR_SB, NULL, "to_string", "() -> string", "rt_sb_to_string", BF_PURE, NULL, NULL, "the text built so far"},
    {0},
};
