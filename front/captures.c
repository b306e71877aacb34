/*
 * captures.c — what closures share with the code around them (SPEC §7),
 * run after type checking.
 *
 * Closures capture variables by reference.  A captured variable that may
 * be assigned after a capture (by its own function or by any closure)
 * lives in a counted cell that the frame and every capturing closure share
 * (Sym.in_cell); a variable never assigned after a capture is copied into
 * the closure instead, which nobody can tell apart.  A variable declared
 * inside a loop is a new variable in each iteration (Sym.cell_loop).
 *
 * The same facts give the rule against data races: a variable captured by
 * a closure that is spawned may not be assigned after the capture, neither
 * by the task nor by the code that spawned it.
 *
 * "After" is judged on the source.  In the declaring function an
 * assignment follows a capture when it comes later in the walk (which
 * visits an assignment after its value), or when a loop holds both and
 * does not declare the variable anew (its next iteration assigns after
 * this one's capture).  Assignments inside closures, and those of globals
 * inside named functions, may run at any time, so they always follow.
 * Closures reach a spawn written as a lambda or through variables that
 * hold them (`var c = () => ...; spawn c()`), also as arguments of the
 * spawned call, and through the captures of a spawned closure.
 */
#include "check_int.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The loops of one frame around a point of the walk, innermost first. */
typedef struct LoopLink {
    Node *loop;
    struct LoopLink *up;
    int depth; /* 1 for the outermost loop of the frame */
} LoopLink;

/* A point of the walk: where it is, its order, and the loops around it. */
typedef struct Point {
    Node *at;
    FnInfo *frame;
    int seq;
    LoopLink *loops;
} Point;

/* A lambda expression and the lambda whose body makes it (if any). */
typedef struct LamSite {
    FnInfo *fn;
    Point made;
    struct LamSite *creator;
} LamSite;

typedef VEC(FnInfo *) FnList;

typedef struct VarFacts {
    Sym *sym;
    FnInfo *owner;              /* the declaring frame (locals: sym->owner) */
    int fresh_depth;            /* owner loops around a block-scoped declaration */
    Node *fresh_loop;           /* the innermost of those */
    VEC(Point) assigns;
    VEC(LamSite *) captured_by; /* lambdas made in the owner frame */
    FnList holds;               /* lambdas stored in the variable */
    VEC(Sym *) copies;          /* variables whose value was stored in it */
    int visiting;               /* lambdas_of: cycle guard */
} VarFacts;

/* Pointer-keyed table (open addressing, never shrinks). */
typedef struct Table {
    const void **keys;
    void **vals;
    int cap, len;
} Table;

typedef struct Spawned {
    Node *spawn;
    Node *expr;                 /* the callee or an argument of the call */
} Spawned;

typedef struct Walk {
    Table vars;                 /* Sym * -> VarFacts * */
    Table lams;                 /* FnInfo * -> LamSite * */
    Table mutators;             /* method FnInfo * -> 1 (scanning), 2 (no), 3 (yes) */
    Table reported;             /* assignment Node * -> non-NULL */
    VEC(VarFacts *) all;
    VEC(Spawned) spawns;
    FnInfo *frame;
    LamSite *in_lambda;
    LoopLink *loops;
    int seq;
} Walk;

/* ---------------------------------------------------------------- table */

static unsigned table_slot(const Table *t, const void *key)
{
    uintptr_t h = (uintptr_t)key >> 4;
    h *= 0x9E3779B97F4A7C15u;
    return (unsigned)(h >> 20) & (unsigned)(t->cap - 1);
}

static void *table_get(const Table *t, const void *key)
{
    if (!t->cap)
        return NULL;
    for (unsigned i = table_slot(t, key);; i = (i + 1) & (unsigned)(t->cap - 1)) {
        if (t->keys[i] == key)
            return t->vals[i];
        if (!t->keys[i])
            return NULL;
    }
}

static void table_put(Table *t, const void *key, void *val)
{
    if ((t->len + 1) * 2 > t->cap) {
        Table big = { 0 };
        big.cap = t->cap ? t->cap * 2 : 64;
        big.keys = arena_alloc(sizeof *big.keys * (size_t)big.cap);
        big.vals = arena_alloc(sizeof *big.vals * (size_t)big.cap);
        for (int i = 0; i < t->cap; i++)
            if (t->keys[i])
                table_put(&big, t->keys[i], t->vals[i]);
        *t = big;
    }
    unsigned i = table_slot(t, key);
    while (t->keys[i] && t->keys[i] != key)
        i = (i + 1) & (unsigned)(t->cap - 1);
    if (!t->keys[i])
        t->len++;
    t->keys[i] = key;
    t->vals[i] = val;
}

/* ---------------------------------------------------------------- facts */

static VarFacts *facts(Walk *w, Sym *s)
{
    VarFacts *vf = table_get(&w->vars, s);
    if (!vf) {
        vf = arena_alloc(sizeof *vf);
        vf->sym = s;
        vf->owner = s->kind == SYM_LOCAL ? s->owner : NULL;
        table_put(&w->vars, s, vf);
        vec_push(&w->all, vf);
    }
    return vf;
}

static int is_variable(Sym *s)
{
    return s && (s->kind == SYM_LOCAL || s->kind == SYM_GLOBAL);
}

static Point point_here(Walk *w, Node *at)
{
    Point p = { at, w->frame, ++w->seq, w->loops };
    return p;
}

/* The variable an assignment to `target` changes: the root of a chain of
 * fields (structs and tuples are values); elements of arrays and maps
 * belong to the collection, which is a reference. */
static Sym *assigned_var(Node *target)
{
    while (target && target->kind == N_MEMBER && (target->op == MEM_FIELD || target->op == MEM_TUPLE))
        target = target->a;
    if (!target)
        return NULL;
    if (target->kind == N_IDENT || (target->kind == N_MEMBER && target->op == MEM_GLOBAL))
        return is_variable(target->sym) ? target->sym : NULL;
    return NULL;
}

static void declare(Walk *w, Sym *s)
{
    if (!is_variable(s))
        return;
    VarFacts *vf = facts(w, s);
    vf->owner = w->frame;
    vf->fresh_depth = w->loops ? w->loops->depth : 0;
    vf->fresh_loop = w->loops ? w->loops->loop : NULL;
}

static void note_assign(Walk *w, Node *target, Node *at)
{
    Sym *s = assigned_var(target);
    if (s)
        vec_push(&facts(w, s)->assigns, point_here(w, at));
}

/* `target = value`: remember closures stored in variables, for spawns. */
static void note_store(Walk *w, Sym *target, Node *value)
{
    while (value && value->kind == N_CONVERT)
        value = value->a;
    if (!is_variable(target) || !value)
        return;
    if (value->kind == N_LAMBDA && value->aux)
        vec_push(&facts(w, target)->holds, (FnInfo *)value->aux);
    else if (value->kind == N_IDENT && is_variable(value->sym))
        vec_push(&facts(w, target)->copies, value->sym);
}

static void push_loop(Walk *w, Node *loop)
{
    LoopLink *l = arena_alloc(sizeof *l);
    l->loop = loop;
    l->up = w->loops;
    l->depth = w->loops ? w->loops->depth + 1 : 1;
    w->loops = l;
}

/* ------------------------------------------------------ mutating methods */

static int mutates_self(Walk *w, FnInfo *m);

static int assigns_self(Walk *w, Sym *self, Node *n)
{
    if (!n || n->kind == N_LAMBDA)
        return 0;
    if (n->kind == N_ASSIGN) {
        if (assigned_var(n->a) == self)
            return 1;
        for (int i = 0; i < n->list.len; i++)
            if (assigned_var(n->list.items[i]) == self)
                return 1;
    }
    if (n->kind == N_INCDEC && assigned_var(n->a) == self)
        return 1;
    if (n->kind == N_CALL && n->op == CALL_METHOD && n->aux && n->a && n->a->kind == N_MEMBER &&
        assigned_var(n->a->a) == self && mutates_self(w, n->aux))
        return 1;
    Node *kids[] = { n->a, n->b, n->c, n->d };
    for (int i = 0; i < 4; i++)
        if (assigns_self(w, self, kids[i]))
            return 1;
    for (int i = 0; i < n->list.len; i++)
        if (assigns_self(w, self, n->list.items[i]))
            return 1;
    for (int i = 0; i < n->list2.len; i++)
        if (assigns_self(w, self, n->list2.items[i]))
            return 1;
    return 0;
}

/* Does method m change its receiver (`self.n += 1`, or a call of such a
 * method on self)?  Such a call assigns the variable it is called on. */
static int mutates_self(Walk *w, FnInfo *m)
{
    if (!m->is_method || !m->param_syms || !m->body)
        return 0;
    intptr_t state = (intptr_t)table_get(&w->mutators, m);
    if (state)
        return state == 3;
    table_put(&w->mutators, m, (void *)1); /* recursion: assume not */
    int yes = assigns_self(w, m->param_syms[0], m->body);
    table_put(&w->mutators, m, (void *)(intptr_t)(yes ? 3 : 2));
    return yes;
}

/* ----------------------------------------------------------------- walk */

static void walk(Walk *w, Node *n);

static void walk_list(Walk *w, NodeList *l)
{
    for (int i = 0; i < l->len; i++)
        walk(w, l->items[i]);
}

/* A lambda: record where it is made and what it captures, then walk its
 * body as a frame of its own. */
static void walk_lambda(Walk *w, Node *n)
{
    FnInfo *lf = n->aux;
    if (!lf)
        return;
    LamSite *site = arena_alloc(sizeof *site);
    site->fn = lf;
    site->made = point_here(w, n);
    site->creator = w->in_lambda;
    table_put(&w->lams, lf, site);
    for (int i = 0; i < lf->captures.len; i++) {
        VarFacts *vf = facts(w, lf->captures.items[i]);
        if (vf->owner == w->frame)
            vec_push(&vf->captured_by, site);
    }
    FnInfo *saved_frame = w->frame;
    LamSite *saved_lambda = w->in_lambda;
    LoopLink *saved_loops = w->loops;
    w->frame = lf;
    w->in_lambda = site;
    w->loops = NULL;
    for (int i = 0; i < lf->nparams; i++)
        declare(w, lf->param_syms[i]);
    walk(w, n->a);
    w->frame = saved_frame;
    w->in_lambda = saved_lambda;
    w->loops = saved_loops;
}

static void walk_assign(Walk *w, Node *n)
{
    walk(w, n->b); /* the value is evaluated before the target is written */
    if (n->list.len) {
        for (int i = 0; i < n->list.len; i++) {
            Node *t = n->list.items[i];
            walk(w, t);
            if ((n->flags & NF_DECLARES) && t->sym && !facts(w, t->sym)->owner)
                declare(w, t->sym);
            note_assign(w, t, t);
            if (n->b && i < n->b->list.len)
                note_store(w, t->sym, n->b->list.items[i]);
        }
        return;
    }
    walk(w, n->a);
    if ((n->flags & NF_DECLARES) && n->a->sym && !facts(w, n->a->sym)->owner)
        declare(w, n->a->sym); /* a bare assignment declares for the whole function */
    note_assign(w, n->a, n);
    if (n->op == T_ASSIGN && n->a->kind == N_IDENT)
        note_store(w, n->a->sym, n->b);
}

static void walk(Walk *w, Node *n)
{
    if (!n)
        return;
    switch (n->kind) {
    case N_LAMBDA:
        walk_lambda(w, n);
        return;
    case N_FN: /* a nested named function: its name holds the closure */
        declare(w, n->sym);
        walk(w, n->b);
        if (n->b)
            note_store(w, n->sym, n->b);
        return;
    case N_DEFER:
        if (n->ival == 1 && n->b) { /* the lambda wraps the statement */
            walk(w, n->b);
            return;
        }
        break;
    case N_VAR:
        walk(w, n->a);
        for (int i = 0; i < n->list.len; i++)
            declare(w, n->list.items[i]->sym);
        if (n->list.len == 1)
            note_store(w, n->list.items[0]->sym, n->a);
        return;
    case N_ASSIGN:
        walk_assign(w, n);
        return;
    case N_INCDEC:
        walk(w, n->a);
        note_assign(w, n->a, n);
        return;
    case N_FOR: {
        walk(w, n->a); /* the iterable is evaluated once, before the loop */
        LoopLink *saved = w->loops;
        push_loop(w, n);
        Sym **vars = n->aux;
        for (int i = 0; vars && i < n->list.len && i < 2; i++)
            declare(w, vars[i]);
        walk(w, n->b);
        w->loops = saved;
        return;
    }
    case N_WHILE: {
        LoopLink *saved = w->loops;
        push_loop(w, n);
        walk(w, n->a);
        walk(w, n->b);
        w->loops = saved;
        return;
    }
    case N_COMPREHENSION: {
        walk(w, n->c);
        LoopLink *saved = w->loops;
        push_loop(w, n);
        if (n->b && n->b->kind == N_TUPLE)
            for (int i = 0; i < n->b->list.len; i++)
                declare(w, n->b->list.items[i]->sym);
        else if (n->b)
            declare(w, n->b->sym);
        walk(w, n->d);
        walk(w, n->a);
        w->loops = saved;
        return;
    }
    case N_PAT_BIND: case N_PAT_FIELD:
        if (n->sym)
            declare(w, n->sym);
        break;
    case N_SEL_ARM:
        walk(w, n->a);
        if (n->sym)
            declare(w, n->sym);
        walk(w, n->b);
        return;
    case N_SPAWN: {
        walk(w, n->a);
        Node *call = n->a;
        if (call && call->kind == N_CALL) {
            if (call->op == CALL_VALUE) {
                Spawned sp = { n, call->a };
                vec_push(&w->spawns, sp);
            }
            for (int i = 0; i < call->list.len; i++) {
                Spawned sp = { n, call->list.items[i] };
                vec_push(&w->spawns, sp);
            }
        }
        return;
    }
    default:
        break;
    }
    walk(w, n->a);
    walk(w, n->b);
    walk(w, n->c);
    walk(w, n->d);
    walk_list(w, &n->list);
    walk_list(w, &n->list2);
    if (n->kind == N_CALL && n->op == CALL_METHOD && n->aux && n->a && n->a->kind == N_MEMBER &&
        mutates_self(w, n->aux))
        note_assign(w, n->a->a, n->a->a);
}

static void walk_function(Walk *w, FnInfo *f)
{
    w->frame = f;
    w->in_lambda = NULL;
    w->loops = NULL;
    for (int i = 0; i < f->nparams; i++)
        declare(w, f->param_syms ? f->param_syms[i] : NULL);
    if (f->body && f->body->kind == N_BLOCK)
        walk_list(w, &f->body->list);
    else
        walk(w, f->body);
}

/* ---------------------------------------------------------------- rules */

/* How many loops of one frame hold both points. */
static int common_loops(LoopLink *a, LoopLink *b)
{
    while (a && b && a->depth > b->depth)
        a = a->up;
    while (a && b && b->depth > a->depth)
        b = b->up;
    while (a && b && a != b) {
        a = a->up;
        b = b->up;
    }
    return a && b ? a->depth : 0;
}

/* May assignment `a` (in the owner frame) run after capture `c`? */
static int follows(const VarFacts *vf, const Point *a, const Point *c)
{
    return a->seq > c->seq || common_loops(a->loops, c->loops) > vf->fresh_depth;
}

static int is_self_param(Sym *s)
{
    return s->kind == SYM_LOCAL && s->owner && s->owner->is_method && s->owner->param_syms &&
           s->owner->param_syms[0] == s;
}

static void decide_cells(Walk *w)
{
    for (int i = 0; i < w->all.len; i++) {
        VarFacts *vf = w->all.items[i];
        Sym *s = vf->sym;
        if (s->kind != SYM_LOCAL || !vf->captured_by.len || is_self_param(s))
            continue; /* globals are shared by being global */
        int shared = 0;
        for (int a = 0; a < vf->assigns.len && !shared; a++) {
            Point *p = &vf->assigns.items[a];
            if (p->frame != vf->owner)
                shared = 1;
            for (int c = 0; c < vf->captured_by.len && !shared; c++)
                shared = follows(vf, p, &vf->captured_by.items[c]->made);
        }
        if (shared) {
            s->in_cell = 1;
            s->cell_loop = vf->fresh_depth ? vf->fresh_loop : NULL;
        }
    }
}

/* Every lambda that variable s may hold. */
static void lambdas_of_var(Walk *w, Sym *s, FnList *out)
{
    VarFacts *vf = table_get(&w->vars, s);
    if (!vf || vf->visiting)
        return;
    vf->visiting = 1;
    for (int i = 0; i < vf->holds.len; i++)
        vec_push(out, vf->holds.items[i]);
    for (int i = 0; i < vf->copies.len; i++)
        lambdas_of_var(w, vf->copies.items[i], out);
    vf->visiting = 0;
}

static void lambdas_of(Walk *w, Node *e, FnList *out)
{
    while (e && e->kind == N_CONVERT)
        e = e->a;
    if (!e)
        return;
    if (e->kind == N_LAMBDA && e->aux)
        vec_push(out, (FnInfo *)e->aux);
    else if (e->kind == N_IDENT && is_variable(e->sym))
        lambdas_of_var(w, e->sym, out);
}

static int made_inside(LamSite *site, FnInfo *lam)
{
    for (; site; site = site->creator)
        if (site->fn == lam)
            return 1;
    return 0;
}

static void report_race(Walk *w, VarFacts *vf, Point *a, LamSite *task, Node *spawn)
{
    if (table_get(&w->reported, a->at))
        return;
    table_put(&w->reported, a->at, a->at);
    LamSite *in = table_get(&w->lams, a->frame);
    const char *name = vf->sym->name;
    if (made_inside(in, task->fn))
        ERR(a->at, "a spawned closure may not assign '%s': it captured it (line %d) from the code that spawned it "
            "(line %d); share state with a task through Shared.new or a channel",
            name, task->made.at->line, spawn->line);
    else
        ERR(a->at, "cannot assign '%s' here: a closure spawned at line %d captured it (line %d) and may still be "
            "reading it; share state with a task through Shared.new or a channel",
            name, spawn->line, task->made.at->line);
    diag_note(task->made.at->file, task->made.at->line, task->made.at->col, "'%s' is captured here", name);
}

/* The task of closure `lam` (spawned at `spawn`) reads what it captured:
 * nobody may assign those variables after the capture. */
static void check_task(Walk *w, FnInfo *lam, Node *spawn)
{
    LamSite *task = table_get(&w->lams, lam);
    if (!task)
        return;
    for (int i = 0; i < lam->captures.len; i++) {
        VarFacts *vf = facts(w, lam->captures.items[i]);
        LamSite *anchor = task; /* the capture as the declaring frame sees it */
        while (anchor && anchor->made.frame != vf->owner)
            anchor = anchor->creator;
        for (int k = 0; k < vf->assigns.len; k++) {
            Point *a = &vf->assigns.items[k];
            if (a->frame != vf->owner || !anchor || follows(vf, a, &anchor->made))
                report_race(w, vf, a, task, spawn);
        }
    }
}

static void check_spawns(Walk *w)
{
    typedef struct { FnInfo *lam; Node *spawn; } Task;
    VEC(Task) todo = { 0 };
    Table seen = { 0 };
    for (int i = 0; i < w->spawns.len; i++) {
        FnList lams = { 0 };
        lambdas_of(w, w->spawns.items[i].expr, &lams);
        for (int k = 0; k < lams.len; k++) {
            Task t = { lams.items[k], w->spawns.items[i].spawn };
            vec_push(&todo, t);
        }
        free(lams.items);
    }
    /* closures that a task can reach through its captures run in it too */
    for (int i = 0; i < todo.len; i++) {
        Task t = todo.items[i];
        if (table_get(&seen, t.lam))
            continue;
        table_put(&seen, t.lam, t.lam);
        check_task(w, t.lam, t.spawn);
        for (int c = 0; c < t.lam->captures.len; c++) {
            Sym *s = t.lam->captures.items[c];
            if (type_prune(s->type)->kind != TY_FN)
                continue;
            FnList lams = { 0 };
            lambdas_of_var(w, s, &lams);
            for (int k = 0; k < lams.len; k++) {
                Task more = { lams.items[k], t.spawn };
                vec_push(&todo, more);
            }
            free(lams.items);
        }
    }
    free(todo.items);
}

void check_captures(Program *prog)
{
    Walk w = { 0 };
    /* module code first: it declares the globals */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < prog->fns.len; i++) {
            FnInfo *f = prog->fns.items[i];
            if (f->is_lambda || f->is_extern || !f->body || f->is_entry != !pass)
                continue;
            if (!f->checked && !f->is_entry)
                continue;
            walk_function(&w, f);
        }
    decide_cells(&w);
    check_spawns(&w);
    /* the facts live in the arena; only these two lists are the walk's own */
    free(w.all.items);
    free(w.spawns.items);
}
