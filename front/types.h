/*
 * types.h — Wyn's semantic types, inference variables and unification.
 *
 * Types are heap nodes.  An inference variable (TY_VAR) stands for a type
 * not known yet (the element type of `[]`, a lambda parameter without an
 * annotation); unification binds it (union-find through `link`).  After
 * checking, type_resolve follows the links, and unbound variables default
 * to int.
 *
 * Struct and enum types point at a TypeDecl instance: one per generic
 * instantiation (Box<int>, Box<string>), holding field and variant types.
 */
#ifndef WYN_TYPES_H
#define WYN_TYPES_H
#include "ast.h"

typedef enum TypeKind {
    TY_VOID, TY_INT, TY_FLOAT, TY_BOOL, TY_STR,
    TY_ARRAY,   /* elem */
    TY_MAP,     /* key, elem (value) */
    TY_OPT,     /* elem */
    TY_RESULT,  /* elem (ok), key (err) */
    TY_TUPLE,   /* items */
    TY_FN,      /* items (params), ret */
    TY_STRUCT,  /* decl */
    TY_ENUM,    /* decl */
    TY_FUTURE,  /* elem */
    TY_CHAN,    /* elem */
    TY_SB,      /* StringBuilder */
    TY_PTR,     /* ffi pointer */
    TY_NATIVE,  /* runtime handle type: name (Listener, Conn, HttpServer, Json) */
    TY_VAR,     /* inference variable: link */
    TY_ERROR,   /* after an error: unifies with everything, silently */
} TypeKind;

typedef struct TypeDecl TypeDecl;

struct Type {
    TypeKind kind;
    Type *elem, *key, *ret;
    Type **items;
    int nitems;
    TypeDecl *decl;
    Type *link;     /* TY_VAR */
    int var_id;
    int numeric;    /* TY_VAR: must be int or float (from arithmetic) */
    const char *name; /* TY_NATIVE */
};

typedef struct Field {
    const char *name;
    Type *type;
} Field;

typedef struct Variant {
    const char *name;
    Type **payload;
    int npayload;
    int *boxed;     /* payload i is stored behind a pointer (recursion) */
} Variant;

typedef struct FnInfo FnInfo;

struct TypeDecl {
    const char *name;      /* Wyn name, e.g. "Box<int>" for display */
    const char *base_name; /* "Box" */
    const char *cname;     /* C identifier */
    Node *node;            /* N_STRUCT / N_ENUM declaration */
    int is_enum;
    Type **args;           /* generic arguments */
    int nargs;
    VEC(Field) fields;
    VEC(Variant) variants;
    VEC(FnInfo *) methods; /* instantiated methods */
    int module;            /* module index that declared it */
    int emitted;           /* codegen state */
    int resolving;         /* while fields are being resolved */
};

extern Type *ty_void, *ty_int, *ty_float, *ty_bool, *ty_str, *ty_error, *ty_sb, *ty_ptr;

void types_init(void);
Type *type_new(TypeKind k);
Type *type_array(Type *elem);
Type *type_map(Type *key, Type *val);
Type *type_opt(Type *elem);
Type *type_result(Type *ok, Type *err);
Type *type_future(Type *elem);
Type *type_chan(Type *elem);
Type *type_tuple(Type **items, int n);
Type *type_fn(Type **params, int n, Type *ret);
Type *type_var(void);
/* The built-in handle types, one object per name. */
Type *type_native(const char *name);
Type *type_num_var(void);

/* Follows inference links. */
Type *type_prune(Type *t);
/* Binds inference variables so that a and b are the same type; returns 0
 * when they cannot be (nothing is bound then... mostly: partial bindings
 * may remain, which only matters after an error has been reported). */
int type_unify(Type *a, Type *b);
/* Fully resolved copy: no TY_VAR left (unbound ones become int). */
Type *type_resolve(Type *t);
int type_equal(Type *a, Type *b);
int type_has_vars(Type *t);
int type_is_numeric(Type *t);
/* Handle types that may stand where an int is declared (SPEC §11). */
int type_is_handle(Type *t);
/* Display form for messages: "[int]", "{string: int}", "int?". */
const char *type_str(Type *t);
/* A C-identifier-safe name, unique per type: "arr_int", "opt_str". */
const char *type_mangle(Type *t);

#endif
