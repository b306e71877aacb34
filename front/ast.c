/* ast.c — node allocation, deep copy and the one tree walk (see ast.h). */
#include "ast.h"
#include <string.h>

Node *node_new(NodeKind kind, int file, int line, int col)
{
    Node *n = arena_alloc(sizeof *n);
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    return n;
}

static void clone_list(NodeList *dst, const NodeList *src)
{
    dst->items = NULL;
    dst->len = dst->cap = 0;
    for (int i = 0; i < src->len; i++)
        vec_push(dst, node_clone(src->items[i]));
}

Node *node_clone(const Node *n)
{
    if (!n)
        return NULL;
    Node *c = arena_alloc(sizeof *c);
    *c = *n;
    c->type = NULL;
    c->sym = NULL;
    c->aux = NULL;
    c->a = node_clone(n->a);
    c->b = node_clone(n->b);
    c->c = node_clone(n->c);
    c->d = node_clone(n->d);
    clone_list(&c->list, &n->list);
    clone_list(&c->list2, &n->list2);
    clone_list(&c->methods, &n->methods);
    return c;
}

static const char *const kind_names[N_KIND_COUNT] = {
    [N_INT] = "int", [N_FLOAT] = "float", [N_BOOL] = "bool", [N_STR] = "str",
    [N_INTERP] = "interp", [N_NONE] = "none", [N_IDENT] = "ident", [N_SELF] = "self",
    [N_UNARY] = "unary", [N_BINARY] = "binary", [N_TERNARY] = "ternary", [N_CALL] = "call",
    [N_NAMED] = "named", [N_INDEX] = "index", [N_SLICE] = "slice", [N_MEMBER] = "member",
    [N_TRY] = "try", [N_ARRAY] = "array", [N_MAP] = "map", [N_TUPLE] = "tuple",
    [N_STRUCT_LIT] = "struct_lit", [N_LAMBDA] = "lambda", [N_IF_EXPR] = "if_expr",
    [N_MATCH] = "match", [N_SPAWN] = "spawn", [N_AWAIT] = "await", [N_RANGE] = "range",
    [N_COMPREHENSION] = "comprehension", [N_SOME] = "some", [N_CONVERT] = "convert",
    [N_ARM] = "arm", [N_PAT_WILD] = "pat_wild", [N_PAT_BIND] = "pat_bind", [N_PAT_LIT] = "pat_lit",
    [N_PAT_RANGE] = "pat_range", [N_PAT_OR] = "pat_or", [N_PAT_VARIANT] = "pat_variant",
    [N_PAT_STRUCT] = "pat_struct", [N_PAT_FIELD] = "pat_field", [N_PAT_NONE] = "pat_none",
    [N_BLOCK] = "block", [N_EXPR_STMT] = "expr_stmt", [N_VAR] = "var", [N_ASSIGN] = "assign",
    [N_INCDEC] = "incdec", [N_IF] = "if", [N_WHILE] = "while", [N_FOR] = "for",
    [N_BREAK] = "break", [N_CONTINUE] = "continue", [N_RETURN] = "return", [N_DEFER] = "defer",
    [N_PARALLEL] = "parallel", [N_SELECT] = "select", [N_SEL_ARM] = "sel_arm", [N_FN] = "fn",
    [N_PARAM] = "param", [N_STRUCT] = "struct", [N_ENUM] = "enum", [N_VARIANT] = "variant",
    [N_IMPL] = "impl", [N_IMPORT] = "import", [N_EXTERN] = "extern", [N_TYPE_NAME] = "type_name",
    [N_TYPE_ARRAY] = "type_array", [N_TYPE_MAP] = "type_map", [N_TYPE_OPT] = "type_opt",
    [N_TYPE_FN] = "type_fn", [N_TYPE_TUPLE] = "type_tuple",
};

const char *node_kind_name(NodeKind kind)
{
    return (unsigned)kind < N_KIND_COUNT && kind_names[kind] ? kind_names[kind] : "unknown node";
}

static int walk_list(const NodeList *l, Node *parent, const AstVisitor *v)
{
    for (int i = 0; i < l->len; i++)
        if (!ast_walk(l->items[i], parent, v))
            return 0;
    return 1;
}

int ast_walk(Node *n, Node *parent, const AstVisitor *v)
{
    if (!n)
        return 1;
    AstWalk next = v->pre(n, parent, v->ctx);
    if (next == WALK_STOP)
        return 0;
    if (next == WALK_INTO) {
        Node *kids[4] = { n->a, n->b, n->c, n->d };
        for (int i = 0; i < 4; i++)
            if (!ast_walk(kids[i], n, v))
                return 0;
        if (!walk_list(&n->list, n, v) || !walk_list(&n->list2, n, v) || !walk_list(&n->methods, n, v))
            return 0;
    }
    if (v->post)
        v->post(n, parent, v->ctx);
    return 1;
}
