/*
 * emit_int.h — state shared by the C emitter's files: emit.c (program
 * layout, functions, statements), emit_types.c (C types and the per-type
 * helpers: formatting, equality), emit_expr.c (expressions) and
 * emit_builtins.c, emit_methods.c, emit_arr.c, emit_io.c (the built-in
 * library calls).
 */
#ifndef WYN_EMIT_INT_H
#define WYN_EMIT_INT_H
#include "builtins.h"
#include "builtins_hooks.h"
#include "check.h"
#include "diag.h"
#include "emit.h"
#include "lexer.h"

typedef struct Emitter {
    Program *prog;
    const OwnFacts *own; /* what the ownership analysis proved (own.h) */
    Buf types;     /* typedefs and struct definitions, dependency ordered */
    Buf protos;    /* function prototypes */
    Buf helpers;   /* per-type helpers, spawn thunks, lambda envs */
    Buf globals;   /* globals and string literals */
    Buf code;      /* function bodies */
    Buf fn_extra;  /* extra locals of the function being emitted */
    int for_tcc;   /* output only for libtcc: its evaluation order is already left to right */
    FnInfo *fn;    /* function being emitted */
    int tmp;       /* counter for temporaries and labels */
    VEC(const char *) done_types;  /* mangled names already emitted */
    VEC(const char *) done_helpers;
    VEC(Node *) defers;            /* defer statements in scope */
    VEC(const char *) loop_refs;   /* releases of the iterables of the loops
                                      around this point (for-in and
                                      comprehensions hold their iterable) */
    int defer_base;                /* defers below this belong to outer functions */
} Emitter;

extern Emitter em;

/* emit_cells.c: variables shared by reference with closures */
void emit_cells_prepare(Program *prog);        /* names: cname becomes (*cell) */
const char *cell_param_name(Sym *s);           /* a parameter's name in the signature */
void emit_cell_locals(Buf *b, FnInfo *f);      /* at function entry */
void emit_cell_release(Buf *b, Sym *s);        /* at every exit */
void emit_fresh_cells(Buf *b, Node *loop);     /* top of each iteration */
int lambda_has_env(FnInfo *f);
void emit_env_fields(Buf *b, FnInfo *f);       /* struct env_X members */
void emit_env_drop(Buf *b, FnInfo *f);         /* envdrop_X body */
void emit_env_cells(Buf *b, FnInfo *f);        /* lambda prologue */
void emit_env_init(Buf *b, FnInfo *f, const char *env); /* making a closure */

/* emit_types.c */
const char *ctype(Type *t);
void need_type(Type *t);
const char *fmt_fn(Type *t);        /* void fmt_X(WynSB *, T, int quoted) */
const char *eq_fn(Type *t);         /* wyn_bool eq_X(T, T) */
const char *eqp_fn(Type *t);        /* wyn_bool eqp_X(const void *, const void *) */
const char *cmpp_fn(Type *t);       /* int cmp(const void *, const void *) or NULL */
const char *zero_value(Type *t);
void emit_fix_zero(Buf *b, const char *var, Type *t);
int type_is_void(Type *t);
int helper_done(const char *name);  /* marks name; returns 1 if it was already */

/* emit_rc.c: reference counting (see the file's header comment) */
int type_managed(Type *t);          /* holds counted references */
const char *rc_ops(Type *t);        /* "&ops" for arrays/maps of t, or "NULL" */
const char *rc_drop_fn(Type *t);    /* void drop(void *) or "NULL" */
const char *rc_dup_fn(Type *t);     /* void dup(void *) or "NULL" */
const char *rc_own(Type *t);        /* T own(T): a retained copy; NULL if unmanaged */
const char *rc_auto(Type *t);       /* T auto(T): references to the pool; NULL if unmanaged */
const char *rc_set(Type *t);        /* void set(T *slot, T v); NULL if unmanaged */
void emit_owned(Buf *b, Type *t, Node *e);         /* own(e) */
void emit_drop_var(Buf *b, Type *t, const char *lv); /* drop(&lv); */
void emit_set(Buf *b, Type *t, const char *addr, Node *e); /* *addr = e, owning */
void emit_set_text(Buf *b, Type *t, const char *lv, const char *value); /* lv = value, owning */

/* emit.c */
int new_tmp(void);
wyn_loc_t loc_of(Node *n);
void emit_stmt(Buf *b, Node *s);
void emit_block_body(Buf *b, Node *block);
void emit_defers_to(Buf *b, int base);
const char *fn_value_wrapper(FnInfo *f);
void emit_function_exit(Buf *b);    /* defers, futures, variables: before a return */
void emit_return_value(Buf *b, Type *rt, Node *value); /* the whole `return value;` */
void loop_ref_push(const char *release); /* a loop's iterable, released on every exit */
void loop_ref_pop(void);

/* emit_expr.c */
void emit_expr(Buf *b, Node *n);
void emit_lvalue(Buf *b, Node *n, int for_write);
/* Emits the receiver address for a method call (&lvalue or a temp). */
void emit_str_literal(Buf *b, const char *s, int len);
void emit_expr_block_value(Buf *b, Node *block, const char *result);
int is_pure_lvalue(Node *n);
/* An identifier node that emits as the C text `cname` (a temporary). */
Node *temp_ident(Node *orig, const char *cname);
void emit_match(Buf *b, Node *m, const char *result);
/* if let PATTERN = value (held in C variable v) { s->b } else { s->c } */
void emit_if_let(Buf *b, Node *pat, const char *v, Node *s);

/* emit_ffi.c */
void emit_extern_decls(Buf *globals, Buf *init);
void emit_extern_call(Buf *b, Node *call, FnInfo *f);
void emit_c_string_lit(Buf *b, const char *s);

/* emit_handle.c: futures and channels used as ints (SPEC §11) */
void emit_handle_to_int(Buf *b, Node *conv);     /* CONV_HANDLE */
/* The raw channel / future of an operand that may be an int handle
 * (checked: kind, element type unless elem is NULL, liveness). */
void emit_chan_operand(Buf *b, Node *ch, Type *elem, const char *what, Node *at);
void emit_future_operand(Buf *b, Node *fut, const char *what, Node *at);

/* emit_builtins.c (the hooks of built-in rows are declared in
 * front/builtins_hooks.h) */
void emit_builtin_call(Buf *b, Node *n);
Node *emit_receiver(Node *call);   /* the receiver of a method call */
/* PRE receiver POST: for hooks that only surround the receiver with C */
void emit_wrap_receiver(Buf *b, Node *call, const char *pre, const char *post);
void emit_print(Buf *b, Node *n);
/* The SPEC §14 text of any value, as a WynStr * expression. */
void emit_to_string(Buf *b, Node *e);
void emit_format_value(Buf *b, const char *sb, Node *e, int quoted);

/* emit_format.c */
void emit_format_call(Buf *b, Node *fmt, NodeList *args, wyn_loc_t loc); /* fmt.format(args) */
void emit_format_spec(Buf *b, Node *n);                                  /* ${value:spec} */

#endif
