/*
 * emit_rc.c — reference counting in generated code: which Wyn types hold
 * counted references, and the helpers emitted once per such type.
 *
 * The ownership rules are runtime/README.md's ("Memory"); in short: an
 * expression yields a borrowed value (+0: a fresh object belongs to the
 * task's autorelease pool), and whatever stores a value (a local, a field,
 * an element, a closure environment, a spawned task's arguments, a channel)
 * takes its own reference.  For a type T that holds references:
 *
 *   void rcdup_M(void *p)     retain every reference in *(T *)p
 *   void rcdrop_M(void *p)    release them
 *   WynElemOps rcops_M        { rcdup_M, rcdrop_M }, for arrays and maps
 *   T rcown_M(T v)            dup, then v: a stored copy
 *   T rcauto_M(T v)           hand v's references to the pool: an owned
 *                             value becomes a borrowed one (returns, pops)
 *   void rcset_M(T *slot, T v)  *slot = v for an owning slot
 *
 * M is the type's mangled name.  Strings, arrays, maps and function values
 * (whose environment is a box) are counted; options, results, tuples,
 * structs and enums are when something inside them is (a boxed enum
 * payload always is).  Futures, channels and other handles are ints.
 */
#include "emit_int.h"
#include <string.h>

static int managed_depth;

int type_managed(Type *t)
{
    t = type_prune(t);
    if (!t)
        return 0;
    switch (t->kind) {
    case TY_STR: case TY_ARRAY: case TY_MAP: case TY_FN: case TY_SB:
        return 1;
    case TY_OPT:
        return type_managed(t->elem);
    case TY_RESULT:
        return (!type_is_void(t->elem) && type_managed(t->elem)) || type_managed(t->key);
    case TY_TUPLE:
        for (int i = 0; i < t->nitems; i++)
            if (type_managed(t->items[i]))
                return 1;
        return 0;
    case TY_STRUCT: case TY_ENUM: {
        if (managed_depth > 64)
            return 1; /* deeply nested: assume so (harmless) */
        TypeDecl *td = t->decl;
        int r = 0;
        managed_depth++;
        if (!td->is_enum) {
            for (int i = 0; i < td->fields.len && !r; i++)
                r = type_managed(td->fields.items[i].type);
        } else {
            for (int i = 0; i < td->variants.len && !r; i++) {
                Variant *v = &td->variants.items[i];
                for (int k = 0; k < v->npayload && !r; k++)
                    r = v->boxed[k] || type_managed(v->payload[k]);
            }
        }
        managed_depth--;
        return r;
    }
    default:
        return 0;
    }
}

/* One step of a helper body: apply `what` (dup, drop or auto) to the
 * value at C lvalue `lv` of type t. */
typedef enum { RC_DUP, RC_DROP, RC_AUTO } RcWhat;

static void rc_step(Buf *b, RcWhat what, Type *t, const char *lv);

static const char *rc_mangle(Type *t) { return type_mangle(type_prune(t)); }

/* Emits (once) the helpers for t; returns the mangled name. */
static const char *rc_need(Type *t)
{
    t = type_prune(t);
    const char *m = rc_mangle(t);
    const char *name = arena_printf("rcdup_%s", m);
    if (helper_done(name))
        return m;
    const char *ct = ctype(t);
    buf_printf(&em.protos,
               "static void rcdup_%s(void *p);\nstatic void rcdrop_%s(void *p);\n"
               "static %s rcauto_%s(%s v);\n"
               "static const WynElemOps rcops_%s = { rcdup_%s, rcdrop_%s };\n"
               "static inline %s rcown_%s(%s v) { rcdup_%s(&v); return v; }\n"
               "static inline void rcset_%s(%s *slot, %s v) { %s old = *slot; rcdup_%s(&v); *slot = v; rcdrop_%s(&old); }\n",
               m, m, ct, m, ct, m, m, m, ct, m, ct, m, m, ct, ct, ct, m, m);
    Buf h = {0};
    const char *whats[] = { "rcdup", "rcdrop" };
    for (int w = 0; w < 2; w++) {
        buf_printf(&h, "static void %s_%s(void *p) {\n    %s *v = p;\n    (void)v;\n", whats[w], m, ct);
        rc_step(&h, (RcWhat)w, t, "(*v)");
        buf_puts(&h, "}\n");
    }
    buf_printf(&h, "static %s rcauto_%s(%s v) {\n", ct, m, ct);
    rc_step(&h, RC_AUTO, t, "v");
    buf_puts(&h, "    return v;\n}\n");
    buf_puts(&em.helpers, h.data);
    buf_free(&h);
    return m;
}

static void rc_field(Buf *b, RcWhat what, Type *t, const char *lv)
{
    if (!type_managed(t))
        return;
    t = type_prune(t);
    switch (t->kind) {
    case TY_STR: case TY_ARRAY: case TY_MAP: case TY_SB: case TY_FN:
        rc_step(b, what, t, lv);
        return;
    default:
        break;
    }
    const char *m = rc_need(t);
    if (what == RC_AUTO)
        buf_printf(b, "    %s = rcauto_%s(%s);\n", lv, m, lv);
    else
        buf_printf(b, "    %s_%s(&%s);\n", what == RC_DUP ? "rcdup" : "rcdrop", m, lv);
}

static void rc_box_step(Buf *b, RcWhat what, const char *lv)
{
    static const char *const fns[] = { "rt_retain_box", "rt_release_box", "rt_autorelease_box" };
    buf_printf(b, "    if (%s) %s(%s);\n", lv, fns[what], lv);
}

static void rc_step(Buf *b, RcWhat what, Type *t, const char *lv)
{
    t = type_prune(t);
    switch (t->kind) {
    case TY_STR: case TY_ARRAY: case TY_MAP: case TY_SB: {
        static const char *const rel[] = { [TY_STR] = "rt_release_str", [TY_ARRAY] = "rt_release_arr",
                                           [TY_MAP] = "rt_release_map", [TY_SB] = "rt_release_sb" };
        static const char *const aut[] = { [TY_STR] = "rt_autorelease", [TY_ARRAY] = "rt_autorelease_arr",
                                           [TY_MAP] = "rt_autorelease_map", [TY_SB] = "rt_autorelease_sb" };
        if (what == RC_DUP)
            buf_printf(b, "    rt_retain(%s);\n", lv);
        else if (what == RC_DROP)
            buf_printf(b, "    %s(%s);\n", rel[t->kind], lv);
        else
            buf_printf(b, "    if (%s) %s(%s);\n", lv, aut[t->kind], lv);
        return;
    }
    case TY_FN:
        rc_box_step(b, what, arena_printf("%s.env", lv));
        return;
    case TY_OPT:
        buf_printf(b, "    if (%s.some) {\n", lv);
        rc_field(b, what, t->elem, arena_printf("%s.val", lv));
        buf_puts(b, "    }\n");
        return;
    case TY_RESULT:
        buf_printf(b, "    if (%s.ok) {\n", lv);
        if (!type_is_void(t->elem))
            rc_field(b, what, t->elem, arena_printf("%s.val", lv));
        buf_puts(b, "    } else {\n");
        rc_field(b, what, t->key, arena_printf("%s.err", lv));
        buf_puts(b, "    }\n");
        return;
    case TY_TUPLE:
        for (int i = 0; i < t->nitems; i++)
            rc_field(b, what, t->items[i], arena_printf("%s.f%d", lv, i));
        return;
    case TY_STRUCT:
        for (int i = 0; i < t->decl->fields.len; i++)
            rc_field(b, what, t->decl->fields.items[i].type,
                     arena_printf("%s.f_%s", lv, t->decl->fields.items[i].name));
        return;
    case TY_ENUM: {
        TypeDecl *td = t->decl;
        buf_printf(b, "    switch (%s.tag) {\n", lv);
        for (int i = 0; i < td->variants.len; i++) {
            Variant *v = &td->variants.items[i];
            int any = 0;
            for (int k = 0; k < v->npayload; k++)
                any |= v->boxed[k] || type_managed(v->payload[k]);
            if (!any)
                continue;
            buf_printf(b, "    case %d:\n", i);
            for (int k = 0; k < v->npayload; k++) {
                const char *f = arena_printf("%s.u.v%d.f%d", lv, i, k);
                if (v->boxed[k])
                    rc_box_step(b, what, f);
                else
                    rc_field(b, what, v->payload[k], f);
            }
            buf_puts(b, "        break;\n");
        }
        buf_puts(b, "    }\n");
        return;
    }
    default:
        return;
    }
}

/* The helper `prefix_M` for t, or for strings, arrays and maps the
 * runtime's own function (rt[0], rt[1], rt[2]); NULL if t is not counted. */
static const char *rc_helper(Type *t, const char *prefix, const char *const rt[3])
{
    if (!type_managed(t))
        return NULL;
    t = type_prune(t);
    switch (t->kind) {
    case TY_STR: return rt[0];
    case TY_ARRAY: return rt[1];
    case TY_MAP: return rt[2];
    default: return arena_printf("%s_%s", prefix, rc_need(t));
    }
}

const char *rc_ops(Type *t)
{
    static const char *const rt[3] = { "&rt_str_ops", "&rt_arr_ops", "&rt_map_ops" };
    const char *ops = rc_helper(t, "&rcops", rt);
    return ops ? ops : "NULL";
}

const char *rc_drop_fn(Type *t)
{
    if (!type_managed(t))
        return "NULL";
    return arena_printf("rcdrop_%s", rc_need(t));
}

const char *rc_own(Type *t)
{
    static const char *const rt[3] = { "wyn_own_str", "wyn_own_arr", "wyn_own_map" };
    return rc_helper(t, "rcown", rt);
}

const char *rc_auto(Type *t)
{
    static const char *const rt[3] = { "rt_autorelease", "rt_autorelease_arr", "rt_autorelease_map" };
    return rc_helper(t, "rcauto", rt);
}

const char *rc_set(Type *t)
{
    static const char *const rt[3] = { "wyn_set_str", "wyn_set_arr", "wyn_set_map" };
    return rc_helper(t, "rcset", rt);
}

void emit_owned(Buf *b, Type *t, Node *e)
{
    const char *own = rc_own(t);
    if (own)
        buf_printf(b, "%s(", own);
    emit_expr(b, e);
    if (own)
        buf_puts(b, ")");
}

void emit_drop_var(Buf *b, Type *t, const char *lv)
{
    if (!type_managed(t))
        return;
    buf_printf(b, "%s(&%s); ", rc_drop_fn(t), lv);
}

void emit_set(Buf *b, Type *t, const char *addr, Node *e)
{
    const char *set = rc_set(t);
    if (set) {
        buf_printf(b, "%s(%s, ", set, addr);
        emit_expr(b, e);
        buf_puts(b, "); ");
    } else {
        buf_printf(b, "*%s = ", addr);
        emit_expr(b, e);
        buf_puts(b, "; ");
    }
}

void emit_set_text(Buf *b, Type *t, const char *lv, const char *value)
{
    const char *set = rc_set(t);
    if (set)
        buf_printf(b, "%s(&%s, %s); ", set, lv, value);
    else
        buf_printf(b, "%s = %s; ", lv, value);
}

const char *rc_dup_fn(Type *t)
{
    if (!type_managed(t))
        return "NULL";
    return arena_printf("rcdup_%s", rc_need(t));
}
