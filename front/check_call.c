/*
 * check_call.c — calls (functions, methods, closures, variants, generic
 * instances), member access, and the types of the built-in library
 * (SPEC §10, §11).  A checked call records what it calls in node->op
 * (enum CallKind) and node->aux / node->builtin for the code generator;
 * the built-in functions themselves are rows of builtins_*.c.
 */
#include "builtins.h"
#include "check_int.h"
#include <stdlib.h>
#include <string.h>

static Type *err_args(Node *n, const char *what, int want, int got)
{
    ERR(n, "%s takes %d argument%s, got %d", what, want, want == 1 ? "" : "s", got);
    return ty_error;
}

/* Checks args against parameter types, filling in defaults from decl. */
static void check_args(Node *call, Type **params, int np, Node *decl, const char *what, int skip_self)
{
    int given = call->list.len;
    if (call->list2.len)
        ERR(call->list2.items[0], "%s has no named parameters", what);
    if (given > np) {
        err_args(call, what, np, given);
        for (int i = 0; i < given; i++)
            check_expr(&call->list.items[i], i < np ? params[i] : NULL);
        return;
    }
    for (int i = 0; i < given; i++) {
        check_expr(&call->list.items[i], params[i]);
        coerce(&call->list.items[i], params[i], arena_printf("argument %d of %s", i + 1, what));
    }
    for (int i = given; i < np; i++) {
        Node *p = decl && i + skip_self < decl->list.len ? decl->list.items[i + skip_self] : NULL;
        if (!p || !p->a) {
            int required = 0;
            for (int k = 0; k < np; k++) {
                Node *pk = decl && k + skip_self < decl->list.len ? decl->list.items[k + skip_self] : NULL;
                if (!pk || !pk->a)
                    required++;
            }
            err_args(call, what, required, given);
            return;
        }
        Node *dv = node_clone(p->a);
        vec_push(&call->list, dv);
        check_expr(&call->list.items[call->list.len - 1], params[i]);
        coerce(&call->list.items[call->list.len - 1], params[i], "default value");
    }
}

/* Calls a generic function: infers its type arguments from the args. */
static FnInfo *infer_generic(FnDecl *d, Node *call, Type *expected)
{
    Node *decl = d->node;
    int ntp = decl->list2.len;
    Type *vars[16];
    Scope *saved = ck.scope;
    Module *saved_mod = ck.mod;
    ck.scope = d->module->scope;
    ck.mod = d->module;
    Scope *sc = scope_push(SCOPE_BLOCK);
    for (int i = 0; i < ntp && i < 16; i++) {
        vars[i] = type_var();
        Sym *tp = arena_alloc(sizeof *tp);
        tp->kind = SYM_TYPEPARAM;
        tp->name = decl->list2.items[i]->name;
        tp->type = vars[i];
        vec_push(&sc->syms, tp);
    }
    int np = decl->list.len;
    Type **pts = arena_alloc(sizeof(Type *) * (size_t)(np + 1));
    for (int i = 0; i < np; i++)
        pts[i] = param_decl_type(decl->list.items[i]);
    Type *rt = decl->c ? resolve_type_expr(decl->c) : ty_void;
    ck.scope = saved;
    ck.mod = saved_mod;
    if (expected)
        type_unify(rt, expected);
    check_args(call, pts, np, decl, arena_printf("function '%s'", decl->name), 0);
    Type *targs[16];
    for (int i = 0; i < ntp && i < 16; i++)
        targs[i] = type_prune(vars[i]);
    return instantiate_fn(d, targs, ntp, NULL);
}

static Type *call_fn_decl(Node *n, FnDecl *d, Type *expected)
{
    FnInfo *f;
    if (d->node->list2.len) {
        f = infer_generic(d, n, expected);
    } else {
        f = instantiate_fn(d, NULL, 0, NULL);
        check_args(n, f->params, f->nparams, d->node, arena_printf("function '%s'", d->node->name), 0);
    }
    n->op = CALL_FN;
    n->aux = f;
    return f->ret;
}

static Type *call_variant(Node *n, TypeDecl *td, const char *vname)
{
    for (int i = 0; i < td->variants.len; i++) {
        Variant *v = &td->variants.items[i];
        if (strcmp(v->name, vname))
            continue;
        n->op = CALL_VARIANT;
        n->aux = td;
        n->ival = i;
        check_args(n, v->payload, v->npayload, NULL, arena_printf("variant %s", vname), 0);
        Type *t = type_new(TY_ENUM);
        t->decl = td;
        return t;
    }
    ERR(n, "enum %s has no variant '%s'", td->name, vname);
    return ty_error;
}

static Type *call_value(Node *n, Type *ft)
{
    Type *f = type_prune(ft);
    if (f->kind == TY_VAR) {
        /* calling a parameter of unknown type: make it a function */
        Type **ps = arena_alloc(sizeof(Type *) * (size_t)(n->list.len + 1));
        for (int i = 0; i < n->list.len; i++)
            ps[i] = type_var();
        Type *fn = type_fn(ps, n->list.len, type_var());
        type_unify(f, fn);
        f = fn;
    }
    if (f->kind != TY_FN) {
        if (f->kind != TY_ERROR)
            ERR(n, "cannot call a value of type %s", type_str(f));
        for (int i = 0; i < n->list.len; i++)
            check_expr(&n->list.items[i], NULL);
        return ty_error;
    }
    n->op = CALL_VALUE;
    check_args(n, f->items, f->nitems, NULL, "function value", 0);
    return f->ret;
}

static void check_rest(Node *n, int from)
{
    for (int i = from; i < n->list.len; i++)
        if (!n->list.items[i]->type)
            check_expr(&n->list.items[i], NULL);
}

/* Task.send(ch, v), File.read(p): a function of a built-in module. */
static Type *builtin_module_call(Node *n, const char *mod, const char *fn, Type *expected)
{
    const Builtin *row = builtin_find(BR_MODULE, mod, fn);
    if (!row) {
        ERR(n, "unknown function %s.%s%s", mod, fn, builtin_hint(BR_MODULE, mod, fn));
        check_rest(n, 0);
        return ty_error;
    }
    n->op = CALL_BUILTIN;
    n->builtin = row;
    return builtin_check_call(n, row, NULL, expected);
}

/* `xs |> sorted` where no function `sorted` exists: the method of the
 * piped value, xs.sorted(). */
static Type *pipe_method_call(Node *n, Type *expected)
{
    Node *m = node_new(N_MEMBER, n->a->file, n->a->line, n->a->col);
    m->name = n->a->name;
    m->a = n->list.items[0];
    memmove(n->list.items, n->list.items + 1, sizeof(Node *) * (size_t)(n->list.len - 1));
    n->list.len--;
    n->a = m;
    n->op = 0;
    n->sval = NULL;
    n->flags &= ~NF_PIPE;
    return check_call(n, expected);
}

/* print(x), len(x), zip(a, b): a global built-in function. */
static Type *builtin_global_call(Node *n, const char *name, Type *expected)
{
    const Builtin *row = builtin_find(BR_GLOBAL, NULL, name);
    if (!row && (n->flags & NF_PIPE))
        return pipe_method_call(n, expected);
    if (!row) {
        ERR(n->a, "unknown name '%s'%s", name, suggest_name(name));
        check_rest(n, 0);
        return ty_error;
    }
    n->op = CALL_BUILTIN;
    n->builtin = row;
    return builtin_check_call(n, row, NULL, expected);
}

/* Finds a bare variant constructor `Circle(...)` among the module's enums. */
/* Finds the enum of a bare variant `Circle(...)` in the current module.
 * The expected type decides between enums sharing the name; otherwise a
 * shared name is ambiguous (reported at `where`). */
TypeDecl *find_bare_variant(const char *name, Type *expected, Node *where)
{
    Type *ex = expected ? type_prune(expected) : NULL;
    if (ex && ex->kind == TY_ENUM)
        for (int v = 0; v < ex->decl->variants.len; v++)
            if (!strcmp(ex->decl->variants.items[v].name, name))
                return ex->decl;
    TypeDecl *found = NULL, *other = NULL;
    Scope *s = ck.mod->scope;
    for (int i = 0; i < s->syms.len; i++) {
        Sym *ts = s->syms.items[i];
        if (ts->kind != SYM_TYPE || ts->tgen->node->kind != N_ENUM || ts->tgen->node->list2.len)
            continue;
        TypeDecl *td = instantiate_type(ts->tgen, NULL, 0, ts->decl);
        for (int v = 0; v < td->variants.len; v++)
            if (!strcmp(td->variants.items[v].name, name)) {
                if (found)
                    other = td;
                else
                    found = td;
            }
    }
    if (other && where)
        ERR(where, "'%s' is a variant of both %s and %s: write %s.%s or %s.%s", name, found->name, other->name,
            found->name, name, other->name, name);
    return found;
}

/* Options chains: `a?.f()` and `a?.b.c()` apply the rest of the chain to
 * the value inside the option and give an option (none short-circuits). */
static int is_chain(Node *recv)
{
    /* parentheses end a chain: (a?.b).unwrap_or(x) works on the option */
    return recv && (recv->flags & NF_OPTCHAIN) && !(recv->flags & NF_PAREN) &&
           type_prune(recv->type)->kind == TY_OPT;
}

static Type *lift_opt(Type *t)
{
    Type *p = type_prune(t);
    if (p->kind == TY_VOID)
        return ty_void;
    return p->kind == TY_OPT ? p : type_opt(p);
}

static Type *method_call(Node *n, Node *recv, Type *rt, const char *name, Type *expected)
{
    Type *t = type_prune(rt);
    if (t->kind == TY_STRUCT || t->kind == TY_ENUM) {
        FnInfo *m = find_method(t->decl, name, n);
        if (m) {
            if (!m->is_method) {
                ERR(n, "%s is a static function: call it as %s.%s(...)", name, t->decl->base_name, name);
                return ty_error;
            }
            n->op = CALL_METHOD;
            n->aux = m;
            check_args(n, m->params + 1, m->nparams - 1, m->node, arena_printf("method '%s'", name), 1);
            return m->ret;
        }
        if (t->kind == TY_STRUCT) {
            for (int i = 0; i < t->decl->fields.len; i++)
                if (!strcmp(t->decl->fields.items[i].name, name)) {
                    /* calling a field that holds a function */
                    Node *mem = n->a;
                    mem->op = MEM_FIELD;
                    mem->ival = i;
                    mem->type = t->decl->fields.items[i].type;
                    return call_value(n, mem->type);
                }
        }
    }
    return check_builtin_method(n, recv, t, name, expected);
}

/* `Name::member` reached the general member case: Name is not a module,
 * a built-in module or a type (those are handled before). */
static int path_names_module_or_type(Node *member)
{
    if (!(member->flags & NF_PATH))
        return 1;
    Node *obj = member->a;
    Sym *s = scope_lookup(obj->name, NULL);
    if (s && (s->kind == SYM_TYPE || s->kind == SYM_MODULE))
        return 1; /* the general case reports what is wrong */
    if (s)
        ERR(member, "'::' follows a module or a type, and '%s' is neither: write %s.%s", obj->name,
            obj->name, member->name);
    else
        ERR(obj, "unknown module or type '%s'%s", obj->name, suggest_name(obj->name));
    return 0;
}

Type *check_call(Node *n, Type *expected)
{
    Node *callee = n->a;
    if (callee->kind == N_IDENT) {
        Sym *s = scope_lookup(callee->name, callee);
        if (s && s->kind == SYM_FN) {
            callee->sym = s;
            return call_fn_decl(n, s->fn, expected);
        }
        if (s && (s->kind == SYM_LOCAL || s->kind == SYM_GLOBAL)) {
            callee->sym = s;
            callee->type = s->type;
            return call_value(n, s->type);
        }
        if (s && s->kind == SYM_TYPE) {
            ERR(callee, "'%s' is a type: build it with %s { field: value }", callee->name, callee->name);
            check_rest(n, 0);
            return ty_error;
        }
        TypeDecl *td = find_bare_variant(callee->name, expected, callee);
        if (td)
            return call_variant(n, td, callee->name);
        return builtin_global_call(n, callee->name, expected);
    }
    if (callee->kind == N_MEMBER && !(callee->flags & NF_OPTCHAIN)) {
        Node *obj = callee->a;
        if (obj->kind == N_IDENT) {
            Sym *s = scope_lookup(obj->name, NULL);
            if (s && s->kind == SYM_MODULE) {
                Sym *ms = scope_find_local(s->module->scope, callee->name);
                if (!ms) {
                    ERR(callee, "module '%s' has no '%s'", s->module->name, callee->name);
                    check_rest(n, 0);
                    return ty_error;
                }
                if (!ms->is_pub)
                    ERR(callee, "'%s' is not public in module '%s'", callee->name, s->module->name);
                if (ms->kind == SYM_FN)
                    return call_fn_decl(n, ms->fn, expected);
                if (ms->kind == SYM_GLOBAL) {
                    callee->op = MEM_GLOBAL;
                    callee->sym = ms;
                    callee->type = ms->type;
                    return call_value(n, ms->type);
                }
                ERR(callee, "'%s.%s' cannot be called", s->module->name, callee->name);
                return ty_error;
            }
            if (s && s->kind == SYM_TYPE) {
                Node *decl = s->tgen->node;
                if (decl->list2.len && decl->kind == N_STRUCT) {
                    ERR(callee, "static functions of generic types are not supported");
                    return ty_error;
                }
                TypeDecl *td = instantiate_type(s->tgen, NULL, 0, obj);
                if (td->is_enum) {
                    for (int i = 0; i < td->variants.len; i++)
                        if (!strcmp(td->variants.items[i].name, callee->name))
                            return call_variant(n, td, callee->name);
                }
                FnInfo *m = find_method(td, callee->name, n);
                if (!m) {
                    ERR(callee, "%s has no function '%s'", td->name, callee->name);
                    check_rest(n, 0);
                    return ty_error;
                }
                if (m->is_method) {
                    ERR(callee, "%s needs a receiver: call it on a %s value", callee->name, td->name);
                    return ty_error;
                }
                n->op = CALL_FN;
                n->aux = m;
                check_args(n, m->params, m->nparams, m->node, arena_printf("function '%s'", callee->name), 0);
                return m->ret;
            }
            if (!s && is_builtin_module_name(obj->name))
                return builtin_module_call(n, obj->name, callee->name, expected);
        }
        if (!path_names_module_or_type(callee)) {
            check_rest(n, 0);
            return ty_error;
        }
        Type *rt = check_expr(&callee->a, NULL);
        if (is_chain(callee->a)) {
            Type *r = method_call(n, callee->a, type_prune(rt)->elem, callee->name, NULL);
            n->flags |= NF_OPTCHAIN | NF_LIFTED;
            if (n->op == CALL_BUILTIN)
                n->aux = r; /* the unlifted result, for the code generator */
            return lift_opt(r);
        }
        return method_call(n, callee->a, rt, callee->name, expected);
    }
    if (callee->kind == N_MEMBER && (callee->flags & NF_OPTCHAIN)) {
        /* a?.method(...) */
        Type *rt = type_prune(check_expr(&callee->a, NULL));
        if (rt->kind != TY_OPT) {
            if (rt->kind != TY_ERROR)
                ERR(callee, "'?.' needs an option, not %s", type_str(rt));
            check_rest(n, 0);
            return ty_error;
        }
        Type *r = method_call(n, callee->a, rt->elem, callee->name, NULL);
        n->flags |= NF_OPTCHAIN | NF_LIFTED;
        if (n->op == CALL_BUILTIN)
            n->aux = r;
        return lift_opt(r);
    }
    Type *ft = check_expr(&n->a, NULL);
    return call_value(n, ft);
}

Type *check_member(Node *n, Type *expected)
{
    Node *obj = n->a;
    if (obj->kind == N_IDENT) {
        Sym *s = scope_lookup(obj->name, NULL);
        if (s && s->kind == SYM_MODULE) {
            Sym *ms = scope_find_local(s->module->scope, n->name);
            if (!ms) {
                ERR(n, "module '%s' has no '%s'", s->module->name, n->name);
                return ty_error;
            }
            if (!ms->is_pub)
                ERR(n, "'%s' is not public in module '%s'", n->name, s->module->name);
            if (ms->kind == SYM_GLOBAL) {
                n->op = MEM_GLOBAL;
                n->sym = ms;
                return ms->type;
            }
            if (ms->kind == SYM_FN && !ms->fn->node->list2.len) {
                FnInfo *f = instantiate_fn(ms->fn, NULL, 0, NULL);
                f->used_as_value = 1;
                n->op = MEM_FNVALUE;
                n->aux = f;
                return type_fn(f->params, f->nparams, f->ret);
            }
            ERR(n, "'%s.%s' is not a value", s->module->name, n->name);
            return ty_error;
        }
        if (s && s->kind == SYM_TYPE && s->tgen->node->kind == N_ENUM) {
            TypeDecl *td = instantiate_type(s->tgen, NULL, 0, obj);
            Type *vt = variant_value(n, td, n->name);
            if (vt)
                return vt;
            ERR(n, "enum %s has no variant '%s'", td->name, n->name);
            return ty_error;
        }
        if (!s && !strcmp(obj->name, "Math") && (!strcmp(n->name, "PI") || !strcmp(n->name, "E"))) {
            n->op = MEM_CONST;
            n->sval = arena_printf("Math.%s", n->name);
            return ty_float;
        }
        if (!s && is_builtin_module_name(obj->name)) {
            ERR(n, "%s.%s is a function: call it with ()", obj->name, n->name);
            return ty_error;
        }
    }
    if (!path_names_module_or_type(n))
        return ty_error;
    Type *t = type_prune(check_expr(&n->a, NULL));
    if (!(n->flags & NF_OPTCHAIN) && is_chain(n->a)) {
        /* a?.b.c: .c applies to the value inside */
        n->flags |= NF_OPTCHAIN | NF_LIFTED;
        Node inner = *n;
        inner.flags &= ~(NF_OPTCHAIN | NF_LIFTED);
        Type *it = type_prune(t->elem);
        if (it->kind == TY_STRUCT) {
            for (int i = 0; i < it->decl->fields.len; i++)
                if (!strcmp(it->decl->fields.items[i].name, n->name)) {
                    n->op = MEM_FIELD;
                    n->ival = i;
                    return lift_opt(it->decl->fields.items[i].type);
                }
        }
        if (it->kind == TY_TUPLE) {
            char *end;
            long i = strtol(n->name, &end, 10);
            if (!*end && i >= 0 && i < it->nitems) {
                n->op = MEM_TUPLE;
                n->ival = i;
                return lift_opt(it->items[i]);
            }
        }
        ERR(n, "%s has no field '%s'", type_str(it), n->name);
        return ty_error;
    }
    if (n->flags & NF_OPTCHAIN) {
        if (t->kind != TY_OPT) {
            if (t->kind != TY_ERROR)
                ERR(n, "'?.' needs an option, not %s", type_str(t));
            return ty_error;
        }
        Type *inner = type_prune(t->elem);
        if (inner->kind != TY_STRUCT) {
            ERR(n, "'?.' needs an option of a struct, not %s", type_str(t));
            return ty_error;
        }
        for (int i = 0; i < inner->decl->fields.len; i++)
            if (!strcmp(inner->decl->fields.items[i].name, n->name)) {
                n->op = MEM_FIELD;
                n->ival = i;
                Type *ft = type_prune(inner->decl->fields.items[i].type);
                return ft->kind == TY_OPT ? ft : type_opt(ft);
            }
        ERR(n, "%s has no field '%s'", inner->decl->name, n->name);
        return ty_error;
    }
    if (t->kind == TY_STRUCT) {
        for (int i = 0; i < t->decl->fields.len; i++)
            if (!strcmp(t->decl->fields.items[i].name, n->name)) {
                n->op = MEM_FIELD;
                n->ival = i;
                return t->decl->fields.items[i].type;
            }
        ERR(n, "%s has no field '%s'", t->decl->name, n->name);
        return ty_error;
    }
    if (t->kind == TY_TUPLE) {
        char *end;
        long i = strtol(n->name, &end, 10);
        if (*end || i < 0 || i >= t->nitems) {
            ERR(n, "tuple %s has no element '%s'", type_str(t), n->name);
            return ty_error;
        }
        n->op = MEM_TUPLE;
        n->ival = i;
        return t->items[i];
    }
    if (t->kind == TY_ERROR)
        return ty_error;
    if (t->kind == TY_VAR) {
        ERR(n, "cannot infer the type of this value before '.%s': add a type annotation", n->name);
        return ty_error;
    }
    ERR(n, "%s has no field '%s'%s", type_str(t), n->name,
        (!strcmp(n->name, "len") || !strcmp(n->name, "to_string")) ? " (methods need parentheses)" : "");
    (void)expected;
    return ty_error;
}
