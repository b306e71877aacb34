/*
 * emit_cells.c — variables that closures share by reference (SPEC §7).
 *
 * The front end (front/captures.c) marks a captured variable that may be
 * assigned after a capture as Sym.in_cell.  Such a variable is a box
 * (runtime "cell", reference counted like a closure environment) holding
 * the value: the frame keeps a `T *cell_v_x` and every closure capturing
 * it keeps the same pointer in its environment, so an assignment on
 * either side is seen by all.  The variable's C name becomes `(*cell_v_x)`,
 * an lvalue that every other part of the emitter uses unchanged.
 *
 * Ownership: the frame's reference is made at function entry and released
 * at every exit; an environment retains the cell when the closure is made
 * and releases it when the environment is freed; the cell releases the
 * value it holds when the last reference goes.  A variable declared inside
 * a loop gets a fresh cell at the top of each iteration (Sym.cell_loop)
 * unless no closure took the previous one.
 */
#include "emit_int.h"
#include <string.h>

static const char cell_prefix[] = "cell_";

static void name_cell(Sym *s)
{
    if (s && s->in_cell && !s->cell) {
        s->cell = arena_printf("%s%s", cell_prefix, s->cname);
        s->cname = arena_printf("(*%s)", s->cell);
    }
}

void emit_cells_prepare(Program *prog)
{
    for (int i = 0; i < prog->fns.len; i++) {
        FnInfo *f = prog->fns.items[i];
        for (int k = 0; k < f->locals.len; k++)
            name_cell(f->locals.items[k]);
        for (int k = 0; f->param_syms && k < f->nparams; k++)
            name_cell(f->param_syms[k]);
    }
}

const char *cell_param_name(Sym *s)
{
    return s->in_cell ? s->cell + strlen(cell_prefix) : s->cname;
}

static void cell_new(Buf *b, Sym *s)
{
    Type *t = type_prune(s->type);
    buf_printf(b, "%s *%s = rt_cell_new(sizeof(%s), %s);\n    ", ctype(t), s->cell, ctype(t), rc_drop_fn(t));
}

void emit_cell_locals(Buf *b, FnInfo *f)
{
    for (int i = 0; i < f->locals.len; i++)
        if (f->locals.items[i]->in_cell && type_prune(f->locals.items[i]->type)->kind != TY_VOID)
            cell_new(b, f->locals.items[i]);
    /* a parameter in a cell: the cell owns a reference to the argument */
    for (int i = 0; i < f->nparams; i++) {
        Sym *s = f->param_syms ? f->param_syms[i] : NULL;
        if (!s || !s->in_cell)
            continue;
        cell_new(b, s);
        buf_printf(b, "*%s = %s; ", s->cell, cell_param_name(s));
        if (type_managed(s->type))
            buf_printf(b, "%s(%s); ", rc_dup_fn(s->type), s->cell);
        buf_puts(b, "\n    ");
    }
}

void emit_cell_release(Buf *b, Sym *s)
{
    buf_printf(b, "rt_release_box(%s); ", s->cell);
}

void emit_fresh_cells(Buf *b, Node *loop)
{
    FnInfo *f = em.fn;
    for (int i = 0; f && i < f->locals.len; i++) {
        Sym *s = f->locals.items[i];
        if (s->in_cell && s->cell_loop == loop) {
            Type *t = type_prune(s->type);
            buf_printf(b, "rt_cell_fresh((void **)&%s, sizeof(%s), %s); ", s->cell, ctype(t), rc_drop_fn(t));
        }
    }
}

int lambda_has_env(FnInfo *f)
{
    for (int i = 0; i < f->captures.len; i++)
        if (f->captures.items[i]->kind == SYM_LOCAL)
            return 1;
    return 0;
}

void emit_env_fields(Buf *b, FnInfo *f)
{
    for (int i = 0; i < f->captures.len; i++) {
        Sym *s = f->captures.items[i];
        if (s->kind != SYM_LOCAL)
            continue; /* globals are read where they are */
        if (s->in_cell)
            buf_printf(b, " %s *%s;", ctype(s->type), s->cell);
        else
            buf_printf(b, " %s %s;", ctype(s->type), s->cname);
    }
}

void emit_env_drop(Buf *b, FnInfo *f)
{
    for (int i = 0; i < f->captures.len; i++) {
        Sym *s = f->captures.items[i];
        if (s->kind != SYM_LOCAL)
            continue;
        if (s->in_cell)
            buf_printf(b, "rt_release_box(e->%s); ", s->cell);
        else
            emit_drop_var(b, s->type, arena_printf("e->%s", s->cname));
    }
}

/* In a lambda's body, its captured cells go by the same names as in the
 * frame that made them. */
void emit_env_cells(Buf *b, FnInfo *f)
{
    for (int i = 0; i < f->captures.len; i++) {
        Sym *s = f->captures.items[i];
        if (s->kind == SYM_LOCAL && s->in_cell)
            buf_printf(b, "%s *%s = _env->%s;\n    ", ctype(s->type), s->cell, s->cell);
    }
}

/* Fills environment `env` (a C expression) of a new closure: cells are
 * shared, other captures copied. */
void emit_env_init(Buf *b, FnInfo *f, const char *env)
{
    for (int i = 0; i < f->captures.len; i++) {
        Sym *s = f->captures.items[i];
        if (s->kind != SYM_LOCAL)
            continue;
        if (s->in_cell) {
            buf_printf(b, "%s->%s = wyn_own_box(%s); ", env, s->cell, s->cell);
            continue;
        }
        buf_printf(b, "%s->%s = ", env, s->cname);
        Node id = { .kind = N_IDENT, .sym = s, .name = s->name, .type = s->type };
        emit_owned(b, s->type, &id);
        buf_puts(b, "; ");
    }
}
