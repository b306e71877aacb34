/*
 * emit_ffi.c — C for `extern fn` declarations (SPEC §12).
 *
 * Each extern becomes a typed function pointer, resolved by the runtime
 * (rt_ffi_lib / rt_ffi_sym) before any program code runs, so a call costs
 * what a direct C call through a pointer costs: no libffi on this path.
 * libffi is used only for callbacks (Wyn functions passed where an
 * fn(...) parameter is declared), through rt_ffi_callback.
 */
#include "emit_int.h"
#include <string.h>

/* C type and signature letter for a declared foreign type. */
static const char *c_type_of(Node *t, char *letter)
{
    if (!t) {
        *letter = 'v';
        return "void";
    }
    if (t->kind == N_TYPE_FN) {
        *letter = 'p';
        return "void *";
    }
    const char *n = t->kind == N_TYPE_NAME ? t->name : "";
    static const struct { const char *wyn, *c; char letter; } map[] = {
        {"int", "long long", 'l'}, {"i64", "long long", 'l'}, {"u64", "unsigned long long", 'l'},
        {"i32", "int", 'i'}, {"u32", "unsigned int", 'u'}, {"i16", "short", 'i'}, {"u16", "unsigned short", 'u'},
        {"i8", "signed char", 'i'}, {"u8", "unsigned char", 'u'}, {"float", "double", 'd'},
        {"f64", "double", 'd'}, {"f32", "float", 'f'}, {"bool", "_Bool", 'b'},
        {"string", "const char *", 's'}, {"str", "const char *", 's'}, {"ptr", "void *", 'p'},
        {"void", "void", 'v'},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(map[i].wyn, n)) {
            *letter = map[i].letter;
            return map[i].c;
        }
    *letter = 'l';
    return "long long";
}

static const char *callback_sig(Node *fntype)
{
    char sig[64];
    int k = 0;
    c_type_of(fntype->a, &sig[k++]);
    for (int i = 0; i < fntype->list.len && k < 62; i++)
        c_type_of(fntype->list.items[i], &sig[k++]);
    sig[k] = 0;
    return arena_strdup(sig);
}

static const char *fn_pointer_type(FnInfo *f, const char *name)
{
    Node *n = f->node;
    char l;
    Buf b = {0};
    buf_printf(&b, "%s (*%s)(", c_type_of(n->c, &l), name);
    for (int i = 0; i < n->list.len; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", c_type_of(n->list.items[i]->c, &l));
    if (!n->list.len)
        buf_puts(&b, "void");
    buf_puts(&b, ")");
    const char *s = arena_strdup(b.data);
    buf_free(&b);
    return s;
}

void emit_extern_decls(Buf *globals, Buf *init)
{
    for (int i = 0; i < em.prog->externs.len; i++) {
        FnDecl *d = em.prog->externs.items[i];
        if (!d->instances.len)
            continue;
        FnInfo *f = d->instances.items[0];
        buf_printf(globals, "static %s;\n", fn_pointer_type(f, f->cname));
        buf_printf(init, "    %s = (%s)rt_ffi_sym(rt_ffi_lib(", f->cname, fn_pointer_type(f, ""));
        if (d->extern_lib)
            emit_c_string_lit(init, d->extern_lib);
        else
            buf_puts(init, "0");
        buf_printf(init, ", %d), ", loc_of(f->node));
        if (d->extern_lib)
            emit_c_string_lit(init, d->extern_lib);
        else
            buf_puts(init, "\"the C library\"");
        buf_puts(init, ", ");
        emit_c_string_lit(init, f->node->name);
        buf_printf(init, ", %d);\n", loc_of(f->node));
    }
}

void emit_extern_call(Buf *b, Node *call, FnInfo *f)
{
    Node *n = f->node;
    char l;
    const char *rt = c_type_of(n->c, &l);
    int k = new_tmp();
    buf_puts(b, "({ ");
    for (int i = 0; i < call->list.len && i < n->list.len; i++) {
        Node *pt = n->list.items[i]->c;
        if (pt && pt->kind == N_TYPE_FN) {
            /* C may keep the function pointer: its environment must stay
             * alive for good (the callback cache keeps it reachable) */
            buf_printf(b, "WynFn _cb%d_%d = ", k, i);
            emit_owned(b, call->list.items[i]->type, call->list.items[i]);
            buf_printf(b, "; void *_cp%d_%d = rt_ffi_callback(&_cb%d_%d, \"%s\"); ", k, i, k, i, callback_sig(pt));
        }
    }
    if (l != 'v')
        buf_printf(b, "%s _xr%d = ", rt, k);
    buf_printf(b, "%s(", f->cname);
    for (int i = 0; i < call->list.len && i < n->list.len; i++) {
        Node *pt = n->list.items[i]->c;
        if (i)
            buf_puts(b, ", ");
        char al;
        const char *at = c_type_of(pt, &al);
        if (pt && pt->kind == N_TYPE_FN) {
            buf_printf(b, "_cp%d_%d", k, i);
        } else if (al == 's') {
            buf_puts(b, "(");
            emit_expr(b, call->list.items[i]);
            buf_puts(b, ")->data");
        } else {
            buf_printf(b, "(%s)(", at);
            emit_expr(b, call->list.items[i]);
            buf_puts(b, ")");
        }
    }
    buf_puts(b, "); ");
    switch (l) {
    case 'v': buf_puts(b, "(void)0; })"); break;
    case 's': buf_printf(b, "rt_str_cstr(_xr%d); })", k); break;
    case 'd': case 'f': buf_printf(b, "(double)_xr%d; })", k); break;
    case 'b': buf_printf(b, "(wyn_bool)_xr%d; })", k); break;
    case 'p': buf_printf(b, "_xr%d; })", k); break;
    default: buf_printf(b, "(wyn_int)_xr%d; })", k); break;
    }
}
