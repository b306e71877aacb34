/*
 * check_format.c — compile-time checks of format specs (SPEC §10): the
 * ${value:spec} of interpolation (N_FORMAT) and the fields of a literal
 * format string, "...".format(args).
 *
 * The grammar and the fit rules are runtime/fmt_spec.h, the same pure
 * header the runtime uses, so a spec refused here is exactly one the
 * runtime would refuse, with the same words.  A format string that is not
 * a literal is checked by the runtime only.
 */
#include <string.h>
#include "check_int.h"
#include "../runtime/fmt_spec.h"

/* The class of values a spec is applied to. */
static int value_class(Type *t)
{
    switch (type_prune(t)->kind) {
    case TY_INT: return FMT_INT;
    case TY_FLOAT: return FMT_FLOAT;
    case TY_BOOL: return FMT_BOOL;
    case TY_STR: return FMT_STR;
    default: return FMT_OTHER;
    }
}

/* Reports at (line, col) why spec does not parse or fit a value of type t;
 * returns 1 when it is fine.  Values whose type is an error or still
 * unknown are not judged. */
static int spec_ok(Node *where, int line, int col, const char *spec, int len, Type *t)
{
    FmtSpec sp;
    char err[200];
    if (!fmt_spec_parse(spec, len, &sp, err, sizeof err)) {
        diag_error(where->file, line, col, "%s", err);
        return 0;
    }
    TypeKind k = type_prune(t)->kind;
    if (k == TY_ERROR || k == TY_VAR)
        return 1;
    if (!fmt_spec_fits(&sp, spec, len, value_class(t), err, sizeof err)) {
        diag_error(where->file, line, col, "%s", err);
        return 0;
    }
    return 1;
}

/* ${value:spec}: a string made from the value by the spec. */
Type *check_format_spec(Node *n)
{
    Type *t = type_prune(check_expr(&n->a, NULL));
    if (t->kind == TY_VOID) {
        ERR(n->a, "this expression has no value to interpolate");
        return ty_str;
    }
    n->b->type = ty_str;
    spec_ok(n->b, n->b->line, n->b->col, n->b->sval, n->b->slen, t);
    return ty_str;
}

/* The source line and column of byte `offset` of a string literal's
 * decoded text (lit->line/col is its opening quote), so a caret can point
 * into the literal.  Escapes are one byte each: \xHH is four characters of
 * source, the others two. */
static void literal_place(Node *lit, int offset, int *line, int *col)
{
    *line = lit->line;
    *col = lit->col;
    const SourceFile *f = diag_file(lit->file);
    if (!f)
        return;
    const char *p = f->text, *end = f->text + f->len;
    for (int l = 1; l < lit->line && p < end; p++)
        if (*p == '\n')
            l++;
    for (int c = 1; c < lit->col && p < end; ) { /* columns count code points */
        p++;
        if (p >= end || ((unsigned char)*p & 0xC0) != 0x80)
            c++;
    }
    int raw = end - p >= 3 && !memcmp(p, "\"\"\"", 3);
    const char *q = p + (raw ? 3 : 1);
    for (int i = 0; i < offset && q < end; i++) {
        if (!raw && *q == '\\' && q + 1 < end)
            q += q[1] == 'x' && q + 3 < end ? 4 : 2;
        else
            q++;
    }
    int c = lit->col;
    for (const char *r = p; r < q && r < end; r++) {
        if (*r == '\n') {
            (*line)++;
            c = 1;
        } else if (((unsigned char)*r & 0xC0) != 0x80) {
            c++;
        }
    }
    *col = c;
}

/* "...".format(args) on a literal: every field has an argument and every
 * spec fits its argument.  Arguments were checked by the caller. */
void check_format_literal(Node *fmt, NodeList *args)
{
    if (fmt->kind != N_STR || !fmt->sval)
        return;
    int pos = 0, next = 0, line, col;
    for (;;) {
        FmtPiece pc = fmt_next_piece(fmt->sval, fmt->slen, &pos);
        if (pc.kind == FMT_PIECE_END)
            return;
        if (pc.kind == FMT_PIECE_TEXT)
            continue;
        literal_place(fmt, pc.at, &line, &col);
        if (pc.kind == FMT_PIECE_UNCLOSED) {
            diag_error(fmt->file, line, col, "format: '{:' has no closing '}'");
            return;
        }
        if (next >= args->len) {
            diag_error(fmt->file, line, col, "format: not enough arguments (%d given, this is field %d)",
                       args->len, next + 1);
            return;
        }
        Node *arg = args->items[next++];
        if (pc.len)
            spec_ok(fmt, line, col, fmt->sval + pc.start, pc.len, arg->type);
    }
}
