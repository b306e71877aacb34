/* ast.c — node allocation and deep copy (see ast.h). */
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
