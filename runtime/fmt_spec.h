/*
 * fmt_spec.h — the one parser of format specs (SPEC §10 "Format specs"),
 * shared by the runtime and the checker.
 *
 * A spec is the text after ':' in "{:spec}" (format) or "${value:spec}"
 * (interpolation), Python's format mini-language:
 *
 *     [[fill]align][sign][#][0][width][,|_][.precision][kind]
 *
 *   align      <  >  ^  =  (= pads between the sign and the digits)
 *   sign       +  -  space
 *   #          0x / 0X / 0o / 0b prefix for the kinds x X o b
 *   0          zero padding (fill '0', align '=' unless given)
 *   ,  _       thousands separators (_ groups x X o b by four digits)
 *   .precision digits after the point (floats), characters kept (text)
 *   kind       s (text)  d x X o b (int)  e E f F g G % (number)
 *
 * Which specs fit which value follows Python: d x X o b need an int; e f g %
 * take an int or a float; sign, '=', '0' and separators need a number;
 * precision fits floats, text, and ints only with e f g %.  One difference:
 * a float with a precision and no kind is fixed point (`{:.2}` of 3.14159
 * is "3.14", as in Rust), not Python's significant digits.
 *
 * Why a header-only file: the checker reports a spec that does not fit as a
 * compile error when the format string is a literal, and the runtime as a
 * runtime error otherwise; both must accept exactly the same specs with the
 * same words.  This file is pure (no allocation, no runtime state, nothing
 * from wyn_rt.h or rt_internal.h), so front/check_format.c and
 * runtime/str_format.c include it and the grammar exists once.  Generated
 * code never sees it: it passes the spec text to rt_str_format_spec.
 */
#ifndef WYN_FMT_SPEC_H
#define WYN_FMT_SPEC_H

#include <stdio.h>
#include <string.h>

/* Widths and precisions above this are refused: a typo such as {:1000000000}
 * must not ask for a gigabyte. */
#define FMT_SPEC_MAX_NUMBER 10000

/* What a spec is applied to; the runtime's WYN_FMT_* values equal these. */
enum FmtClass { FMT_INT, FMT_FLOAT, FMT_BOOL, FMT_STR, FMT_OTHER };

typedef struct FmtSpec {
    char fill[4];    /* one UTF-8 character, fill_len bytes (0: not given) */
    int fill_len;
    char align;      /* 0 (not given), '<', '>', '^', '=' */
    char sign;       /* 0, '+', '-', ' ' */
    char alt;        /* '#' given */
    char zero;       /* '0' given */
    char group;      /* 0, ',', '_' */
    char kind;       /* 0 or one of "sdxXobeEfFgG%" */
    int width;       /* -1: not given */
    int precision;   /* -1: not given */
} FmtSpec;

static inline int fmt_spec_is_align(char c)
{
    return c == '<' || c == '>' || c == '^' || c == '=';
}

/* Bytes of the UTF-8 character that starts with byte c (1 for bad bytes). */
static inline int fmt_spec_char_len(unsigned char c)
{
    return c >= 0xF0 && c < 0xF8 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Reads digits at s[*i] into *out; returns 0 when the number is too large. */
static inline int fmt_spec_number(const char *s, int len, int *i, int *out)
{
    int v = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        if (v > FMT_SPEC_MAX_NUMBER)
            return 0;
        (*i)++;
    }
    *out = v;
    return 1;
}

/* Parses spec text (without the ':').  Returns 1, or 0 with a message in
 * err ("unknown format kind 'q'", ...). */
static inline int fmt_spec_parse(const char *s, int len, FmtSpec *sp, char *err, int errsize)
{
    *sp = (FmtSpec){ .width = -1, .precision = -1 };
    int i = 0;
    int fl = len > 0 ? fmt_spec_char_len((unsigned char)s[0]) : 1;
    if (fl < len && fmt_spec_is_align(s[fl])) { /* fill then align */
        for (int k = 0; k < fl; k++)
            sp->fill[k] = s[k];
        sp->fill_len = fl;
        sp->align = s[fl];
        i = fl + 1;
    } else if (i < len && fmt_spec_is_align(s[i])) {
        sp->align = s[i++];
    }
    if (i < len && (s[i] == '+' || s[i] == '-' || s[i] == ' '))
        sp->sign = s[i++];
    if (i < len && s[i] == '#')
        sp->alt = s[i++];
    if (i < len && s[i] == '0')
        sp->zero = s[i++];
    if (i < len && s[i] >= '0' && s[i] <= '9' && !fmt_spec_number(s, len, &i, &sp->width)) {
        snprintf(err, (size_t)errsize, "format width is too large (at most %d)", FMT_SPEC_MAX_NUMBER);
        return 0;
    }
    if (i < len && (s[i] == ',' || s[i] == '_'))
        sp->group = s[i++];
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || s[i] < '0' || s[i] > '9') {
            snprintf(err, (size_t)errsize, "format precision needs digits after '.'");
            return 0;
        }
        if (!fmt_spec_number(s, len, &i, &sp->precision)) {
            snprintf(err, (size_t)errsize, "format precision is too large (at most %d)", FMT_SPEC_MAX_NUMBER);
            return 0;
        }
    }
    if (i < len) {
        char c = s[i];
        int known = c && strchr("sdxXobeEfFgG%", c) != NULL;
        if (!known || i + 1 < len) {
            if (known || (unsigned char)c >= 0x80)
                snprintf(err, (size_t)errsize, "invalid format spec ':%.*s'", len > 40 ? 40 : len, s);
            else
                snprintf(err, (size_t)errsize, "unknown format kind '%c' in ':%.*s' (kinds: s d x X o b e E f F g G %%)",
                         c, len > 40 ? 40 : len, s);
            return 0;
        }
        sp->kind = c;
    }
    return 1;
}

static inline const char *fmt_spec_class_name(int cls)
{
    switch (cls) {
    case FMT_INT: return "an int";
    case FMT_FLOAT: return "a float";
    case FMT_BOOL: return "a bool";
    case FMT_STR: return "a string";
    default: return "this value";
    }
}

/* Does the parsed spec fit a value of class cls?  Returns 1, or 0 with the
 * reason in err, e.g. "format spec ':x' does not fit a string (the kind 'x'
 * needs an int)". */
static inline int fmt_spec_fits(const FmtSpec *sp, const char *text, int len, int cls,
                                char *err, int errsize)
{
    int number = cls == FMT_INT || cls == FMT_FLOAT;
    char k = sp->kind;
    int int_kind = k && strchr("dxXob", k), float_kind = k && strchr("eEfFgG%", k);
    char why[96] = "";
    if (int_kind && cls != FMT_INT)
        snprintf(why, sizeof why, "the kind '%c' needs an int", k);
    else if (float_kind && !number)
        snprintf(why, sizeof why, "the kind '%c' needs a number", k);
    else if (k == 's' && number)
        snprintf(why, sizeof why, "the kind 's' needs text");
    else if (sp->sign && !number)
        snprintf(why, sizeof why, "a sign needs a number");
    else if (sp->align == '=' && !number)
        snprintf(why, sizeof why, "'=' alignment needs a number");
    else if (sp->zero && !number)
        snprintf(why, sizeof why, "zero padding needs a number");
    else if (sp->group && !number)
        snprintf(why, sizeof why, "a thousands separator needs a number");
    else if (sp->group == ',' && k && strchr("xXob", k))
        snprintf(why, sizeof why, "',' groups decimal digits only; use '_' with '%c'", k);
    else if (sp->alt && !(k && strchr("xXob", k)))
        snprintf(why, sizeof why, "'#' needs the kind x, X, o or b");
    else if (sp->precision >= 0 && cls == FMT_INT && !float_kind)
        snprintf(why, sizeof why, "an int takes no precision; use the kind f or e");
    if (!why[0])
        return 1;
    snprintf(err, (size_t)errsize, "format spec ':%.*s' does not fit %s (%s)",
             len > 40 ? 40 : len, text, fmt_spec_class_name(cls), why);
    return 0;
}

/* One piece of a format() string, as returned by fmt_next_piece. */
enum FmtPieceKind { FMT_PIECE_END, FMT_PIECE_TEXT, FMT_PIECE_FIELD, FMT_PIECE_UNCLOSED };

typedef struct FmtPiece {
    int kind;
    int start, len; /* TEXT: the bytes to copy; FIELD: the spec text (may be empty) */
    int at;         /* offset of the piece in the format string */
} FmtPiece;

/* Steps over a format() string from *pos: "{}" and "{:spec}" are fields,
 * "{{" and "}}" one brace, anything else (a lone brace, "{name}") text as
 * written.  "{:" without a closing '}' is FMT_PIECE_UNCLOSED. */
static inline FmtPiece fmt_next_piece(const char *s, int len, int *pos)
{
    int p = *pos;
    FmtPiece pc = { FMT_PIECE_END, p, 0, p };
    if (p >= len)
        return pc;
    if (s[p] == '{' && p + 1 < len && s[p + 1] == '}') {
        pc.kind = FMT_PIECE_FIELD;
        pc.start = p + 2;
        *pos = p + 2;
        return pc;
    }
    if (s[p] == '{' && p + 1 < len && s[p + 1] == ':') {
        int q = p + 2;
        while (q < len && s[q] != '}')
            q++;
        if (q >= len) {
            pc.kind = FMT_PIECE_UNCLOSED;
            return pc;
        }
        pc.kind = FMT_PIECE_FIELD;
        pc.start = p + 2;
        pc.len = q - (p + 2);
        *pos = q + 1;
        return pc;
    }
    pc.kind = FMT_PIECE_TEXT;
    if ((s[p] == '{' || s[p] == '}') && p + 1 < len && s[p + 1] == s[p]) {
        pc.len = 1; /* "{{" or "}}" */
        *pos = p + 2;
        return pc;
    }
    int q = p + 1; /* plain text up to the next brace */
    while (q < len && s[q] != '{' && s[q] != '}')
        q++;
    pc.len = q - p;
    *pos = q;
    return pc;
}

#endif
