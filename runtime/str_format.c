/*
 * str_format.c — format() and format specs (SPEC §10): "{}" / "{:spec}"
 * fields of rt_str_format and the ${value:spec} of interpolation
 * (rt_str_format_spec).
 *
 * The spec grammar and the rules of which spec fits which value live in
 * fmt_spec.h, shared with the checker, which reports them at compile time
 * when the format string is a literal; here a misfit is a runtime error.
 *
 * A value is rendered as four parts: sign ("-", "+", " " or nothing), prefix
 * ("0x"... for '#'), body (digits or text) and padding.  A number's body
 * starts with a run of integer digits, which thousands separators split;
 * zero padding with separators grows that run ("0,001,234") instead of
 * padding around it, as Python does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fmt_spec.h"
#include "rt_internal.h"
#include "rt_values.h"

_Static_assert((int)WYN_FMT_INT == FMT_INT && (int)WYN_FMT_FLOAT == FMT_FLOAT &&
               (int)WYN_FMT_BOOL == FMT_BOOL && (int)WYN_FMT_STR == FMT_STR &&
               (int)WYN_FMT_OTHER == FMT_OTHER,
               "wyn_rt.h and fmt_spec.h name the value classes alike");

/* What a value looks like before padding. */
typedef struct Rendered {
    const char *sign, *prefix;
    const char *body;
    int body_len;
    int int_digits; /* leading digits that separators group (numbers) */
    int zeros;      /* '0's added in front of those digits */
    int group_size; /* 3 or 4 digits between separators, 0: no separators */
    char sep;
    int chars;      /* width of the body in characters (code points) */
} Rendered;

static int count_chars(const char *s, int len)
{
    int n = 0;
    for (int i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Bytes of the first `chars` code points of s. */
static int prefix_bytes(const char *s, int len, int chars)
{
    int i = 0;
    for (; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && chars-- == 0)
            break;
    return i;
}

static int grouped_len(int digits, int group)
{
    return group && digits > 0 ? digits + (digits - 1) / group : digits;
}

static void put_fill(WynSB *out, const FmtSpec *sp, int n)
{
    for (int i = 0; i < n; i++) {
        if (sp->fill_len)
            rt_sb_append_bytes(out, sp->fill, sp->fill_len);
        else
            rt_sb_append_bytes(out, sp->zero ? "0" : " ", 1);
    }
}

static void put_body(WynSB *out, const Rendered *r)
{
    int digits = r->zeros + r->int_digits;
    for (int i = 0; i < digits; i++) {
        if (r->group_size && i > 0 && (digits - i) % r->group_size == 0)
            rt_sb_append_bytes(out, &r->sep, 1);
        rt_sb_append_bytes(out, i < r->zeros ? "0" : r->body + (i - r->zeros), 1);
    }
    rt_sb_append_bytes(out, r->body + r->int_digits, r->body_len - r->int_digits);
}

/* Writes sign, prefix and body padded to the spec's width and alignment. */
static void put_padded(WynSB *out, const FmtSpec *sp, Rendered *r, int number)
{
    int head = (int)(strlen(r->sign) + strlen(r->prefix));
    char align = sp->align ? sp->align : sp->zero ? '=' : number ? '>' : '<';
    int zero_fill = sp->zero && !sp->fill_len && align == '=';
    if (zero_fill && r->group_size) {
        /* the zeros become digits, so separators fall between them too */
        int want = sp->width - head - (r->body_len - r->int_digits);
        while (grouped_len(r->zeros + r->int_digits, r->group_size) < want)
            r->zeros++;
    }
    int chars = head + grouped_len(r->zeros + r->int_digits, r->group_size) - r->int_digits + r->chars;
    int pad = sp->width > chars ? sp->width - chars : 0;
    int before = align == '>' ? pad : align == '^' ? pad / 2 : 0;
    int after = align == '<' ? pad : align == '^' ? pad - pad / 2 : 0;
    put_fill(out, sp, before);
    rt_sb_append_cstr(out, r->sign);
    rt_sb_append_cstr(out, r->prefix);
    if (align == '=')
        put_fill(out, sp, pad);
    put_body(out, r);
    put_fill(out, sp, after);
}

static const char *sign_of(const FmtSpec *sp, int negative)
{
    if (negative)
        return "-";
    return sp->sign == '+' ? "+" : sp->sign == ' ' ? " " : "";
}

static int leading_digits(const char *s, int len)
{
    int i = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

static void format_int(WynSB *out, const FmtSpec *sp, wyn_int v)
{
    char k = sp->kind ? sp->kind : 'd';
    int base = k == 'x' || k == 'X' ? 16 : k == 'o' ? 8 : k == 'b' ? 2 : 10;
    const char *digit = k == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    wyn_uint mag = v < 0 ? 0 - (wyn_uint)v : (wyn_uint)v;
    char buf[64];
    int n = sizeof buf;
    do {
        buf[--n] = digit[mag % (wyn_uint)base];
        mag /= (wyn_uint)base;
    } while (mag);
    static const char *const prefixes[] = { "0x", "0X", "0o", "0b" };
    const char *prefix = "";
    if (sp->alt)
        prefix = prefixes[k == 'x' ? 0 : k == 'X' ? 1 : k == 'o' ? 2 : 3];
    Rendered r = {
        .sign = sign_of(sp, v < 0), .prefix = prefix, .body = buf + n,
        .body_len = (int)sizeof buf - n, .int_digits = (int)sizeof buf - n,
        .group_size = sp->group ? (base == 10 ? 3 : 4) : 0, .sep = sp->group,
    };
    r.chars = r.body_len;
    put_padded(out, sp, &r, 1);
}

/* The digits of |v| for a float spec into buf (grown with malloc when the
 * precision needs it; *heap is then set).  Returns the length. */
static int float_digits(const FmtSpec *sp, double v, char **buf, int size, int *heap)
{
    double mag = fabs(v);
    char k = sp->kind;
    int prec = sp->precision >= 0 ? sp->precision : 6;
    if (!k && sp->precision < 0)
        return rt_fmt_float(*buf, mag); /* SPEC §14 text, always short */
    char conv[8] = "%.*f";
    if (k && k != '%')
        conv[3] = k;
    if (k == '%')
        mag *= 100;
    int n = snprintf(*buf, (size_t)size, conv, prec, mag);
    if (n + 2 > size) {
        *buf = rt_malloc_raw((size_t)n + 2);
        *heap = 1;
        n = snprintf(*buf, (size_t)n + 1, conv, prec, mag);
    }
    if (k == '%')
        (*buf)[n++] = '%';
    return n;
}

static void format_float(WynSB *out, const FmtSpec *sp, double v)
{
    char small[RT_NUM_BUF + 360];
    char *buf = small;
    int heap = 0;
    int n = float_digits(sp, v, &buf, (int)sizeof small, &heap);
    int digits = leading_digits(buf, n);
    Rendered r = {
        .sign = sign_of(sp, signbit(v) && !isnan(v)), .prefix = "", .body = buf,
        .body_len = n, .int_digits = digits, .group_size = sp->group ? 3 : 0, .sep = sp->group,
        .chars = n,
    };
    put_padded(out, sp, &r, 1);
    if (heap)
        free(buf);
}

static void format_text(WynSB *out, const FmtSpec *sp, const char *s, int len)
{
    if (sp->precision >= 0)
        len = prefix_bytes(s, len, sp->precision);
    Rendered r = { .sign = "", .prefix = "", .body = s, .body_len = len, .chars = count_chars(s, len) };
    put_padded(out, sp, &r, 0);
}

/* Appends *arg formatted by the spec text; a bad spec or a misfit is a
 * runtime error at loc. */
static void format_one(WynSB *out, const WynFmtArg *arg, const char *spec, int len, wyn_loc loc)
{
    FmtSpec sp;
    char err[200];
    if (!fmt_spec_parse(spec, len, &sp, err, sizeof err) ||
        !fmt_spec_fits(&sp, spec, len, arg->kind, err, sizeof err)) {
        rt_sb_free(out);
        rt_panic(loc, err);
    }
    int float_kind = sp.kind && strchr("eEfFgG%", sp.kind);
    switch (arg->kind) {
    case WYN_FMT_INT:
        if (float_kind)
            format_float(out, &sp, (double)arg->v.i);
        else
            format_int(out, &sp, arg->v.i);
        break;
    case WYN_FMT_FLOAT: format_float(out, &sp, arg->v.f); break;
    case WYN_FMT_BOOL:
        format_text(out, &sp, arg->v.b ? "true" : "false", arg->v.b ? 4 : 5);
        break;
    default: format_text(out, &sp, arg->v.s->data, (int)arg->v.s->len); break;
    }
}

static WynStr *finish(WynSB *sb)
{
    WynStr *s = rt_sb_to_string(sb);
    rt_sb_free(sb);
    return s;
}

WynStr *rt_str_format(WynStr *fmt, const WynFmtArg *args, wyn_int n, wyn_loc loc)
{
    WynSB *out = rt_sb_new();
    int pos = 0, len = (int)fmt->len;
    wyn_int next = 0;
    for (;;) {
        FmtPiece pc = fmt_next_piece(fmt->data, len, &pos);
        if (pc.kind == FMT_PIECE_END)
            break;
        if (pc.kind == FMT_PIECE_TEXT) {
            rt_sb_append_bytes(out, fmt->data + pc.start, pc.len);
            continue;
        }
        if (pc.kind == FMT_PIECE_UNCLOSED) {
            rt_sb_free(out);
            rt_panic(loc, "format: '{:' has no closing '}'");
        }
        if (next >= n) {
            rt_sb_free(out);
            rt_panic(loc, "format: not enough arguments");
        }
        format_one(out, &args[next++], fmt->data + pc.start, pc.len, loc);
    }
    return finish(out);
}

WynStr *rt_str_format_spec(const WynFmtArg *arg, WynStr *spec, wyn_loc loc)
{
    WynSB *out = rt_sb_new();
    format_one(out, arg, spec->data, (int)spec->len, loc);
    return finish(out);
}
