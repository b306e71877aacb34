/*
 * sb.c — StringBuilder: an append-only byte buffer that grows by doubling.
 * The code generator also uses builders to assemble print lines and the
 * text of composite values (arrays, maps, structs), so appends of small
 * pieces must stay cheap: the common case is one capacity check and a
 * memcpy.  data is not NUL-terminated; to_string copies it out.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "rt_internal.h"
#include "rt_values.h"

/* First buffer: enough for a typical print line without regrowing. */
#define SB_MIN_CAP 64

WynSB *rt_sb_new(void)
{
    WynSB *sb = rt_obj_calloc(sizeof(WynSB)); /* len 0, cap 0, data NULL */
    sb->rc = 1; /* the caller's: rt_sb_free, or rt_autorelease_sb */
    return sb;
}

/* Makes room for extra more bytes. */
__attribute__((noinline)) static void sb_grow(WynSB *sb, wyn_int extra)
{
    wyn_int need = sb->len + extra;
    if (RT_UNLIKELY(extra < 0 || need < sb->len))
        rt_fatal(0, "out of memory");
    wyn_int cap = sb->cap < SB_MIN_CAP ? SB_MIN_CAP : sb->cap;
    while (cap < need)
        cap = cap > LLONG_MAX / 2 ? need : cap * 2;
    sb->data = rt_realloc(sb->data, cap);
    sb->cap = cap;
}

static inline char *sb_reserve(WynSB *sb, wyn_int extra)
{
    if (RT_UNLIKELY(sb->cap - sb->len < extra))
        sb_grow(sb, extra);
    return sb->data + sb->len;
}

void rt_sb_append_bytes(WynSB *sb, const char *p, wyn_int n)
{
    if (n <= 0)
        return;
    memcpy(sb_reserve(sb, n), p, (size_t)n);
    sb->len += n;
}

void rt_sb_append(WynSB *sb, WynStr *s)
{
    rt_sb_append_bytes(sb, s->data, s->len);
}

void rt_sb_append_cstr(WynSB *sb, const char *s)
{
    if (s)
        rt_sb_append_bytes(sb, s, (wyn_int)strlen(s));
}

void rt_sb_append_int(WynSB *sb, wyn_int v)
{
    sb->len += rt_fmt_int(sb_reserve(sb, RT_NUM_BUF), v);
}

void rt_sb_append_float(WynSB *sb, double v)
{
    sb->len += rt_fmt_float(sb_reserve(sb, RT_NUM_BUF), v);
}

void rt_sb_append_bool(WynSB *sb, wyn_bool v)
{
    if (v)
        rt_sb_append_bytes(sb, "true", 4);
    else
        rt_sb_append_bytes(sb, "false", 5);
}

/* The escape for byte c inside a quoted string, or 0 if it stands as is. */
static char quote_escape(char c)
{
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\n': return 'n';
    case '\t': return 't';
    case '\r': return 'r';
    default: return 0;
    }
}

void rt_sb_append_quoted(WynSB *sb, WynStr *s)
{
    /* worst case every byte doubles, plus the two quotes */
    char *out = sb_reserve(sb, s->len * 2 + 2);
    char *start = out;
    *out++ = '"';
    for (wyn_int i = 0; i < s->len; i++) {
        char c = s->data[i];
        char e = quote_escape(c);
        if (e) {
            *out++ = '\\';
            *out++ = e;
        } else {
            *out++ = c;
        }
    }
    *out++ = '"';
    sb->len += out - start;
}

wyn_int rt_sb_len(WynSB *sb)
{
    return sb->len;
}

WynStr *rt_sb_to_str_keep(WynSB *sb)
{
    return rt_str_new_keep(sb->data, sb->len);
}

WynStr *rt_sb_to_string(WynSB *sb)
{
    return rt_autorelease(rt_str_new_keep(sb->data, sb->len));
}

void rt_release_sb(WynSB *sb)
{
    if (rt_rc_release(sb)) {
        free(sb->data);
        sb->rc = 0;
        rt_obj_free(sb);
    }
}

void rt_sb_free(WynSB *sb)
{
    rt_release_sb(sb);
}

void rt_sb_append_line(WynSB *sb, WynStr *s)
{
    rt_sb_append(sb, s);
    rt_sb_append_bytes(sb, "\n", 1);
}

void rt_sb_clear(WynSB *sb)
{
    sb->len = 0;
}
