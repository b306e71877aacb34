/*
 * emit_types.c — C representations of Wyn types and the helpers emitted
 * once per type: formatting (SPEC §14), equality, comparison callbacks.
 *
 * Representation: int wyn_int, float double, bool wyn_bool, string
 * WynStr *, arrays WynArr *, maps WynMap *, functions WynFn, futures and
 * channels wyn_int handles; options, results, tuples, structs and enums
 * are C structs passed by value (only between generated functions: they
 * never cross into the runtime, see notes/libtcc.md on mixed structs).
 */
#include "emit_int.h"
#include <string.h>

int helper_done(const char *name)
{
    for (int i = 0; i < em.done_helpers.len; i++)
        if (!strcmp(em.done_helpers.items[i], name))
            return 1;
    vec_push(&em.done_helpers, name);
    return 0;
}

int type_is_void(Type *t)
{
    t = type_prune(t);
    return !t || t->kind == TY_VOID;
}

const char *ctype(Type *t)
{
    t = type_prune(t);
    switch (t->kind) {
    case TY_VOID: return "void";
    case TY_INT: case TY_FUTURE: case TY_CHAN: case TY_VAR: case TY_ERROR: case TY_NATIVE: return "wyn_int";
    case TY_FLOAT: return "double";
    case TY_BOOL: return "wyn_bool";
    case TY_STR: return "WynStr *";
    case TY_ARRAY: return "WynArr *";
    case TY_MAP: return "WynMap *";
    case TY_FN: return "WynFn";
    case TY_SB: return "WynSB *";
    case TY_PTR: return "void *";
    case TY_OPT: case TY_RESULT: case TY_TUPLE:
        need_type(t);
        return arena_printf("T_%s", type_mangle(t));
    case TY_STRUCT: case TY_ENUM:
        need_type(t);
        return t->decl->cname;
    }
    return "wyn_int";
}

static int type_done(const char *name)
{
    for (int i = 0; i < em.done_types.len; i++)
        if (!strcmp(em.done_types.items[i], name))
            return 1;
    vec_push(&em.done_types, name);
    return 0;
}

/* Emits the definition of t (and, first, of everything it holds by value). */
void need_type(Type *t)
{
    t = type_prune(t);
    Buf *b = &em.types;
    switch (t->kind) {
    case TY_OPT: {
        const char *n = arena_printf("T_%s", type_mangle(t));
        if (type_done(n)) return;
        const char *et = ctype(t->elem);
        buf_printf(b, "typedef struct %s { wyn_bool some; %s val; } %s;\n", n, et, n);
        return;
    }
    case TY_RESULT: {
        const char *n = arena_printf("T_%s", type_mangle(t));
        if (type_done(n)) return;
        const char *ot = type_is_void(t->elem) ? "wyn_int" : ctype(t->elem);
        const char *et = ctype(t->key);
        buf_printf(b, "typedef struct %s { wyn_bool ok; %s val; %s err; } %s;\n", n, ot, et, n);
        return;
    }
    case TY_TUPLE: {
        const char *n = arena_printf("T_%s", type_mangle(t));
        if (type_done(n)) return;
        Buf fields = {0};
        for (int i = 0; i < t->nitems; i++)
            buf_printf(&fields, " %s f%d;", ctype(t->items[i]), i);
        buf_printf(b, "typedef struct %s {%s } %s;\n", n, fields.data ? fields.data : " char unused;", n);
        buf_free(&fields);
        return;
    }
    case TY_STRUCT: case TY_ENUM: {
        TypeDecl *td = t->decl;
        if (td->emitted) return;
        td->emitted = 1;
        buf_printf(b, "typedef struct %s %s;\n", td->cname, td->cname);
        Buf body = {0};
        if (!td->is_enum) {
            for (int i = 0; i < td->fields.len; i++)
                buf_printf(&body, "    %s f_%s;\n", ctype(td->fields.items[i].type), td->fields.items[i].name);
            if (!td->fields.len)
                buf_puts(&body, "    char unused;\n");
        } else {
            buf_puts(&body, "    int tag;\n    union {\n");
            for (int i = 0; i < td->variants.len; i++) {
                Variant *v = &td->variants.items[i];
                if (!v->npayload)
                    continue;
                buf_puts(&body, "        struct {");
                for (int k = 0; k < v->npayload; k++) {
                    Type *pt = type_prune(v->payload[k]);
                    if (v->boxed[k]) {
                        /* behind a pointer: a forward declaration is enough */
                        buf_printf(&body, " struct %s *f%d;", pt->decl->cname, k);
                        /* make sure the pointee gets defined at some point */
                    } else {
                        buf_printf(&body, " %s f%d;", ctype(pt), k);
                    }
                }
                buf_printf(&body, " } v%d;\n", i);
            }
            buf_puts(&body, "        char none;\n    } u;\n");
        }
        buf_printf(b, "struct %s {\n%s};\n", td->cname, body.data);
        buf_free(&body);
        if (td->is_enum)
            for (int i = 0; i < td->variants.len; i++)
                for (int k = 0; k < td->variants.items[i].npayload; k++)
                    if (td->variants.items[i].boxed[k])
                        need_type(td->variants.items[i].payload[k]);
        return;
    }
    default:
        return;
    }
}

/* The zero value of a composite type that holds references: its strings
 * are "", its arrays and maps empty (never NULL). */
static const char *zero_fn(Type *t)
{
    const char *name = arena_printf("wynzero_%s", type_mangle(t));
    if (helper_done(name))
        return name;
    const char *ct = ctype(t);
    buf_printf(&em.protos, "static %s %s(void);\n", ct, name);
    Buf b = {0};
    buf_printf(&b, "static %s %s(void) {\n    %s v;\n    memset(&v, 0, sizeof v);\n", ct, name, ct);
    switch (t->kind) {
    case TY_RESULT:
        if (type_managed(t->key))
            buf_printf(&b, "    v.err = %s;\n", zero_value(t->key));
        break;
    case TY_TUPLE:
        for (int i = 0; i < t->nitems; i++)
            if (type_managed(t->items[i]))
                buf_printf(&b, "    v.f%d = %s;\n", i, zero_value(t->items[i]));
        break;
    case TY_STRUCT:
        for (int i = 0; i < t->decl->fields.len; i++)
            if (type_managed(t->decl->fields.items[i].type))
                buf_printf(&b, "    v.f_%s = %s;\n", t->decl->fields.items[i].name,
                           zero_value(t->decl->fields.items[i].type));
        break;
    case TY_ENUM: {
        Variant *v = t->decl->variants.len ? &t->decl->variants.items[0] : NULL;
        for (int k = 0; v && k < v->npayload; k++)
            if (!v->boxed[k] && type_managed(v->payload[k]))
                buf_printf(&b, "    v.u.v0.f%d = %s;\n", k, zero_value(v->payload[k]));
        break;
    }
    default:
        break;
    }
    buf_puts(&b, "    return v;\n}\n");
    buf_puts(&em.helpers, b.data);
    buf_free(&b);
    return name;
}

const char *zero_value(Type *t)
{
    t = type_prune(t);
    switch (t->kind) {
    case TY_STR: return "rt_str_empty()";
    case TY_ARRAY: return arena_printf("rt_arr_new_ops(sizeof(%s), 0, %s)", ctype(t->elem), rc_ops(t->elem));
    case TY_MAP:
        return arena_printf("rt_map_new_ops(%d, sizeof(%s), %s)", type_prune(t->key)->kind == TY_STR, ctype(t->elem),
                            rc_ops(t->elem));
    case TY_SB: return "rt_autorelease_sb(rt_sb_new())";
    case TY_RESULT: case TY_TUPLE: case TY_STRUCT: case TY_ENUM:
        if (type_managed(t))
            return arena_printf("%s()", zero_fn(t));
        return arena_printf("((%s){0})", ctype(t));
    case TY_OPT: case TY_FN:
        return arena_printf("((%s){0})", ctype(t));
    case TY_FLOAT: return "0.0";
    default: return "0";
    }
}

/* A value that arrived as all-zero bytes (a receive from a closed channel)
 * gets its type's zero value where zero bytes are not a valid value. */
void emit_fix_zero(Buf *b, const char *var, Type *t)
{
    t = type_prune(t);
    if (t->kind == TY_STR || t->kind == TY_ARRAY || t->kind == TY_MAP || t->kind == TY_SB) {
        buf_printf(b, "if (!%s) %s = %s; ", var, var, zero_value(t));
    } else if ((t->kind == TY_STRUCT || t->kind == TY_TUPLE || t->kind == TY_RESULT || t->kind == TY_ENUM) &&
               type_managed(t)) {
        buf_printf(b, "{ const unsigned char *_zp = (const unsigned char *)&%s; unsigned _nz = 0; "
                      "for (unsigned long _zi = 0; _zi < sizeof %s; _zi++) _nz |= _zp[_zi]; if (!_nz) %s = %s; } ",
                   var, var, var, zero_value(t));
    }
}

/* ------------------------------------------------------------ format */

/* Writes the helper's code into em.helpers, after a prototype in
 * em.protos (helpers may be recursive). */
const char *fmt_fn(Type *t)
{
    t = type_prune(t);
    switch (t->kind) {
    case TY_INT: return "wyn_fmt_int";
    case TY_FLOAT: return "wyn_fmt_float";
    case TY_BOOL: return "wyn_fmt_bool";
    case TY_STR: return "wyn_fmt_str";
    default: break;
    }
    const char *m = type_mangle(t);
    const char *name = arena_printf("fmt_%s", m);
    if (helper_done(name))
        return name;
    const char *ct = ctype(t);
    buf_printf(&em.protos, "static void %s(WynSB *sb, %s v, int q);\n", name, ct);
    Buf b = {0};
    buf_printf(&b, "static void %s(WynSB *sb, %s v, int q) {\n", name, ct);
    switch (t->kind) {
    case TY_ARRAY: {
        const char *et = ctype(t->elem);
        buf_printf(&b, "    rt_sb_append_cstr(sb, \"[\");\n"
                       "    for (wyn_int i = 0; i < v->len; i++) {\n"
                       "        if (i) rt_sb_append_cstr(sb, \", \");\n"
                       "        %s(sb, ((%s *)v->data)[i], 1);\n    }\n"
                       "    rt_sb_append_cstr(sb, \"]\");\n", fmt_fn(t->elem), et);
        break;
    }
    case TY_MAP:
        buf_printf(&b, "    rt_sb_append_cstr(sb, \"{\");\n"
                       "    int first = 1;\n"
                       "    for (wyn_int p = rt_map_next(v, 0); p >= 0; p = rt_map_next(v, p + 1)) {\n"
                       "        if (!first) rt_sb_append_cstr(sb, \", \");\n"
                       "        first = 0;\n"
                       "        %s(sb, *(%s *)rt_map_key_at(v, p), 1);\n"
                       "        rt_sb_append_cstr(sb, \": \");\n"
                       "        %s(sb, *(%s *)rt_map_val_at(v, p), 1);\n    }\n"
                       "    rt_sb_append_cstr(sb, \"}\");\n",
                   fmt_fn(t->key), ctype(t->key), fmt_fn(t->elem), ctype(t->elem));
        break;
    case TY_OPT:
        buf_printf(&b, "    if (!v.some) { rt_sb_append_cstr(sb, \"none\"); return; }\n"
                       "    rt_sb_append_cstr(sb, \"Some(\");\n    %s(sb, v.val, 1);\n"
                       "    rt_sb_append_cstr(sb, \")\");\n", fmt_fn(t->elem));
        break;
    case TY_RESULT:
        if (type_is_void(t->elem))
            buf_puts(&b, "    if (v.ok) { rt_sb_append_cstr(sb, \"Ok()\"); return; }\n");
        else
            buf_printf(&b, "    if (v.ok) { rt_sb_append_cstr(sb, \"Ok(\"); %s(sb, v.val, 1); rt_sb_append_cstr(sb, \")\"); return; }\n",
                       fmt_fn(t->elem));
        buf_printf(&b, "    rt_sb_append_cstr(sb, \"Err(\"); %s(sb, v.err, 1); rt_sb_append_cstr(sb, \")\");\n",
                   fmt_fn(t->key));
        break;
    case TY_TUPLE:
        buf_puts(&b, "    rt_sb_append_cstr(sb, \"(\");\n");
        for (int i = 0; i < t->nitems; i++)
            buf_printf(&b, "    %s%s(sb, v.f%d, 1);\n", i ? "rt_sb_append_cstr(sb, \", \"); " : "",
                       fmt_fn(t->items[i]), i);
        buf_puts(&b, "    rt_sb_append_cstr(sb, \")\");\n");
        break;
    case TY_STRUCT: {
        TypeDecl *td = t->decl;
        buf_printf(&b, "    rt_sb_append_cstr(sb, \"%s {\");\n", td->base_name);
        for (int i = 0; i < td->fields.len; i++)
            buf_printf(&b, "    rt_sb_append_cstr(sb, \"%s %s: \"); %s(sb, v.f_%s, 1);\n", i ? "," : "",
                       td->fields.items[i].name, fmt_fn(td->fields.items[i].type), td->fields.items[i].name);
        buf_printf(&b, "    rt_sb_append_cstr(sb, \"%s}\");\n", td->fields.len ? " " : "");
        break;
    }
    case TY_ENUM: {
        TypeDecl *td = t->decl;
        buf_puts(&b, "    switch (v.tag) {\n");
        for (int i = 0; i < td->variants.len; i++) {
            Variant *var = &td->variants.items[i];
            buf_printf(&b, "    case %d: rt_sb_append_cstr(sb, \"%s\");", i, var->name);
            if (var->npayload) {
                buf_puts(&b, " rt_sb_append_cstr(sb, \"(\");");
                for (int k = 0; k < var->npayload; k++)
                    buf_printf(&b, " %s%s(sb, %sv.u.v%d.f%d, 1);", k ? "rt_sb_append_cstr(sb, \", \"); " : "",
                               fmt_fn(var->payload[k]), var->boxed[k] ? "*" : "", i, k);
                buf_puts(&b, " rt_sb_append_cstr(sb, \")\");");
            }
            buf_puts(&b, " break;\n");
        }
        buf_puts(&b, "    }\n");
        break;
    }
    case TY_FUTURE:
        buf_puts(&b, "    rt_sb_append_cstr(sb, rt_future_done(v) ? \"Future(done)\" : \"Future(pending)\");\n");
        break;
    case TY_CHAN:
        buf_puts(&b, "    rt_sb_append_cstr(sb, \"Channel\");\n");
        break;
    case TY_FN:
        buf_puts(&b, "    rt_sb_append_cstr(sb, \"<fn>\");\n");
        break;
    case TY_SB:
        buf_puts(&b, "    rt_sb_append(sb, rt_sb_to_string(v));\n");
        break;
    case TY_PTR:
        buf_puts(&b, "    rt_sb_append_int(sb, (wyn_int)v);\n");
        break;
    case TY_NATIVE:
        if (!strcmp(t->name, "Json"))
            buf_puts(&b, "    rt_sb_append(sb, rt_json_to_string(v));\n");
        else
            buf_printf(&b, "    rt_sb_append_cstr(sb, \"%s(\"); rt_sb_append_int(sb, v); rt_sb_append_cstr(sb, \")\");\n", t->name);
        break;
    default:
        buf_puts(&b, "    rt_sb_append_cstr(sb, \"?\");\n");
    }
    buf_puts(&b, "    (void)q;\n}\n");
    buf_puts(&em.helpers, b.data);
    buf_free(&b);
    return name;
}

/* ----------------------------------------------------------- equality */

const char *eq_fn(Type *t)
{
    t = type_prune(t);
    switch (t->kind) {
    case TY_INT: case TY_FUTURE: case TY_CHAN: case TY_NATIVE: return "wyn_eq_int";
    case TY_FLOAT: return "wyn_eq_float";
    case TY_BOOL: return "wyn_eq_bool";
    case TY_STR: return "rt_str_eq";
    default: break;
    }
    const char *name = arena_printf("eq_%s", type_mangle(t));
    if (helper_done(name))
        return name;
    const char *ct = ctype(t);
    buf_printf(&em.protos, "static wyn_bool %s(%s a, %s b);\n", name, ct, ct);
    Buf b = {0};
    buf_printf(&b, "static wyn_bool %s(%s a, %s b) {\n", name, ct, ct);
    switch (t->kind) {
    case TY_ARRAY:
        buf_printf(&b, "    return rt_arr_eq(a, b, %s);\n", eqp_fn(t->elem));
        break;
    case TY_MAP:
        buf_printf(&b, "    if (rt_map_len(a) != rt_map_len(b)) return 0;\n"
                       "    for (wyn_int p = rt_map_next(a, 0); p >= 0; p = rt_map_next(a, p + 1)) {\n"
                       "        %s k = *(%s *)rt_map_key_at(a, p);\n"
                       "        void *o = rt_map_find_%s(b, k);\n"
                       "        if (!o || !%s(*(%s *)rt_map_val_at(a, p), *(%s *)o)) return 0;\n    }\n"
                       "    return 1;\n",
                   ctype(t->key), ctype(t->key), type_prune(t->key)->kind == TY_STR ? "s" : "i",
                   eq_fn(t->elem), ctype(t->elem), ctype(t->elem));
        break;
    case TY_OPT:
        buf_printf(&b, "    if (a.some != b.some) return 0;\n    return !a.some || %s(a.val, b.val);\n", eq_fn(t->elem));
        break;
    case TY_RESULT:
        buf_printf(&b, "    if (a.ok != b.ok) return 0;\n    return a.ok ? %s : %s(a.err, b.err);\n",
                   type_is_void(t->elem) ? "1" : arena_printf("%s(a.val, b.val)", eq_fn(t->elem)), eq_fn(t->key));
        break;
    case TY_TUPLE:
        buf_puts(&b, "    return 1");
        for (int i = 0; i < t->nitems; i++)
            buf_printf(&b, " && %s(a.f%d, b.f%d)", eq_fn(t->items[i]), i, i);
        buf_puts(&b, ";\n");
        break;
    case TY_STRUCT:
        buf_puts(&b, "    return 1");
        for (int i = 0; i < t->decl->fields.len; i++) {
            const char *fnm = t->decl->fields.items[i].name;
            buf_printf(&b, " && %s(a.f_%s, b.f_%s)", eq_fn(t->decl->fields.items[i].type), fnm, fnm);
        }
        buf_puts(&b, ";\n");
        break;
    case TY_ENUM: {
        TypeDecl *td = t->decl;
        buf_puts(&b, "    if (a.tag != b.tag) return 0;\n    switch (a.tag) {\n");
        for (int i = 0; i < td->variants.len; i++) {
            Variant *v = &td->variants.items[i];
            if (!v->npayload)
                continue;
            buf_printf(&b, "    case %d: return 1", i);
            for (int k = 0; k < v->npayload; k++) {
                const char *star = v->boxed[k] ? "*" : "";
                buf_printf(&b, " && %s(%sa.u.v%d.f%d, %sb.u.v%d.f%d)", eq_fn(v->payload[k]), star, i, k, star, i, k);
            }
            buf_puts(&b, ";\n");
        }
        buf_puts(&b, "    }\n    return 1;\n");
        break;
    }
    default:
        buf_puts(&b, "    return memcmp(&a, &b, sizeof a) == 0;\n");
    }
    buf_puts(&b, "}\n");
    buf_puts(&em.helpers, b.data);
    buf_free(&b);
    return name;
}

const char *eqp_fn(Type *t)
{
    t = type_prune(t);
    switch (t->kind) {
    case TY_INT: case TY_FUTURE: case TY_CHAN: case TY_NATIVE: return "rt_eq_int";
    case TY_FLOAT: return "rt_eq_float";
    case TY_BOOL: return "rt_eq_bool";
    case TY_STR: return "rt_eq_str";
    default: break;
    }
    const char *name = arena_printf("eqp_%s", type_mangle(t));
    if (helper_done(name))
        return name;
    const char *ct = ctype(t);
    const char *eq = eq_fn(t);
    buf_printf(&em.protos, "static wyn_bool %s(const void *a, const void *b);\n", name);
    buf_printf(&em.helpers, "static wyn_bool %s(const void *a, const void *b) { return %s(*(%s const *)a, *(%s const *)b); }\n",
               name, eq, ct, ct);
    return name;
}

const char *cmpp_fn(Type *t)
{
    switch (type_prune(t)->kind) {
    case TY_INT: return "rt_cmp_int";
    case TY_FLOAT: return "rt_cmp_float";
    case TY_BOOL: return "rt_cmp_bool";
    case TY_STR: return "rt_cmp_str";
    default: return NULL;
    }
}
