/*
 * check_methods.c — calls of built-in methods: `s.split(",")`, `xs.map(f)`,
 * `conn.read()`.  The method is a row of the built-in table (builtins.h),
 * found by the receiver's kind; the row types the call and is stored in
 * the call node for the code generator.
 */
#include "builtins.h"
#include "check_int.h"

static void check_args_untyped(Node *call)
{
    for (int i = 0; i < call->list.len; i++)
        if (!call->list.items[i]->type)
            check_expr(&call->list.items[i], NULL);
}

Type *check_builtin_method(Node *call, Node *recv, Type *rt, const char *name, Type *expected)
{
    Type *t = type_prune(rt);
    if (t->kind == TY_ERROR) {
        check_args_untyped(call);
        return ty_error;
    }
    if (t->kind == TY_VAR) {
        ERR(call, "cannot infer the type of this value before '.%s()': add a type annotation", name);
        return ty_error;
    }
    unsigned owner = builtin_owner_of(t);
    const char *native = t->kind == TY_NATIVE ? t->name : NULL;
    const Builtin *row = builtin_find(owner, native, name);
    if (!row) {
        ERR(call, "%s has no method '%s'%s", type_str(t), name, builtin_hint(owner, native, name));
        check_args_untyped(call);
        return ty_error;
    }
    call->op = CALL_BUILTIN;
    call->builtin = row;
    (void)recv;
    return builtin_check_call(call, row, t, expected);
}
