/*
 * builtins_modules.c — rows of the built-in modules Task, Shared, Time,
 * Math, StringBuilder and Ptr (SPEC §10, §11, §15), and the check hooks
 * of the channel functions and Math.abs/min/max.
 */
#include "builtins.h"
#include "builtins_hooks.h"
#include "check_int.h"

/* A channel argument: Channel<T>, or an int handle (then T is int or taken
 * from the sent value).  NULL when T is not known. */
static Type *chan_elem(Node *n, int i)
{
    if (i >= n->list.len)
        return NULL;
    Type *t = type_prune(check_expr(&n->list.items[i], NULL));
    if (t->kind == TY_CHAN)
        return t->elem;
    if (t->kind == TY_INT || t->kind == TY_ERROR)
        return NULL;
    if (t->kind == TY_VAR) {
        Type *e = type_var();
        type_unify(t, type_chan(e));
        return e;
    }
    ERR(n->list.items[i], "expected a channel, not %s", type_str(t));
    return NULL;
}

static Type *check_task_send(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 2, 2);
    Type *e = chan_elem(n, 0);
    if (n->list.len > 1) {
        check_expr(&n->list.items[1], e);
        if (e)
            coerce(&n->list.items[1], e, "sent value");
    }
    return ty_void;
}

/* Task.recv(ch), Task.try_recv(ch), Task.close(ch): the element type, int
 * for a channel handle. */
static Type *task_chan_elem(Node *n, const Builtin *row)
{
    builtin_argc(n, row, 1, 1);
    Type *e = chan_elem(n, 0);
    return e ? e : ty_int;
}

static Type *check_task_recv(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    return task_chan_elem(n, row);
}

static Type *check_task_try_recv(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    return type_opt(task_chan_elem(n, row));
}

static Type *check_task_close(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    task_chan_elem(n, row);
    return ty_void;
}

static Type *check_task_cancel(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    builtin_argc(n, row, 1, 1);
    if (!n->list.len)
        return ty_void;
    Type *t = type_prune(check_expr(&n->list.items[0], NULL));
    if (t->kind != TY_FUTURE && t->kind != TY_INT && t->kind != TY_ERROR)
        ERR(n, "Task.cancel needs a future, not %s", type_str(t));
    return ty_void;
}

/* Math.abs/min/max: int when every argument is, else float. */
static Type *check_math_num(Node *n, const Builtin *row, int argc)
{
    builtin_argc(n, row, argc, argc);
    int is_float = 0;
    for (int i = 0; i < n->list.len; i++) {
        Type *t = type_prune(check_expr(&n->list.items[i], NULL));
        if (t->kind == TY_FLOAT)
            is_float = 1;
        else if (t->kind != TY_INT && t->kind != TY_ERROR)
            ERR(n->list.items[i], "Math.%s needs numbers, not %s", row->name, type_str(t));
    }
    if (is_float)
        for (int i = 0; i < n->list.len; i++)
            coerce(&n->list.items[i], ty_float, "argument");
    return is_float ? ty_float : ty_int;
}

static Type *check_math_abs(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    return check_math_num(n, row, 1);
}

/* Math.min, Math.max */
static Type *check_math_pick(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    return check_math_num(n, row, 2);
}

#define MATH1(name, rt, doc) {BR_MODULE, "Math", name, "(x: float) -> float", rt, BF_PURE, NULL, NULL, doc}
const Builtin builtins_modules[] = {
    {BR_MODULE, "Task", "value", "(initial?: int) -> int", NULL, 0, NULL, emit_bi_shared_new,
     "a new shared integer handle (atomic), 0 by default"},
    {BR_MODULE, "Task", "get", "(shared: int) -> int", "rt_shared_get", BF_LOC, NULL, NULL, "reads a shared integer"},
    {BR_MODULE, "Task", "set", "(shared: int, value: int) -> void", "rt_shared_set", BF_LOC, NULL, NULL,
     "writes a shared integer"},
    {BR_MODULE, "Task", "add", "(shared: int, value: int) -> int", "rt_shared_add", BF_LOC, NULL, NULL,
     "adds to a shared integer atomically; the old value"},
    {BR_MODULE, "Task", "sub", "(shared: int, value: int) -> int", "rt_shared_sub", BF_LOC, NULL, NULL,
     "subtracts from a shared integer atomically; the old value"},
    {BR_MODULE, "Shared", "new", "(initial?: int) -> int", NULL, 0, NULL, emit_bi_shared_new,
     "same as Task.value"},
    {BR_MODULE, "Shared", "get", "(shared: int) -> int", "rt_shared_get", BF_LOC, NULL, NULL, "same as Task.get"},
    {BR_MODULE, "Shared", "set", "(shared: int, value: int) -> void", "rt_shared_set", BF_LOC, NULL, NULL,
     "same as Task.set"},
    {BR_MODULE, "Shared", "add", "(shared: int, value: int) -> int", "rt_shared_add", BF_LOC, NULL, NULL,
     "same as Task.add"},
    {BR_MODULE, "Shared", "sub", "(shared: int, value: int) -> int", "rt_shared_sub", BF_LOC, NULL, NULL,
     "same as Task.sub"},
    {BR_MODULE, "Task", "channel", "(capacity?: int) -> Channel<T>", NULL, BF_LOC, builtin_check_channel,
     emit_bi_chan_new, "same as channel()"},
    {BR_MODULE, "Task", "send", "(ch: Channel<T>, value: T) -> void", NULL, BF_LOC | BF_PARKS, check_task_send,
     emit_bi_task_send, "same as ch.send(value)"},
    {BR_MODULE, "Task", "recv", "(ch: Channel<T>) -> T", NULL, BF_LOC | BF_PARKS, check_task_recv,
     emit_bi_task_recv, "same as ch.recv()"},
    {BR_MODULE, "Task", "try_recv", "(ch: Channel<T>) -> T?", NULL, 0, check_task_try_recv, emit_bi_task_try_recv,
     "same as ch.try_recv()"},
    {BR_MODULE, "Task", "close", "(ch: Channel<T>) -> void", NULL, BF_LOC, check_task_close, emit_bi_task_close,
     "same as ch.close()"},
    {BR_MODULE, "Task", "cancel", "(f: Future<T>) -> void", NULL, 0, check_task_cancel, emit_bi_task_cancel,
     "asks the task of a future to stop at its next suspension point"},
    {BR_MODULE, "Task", "is_cancelled", "() -> bool", "rt_task_is_cancelled", 0, NULL, NULL,
     "has the running task been cancelled?"},
    {BR_MODULE, "Task", "yield", "() -> void", "rt_task_yield", BF_PARKS, NULL, NULL,
     "lets the other ready tasks run"},
    {BR_MODULE, "Time", "now", "() -> float", "rt_time_now", 0, NULL, NULL, "seconds since the Unix epoch"},
    {BR_MODULE, "Time", "millis", "() -> int", "rt_time_millis", 0, NULL, NULL, "a monotonic clock in milliseconds"},
    {BR_MODULE, "Time", "nanos", "() -> int", "rt_time_nanos", 0, NULL, NULL, "a monotonic clock in nanoseconds"},
    {BR_MODULE, "Time", "sleep", "(milliseconds: int) -> void", "rt_sleep_ms", BF_LOC | BF_PARKS, NULL, NULL,
     "suspends the running task (other tasks go on)"},
    MATH1("sqrt", "sqrt", "square root"),
    MATH1("floor", "floor", "largest whole number not above x"),
    MATH1("ceil", "ceil", "smallest whole number not below x"),
    MATH1("round", "rt_float_round", "nearest whole number, halves away from zero"),
    MATH1("sin", "sin", "sine (radians)"),
    MATH1("cos", "cos", "cosine (radians)"),
    MATH1("tan", "tan", "tangent (radians)"),
    MATH1("log", "log", "natural logarithm"),
    MATH1("exp", "exp", "e to the power x"),
    MATH1("asin", "asin", "arc sine"),
    MATH1("acos", "acos", "arc cosine"),
    MATH1("atan", "atan", "arc tangent"),
    MATH1("log10", "log10", "base-10 logarithm"),
    MATH1("log2", "log2", "base-2 logarithm"),
    {BR_MODULE, "Math", "pow", "(x: float, y: float) -> float", "pow", BF_PURE, NULL, NULL, "x to the power y"},
    {BR_MODULE, "Math", "atan2", "(y: float, x: float) -> float", "atan2", BF_PURE, NULL, NULL,
     "angle of the point (x, y)"},
    {BR_MODULE, "Math", "abs", "(x: int|float) -> int|float", NULL, BF_PURE, check_math_abs, emit_bi_math_abs,
     "absolute value"},
    {BR_MODULE, "Math", "min", "(a: int|float, b: int|float) -> int|float", NULL, BF_PURE, check_math_pick,
     emit_bi_math_min, "the smaller number"},
    {BR_MODULE, "Math", "max", "(a: int|float, b: int|float) -> int|float", NULL, BF_PURE, check_math_pick,
     emit_bi_math_max, "the larger number"},
    {BR_MODULE, "StringBuilder", "new", "() -> StringBuilder", NULL, 0, NULL, emit_bi_sb_new,
     "an empty string builder"},
    {BR_MODULE, "Ptr", "alloc", "(size: int) -> ptr", "rt_ptr_alloc", 0, NULL, NULL,
     "zeroed C memory for foreign calls"},
    {BR_MODULE, "Ptr", "free", "(pointer: ptr) -> void", "rt_ptr_free", 0, NULL, NULL, "frees Ptr.alloc memory"},
    {BR_MODULE, "Ptr", "read_int", "(pointer: ptr, offset: int) -> int", "rt_ptr_read_int", 0, NULL, NULL,
     "the 64-bit integer at pointer + offset bytes"},
    {BR_MODULE, "Ptr", "write_int", "(pointer: ptr, offset: int, value: int) -> void", "rt_ptr_write_int", 0, NULL,
     NULL, "stores a 64-bit integer at pointer + offset bytes"},
    {BR_MODULE, "Ptr", "read_float", "(pointer: ptr, offset: int) -> float", "rt_ptr_read_float", 0, NULL, NULL,
     "the double at pointer + offset bytes"},
    {BR_MODULE, "Ptr", "write_float", "(pointer: ptr, offset: int, value: float) -> void", "rt_ptr_write_float", 0,
     NULL, NULL, "stores a double at pointer + offset bytes"},
    {BR_MODULE, "Ptr", "string", "(pointer: ptr) -> string", "rt_ptr_string", 0, NULL, NULL,
     "a copy of the NUL-terminated C string"},
    {0},
};
