/*
 * check.c — the checker's driver: modules and imports, declarations,
 * scopes, generic instantiation, statements and the missing-return
 * analysis.  Expressions are in check_expr.c, calls in check_call.c.
 */
#include "check_int.h"
#include "parser.h"
#include "builtins.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

Checker ck;

/* -------------------------------------------------------------- scopes */

Scope *scope_push(ScopeKind kind)
{
    Scope *s = arena_alloc(sizeof *s);
    s->parent = ck.scope;
    s->kind = kind;
    s->fn = ck.fn;
    ck.scope = s;
    return s;
}

void scope_pop(void) { ck.scope = ck.scope->parent; }

Sym *scope_find_local(Scope *s, const char *name)
{
    for (int i = s->syms.len - 1; i >= 0; i--)
        if (strcmp(s->syms.items[i]->name, name) == 0)
            return s->syms.items[i];
    return NULL;
}

/* The scope where a bare assignment declares: the function's top. */
Scope *fn_top_scope(void)
{
    Scope *s = ck.scope;
    while (s->kind == SCOPE_BLOCK && s->parent)
        s = s->parent;
    return s;
}

static void add_capture(FnInfo *lam, Sym *sym)
{
    for (int i = 0; i < lam->captures.len; i++)
        if (lam->captures.items[i] == sym)
            return;
    vec_push(&lam->captures, sym);
}

/* Looks a name up from the innermost scope outwards.  A variable found
 * outside the current lambda is captured by every lambda in between. */
Sym *scope_lookup(const char *name, Node *use)
{
    for (Scope *s = ck.scope; s; s = s->parent) {
        Sym *sym = scope_find_local(s, name);
        if (!sym)
            continue;
        int capturable = sym->kind == SYM_LOCAL ||
            (sym->kind == SYM_GLOBAL && s->kind == SCOPE_MODULE);
        if (capturable && ck.fn && ck.fn->is_lambda && use) {
            FnInfo *f = ck.fn;
            while (f && f->is_lambda && f != sym->owner) {
                add_capture(f, sym);
                f = f->parent;
            }
        }
        return sym;
    }
    return NULL;
}

/* Edit distance, capped: enough to suggest a near miss for a typo. */
int check_edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 40 || lb > 40 || abs(la - lb) > 2)
        return 99;
    int d[41][41];
    for (int i = 0; i <= la; i++)
        d[i][0] = i;
    for (int j = 0; j <= lb; j++)
        d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

/* " (did you mean 'total'?)" for the closest visible name, or "". */
const char *suggest_name(const char *name)
{
    const char *best = NULL;
    int best_d = strlen(name) <= 3 ? 1 : 2;
    best_d++;
    for (Scope *sc = ck.scope; sc; sc = sc->parent)
        for (int i = 0; i < sc->syms.len; i++) {
            const char *cand = sc->syms.items[i]->name;
            int d = check_edit_distance(name, cand);
            if (d < best_d && strcmp(cand, name)) {
                best_d = d;
                best = cand;
            }
        }
    for (const Builtin *r = builtins_global; r->name; r++) {
        int d = check_edit_distance(name, r->name);
        if (d < best_d) {
            best_d = d;
            best = r->name;
        }
    }
    return best ? arena_printf(" (did you mean '%s'?)", best) : "";
}

const char *unique_cname(const char *prefix, const char *name)
{
    static VEC(const char *) used;
    const char *base = arena_printf("%s%s", prefix, name);
    const char *c = base;
    for (int n = 2;; n++) {
        int clash = 0;
        for (int i = 0; i < used.len && !clash; i++)
            clash = strcmp(used.items[i], c) == 0;
        if (!clash)
            break;
        c = arena_printf("%s_%d", base, n);
    }
    vec_push(&used, c);
    return c;
}

Sym *declare_var(const char *name, Type *t, Node *decl, Scope *s)
{
    Sym *sym = arena_alloc(sizeof *sym);
    sym->name = name;
    sym->type = t;
    sym->decl = decl;
    if (s->kind == SCOPE_MODULE) {
        sym->kind = SYM_GLOBAL;
        sym->cname = unique_cname("g_", ck.mod && !ck.mod->is_main ?
                                  arena_printf("%s_%s", ck.mod->name, name) : name);
        vec_push(&ck.prog->globals, sym);
    } else {
        sym->kind = SYM_LOCAL;
        sym->owner = ck.fn;
        int n = 0;
        for (int i = 0; i < ck.fn->locals.len; i++)
            if (strcmp(ck.fn->locals.items[i]->name, name) == 0)
                n++;
        sym->cname = n ? arena_printf("v_%s_%d", name, n + 1) : arena_printf("v_%s", name);
        vec_push(&ck.fn->locals, sym);
    }
    vec_push(&s->syms, sym);
    return sym;
}

static Sym *declare_sym(Scope *s, SymKind kind, const char *name, Node *decl)
{
    Sym *old = scope_find_local(s, name);
    if (old && old->kind != SYM_LOCAL && old->kind != SYM_GLOBAL) {
        ERR(decl, "'%s' is already declared", name);
    }
    Sym *sym = arena_alloc(sizeof *sym);
    sym->kind = kind;
    sym->name = name;
    sym->decl = decl;
    sym->is_pub = decl && (decl->flags & NF_PUB);
    vec_push(&s->syms, sym);
    return sym;
}

/* --------------------------------------------------------------- types */

Module *module_by_alias(const char *name)
{
    Sym *s = scope_lookup(name, NULL);
    return s && s->kind == SYM_MODULE ? s->module : NULL;
}

/* The built-in structs of the I/O library (their layout matches
 * WynHttpRequest / WynHttpResponse in wyn_rt.h). */
Type *builtin_struct_type(const char *name)
{
    static TypeDecl *req, *resp;
    TypeDecl **slot = !strcmp(name, "Request") ? &req : !strcmp(name, "Response") ? &resp : NULL;
    if (!slot)
        return NULL;
    if (!*slot) {
        TypeDecl *td = arena_alloc(sizeof *td);
        td->name = td->base_name = name;
        td->cname = name[2] == 'q' ? "S_wyn_Request" : "S_wyn_Response";
        td->module = -1;
        Type *hdrs = type_map(ty_str, ty_str);
        if (slot == &req) {
            Field f[] = { {"method", ty_str}, {"path", ty_str}, {"query", ty_str}, {"headers", hdrs},
                          {"body", ty_str}, {"conn", ty_int} };
            for (size_t i = 0; i < sizeof f / sizeof *f; i++)
                vec_push(&td->fields, f[i]);
        } else {
            Field f[] = { {"status", ty_int}, {"headers", hdrs}, {"body", ty_str} };
            for (size_t i = 0; i < sizeof f / sizeof *f; i++)
                vec_push(&td->fields, f[i]);
        }
        vec_push(&ck.prog->types, td);
        *slot = td;
    }
    Type *t = type_new(TY_STRUCT);
    t->decl = *slot;
    return t;
}

static Type *map_type(Node *where, Type *k, Type *v)
{
    Type *kp = type_prune(k);
    if (kp->kind != TY_INT && kp->kind != TY_STR && kp->kind != TY_ERROR && kp->kind != TY_VAR)
        ERR(where, "map keys must be string or int, not %s", type_str(k));
    return type_map(k, v);
}

/* Type names kept from older Wyn programs (SPEC §3), unless the program
 * declares its own type of that name. */
static Type *old_type_name(Node *where, const char *n, Type **args, int nargs)
{
    if (nargs == 0 && !strcmp(n, "OptionInt"))
        return type_opt(ty_int);
    if (nargs == 0 && !strcmp(n, "ResultInt"))
        return type_result(ty_int, ty_str);
    if (nargs == 0 && !strcmp(n, "ResultString"))
        return type_result(ty_str, ty_str);
    if (nargs == 2 && !strcmp(n, "HashMap"))
        return map_type(where, args[0], args[1]);
    return NULL;
}

static Type *type_from_name(Node *t)
{
    const char *n = t->name;
    if (!t->sval && t->list.len == 0) {
        if (!strcmp(n, "int") || !strcmp(n, "i64") || !strcmp(n, "i32") || !strcmp(n, "u32") ||
            !strcmp(n, "u8") || !strcmp(n, "i8") || !strcmp(n, "i16") || !strcmp(n, "u16") ||
            !strcmp(n, "u64"))
            return ty_int;
        if (!strcmp(n, "float") || !strcmp(n, "f64") || !strcmp(n, "f32"))
            return ty_float;
        if (!strcmp(n, "bool")) return ty_bool;
        if (!strcmp(n, "string") || !strcmp(n, "str")) return ty_str;
        if (!strcmp(n, "void")) return ty_void;
        if (!strcmp(n, "ptr")) return ty_ptr;
        if (!strcmp(n, "StringBuilder")) return ty_sb;
        if (!strcmp(n, "_error_")) return ty_error;
    }
    Type *args[16];
    int nargs = t->list.len < 16 ? t->list.len : 16;
    for (int i = 0; i < nargs; i++)
        args[i] = resolve_type_expr(t->list.items[i]);
    if (!t->sval) {
        if (!strcmp(n, "Result") && nargs == 2) return type_result(args[0], args[1]);
        if (!strcmp(n, "Option") && nargs == 1) return type_opt(args[0]);
        if (!strcmp(n, "Future") && nargs == 1) return type_future(args[0]);
        if ((!strcmp(n, "Channel") || !strcmp(n, "Chan")) && nargs == 1) return type_chan(args[0]);
    }
    Sym *s = NULL;
    if (t->sval) {
        Module *m = module_by_alias(t->sval);
        if (!m) {
            ERR(t, "unknown module '%s'", t->sval);
            return ty_error;
        }
        s = scope_find_local(m->scope, n);
        if (s && !s->is_pub) {
            ERR(t, "'%s' is not public in module '%s'", n, m->name);
            return ty_error;
        }
    } else {
        s = scope_lookup(n, NULL);
    }
    if (s && s->kind == SYM_TYPEPARAM)
        return s->type;
    if (!s && !t->sval) {
        Type *old = old_type_name(t, n, args, nargs);
        if (old)
            return old;
    }
    if (!s && !t->sval && nargs == 0) {
        static const char *const natives[] = { "Listener", "Conn", "HttpServer", "Json", NULL };
        for (int i = 0; natives[i]; i++)
            if (!strcmp(n, natives[i]))
                return type_native(natives[i]);
        Type *bs = builtin_struct_type(n);
        if (bs)
            return bs;
    }
    if (s && s->kind == SYM_TYPE) {
        int want = s->tgen->node->list2.len;
        if (want != nargs) {
            ERR(t, "type '%s' takes %d type argument%s, got %d", n, want, want == 1 ? "" : "s", nargs);
            return ty_error;
        }
        TypeDecl *td = instantiate_type(s->tgen, args, nargs, t);
        Type *ty = type_new(td->is_enum ? TY_ENUM : TY_STRUCT);
        ty->decl = td;
        return ty;
    }
    ERR(t, "unknown type '%s'", n);
    return ty_error;
}

Type *resolve_type_expr(Node *t)
{
    if (!t)
        return ty_void;
    switch (t->kind) {
    case N_TYPE_NAME: return type_from_name(t);
    case N_TYPE_ARRAY: return type_array(resolve_type_expr(t->a));
    case N_TYPE_MAP: {
        Type *k = resolve_type_expr(t->a);
        return map_type(t, k, resolve_type_expr(t->b));
    }
    case N_TYPE_OPT: return type_opt(resolve_type_expr(t->a));
    case N_TYPE_TUPLE: {
        Type *items[32];
        int n = t->list.len < 32 ? t->list.len : 32;
        for (int i = 0; i < n; i++)
            items[i] = resolve_type_expr(t->list.items[i]);
        return type_tuple(items, n);
    }
    case N_TYPE_FN: {
        Type *items[32];
        int n = t->list.len < 32 ? t->list.len : 32;
        for (int i = 0; i < n; i++)
            items[i] = resolve_type_expr(t->list.items[i]);
        return type_fn(items, n, t->a ? resolve_type_expr(t->a) : ty_void);
    }
    default:
        INTERNAL(t, "resolve_type_expr: a %s node is not a type", node_kind_name(t->kind));
    }
}

static Scope *type_param_scope(Node *params, Type **args, int nargs)
{
    Scope *s = scope_push(SCOPE_BLOCK);
    for (int i = 0; i < params->list2.len && i < nargs; i++) {
        Sym *sym = declare_sym(s, SYM_TYPEPARAM, params->list2.items[i]->name, params->list2.items[i]);
        sym->type = args[i];
    }
    return s;
}

/* Does t hold a value of decl `td` by value (not behind an array/map)? */
static int contains_by_value(Type *t, TypeDecl *td)
{
    t = type_prune(t);
    switch (t->kind) {
    case TY_STRUCT: case TY_ENUM:
        if (t->decl == td)
            return 1;
        if (t->kind == TY_ENUM)
            return 0; /* enum payloads that recurse are boxed */
        for (int i = 0; i < t->decl->fields.len; i++)
            if (contains_by_value(t->decl->fields.items[i].type, td))
                return 1;
        return 0;
    case TY_OPT: return contains_by_value(t->elem, td);
    case TY_RESULT: return contains_by_value(t->elem, td) || contains_by_value(t->key, td);
    case TY_TUPLE:
        for (int i = 0; i < t->nitems; i++)
            if (contains_by_value(t->items[i], td))
                return 1;
        return 0;
    default:
        return 0;
    }
}

TypeDecl *instantiate_type(TypeGen *g, Type **args, int nargs, Node *where)
{
    int provisional = 0; /* arguments still being inferred: do not share */
    for (int i = 0; i < nargs; i++)
        provisional |= type_has_vars(args[i]);
    for (int i = 0; i < g->instances.len && !provisional; i++) {
        TypeDecl *td = g->instances.items[i];
        int same = 1;
        for (int k = 0; k < nargs && same; k++)
            same = type_equal(td->args[k], args[k]);
        if (same)
            return td;
    }
    Node *n = g->node;
    TypeDecl *td = arena_alloc(sizeof *td);
    td->node = n;
    td->is_enum = n->kind == N_ENUM;
    td->base_name = n->name;
    td->module = g->module ? g->module->file : 0;
    td->args = arena_alloc(sizeof(Type *) * (size_t)(nargs + 1));
    memcpy(td->args, args, sizeof(Type *) * (size_t)nargs);
    td->nargs = nargs;
    const char *prefix = g->module && !g->module->is_main ? arena_printf("%s_", g->module->name) : "";
    if (nargs) {
        Buf b = {0};
        buf_printf(&b, "%s<", n->name);
        Buf c = {0};
        buf_printf(&c, "%s%s", prefix, n->name);
        for (int i = 0; i < nargs; i++) {
            buf_printf(&b, "%s%s", i ? ", " : "", type_str(args[i]));
            buf_printf(&c, "__%s", type_mangle(args[i]));
        }
        buf_puts(&b, ">");
        td->name = arena_strdup(b.data);
        td->cname = unique_cname("S_", c.data);
        buf_free(&b);
        buf_free(&c);
    } else {
        td->name = n->name;
        td->cname = unique_cname("S_", arena_printf("%s%s", prefix, n->name));
    }
    if (!provisional) {
        vec_push(&g->instances, td);
        vec_push(&ck.prog->types, td);
    }

    /* field and variant types are resolved in the declaring module, with
     * the type parameters bound */
    Module *saved_mod = ck.mod;
    Scope *saved_scope = ck.scope;
    if (g->module) {
        ck.mod = g->module;
        ck.scope = g->module->scope;
    }
    type_param_scope(n, args, nargs);
    td->resolving = 1;
    if (!td->is_enum) {
        for (int i = 0; i < n->list.len; i++) {
            Field f = { n->list.items[i]->name, resolve_type_expr(n->list.items[i]->c) };
            for (int k = 0; k < td->fields.len; k++)
                if (!strcmp(td->fields.items[k].name, f.name))
                    ERR(n->list.items[i], "field '%s' is declared twice", f.name);
            vec_push(&td->fields, f);
        }
        for (int i = 0; i < td->fields.len; i++)
            if (contains_by_value(td->fields.items[i].type, td)) {
                ERR(n->list.items[i], "struct '%s' contains itself by value through field '%s' "
                    "(use an array [%s] or an enum)", n->name, td->fields.items[i].name, n->name);
                td->fields.items[i].type = ty_error;
            }
    } else {
        for (int i = 0; i < n->list.len; i++) {
            Node *vn = n->list.items[i];
            Variant v = { vn->name, NULL, vn->list.len, NULL };
            v.payload = arena_alloc(sizeof(Type *) * (size_t)(v.npayload + 1));
            v.boxed = arena_alloc(sizeof(int) * (size_t)(v.npayload + 1));
            for (int k = 0; k < v.npayload; k++)
                v.payload[k] = resolve_type_expr(vn->list.items[k]);
            vec_push(&td->variants, v);
        }
        for (int i = 0; i < td->variants.len; i++) {
            Variant *v = &td->variants.items[i];
            for (int k = 0; k < v->npayload; k++) {
                Type *pt = type_prune(v->payload[k]);
                v->boxed[k] = (pt->kind == TY_ENUM && pt->decl == td) || contains_by_value(pt, td) ||
                              (pt->kind == TY_STRUCT || pt->kind == TY_ENUM);
            }
        }
    }
    td->resolving = 0;
    ck.scope = saved_scope;
    ck.mod = saved_mod;
    return td;
}

/* ------------------------------------------------------------ functions */

static Sym *new_param_sym(FnInfo *f, const char *name, Type *t, Node *decl)
{
    Sym *sym = arena_alloc(sizeof *sym);
    sym->kind = SYM_LOCAL;
    sym->name = name;
    sym->type = t;
    sym->decl = decl;
    sym->owner = f;
    sym->cname = strcmp(name, "self") ? arena_printf("p_%s", name) : "v_self";
    return sym;
}

/* The type a parameter declares; `who = "world"` takes its default's. */
Type *param_decl_type(Node *p)
{
    if (p->c || !p->a)
        return resolve_type_expr(p->c);
    Node *probe = node_clone(p->a); /* calls check their own copy */
    Type *t = type_prune(check_expr(&probe, NULL));
    if (t->kind == TY_VOID || type_has_vars(t)) {
        ERR(p, "parameter '%s' needs a type: its default value does not tell it", p->name);
        return ty_error;
    }
    return t;
}

FnInfo *instantiate_fn(FnDecl *d, Type **targs, int ntargs, TypeDecl *owner)
{
    for (int i = 0; i < d->instances.len; i++) {
        FnInfo *f = d->instances.items[i];
        if (f->owner != owner)
            continue;
        int same = 1;
        for (int k = 0; k < ntargs && same; k++)
            same = type_equal(f->targs[k], targs[k]);
        if (same)
            return f;
    }
    Node *n = d->node;
    int generic = ntargs > 0 || (owner && owner->nargs > 0);
    if (generic)
        n = node_clone(n);
    FnInfo *f = arena_alloc(sizeof *f);
    f->decl = d;
    f->node = n;
    f->body = n->a;
    f->owner = owner;
    f->module = d->module;
    f->is_method = (n->flags & NF_METHOD) != 0;
    f->is_extern = d->is_extern;
    f->extern_lib = d->extern_lib;
    f->targs = arena_alloc(sizeof(Type *) * (size_t)(ntargs + 1));
    if (ntargs)
        memcpy(f->targs, targs, sizeof(Type *) * (size_t)ntargs);
    f->ntargs = ntargs;
    const char *mprefix = d->module && !d->module->is_main ? arena_printf("%s_", d->module->name) : "";
    f->name = owner ? arena_printf("%s.%s", owner->name, n->name) : n->name;
    Buf c = {0};
    if (d->is_extern)
        buf_printf(&c, "x_%s", n->name);
    else if (owner)
        buf_printf(&c, "m_%s_%s", owner->cname + 2, n->name);
    else
        buf_printf(&c, "w_%s%s", mprefix, n->name);
    for (int i = 0; i < ntargs; i++)
        buf_printf(&c, "__%s", type_mangle(targs[i]));
    f->cname = unique_cname("", c.data);
    buf_free(&c);
    vec_push(&d->instances, f);
    vec_push(&ck.prog->fns, f);

    /* signature, resolved in the declaring module with type params bound */
    Module *saved_mod = ck.mod;
    Scope *saved_scope = ck.scope;
    FnInfo *saved_fn = ck.fn;
    if (d->module) {
        ck.mod = d->module;
        ck.scope = d->module->scope;
    }
    if (owner)
        type_param_scope(owner->node, owner->args, owner->nargs);
    type_param_scope(n, targs, ntargs);
    int np = n->list.len;
    f->params = arena_alloc(sizeof(Type *) * (size_t)(np + 1));
    f->param_syms = arena_alloc(sizeof(Sym *) * (size_t)(np + 1));
    f->nparams = np;
    ck.fn = f;
    for (int i = 0; i < np; i++) {
        Node *p = n->list.items[i];
        if (!strcmp(p->name, "self")) {
            Type *st = type_new(TY_STRUCT);
            if (owner) {
                st->kind = owner->is_enum ? TY_ENUM : TY_STRUCT;
                st->decl = owner;
            } else {
                ERR(p, "self outside a struct method");
                st = ty_error;
            }
            f->params[i] = st;
        } else {
            f->params[i] = param_decl_type(p);
        }
        f->param_syms[i] = new_param_sym(f, p->name, f->params[i], p);
    }
    f->ret = n->c ? resolve_type_expr(n->c) : ty_void;
    if (d->is_extern) {
        /* only types with a C meaning cross into foreign code (SPEC §12) */
        for (int i = 0; i <= np; i++) {
            Type *t = type_prune(i < np ? f->params[i] : f->ret);
            Node *where = i < np ? (n->list.items[i]->c ? n->list.items[i]->c : n->list.items[i]) : (n->c ? n->c : n);
            int ok = t->kind == TY_INT || t->kind == TY_FLOAT || t->kind == TY_BOOL || t->kind == TY_STR ||
                     t->kind == TY_PTR || t->kind == TY_FN || t->kind == TY_ERROR || (i == np && t->kind == TY_VOID);
            if (!ok)
                ERR(where, "type %s cannot cross into C: extern functions take int, i32, u32, f32, float, "
                    "bool, string, ptr and function types", type_str(t));
        }
    }
    ck.fn = saved_fn;
    ck.scope = saved_scope;
    ck.mod = saved_mod;
    if (!d->is_extern)
        vec_push(&ck.worklist, f);
    return f;
}

static TypeGen *tgen_of(TypeDecl *td)
{
    Scope *s = NULL;
    for (int i = 0; i < ck.prog->modules.len; i++)
        if (ck.prog->modules.items[i]->file == td->module)
            s = ck.prog->modules.items[i]->scope;
    if (!s)
        return NULL;
    Sym *sym = scope_find_local(s, td->base_name);
    return sym && sym->kind == SYM_TYPE ? sym->tgen : NULL;
}

FnInfo *find_method(TypeDecl *td, const char *name, Node *where)
{
    for (int i = 0; i < td->methods.len; i++)
        if (!strcmp(td->methods.items[i]->node->name, name))
            return td->methods.items[i];
    TypeGen *g = tgen_of(td);
    if (!g)
        return NULL;
    for (int i = 0; i < g->methods.len; i++) {
        Node *m = g->methods.items[i];
        if (strcmp(m->name, name))
            continue;
        FnDecl *d = m->aux;
        if (!d) {
            d = arena_alloc(sizeof *d);
            d->node = m;
            d->module = g->module;
            d->owner = g;
            m->aux = d;
        }
        if (m->list2.len) {
            ERR(where, "generic methods are not supported");
            return NULL;
        }
        FnInfo *f = instantiate_fn(d, NULL, 0, td);
        vec_push(&td->methods, f);
        return f;
    }
    return NULL;
}

/* ----------------------------------------------------- missing return */

static int always_returns(Node *s);

static int block_always_returns(Node *b)
{
    if (!b)
        return 0;
    if (b->kind != N_BLOCK)
        return always_returns(b);
    for (int i = 0; i < b->list.len; i++)
        if (always_returns(b->list.items[i]))
            return 1;
    return 0;
}

/* A break of this loop body (not of a loop or lambda nested in it). */
static AstWalk find_break(Node *n, Node *parent, void *ctx)
{
    (void)parent;
    (void)ctx;
    if (n->kind == N_BREAK)
        return WALK_STOP;
    return n->kind == N_WHILE || n->kind == N_FOR || n->kind == N_LAMBDA ? WALK_SKIP : WALK_INTO;
}

static int contains_break(Node *body)
{
    AstVisitor v = { .pre = find_break };
    return !ast_walk(body, NULL, &v);
}

static int always_returns(Node *s)
{
    if (!s)
        return 0;
    switch (s->kind) {
    case N_RETURN:
        return 1;
    case N_BLOCK:
        return block_always_returns(s);
    case N_IF:
        return s->c && block_always_returns(s->b) && block_always_returns(s->c);
    case N_WHILE:
        return s->a->kind == N_BOOL && s->a->ival && !contains_break(s->b);
    case N_EXPR_STMT:
        if (s->a->kind == N_MATCH) {
            Node *m = s->a;
            if (!m->ival) /* not exhaustive */
                return 0;
            for (int i = 0; i < m->list.len; i++)
                if (!block_always_returns(m->list.items[i]->c))
                    return 0;
            return 1;
        }
        if (s->a->kind == N_CALL && s->a->a->kind == N_IDENT && s->a->op == CALL_BUILTIN &&
            s->a->builtin && (s->a->builtin->flags & BF_NORETURN))
            return 1;
        return 0;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------- bodies */

void check_fn_body(FnInfo *f)
{
    if (f->checked || f->is_extern)
        return;
    f->checked = 1;
    Module *saved_mod = ck.mod;
    Scope *saved_scope = ck.scope;
    FnInfo *saved_fn = ck.fn;
    int saved_loop = ck.loop_depth;
    ck.mod = f->module;
    ck.scope = f->module->scope;
    ck.fn = f;
    ck.loop_depth = 0;
    if (f->owner)
        type_param_scope(f->owner->node, f->owner->args, f->owner->nargs);
    type_param_scope(f->node, f->targs, f->ntargs);
    Scope *top = scope_push(SCOPE_FN);
    for (int i = 0; i < f->nparams; i++)
        vec_push(&top->syms, f->param_syms[i]);
    /* default parameter values are checked where they are used */
    if (f->body) {
        for (int i = 0; i < f->body->list.len; i++)
            check_stmt(f->body->list.items[i]);
        Type *rt = type_prune(f->ret);
        if (rt->kind != TY_VOID && rt->kind != TY_ERROR && !f->is_entry && !block_always_returns(f->body))
            ERR(f->node, "missing return: function '%s' must return %s on every path",
                f->node->name, type_str(f->ret));
    }
    ck.loop_depth = saved_loop;
    ck.fn = saved_fn;
    ck.scope = saved_scope;
    ck.mod = saved_mod;
}

/* ---------------------------------------------------------- statements */

void check_block(Node *b)
{
    if (!b)
        return;
    if (b->kind != N_BLOCK) {
        check_stmt(b);
        return;
    }
    scope_push(SCOPE_BLOCK);
    for (int i = 0; i < b->list.len; i++)
        check_stmt(b->list.items[i]);
    scope_pop();
}

static void check_var(Node *s)
{
    Type *ann = s->c ? resolve_type_expr(s->c) : NULL;
    Scope *sc = ck.scope;
    int n = s->list.len;
    Type **types = arena_alloc(sizeof(Type *) * (size_t)(n + 1));
    if (!s->a) {
        for (int i = 0; i < n; i++)
            types[i] = ann;
    } else if (n == 1) {
        Type *t = check_expr(&s->a, ann);
        if (ann)
            coerce(&s->a, ann, "initial value");
        types[0] = ann ? ann : t;
        if (type_prune(types[0])->kind == TY_VOID) {
            ERR(s->a, "this expression has no value");
            types[0] = ty_error;
        }
    } else if (s->ival) { /* var a, b = 1, 2 */
        Node *tup = s->a;
        if (tup->list.len != n)
            ERR(s, "%d names but %d values", n, tup->list.len);
        for (int i = 0; i < n; i++) {
            if (i < tup->list.len) {
                Type *t = check_expr(&tup->list.items[i], ann);
                if (ann)
                    coerce(&tup->list.items[i], ann, "initial value");
                types[i] = ann ? ann : t;
            } else {
                types[i] = ty_error;
            }
        }
    } else { /* var a, b = tuple */
        Type *t = type_prune(check_expr(&s->a, NULL));
        if (t->kind != TY_TUPLE || t->nitems != n) {
            if (t->kind != TY_ERROR)
                ERR(s->a, "cannot unpack %s into %d variables", type_str(t), n);
            for (int i = 0; i < n; i++)
                types[i] = ty_error;
        } else {
            for (int i = 0; i < n; i++)
                types[i] = t->items[i];
        }
    }
    s->aux = arena_alloc(sizeof(Sym *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const char *name = s->list.items[i]->name;
        Sym *old = scope_find_local(sc, name);
        if (old && sc->kind == SCOPE_MODULE && (old->kind == SYM_GLOBAL || old->kind == SYM_LOCAL) &&
            strcmp(name, "_") != 0)
            ERR(s->list.items[i], "'%s' is already declared", name);
        Sym *sym = declare_var(name, types[i], s, sc);
        sym->is_const = (s->flags & NF_CONST) != 0;
        s->list.items[i]->sym = sym;
        ((Sym **)s->aux)[i] = sym;
    }
}

static int is_lvalue(Node *n)
{
    switch (n->kind) {
    case N_IDENT: return 1;
    case N_INDEX: return 1;
    case N_MEMBER: return n->op == MEM_FIELD || n->op == MEM_TUPLE || n->op == MEM_GLOBAL;
    default: return 0;
    }
}

/* Assignment to one target; declares bare names. */
static void assign_target(Node *s, Node **target, Node **value, int op)
{
    Node *t = *target;
    if (t->kind == N_IDENT && op == T_ASSIGN && strcmp(t->name, "_") != 0) {
        Sym *sym = scope_lookup(t->name, t);
        if (!sym || (sym->kind != SYM_LOCAL && sym->kind != SYM_GLOBAL)) {
            if (sym && sym->kind != SYM_LOCAL && sym->kind != SYM_GLOBAL) {
                ERR(t, "cannot assign to '%s'", t->name);
                check_expr(value, NULL);
                return;
            }
            Type *vt = check_expr(value, NULL);
            if (ck.in_parallel && (*value)->kind == N_SPAWN)
                vt = type_prune(vt)->kind == TY_FUTURE ? type_prune(vt)->elem : vt;
            if (type_prune(vt)->kind == TY_VOID) {
                ERR(*value, "this expression has no value");
                vt = ty_error;
            }
            Sym *ns = declare_var(t->name, vt, s, fn_top_scope());
            t->sym = ns;
            t->type = vt;
            s->flags |= NF_DECLARES;
            return;
        }
        if (sym->is_const)
            ERR(t, "cannot assign to constant '%s'", t->name);
        t->sym = sym;
        t->type = sym->type;
        Type *want = sym->type;
        if (ck.in_parallel && (*value)->kind == N_SPAWN) {
            Type *vt = check_expr(value, NULL);
            if (!type_unify(want, type_prune(vt)->kind == TY_FUTURE ? type_prune(vt)->elem : vt))
                ERR(*value, "cannot assign %s to '%s' of type %s", type_str(vt), t->name, type_str(want));
            return;
        }
        check_expr(value, want);
        coerce(value, want, "assigned value");
        return;
    }
    if (t->kind == N_IDENT && !strcmp(t->name, "_")) {
        check_expr(value, NULL);
        return;
    }
    Type *tt = check_expr(target, NULL);
    t = *target;
    if (!is_lvalue(t)) {
        ERR(t, "cannot assign to this expression");
        check_expr(value, NULL);
        return;
    }
    if (t->kind == N_IDENT && t->sym && t->sym->is_const)
        ERR(t, "cannot assign to constant '%s'", t->name);
    if (t->kind == N_INDEX && type_prune(t->a->type)->kind == TY_STR)
        ERR(t, "strings are immutable: build a new string instead");
    if (op == T_ASSIGN) {
        check_expr(value, tt);
        coerce(value, tt, "assigned value");
    } else {
        Type *vt = check_expr(value, tt);
        if (type_prune(vt)->kind == TY_VAR && type_prune(tt)->kind != TY_VAR)
            type_unify(vt, tt);
        Type *a = type_prune(tt), *b = type_prune(vt);
        int ok = (type_is_numeric(a) && type_is_numeric(b) && !(a->kind == TY_INT && b->kind == TY_FLOAT)) ||
                 (op == T_PLUSEQ && a->kind == TY_STR && b->kind == TY_STR) ||
                 a->kind == TY_ERROR || b->kind == TY_ERROR;
        if (!ok && a->kind == TY_VAR && type_unify(a, b) && type_is_numeric(b))
            ok = 1;
        if (!ok)
            ERR(s, "cannot apply %s to %s and %s", tok_name(op), type_str(tt), type_str(vt));
    }
}

static void check_assign(Node *s)
{
    if (s->list.len) { /* a, b = x, y */
        Node *vals = s->b;
        if (vals->list.len != s->list.len) {
            ERR(s, "%d targets but %d values", s->list.len, vals->list.len);
            return;
        }
        /* values are evaluated before any target is written */
        for (int i = 0; i < s->list.len; i++)
            assign_target(s, &s->list.items[i], &vals->list.items[i], T_ASSIGN);
        return;
    }
    if (s->c) { /* n: int = 0 */
        Type *ann = resolve_type_expr(s->c);
        Sym *old = scope_lookup(s->a->name, NULL);
        if (old && (old->kind == SYM_LOCAL || old->kind == SYM_GLOBAL) && !type_equal(old->type, ann))
            ERR(s->a, "'%s' is already declared as %s", s->a->name, type_str(old->type));
        if (!old || (old->kind != SYM_LOCAL && old->kind != SYM_GLOBAL)) {
            check_expr(&s->b, ann);
            coerce(&s->b, ann, "initial value");
            Sym *ns = declare_var(s->a->name, ann, s, fn_top_scope());
            s->a->sym = ns;
            s->a->type = ann;
            s->flags |= NF_DECLARES;
            return;
        }
    }
    assign_target(s, &s->a, &s->b, s->op);
}

static void check_for(Node *s)
{
    Node *it = s->a;
    int nv = s->list.len;
    Type *vt[2] = { ty_error, ty_error };
    scope_push(SCOPE_BLOCK);
    if (it->kind == N_RANGE) {
        check_expr(&it->a, ty_int);
        coerce(&it->a, ty_int, "range start");
        check_expr(&it->b, ty_int);
        coerce(&it->b, ty_int, "range end");
        vt[0] = ty_int;
        if (nv != 1)
            ERR(s, "a range loop has one variable");
        s->op = 1;
    } else if (it->kind == N_CALL && it->a->kind == N_IDENT && !strcmp(it->a->name, "range") &&
               !scope_lookup("range", NULL)) {
        if (it->list.len < 1 || it->list.len > 3)
            ERR(it, "range takes 1 to 3 arguments");
        for (int i = 0; i < it->list.len; i++) {
            check_expr(&it->list.items[i], ty_int);
            coerce(&it->list.items[i], ty_int, "range argument");
        }
        vt[0] = ty_int;
        s->op = 2;
    } else {
        Type *t = type_prune(check_expr(&s->a, NULL));
        it = s->a;
        switch (t->kind) {
        case TY_ARRAY:
            s->op = 3;
            if (nv == 2) {
                vt[0] = ty_int;
                vt[1] = t->elem;
            } else {
                Type *e = type_prune(t->elem);
                vt[0] = t->elem;
                (void)e;
            }
            break;
        case TY_MAP:
            s->op = 4;
            vt[0] = t->key;
            vt[1] = t->elem;
            break;
        case TY_STR:
            s->op = 5; /* by code point */
            if (nv == 2) {
                vt[0] = ty_int;
                vt[1] = ty_str;
            } else {
                vt[0] = ty_str;
            }
            break;
        case TY_CHAN:
            ERR(it, "cannot iterate over a channel: receive with ch.recv() in a while loop");
            break;
        case TY_ERROR:
            break;
        default:
            ERR(it, "cannot iterate over %s", type_str(t));
        }
        if (nv > 2)
            ERR(s, "too many loop variables");
    }
    /* for a, b in zip(...): destructure tuple elements */
    if (s->op == 3 && nv == 2 && it->kind == N_CALL && it->op == CALL_BUILTIN &&
        builtin_is(it->builtin, BR_GLOBAL, "zip")) {
        Type *e = type_prune(type_prune(it->type)->elem);
        vt[0] = e->items[0];
        vt[1] = e->items[1];
        s->ival = 1; /* destructure */
    }
    s->aux = arena_alloc(sizeof(Sym *) * 2);
    for (int i = 0; i < nv && i < 2; i++) {
        Sym *sym = declare_var(s->list.items[i]->name, vt[i], s->list.items[i], ck.scope);
        s->list.items[i]->sym = sym;
        ((Sym **)s->aux)[i] = sym;
    }
    ck.loop_depth++;
    check_block(s->b);
    ck.loop_depth--;
    scope_pop();
}

static void check_select(Node *s)
{
    int defaults = 0, timeouts = 0;
    for (int i = 0; i < s->list.len; i++) {
        Node *arm = s->list.items[i];
        scope_push(SCOPE_BLOCK);
        if (arm->ival == 2) {
            defaults++;
        } else if (arm->ival == 1) {
            timeouts++;
            check_expr(&arm->a, ty_int);
            coerce(&arm->a, ty_int, "timeout");
        } else {
            Node *call = arm->a;
            if (call->kind != N_CALL || call->a->kind != N_MEMBER || strcmp(call->a->name, "recv") != 0) {
                ERR(call, "a select arm receives: 'v = ch.recv() => ...'");
            } else {
                Type *ct = type_prune(check_expr(&call->a->a, NULL));
                Type *et = ty_error;
                if (ct->kind == TY_CHAN)
                    et = ct->elem;
                else if (ct->kind == TY_INT)
                    et = ty_int;
                else if (ct->kind != TY_ERROR)
                    ERR(call, "select needs a channel, not %s", type_str(ct));
                call->type = et;
                if (arm->name)
                    arm->sym = declare_var(arm->name, et, arm, ck.scope);
            }
        }
        check_block(arm->b);
        scope_pop();
    }
    if (defaults > 1 || timeouts > 1)
        ERR(s, "select may have one default and one timeout arm");
    if (defaults && timeouts)
        ERR(s, "select cannot have both default and timeout");
}

/* `return f()` where f has no result runs f, then returns (SPEC §3):
 * the statement becomes the block { f(); return }. */
static void split_void_return(Node *s)
{
    Node *run = node_new(N_EXPR_STMT, s->file, s->line, s->col);
    run->a = s->a;
    run->type = s->a->type;
    Node *ret = node_new(N_RETURN, s->file, s->line, s->col);
    ret->flags = s->flags;
    s->kind = N_BLOCK;
    s->a = NULL;
    memset(&s->list, 0, sizeof s->list);
    vec_push(&s->list, run);
    vec_push(&s->list, ret);
}

/* An untyped `fn main()` that returns a value returns an exit status: it
 * becomes an entry function (wyn_int, 0 when it falls off the end). */
static int is_untyped_main(FnInfo *f)
{
    return f == ck.prog->user_main && !f->node->c;
}

static void check_return(Node *s)
{
    FnInfo *f = ck.fn;
    Type *want = type_prune(f->ret);
    if (!s->a) {
        if (f->is_entry)
            s->flags |= NF_SCRIPT_RETURN;
        else if (want->kind != TY_VOID && want->kind != TY_ERROR)
            ERR(s, "return needs a value of type %s", type_str(want));
        return;
    }
    int status = f->is_entry || is_untyped_main(f);
    if (status || (want->kind == TY_VOID && !f->is_lambda)) {
        Type *t = type_prune(check_expr(&s->a, status ? ty_int : NULL));
        if (t->kind == TY_VOID) {
            split_void_return(s);
            check_return(s->list.items[1]);
            return;
        }
        if (!status) {
            ERR(s->a, "function '%s' returns nothing", f->node->name ? f->node->name : "lambda");
            return;
        }
        coerce(&s->a, ty_int, "exit status");
        s->flags |= NF_SCRIPT_RETURN;
        f->is_entry = 1;
        f->ret = ty_int;
        return;
    }
    check_expr(&s->a, want);
    coerce(&s->a, want, "returned value");
}

void check_stmt(Node *s)
{
    switch (s->kind) {
    case N_VAR:
        check_var(s);
        break;
    case N_ASSIGN:
        check_assign(s);
        break;
    case N_INCDEC: {
        Type *t = check_expr(&s->a, NULL);
        if (!is_lvalue(s->a))
            ERR(s->a, "cannot increment this expression");
        else if (!type_unify(t, ty_int))
            ERR(s, "%s needs an int, not %s", tok_name(s->op), type_str(t));
        if (s->a->kind == N_IDENT && s->a->sym && s->a->sym->is_const)
            ERR(s->a, "cannot assign to constant '%s'", s->a->name);
        break;
    }
    case N_EXPR_STMT: {
        Type *t = check_expr(&s->a, NULL);
        (void)t;
        break;
    }
    case N_IF:
        if (s->d) { /* if let PATTERN = expr */
            Type *t = check_expr(&s->a, NULL);
            scope_push(SCOPE_BLOCK);
            check_pattern(s->d, t);
            check_block(s->b);
            scope_pop();
        } else {
            check_expr(&s->a, ty_bool);
            coerce(&s->a, ty_bool, "condition");
            check_block(s->b);
        }
        if (s->c)
            check_block(s->c);
        break;
    case N_WHILE:
        check_expr(&s->a, ty_bool);
        coerce(&s->a, ty_bool, "condition");
        ck.loop_depth++;
        check_block(s->b);
        ck.loop_depth--;
        break;
    case N_FOR:
        check_for(s);
        break;
    case N_BREAK: case N_CONTINUE:
        if (ck.loop_depth == 0)
            ERR(s, "%s outside a loop", s->kind == N_BREAK ? "break" : "continue");
        break;
    case N_RETURN:
        check_return(s);
        break;
    case N_DEFER:
        if (ck.scope->kind == SCOPE_FN || (ck.scope->kind == SCOPE_MODULE)) {
            /* at the top of the function: runs exactly once, at exit */
            if (s->a->kind == N_BLOCK)
                check_block(s->a);
            else
                check_stmt(s->a);
        } else {
            /* in a loop or a branch: each execution registers a closure
             * (capturing by value), run at function exit, last first */
            Node *lam = node_new(N_LAMBDA, s->file, s->line, s->col);
            Node *body = s->a;
            if (body->kind != N_BLOCK) {
                body = node_new(N_BLOCK, s->file, s->line, s->col);
                vec_push(&body->list, s->a);
            }
            lam->a = body;
            s->b = lam;
            s->ival = 1;
            check_lambda(lam, type_fn(NULL, 0, ty_void));
        }
        break;
    case N_PARALLEL: {
        if (s->a) {
            check_expr(&s->a, ty_int);
            coerce(&s->a, ty_int, "timeout");
        }
        int saved = ck.in_parallel;
        ck.in_parallel = 1;
        /* names bound in the block stay visible after it */
        for (int i = 0; i < s->b->list.len; i++)
            check_stmt(s->b->list.items[i]);
        ck.in_parallel = saved;
        break;
    }
    case N_SELECT:
        check_select(s);
        break;
    case N_BLOCK:
        check_block(s);
        break;
    case N_FN: {
        /* a nested named function: a local closure */
        Node *lam = node_new(N_LAMBDA, s->file, s->line, s->col);
        lam->list = s->list;
        lam->c = s->c;
        lam->a = s->a;
        Type *pt[32];
        int np = s->list.len < 32 ? s->list.len : 32;
        for (int i = 0; i < np; i++)
            pt[i] = s->list.items[i]->c ? resolve_type_expr(s->list.items[i]->c) : type_var();
        Type *ft = type_fn(pt, np, s->c ? resolve_type_expr(s->c) : ty_void);
        Sym *sym = declare_var(s->name, ft, s, ck.scope);
        s->sym = sym;
        s->b = lam;
        check_lambda(lam, ft);
        /* in its own body the name is the closure itself (recursion), not
         * a capture of the variable that is assigned only afterwards */
        FnInfo *lf = lam->aux;
        lf->self_sym = sym;
        for (int i = 0; i < lf->captures.len; i++)
            if (lf->captures.items[i] == sym)
                lf->captures.items[i--] = lf->captures.items[--lf->captures.len];
        break;
    }
    case N_STRUCT: case N_ENUM: case N_IMPL: case N_IMPORT: case N_EXTERN:
        ERR(s, "declarations belong at the top level of a file");
        break;
    default:
        INTERNAL(s, "check_stmt: unhandled statement kind '%s'", node_kind_name(s->kind));
    }
}

/* ------------------------------------------------------------- modules */

static void register_items(Module *m);

static char *read_file(const char *path, int *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
        fclose(f);
        return NULL;
    }
    Buf b = {0};
    buf_read_all(&b, f);
    fclose(f);
    *len = (int)b.len;
    return b.data;
}

static const char *file_base_name(int file)
{
    const char *path = diag_file(file)->path;
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Is `path` the file of a module whose imports are being registered?
 * Then importing it closes a cycle: reported at the import that starts
 * it, naming every file on the way.  Returns 1 when it did. */
static int import_cycle(const char *path, Node *imp)
{
    char *real = realpath(path, NULL);
    int from = -1;
    for (int i = 0; real && i < ck.loading.len && from < 0; i++) {
        char *other = realpath(diag_file(ck.loading.items[i]->file)->path, NULL);
        if (other && !strcmp(real, other))
            from = i;
        free(other);
    }
    free(real);
    if (from < 0)
        return 0;
    Buf chain = {0};
    for (int i = from; i < ck.loading.len; i++)
        buf_printf(&chain, "%s imports ", file_base_name(ck.loading.items[i]->file));
    buf_printf(&chain, "%s", file_base_name(ck.loading.items[from]->file));
    Node *start = from + 1 < ck.loading.len ? ck.loading_via.items[from + 1] : imp;
    ERR(start, "import cycle: %s", chain.data);
    buf_free(&chain);
    return 1;
}

/* Declares the items of module m (pass 1), which loads its imports. */
static void register_module(Module *m, Node *via)
{
    vec_push(&ck.loading, m);
    vec_push(&ck.loading_via, via);
    register_items(m);
    ck.loading.len--;
    ck.loading_via.len--;
}

static Module *load_module(const char *name, Node *imp)
{
    for (int i = 0; i < ck.prog->modules.len; i++) {
        Module *m = ck.prog->modules.items[i];
        if (!strcmp(m->name, name))
            return m;
    }
    const char *from = diag_file(imp->file)->path;
    const char *slash = strrchr(from, '/');
    char *dir = slash ? arena_strndup(from, (size_t)(slash - from + 1)) : "";
    char *path = arena_printf("%s%s.wyn", dir, name);
    int len = 0;
    char *text = read_file(path, &len);
    if (!text) {
        const char *wp = getenv("WYN_PATH");
        while (wp && *wp && !text) {
            const char *colon = strchr(wp, ':');
            size_t n = colon ? (size_t)(colon - wp) : strlen(wp);
            path = arena_printf("%.*s/%s.wyn", (int)n, wp, name);
            text = read_file(path, &len);
            wp = colon ? colon + 1 : NULL;
        }
    }
    if (!text) {
        ERR(imp, "cannot find module '%s' (looked for %s%s.wyn and in WYN_PATH)", name, dir, name);
        return NULL;
    }
    if (import_cycle(path, imp)) {
        free(text);
        return NULL;
    }
    Module *m = arena_alloc(sizeof *m);
    m->name = name;
    m->file = diag_add_file(path, text, len);
    m->items = parse_file(m->file);
    Scope *saved = ck.scope;
    ck.scope = NULL;
    m->scope = scope_push(SCOPE_MODULE);
    ck.scope = saved;
    register_module(m, imp);
    vec_push(&ck.prog->modules, m);
    return m;
}

static FnDecl *new_fn_decl(Node *n, Module *m)
{
    FnDecl *d = arena_alloc(sizeof *d);
    d->node = n;
    d->module = m;
    n->aux = d;
    return d;
}

int is_builtin_module_name(const char *n)
{
    return builtin_is_module(n);
}

/* Pass 1 over a module: declare its functions, types and imports. */
static void register_items(Module *m)
{
    Scope *saved_scope = ck.scope;
    Module *saved_mod = ck.mod;
    ck.scope = m->scope;
    ck.mod = m;
    for (int i = 0; i < m->items.len; i++) {
        Node *n = m->items.items[i];
        switch (n->kind) {
        case N_IMPORT: {
            Module *im = load_module(n->name, n);
            if (im) {
                Sym *s = declare_sym(m->scope, SYM_MODULE, n->sval, n);
                s->module = im;
            }
            break;
        }
        case N_FN: {
            Sym *s = declare_sym(m->scope, SYM_FN, n->name, n);
            s->fn = new_fn_decl(n, m);
            if (n->flags & NF_METHOD)
                ERR(n, "self is only allowed in methods");
            break;
        }
        case N_EXTERN:
            for (int k = 0; k < n->list.len; k++) {
                Node *f = n->list.items[k];
                Sym *s = declare_sym(m->scope, SYM_FN, f->name, f);
                s->is_pub = 1;
                s->fn = new_fn_decl(f, m);
                s->fn->is_extern = 1;
                s->fn->extern_lib = n->sval;
                vec_push(&ck.prog->externs, s->fn);
            }
            break;
        case N_STRUCT: case N_ENUM: {
            if (is_builtin_module_name(n->name))
                ERR(n, "'%s' is a built-in name", n->name);
            Sym *s = declare_sym(m->scope, SYM_TYPE, n->name, n);
            TypeGen *g = arena_alloc(sizeof *g);
            g->node = n;
            g->module = m;
            for (int k = 0; k < n->methods.len; k++)
                vec_push(&g->methods, n->methods.items[k]);
            s->tgen = g;
            n->aux = g;
            break;
        }
        default:
            break;
        }
    }
    /* impl blocks attach to types declared anywhere in the module */
    for (int i = 0; i < m->items.len; i++) {
        Node *n = m->items.items[i];
        if (n->kind != N_IMPL)
            continue;
        Sym *s = scope_find_local(m->scope, n->name);
        if (!s || s->kind != SYM_TYPE) {
            ERR(n, "impl of unknown type '%s'", n->name);
            continue;
        }
        for (int k = 0; k < n->list.len; k++)
            vec_push(&s->tgen->methods, n->list.items[k]);
    }
    ck.scope = saved_scope;
    ck.mod = saved_mod;
}

/* Checks the module's top-level statements as the body of its init
 * function (for the main file: the script). */
static void check_module_code(Module *m)
{
    FnInfo *f = arena_alloc(sizeof *f);
    f->name = m->is_main ? "<script>" : arena_printf("<module %s>", m->name);
    f->cname = m->is_main ? "wyn_script" : unique_cname("wyn_init_", m->name);
    f->module = m;
    f->is_entry = 1;
    f->ret = ty_int;
    f->checked = 1;
    Node *body = node_new(N_BLOCK, m->file, 1, 1);
    for (int i = 0; i < m->items.len; i++) {
        Node *n = m->items.items[i];
        switch (n->kind) {
        case N_FN: case N_STRUCT: case N_ENUM: case N_IMPL: case N_IMPORT: case N_EXTERN:
            break;
        default:
            vec_push(&body->list, n);
        }
    }
    f->body = body;
    m->init = f;
    vec_push(&ck.prog->fns, f);
    ck.mod = m;
    ck.scope = m->scope;
    ck.fn = f;
    for (int i = 0; i < body->list.len; i++) {
        Node *s = body->list.items[i];
        check_stmt(s);
        if (s->kind == N_VAR && (s->flags & NF_PUB))
            for (int k = 0; k < s->list.len; k++)
                if (s->list.items[k]->sym)
                    s->list.items[k]->sym->is_pub = 1;
    }
}

static void drain_worklist(void)
{
    /* instantiating may add more work: loop until nothing is left */
    for (int i = 0; i < ck.worklist.len; i++)
        check_fn_body(ck.worklist.items[i]);
}

/* Every inference variable still open defaults to int (types.h), so the
 * passes after checking see only final types. */
static void resolve_leftover_types(Program *prog)
{
    for (int i = 0; i < prog->fns.len; i++) {
        FnInfo *f = prog->fns.items[i];
        for (int k = 0; k < f->locals.len; k++)
            f->locals.items[k]->type = type_resolve(f->locals.items[k]->type);
        f->ret = type_resolve(f->ret);
        for (int k = 0; k < f->nparams; k++)
            f->params[k] = type_resolve(f->params[k]);
    }
    for (int i = 0; i < prog->globals.len; i++)
        prog->globals.items[i]->type = type_resolve(prog->globals.items[i]->type);
}

Program *check_program(const char *path, const char *text, int len)
{
    types_init();
    memset(&ck, 0, sizeof ck);
    ck.prog = arena_alloc(sizeof *ck.prog);
    Module *main = arena_alloc(sizeof *main);
    main->name = "";
    main->is_main = 1;
    main->file = diag_add_file(path, text, len);
    main->items = parse_file(main->file);
    if (diag_error_count())
        return ck.prog;
    main->scope = scope_push(SCOPE_MODULE);
    ck.scope = NULL;
    ck.prog->main_module = main;
    register_module(main, NULL);
    vec_push(&ck.prog->modules, main);

    /* non-generic functions and types are instantiated up front, so that
     * their errors are reported even when they are never used */
    for (int mi = 0; mi < ck.prog->modules.len; mi++) {
        Module *m = ck.prog->modules.items[mi];
        ck.mod = m;
        ck.scope = m->scope;
        for (int i = 0; i < m->scope->syms.len; i++) {
            Sym *s = m->scope->syms.items[i];
            if (s->kind == SYM_TYPE && s->tgen->node->list2.len == 0) {
                TypeDecl *td = instantiate_type(s->tgen, NULL, 0, s->decl);
                for (int k = 0; k < s->tgen->methods.len; k++)
                    find_method(td, s->tgen->methods.items[k]->name, s->decl);
            }
        }
        for (int i = 0; i < m->scope->syms.len; i++) {
            Sym *s = m->scope->syms.items[i];
            if (s->kind == SYM_FN && s->fn->node->list2.len == 0) {
                FnInfo *f = instantiate_fn(s->fn, NULL, 0, NULL);
                if (m->is_main && !strcmp(s->name, "main"))
                    ck.prog->user_main = f;
            }
        }
    }
    if (ck.prog->user_main) {
        FnInfo *um = ck.prog->user_main;
        Type *rt = type_prune(um->ret);
        if (um->nparams != 0 || (rt->kind != TY_VOID && rt->kind != TY_INT))
            ERR(um->node, "main must be 'fn main()' or 'fn main() -> int'");
    }
    /* module code runs in import order; globals are checked before
     * function bodies so that their types are known */
    for (int mi = 0; mi < ck.prog->modules.len; mi++)
        check_module_code(ck.prog->modules.items[mi]);
    do
        drain_worklist();
    while (check_pending_lambdas(1));
    resolve_leftover_types(ck.prog);
    if (!diag_error_count())
        check_captures(ck.prog);
    return ck.prog;
}
