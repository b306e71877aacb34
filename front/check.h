/*
 * check.h — name resolution and type checking; the typed program that the
 * code generator reads.
 *
 * check_program parses the main file and its imports, resolves every
 * name, infers every type (SPEC §4: bare assignment declares for the rest
 * of the function, empty collections take their element type from their
 * first use, ints promote to float), instantiates generic functions and
 * structs per type (monomorphization) and records, for each call, what is
 * being called.  Errors go through diag_error.  Inference variables that
 * nothing constrained are resolved (to int) before it returns, so later
 * passes read final types.
 */
#ifndef WYN_CHECK_H
#define WYN_CHECK_H
#include "ast.h"
#include "types.h"

typedef enum SymKind {
    SYM_LOCAL, SYM_GLOBAL, SYM_FN, SYM_TYPE, SYM_MODULE, SYM_TYPEPARAM
} SymKind;

typedef struct FnDecl FnDecl;
typedef struct TypeGen TypeGen;
typedef struct Module Module;

struct Sym {
    SymKind kind;
    const char *name;
    const char *cname;
    Type *type;
    Node *decl;
    int is_const;
    int is_pub;
    int in_cell;      /* captures.c: closures share it by reference and
                         it is assigned after a capture, so it lives in a
                         counted cell that the frame and closures share */
    Node *cell_loop;  /* captures.c: in_cell and declared inside this loop
                         (N_FOR, N_WHILE, N_COMPREHENSION): each iteration
                         gets a fresh cell */
    const char *cell; /* codegen: C name of the cell pointer */
    FnDecl *fn;       /* SYM_FN */
    TypeGen *tgen;    /* SYM_TYPE */
    Module *module;   /* SYM_MODULE */
    FnInfo *owner;    /* SYM_LOCAL: declaring function (closure captures) */
};

/* A function declaration, generic or not, with its instances. */
struct FnDecl {
    Node *node;
    Module *module;
    TypeGen *owner;        /* method or static function of a type */
    int is_extern;
    const char *extern_lib;
    VEC(FnInfo *) instances;
};

/* A struct or enum declaration with its instances (one unless generic). */
struct TypeGen {
    Node *node;
    Module *module;
    VEC(Node *) methods;   /* N_FN from the body and from impl blocks */
    VEC(TypeDecl *) instances;
};

/* One function to emit: a plain function, a method or generic instance,
 * a lambda, or a module's top-level code. */
struct FnInfo {
    const char *name;      /* for messages */
    const char *cname;
    FnDecl *decl;
    Node *node;            /* N_FN or N_LAMBDA (a clone for generic instances) */
    Node *body;            /* N_BLOCK */
    Type **params;
    Sym **param_syms;
    int nparams;
    Type *ret;
    Type **targs;          /* generic instance arguments */
    int ntargs;
    TypeDecl *owner;       /* methods: the receiver type */
    int is_method;         /* first parameter is self (by pointer) */
    int is_lambda;
    int is_extern;
    const char *extern_lib;
    int is_entry;          /* returns an exit status (wyn_int, 0 at the end):
                              a module's top-level code, or an untyped
                              `fn main()` that returns a value */
    FnInfo *parent;        /* lambdas: the enclosing function */
    Module *module;
    VEC(Sym *) locals;     /* every local, declared at the top in C */
    VEC(Sym *) captures;   /* lambdas: captured variables (by reference,
                              see captures.c and Sym.in_cell) */
    Sym *self_sym;         /* a nested `fn name() {}`: its name, which in
                              its own body means the closure itself */
    int checked;
    int used_as_value;     /* needs a (void *env, ...) wrapper */
};

struct Module {
    const char *name;      /* "geometry"; "" for the main file */
    int file;
    NodeList items;
    struct Scope *scope;
    FnInfo *init;          /* top-level statements */
    int is_main;
};

typedef struct Program {
    VEC(FnInfo *) fns;     /* every function instance, in creation order */
    VEC(TypeDecl *) types; /* every struct/enum instance */
    VEC(Sym *) globals;
    VEC(Module *) modules; /* imports first, the main file last */
    VEC(FnDecl *) externs;
    FnInfo *user_main;     /* fn main, if declared */
    Module *main_module;
} Program;

/* Call kinds recorded in N_CALL->op by the checker. */
enum CallKind {
    CALL_FN = 1,      /* aux: FnInfo */
    CALL_METHOD,      /* aux: FnInfo; receiver is a->a */
    CALL_VALUE,       /* calling a function value */
    CALL_VARIANT,     /* aux: TypeDecl; ival: variant index */
    CALL_BUILTIN,     /* builtin: the row of the built-in table */
};

/* N_MEMBER->op */
enum MemberKind {
    MEM_FIELD = 1,    /* struct field; ival: index */
    MEM_TUPLE,        /* tuple element; ival */
    MEM_VARIANT,      /* enum variant without payload; aux TypeDecl, ival */
    MEM_GLOBAL,       /* module global; sym */
    MEM_FNVALUE,      /* module function used as a value; aux FnInfo */
    MEM_CONST,        /* Math.PI: sval */
};

/* N_CONVERT->op */
enum { CONV_FLOAT = 1, CONV_HANDLE, CONV_SOME, CONV_NULL };

/* N_IDENT resolved to a variant (bare `Dot`): op = MEM_VARIANT as above;
 * to a function used as a value: op = MEM_FNVALUE with aux. */

Program *check_program(const char *path, const char *text, int len);

/* captures.c: after type checking, decides which captured variables need
 * a cell (Sym.in_cell, Sym.cell_loop) and reports assignments that would
 * race with a spawned closure (SPEC §7). */
void check_captures(Program *prog);

/* Helpers shared by the checker files. */
FnInfo *fn_value_instance(Node *n);

#endif
