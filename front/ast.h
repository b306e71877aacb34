/*
 * ast.h — the syntax tree produced by the parser and annotated by the
 * checker (node->type, node->sym, ...), then read by the code generator.
 *
 * One Node struct serves every kind; the comment on each kind says which
 * fields it uses.  Children: a, b, c, d; lists: list, list2.  Nodes live
 * in the arena.
 */
#ifndef WYN_AST_H
#define WYN_AST_H
#include "common.h"
#include <stdint.h>

typedef struct Node Node;
typedef struct Type Type;
typedef struct Sym Sym;
typedef VEC(Node *) NodeList;

typedef enum NodeKind {
    /* ---- expressions ---- */
    N_INT,        /* ival */
    N_FLOAT,      /* fval */
    N_BOOL,       /* ival */
    N_STR,        /* sval, slen (decoded bytes) */
    N_INTERP,     /* list: parts (N_STR, N_FORMAT or expressions) */
    N_FORMAT,     /* ${a:spec} inside N_INTERP: a value, b N_STR spec text */
    N_NONE,       /* none */
    N_IDENT,      /* name; sym after checking */
    N_SELF,       /* self */
    N_UNARY,      /* op (T_MINUS, T_NOT, T_TILDE), a */
    N_BINARY,     /* op, a, b */
    N_TERNARY,    /* a ? b : c */
    N_CALL,       /* a: callee, list: args, list2: named args (N_NAMED) */
    N_NAMED,      /* name: value a (named argument sep:/end:/timeout:) */
    N_INDEX,      /* a[b] */
    N_SLICE,      /* a[b:c], b/c may be NULL */
    N_MEMBER,     /* a.name ; flags & NF_OPTCHAIN for a?.name, NF_PATH for Name::name */
    N_TRY,        /* a? */
    N_ARRAY,      /* list: elements */
    N_MAP,        /* list: keys, list2: values */
    N_TUPLE,      /* list */
    N_STRUCT_LIT, /* name (type name), list: N_NAMED fields, list2: type args */
    N_LAMBDA,     /* list: params (N_PARAM), a: body (block or expr), c: ret type expr */
    N_IF_EXPR,    /* a cond, b then-block, c else (block or if) */
    N_MATCH,      /* a: subject, list: arms (N_ARM); also a statement */
    N_SPAWN,      /* a: call expression */
    N_AWAIT,      /* a */
    N_RANGE,      /* a..b (ival=1 when inclusive): only in for/patterns/comprehension */
    N_COMPREHENSION, /* a: element expr, b: pattern var ident/tuple, c: iterable, d: filter */
    N_SOME,       /* Some(a) */
    N_CONVERT,    /* inserted by the checker: a converted to node->type
                     (op: CONV_FLOAT, CONV_HANDLE, CONV_SOME) */
    /* ---- patterns (inside match arms) ---- */
    N_ARM,        /* a: pattern, b: guard or NULL, c: body */
    N_PAT_WILD,   /* _ */
    N_PAT_BIND,   /* name */
    N_PAT_LIT,    /* a: literal expression */
    N_PAT_RANGE,  /* a..b / a..=b: a, b literal expressions; ival=1 inclusive */
    N_PAT_OR,     /* list of patterns */
    N_PAT_VARIANT,/* name (variant), sval (enum qualifier or NULL), list: sub-patterns */
    N_PAT_STRUCT, /* name (struct), list: N_PAT_FIELD */
    N_PAT_FIELD,  /* name, a: sub-pattern or NULL (binds name) */
    N_PAT_NONE,   /* none */
    /* ---- statements ---- */
    N_BLOCK,      /* list: statements */
    N_EXPR_STMT,  /* a */
    N_VAR,        /* list: names (N_IDENT), c: type expr or NULL, a: init (may be N_TUPLE for a, b = 1, 2); flags NF_CONST */
    N_ASSIGN,     /* op (T_ASSIGN, T_PLUSEQ...), a: target, b: value; list: targets for a, b = ... */
    N_INCDEC,     /* op (T_PLUSPLUS/T_MINUSMINUS), a */
    N_IF,         /* a cond, b then, c else (block/if) or NULL; IF-LET: d pattern */
    N_WHILE,      /* a cond, b body */
    N_FOR,        /* list: loop vars (N_IDENT, '_' allowed), a: iterable, b: body */
    N_BREAK, N_CONTINUE,
    N_RETURN,     /* a or NULL */
    N_DEFER,      /* a: statement/expression */
    N_PARALLEL,   /* a: timeout expr or NULL, b: block */
    N_SELECT,     /* list: N_SEL_ARM */
    N_SEL_ARM,    /* name (binding) or NULL, a: channel expr (recv), b: body;
                     ival: 0 recv, 1 timeout (a = ms), 2 default */
    /* ---- declarations ---- */
    N_FN,         /* name, list: params, c: ret type expr, a: body; list2: type params (N_IDENT);
                     flags NF_PUB, NF_METHOD, NF_STATIC; sval: owner type for methods */
    N_PARAM,      /* name, c: type expr, a: default value */
    N_STRUCT,     /* name, list: fields (N_PARAM), list2: type params, d -> methods in `methods` */
    N_ENUM,       /* name, list: variants (N_VARIANT), list2: type params */
    N_VARIANT,    /* name, list: payload type exprs */
    N_IMPL,       /* name, list: methods */
    N_IMPORT,     /* name (module), sval (alias) */
    N_EXTERN,     /* sval: library or NULL, list: N_FN prototypes */
    /* ---- type expressions ---- */
    N_TYPE_NAME,  /* name, list: type args; `sval` module qualifier */
    N_TYPE_ARRAY, /* a */
    N_TYPE_MAP,   /* a key, b value */
    N_TYPE_OPT,   /* a */
    N_TYPE_FN,    /* list: params, a: result or NULL */
    N_TYPE_TUPLE, /* list */
    N_KIND_COUNT
} NodeKind;

enum NodeFlags {
    NF_CONST = 1,
    NF_PUB = 2,
    NF_METHOD = 4,      /* has self */
    NF_STATIC = 8,      /* function declared in a struct/impl without self */
    NF_OPTCHAIN = 16,   /* a?.b */
    NF_EXPR_BODY = 32,  /* fn f() => expr */
    NF_STMT_SPAWN = 64, /* spawn used as a statement: fire and forget */
    NF_PAREN = 128,     /* expression was parenthesised (chained-comparison check) */
    NF_DECLARES = 256,  /* assignment that declares its target (bare assignment) */
    NF_SCRIPT_RETURN = 512,
    NF_NEEDS_MINUS = 1024,  /* 9223372036854775808: only valid negated */
    NF_LIFTED = 2048,       /* member/call applied inside an option chain */
    NF_PATH = 4096,         /* Name::member: Name must be a module or a type */
    NF_PIPE = 8192,         /* call written x |> f(...): x is the first argument */
};

struct Node {
    NodeKind kind;
    int file, line, col;
    int op;
    int flags;
    const char *name;
    char *sval;
    int slen;
    int64_t ival;
    double fval;
    Node *a, *b, *c, *d;
    NodeList list, list2;
    NodeList methods;    /* N_STRUCT: methods declared inside */
    /* filled by the checker */
    Type *type;
    Sym *sym;
    void *aux;           /* checker/codegen private data per kind */
    const struct Builtin *builtin; /* CALL_BUILTIN: its row (front/builtins.h) */
};

Node *node_new(NodeKind kind, int file, int line, int col);
/* Deep copy (used to instantiate generic functions and methods). */
Node *node_clone(const Node *n);
/* "if_expr", "call"...: names a node kind in internal errors. */
const char *node_kind_name(NodeKind kind);

/* The one traversal of the tree, for every analysis that must look at
 * all of a subtree (codegen/own.h, the checker's break search).  pre is
 * called on each node with its parent before its children (a, b, c, d,
 * list, list2, methods, in that order) and decides what happens next;
 * post (may be NULL) after them.  Lambdas are ordinary children: an
 * analysis that treats them as separate functions skips them in pre. */
typedef enum AstWalk {
    WALK_INTO,   /* visit the children */
    WALK_SKIP,   /* not the children; go on with the next sibling */
    WALK_STOP,   /* end the whole walk (the answer is known) */
} AstWalk;

typedef struct AstVisitor {
    AstWalk (*pre)(Node *n, Node *parent, void *ctx);
    void (*post)(Node *n, Node *parent, void *ctx);
    void *ctx;
} AstVisitor;

/* Walks n (NULL is an empty tree); returns 0 if a callback stopped it. */
int ast_walk(Node *n, Node *parent, const AstVisitor *v);

#endif
