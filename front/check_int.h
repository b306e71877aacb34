/*
 * check_int.h — state and helpers shared by the checker's files
 * (check.c: program, declarations, statements; check_expr.c: expressions;
 * check_call.c: calls, methods and the built-in library).
 */
#ifndef WYN_CHECK_INT_H
#define WYN_CHECK_INT_H
#include "check.h"
#include "diag.h"
#include "lexer.h"

typedef enum ScopeKind { SCOPE_MODULE, SCOPE_FN, SCOPE_BLOCK } ScopeKind;

typedef struct Scope {
    struct Scope *parent;
    VEC(Sym *) syms;
    ScopeKind kind;
    FnInfo *fn;
} Scope;

/* A lambda whose body waits for its parameter types (check_lambda). */
typedef struct PendingLambda {
    FnInfo *fn;
    Scope *scope;
} PendingLambda;

typedef struct Checker {
    Program *prog;
    Module *mod;
    FnInfo *fn;
    Scope *scope;
    int loop_depth;
    int in_parallel;
    VEC(FnInfo *) worklist;
    /* modules whose imports are being loaded, the main file first, and
     * the import that loaded each (NULL for the main file): import cycles */
    VEC(Module *) loading;
    VEC(Node *) loading_via;
    int lambda_count;
    VEC(PendingLambda) pending;
} Checker;

extern Checker ck;

#define ERR(node, ...) diag_error((node)->file, (node)->line, (node)->col, __VA_ARGS__)
/* A construct the checker does not handle: exit 70, never a guessed type. */
#define INTERNAL(node, ...) diag_internal((node)->file, (node)->line, (node)->col, __VA_ARGS__)

/* check.c */
Scope *scope_push(ScopeKind kind);
void scope_pop(void);
Sym *scope_lookup(const char *name, Node *use);
Sym *scope_find_local(Scope *s, const char *name);
Sym *declare_var(const char *name, Type *t, Node *decl, Scope *s);
Type *resolve_type_expr(Node *t);
Type *param_decl_type(Node *param);
TypeDecl *instantiate_type(TypeGen *g, Type **args, int nargs, Node *where);
FnInfo *instantiate_fn(FnDecl *d, Type **targs, int ntargs, TypeDecl *owner);
FnInfo *find_method(TypeDecl *td, const char *name, Node *where);
Module *module_by_alias(const char *name);
void check_block(Node *b);
void check_stmt(Node *s);
void check_fn_body(FnInfo *f);
Scope *fn_top_scope(void);
const char *unique_cname(const char *prefix, const char *name);
/* " (did you mean 'x'?)" for a near miss among visible names, or "". */
const char *suggest_name(const char *name);
/* Edit distance between two names, capped (99: too far apart). */
int check_edit_distance(const char *a, const char *b);
Type *builtin_struct_type(const char *name);
/* Task, Math, File, ...: names of the built-in library modules. */
int is_builtin_module_name(const char *n);

/* check_format.c */
Type *check_format_spec(Node *n);                    /* ${value:spec} */
void check_format_literal(Node *fmt, NodeList *args); /* "...".format(args) */

/* check_expr.c */
Type *check_expr(Node **slot, Type *expected);
/* Makes *slot acceptable where `want` is expected (unify, int->float,
 * handle->int, value->Some); reports `what` on mismatch. */
void coerce(Node **slot, Type *want, const char *what);
Type *check_lambda(Node *n, Type *expected);
int check_pending_lambdas(int force);
void check_pattern(Node *pat, Type *subject);
int pattern_is_catch_all(Node *pat);
void check_match_exhaustive(Node *m, Type *subject);
Type *block_value_type(Node *block, Type *expected);

/* check_call.c */
Type *check_call(Node *n, Type *expected);
Type *check_member(Node *n, Type *expected);
Type *check_builtin_method(Node *call, Node *recv, Type *rt, const char *name, Type *expected);
TypeDecl *find_bare_variant(const char *name, Type *expected, Node *where);
Type *variant_value(Node *n, TypeDecl *td, const char *name);

#endif
