/*
 * builtins.c — lookup in the table of built-ins (builtins.h), "did you
 * mean" hints and the listing from its rows, and the typing of a call from
 * a row's signature text.
 */
#include "builtins.h"
#include "check_int.h"
#include <string.h>

static const Builtin *const groups[] = { builtins_global, builtins_modules, builtins_io, builtins_str,
                                         builtins_num, builtins_arr, builtins_map, builtins_opt };
enum { NGROUPS = sizeof groups / sizeof *groups };

/* Os and DateTime are older spellings of System and Time. */
static const char *canonical_module(const char *m)
{
    if (!m)
        return NULL;
    if (!strcmp(m, "Os"))
        return "System";
    if (!strcmp(m, "DateTime"))
        return "Time";
    return m;
}

static int owned_by(const Builtin *r, unsigned owner, const char *module)
{
    if (!(r->owner & owner))
        return 0;
    if (!(owner & (BR_MODULE | BR_NATIVE)))
        return 1;
    return module && !strcmp(r->module, canonical_module(module));
}

unsigned builtin_owner_of(Type *t)
{
    switch (t->kind) {
    case TY_INT: return BR_INT;
    case TY_FLOAT: return BR_FLOAT;
    case TY_BOOL: return BR_BOOL;
    case TY_STR: return BR_STR;
    case TY_ARRAY: return BR_ARR;
    case TY_MAP: return BR_MAP;
    case TY_OPT: return BR_OPT;
    case TY_RESULT: return BR_RES;
    case TY_CHAN: return BR_CHAN;
    case TY_SB: return BR_SB;
    case TY_NATIVE: return BR_NATIVE;
    case TY_VAR: case TY_ERROR: return 0;
    default: return BR_OTHER;
    }
}

const Builtin *builtin_find(unsigned owner, const char *module, const char *name)
{
    for (int g = 0; g < NGROUPS; g++)
        for (const Builtin *r = groups[g]; r->name; r++)
            if (owned_by(r, owner, module) && !strcmp(r->name, name))
                return r;
    return NULL;
}

const Builtin *builtin_find_next(const Builtin *row)
{
    const Builtin *next = row + 1;
    return next->name && next->owner == row->owner && !strcmp(next->name, row->name) ? next : NULL;
}

int builtin_is(const Builtin *row, unsigned owner, const char *name)
{
    return row && (row->owner & owner) && !strcmp(row->name, name);
}

int builtin_is_module(const char *name)
{
    const char *m = canonical_module(name);
    for (int g = 0; g < NGROUPS; g++)
        for (const Builtin *r = groups[g]; r->name; r++)
            if ((r->owner & BR_MODULE) && !strcmp(r->module, m))
                return 1;
    return 0;
}

const char *builtin_hint(unsigned owner, const char *module, const char *name)
{
    const char *best = NULL;
    int best_d = strlen(name) <= 3 ? 2 : 3;
    for (int g = 0; g < NGROUPS; g++)
        for (const Builtin *r = groups[g]; r->name; r++) {
            if (!owned_by(r, owner, module))
                continue;
            int d = check_edit_distance(name, r->name);
            if (d < best_d) {
                best_d = d;
                best = r->name;
            }
        }
    return best ? arena_printf(" (did you mean '%s'?)", best) : "";
}

/* The receiver as users know it, for the listing. */
static const char *owner_label(const Builtin *r)
{
    static const struct { unsigned bits; const char *label; } labels[] = {
        {BR_NUM, "int/float"}, {BR_OPT | BR_RES, "option/result"}, {BR_INT, "int"}, {BR_FLOAT, "float"},
        {BR_BOOL, "bool"}, {BR_STR, "string"}, {BR_ARR, "array"}, {BR_MAP, "map"}, {BR_OPT, "option"},
        {BR_RES, "result"}, {BR_CHAN, "channel"}, {BR_SB, "StringBuilder"}, {BR_OTHER, "value"},
    };
    if (r->owner & (BR_MODULE | BR_NATIVE))
        return r->module;
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
        if ((r->owner & labels[i].bits) == labels[i].bits)
            return labels[i].label;
    return NULL;
}

const char *builtin_display(const Builtin *row)
{
    if (row->owner & BR_MODULE)
        return arena_printf("%s.%s", row->module, row->name);
    return row->name;
}

int builtin_keeps_elements(const Builtin *row)
{
    return row && (row->flags & BF_KEEPS);
}

void builtin_print_all(FILE *out)
{
    for (int g = 0; g < NGROUPS; g++)
        for (const Builtin *r = groups[g]; r->name; r++) {
            const char *label = owner_label(r);
            fprintf(out, "%s%s%s%s — %s\n", label ? label : "", label ? "." : "", r->name, r->sig, r->doc);
        }
}

int builtin_argc(Node *call, const Builtin *row, int lo, int hi)
{
    int got = call->list.len;
    if (got >= lo && got <= hi)
        return 1;
    const char *what = builtin_display(row);
    if (lo == hi)
        ERR(call, "%s takes %d argument%s, got %d", what, lo, lo == 1 ? "" : "s", got);
    else
        ERR(call, "%s takes %d to %d arguments, got %d", what, lo, hi, got);
    for (int i = 0; i < got; i++)
        if (!call->list.items[i]->type)
            check_expr(&call->list.items[i], NULL);
    return 0;
}

/* --- signatures ---------------------------------------------------------- */

typedef struct SigReader {
    const char *p;
    const Builtin *row;
    Node *call;
    Type *self;
} SigReader;

static void sig_bad(SigReader *s)
{
    diag_internal(s->call->file, s->call->line, s->call->col, "bad signature '%s' of built-in %s", s->row->sig,
                  builtin_display(s->row));
}

static void sig_expect(SigReader *s, const char *text)
{
    size_t n = strlen(text);
    if (strncmp(s->p, text, n))
        sig_bad(s);
    s->p += n;
}

static const char *sig_word(SigReader *s)
{
    const char *start = s->p;
    while ((*s->p >= 'a' && *s->p <= 'z') || (*s->p >= 'A' && *s->p <= 'Z') || *s->p == '_' ||
           (*s->p >= '0' && *s->p <= '9'))
        s->p++;
    if (s->p == start)
        sig_bad(s);
    return arena_printf("%.*s", (int)(s->p - start), start);
}

/* A type of the signature; NULL for `any`. */
static Type *sig_type(SigReader *s)
{
    Type *t;
    if (*s->p == '[') {
        s->p++;
        Type *e = sig_type(s);
        sig_expect(s, "]");
        t = type_array(e);
    } else if (*s->p == '{') {
        s->p++;
        Type *k = sig_type(s);
        sig_expect(s, ": ");
        Type *v = sig_type(s);
        sig_expect(s, "}");
        t = type_map(k, v);
    } else {
        const char *w = sig_word(s);
        static const struct { const char *name; Type **type; } prims[] = {
            {"int", &ty_int}, {"float", &ty_float}, {"bool", &ty_bool}, {"string", &ty_str},
            {"void", &ty_void}, {"ptr", &ty_ptr}, {"StringBuilder", &ty_sb},
        };
        t = NULL;
        for (size_t i = 0; i < sizeof prims / sizeof *prims; i++)
            if (!strcmp(w, prims[i].name))
                t = *prims[i].type;
        if (t) {
        } else if (!strcmp(w, "any")) {
            return NULL;
        } else if (!strcmp(w, "Self") && s->self) {
            t = s->self;
        } else if ((!strcmp(w, "T") || !strcmp(w, "V")) && s->self && s->self->elem) {
            t = s->self->elem;
        } else if ((!strcmp(w, "K") || !strcmp(w, "E")) && s->self && s->self->key) {
            t = s->self->key;
        } else if (!strcmp(w, "Result")) {
            sig_expect(s, "<");
            Type *ok = sig_type(s);
            sig_expect(s, ", ");
            Type *err = sig_type(s);
            sig_expect(s, ">");
            t = type_result(ok, err);
        } else if (!strcmp(w, "Conn") || !strcmp(w, "Listener") || !strcmp(w, "HttpServer") ||
                   !strcmp(w, "Json")) {
            t = type_native(w);
        } else if (!(t = builtin_struct_type(w))) {
            sig_bad(s);
        }
    }
    if (*s->p == '?') {
        s->p++;
        t = type_opt(t);
    }
    return t;
}

enum { MAX_SIG_PARAMS = 8 };

Type *builtin_sig_result(Node *call, const Builtin *row, Type *recv)
{
    SigReader s = { row->sig, row, call, recv };
    const char *arrow = strstr(row->sig, ") -> ");
    if (!arrow)
        sig_bad(&s);
    s.p = arrow + 5;
    Type *ret = sig_type(&s);
    if (!ret || *s.p)
        sig_bad(&s);
    return ret;
}

Type *builtin_check_call(Node *call, const Builtin *row, Type *recv, Type *expected)
{
    if (call->list2.len && !(row->flags & BF_NAMED))
        ERR(call->list2.items[0], "%s has no named parameters", builtin_display(row));
    if (row->check)
        return row->check(call, recv, row, expected);
    SigReader s = { row->sig, row, call, recv };
    const char *names[MAX_SIG_PARAMS];
    Type *types[MAX_SIG_PARAMS];
    int np = 0, required = 0;
    sig_expect(&s, "(");
    while (*s.p != ')') {
        if (np == MAX_SIG_PARAMS)
            sig_bad(&s);
        if (np)
            sig_expect(&s, ", ");
        names[np] = sig_word(&s);
        if (*s.p == '?')
            s.p++;
        else
            required = np + 1;
        sig_expect(&s, ": ");
        types[np++] = sig_type(&s);
    }
    sig_expect(&s, ") -> ");
    Type *ret = sig_type(&s);
    if (!ret || *s.p)
        sig_bad(&s);
    if (!builtin_argc(call, row, required, np))
        return ret;
    for (int i = 0; i < call->list.len; i++) {
        Type *got = check_expr(&call->list.items[i], types[i]);
        if (types[i])
            coerce(&call->list.items[i], types[i], names[i]);
        else if (type_prune(got)->kind == TY_VOID)
            ERR(call->list.items[i], "this expression has no value (%s is expected)", names[i]);
    }
    return ret;
}
