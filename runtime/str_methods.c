/*
 * str_methods.c — the text methods of Wyn strings (SPEC §10): case,
 * trimming, searching, replace, split/lines/chars/bytes, reverse.
 *
 * Strings are UTF-8 bytes.  Case mapping and trimming are ASCII only;
 * chars(), split("") and reverse() work on code points, treating a
 * malformed byte as a code point of its own so that nothing is lost.
 * Results that equal the input (trim of a trimmed string, replace with no
 * match) are the input itself: strings are immutable.
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>
#include "rt_internal.h"
#include "rt_values.h"

static int is_ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r'); /* \t \n \v \f \r */
}

/* Bytes in the UTF-8 sequence starting at p.  A malformed sequence (bad
 * lead byte, missing continuation bytes, cut off by end) counts as one
 * byte, so every byte of the input lands in exactly one piece. */
static wyn_int utf8_len(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    wyn_int n = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 1;
    if (n > end - p)
        return 1;
    for (wyn_int i = 1; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

/* A piece of s as a string: shares the static one-byte strings. */
static WynStr *piece(const char *p, wyn_int n)
{
    if (n == 1)
        return rt_str_byte((unsigned char)*p);
    return rt_str_new_keep(p, n);
}

/* Appends s, whose reference the array takes. */
static void push_str(WynArr *a, WynStr *s)
{
    *(WynStr **)rt_arr_push_slot(a) = s;
}

/* ------------------------------------------------------------------ case */

static WynStr *map_ascii_case(WynStr *s, char from_lo, char from_hi)
{
    const char *p = s->data;
    wyn_int i = 0;
    while (i < s->len && !(p[i] >= from_lo && p[i] <= from_hi))
        i++;
    if (i == s->len)
        return s; /* nothing to change */
    WynStr *r = rt_str_alloc(s->len);
    memcpy(r->data, p, (size_t)i);
    for (; i < s->len; i++) {
        char c = p[i];
        r->data[i] = (c >= from_lo && c <= from_hi) ? (char)(c ^ 0x20) : c;
    }
    return rt_autorelease(r);
}

WynStr *rt_str_upper(WynStr *s)
{
    return map_ascii_case(s, 'a', 'z');
}

WynStr *rt_str_lower(WynStr *s)
{
    return map_ascii_case(s, 'A', 'Z');
}

/* -------------------------------------------------------------- trimming */

static WynStr *trim_range(WynStr *s, int start, int end)
{
    wyn_int lo = 0, hi = s->len;
    while (start && lo < hi && is_ascii_space((unsigned char)s->data[lo]))
        lo++;
    while (end && hi > lo && is_ascii_space((unsigned char)s->data[hi - 1]))
        hi--;
    return rt_str_slice(s, lo, hi);
}

WynStr *rt_str_trim(WynStr *s)
{
    return trim_range(s, 1, 1);
}

WynStr *rt_str_trim_start(WynStr *s)
{
    return trim_range(s, 1, 0);
}

WynStr *rt_str_trim_end(WynStr *s)
{
    return trim_range(s, 0, 1);
}

/* ------------------------------------------------------------- searching */

/* First occurrence of sub in s at or after byte from, or NULL. */
static const char *find_from(WynStr *s, wyn_int from, WynStr *sub)
{
    if (sub->len == 1)
        return memchr(s->data + from, sub->data[0], (size_t)(s->len - from));
    return memmem(s->data + from, (size_t)(s->len - from), sub->data,
                  (size_t)sub->len);
}

wyn_int rt_str_index_of(WynStr *s, WynStr *sub)
{
    if (sub->len == 0)
        return 0;
    const char *hit = find_from(s, 0, sub);
    return hit ? hit - s->data : -1;
}

wyn_bool rt_str_contains(WynStr *s, WynStr *sub)
{
    return rt_str_index_of(s, sub) >= 0;
}

wyn_bool rt_str_starts_with(WynStr *s, WynStr *p)
{
    return p->len <= s->len && memcmp(s->data, p->data, (size_t)p->len) == 0;
}

wyn_bool rt_str_ends_with(WynStr *s, WynStr *p)
{
    return p->len <= s->len &&
           memcmp(s->data + s->len - p->len, p->data, (size_t)p->len) == 0;
}

/* ---------------------------------------------------------------- replace */

WynStr *rt_str_replace(WynStr *s, WynStr *from, WynStr *to)
{
    if (from->len == 0)
        return s;
    wyn_int count = 0;
    for (const char *hit = find_from(s, 0, from); hit;
         hit = find_from(s, hit - s->data + from->len, from))
        count++;
    if (count == 0)
        return s;
    WynStr *r = rt_str_alloc(s->len + count * (to->len - from->len));
    char *out = r->data;
    wyn_int pos = 0;
    for (const char *hit = find_from(s, 0, from); hit;
         hit = find_from(s, pos, from)) {
        wyn_int at = hit - s->data;
        memcpy(out, s->data + pos, (size_t)(at - pos));
        out += at - pos;
        memcpy(out, to->data, (size_t)to->len);
        out += to->len;
        pos = at + from->len;
    }
    memcpy(out, s->data + pos, (size_t)(s->len - pos));
    return rt_autorelease(r);
}

/* ------------------------------------------------------- splitting apart */

WynArr *rt_str_chars(WynStr *s)
{
    WynArr *a = rt_arr_new_ops(sizeof(WynStr *), s->len, &rt_str_ops);
    const char *p = s->data, *end = s->data + s->len;
    while (p < end) {
        wyn_int n = utf8_len(p, end);
        push_str(a, piece(p, n));
        p += n;
    }
    return a;
}

WynArr *rt_str_split(WynStr *s, WynStr *sep)
{
    if (sep->len == 0)
        return rt_str_chars(s);
    WynArr *a = rt_arr_new_ops(sizeof(WynStr *), 4, &rt_str_ops);
    wyn_int pos = 0;
    for (const char *hit = find_from(s, 0, sep); hit;
         hit = find_from(s, pos, sep)) {
        wyn_int at = hit - s->data;
        push_str(a, piece(s->data + pos, at - pos));
        pos = at + sep->len;
    }
    push_str(a, piece(s->data + pos, s->len - pos));
    return a;
}

/* Lines without their "\n" or "\r\n"; a final newline does not start an
 * empty last line, so "" and "\n"... give [] and [""]. */
WynArr *rt_str_lines(WynStr *s)
{
    WynArr *a = rt_arr_new_ops(sizeof(WynStr *), 4, &rt_str_ops);
    const char *p = s->data, *end = s->data + s->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        wyn_int n = stop - p;
        if (n > 0 && p[n - 1] == '\r')
            n--;
        push_str(a, piece(p, n));
        p = nl ? nl + 1 : end;
    }
    return a;
}

WynArr *rt_str_bytes(WynStr *s)
{
    WynArr *a = rt_arr_new(sizeof(wyn_int), s->len);
    wyn_int *out = (wyn_int *)a->data;
    for (wyn_int i = 0; i < s->len; i++)
        out[i] = (unsigned char)s->data[i];
    a->len = s->len;
    return a;
}

WynStr *rt_str_reverse(WynStr *s)
{
    if (s->len <= 1)
        return s;
    WynStr *r = rt_str_alloc(s->len);
    const char *p = s->data, *end = s->data + s->len;
    char *out = r->data + s->len;
    while (p < end) {
        wyn_int n = utf8_len(p, end);
        out -= n;
        memcpy(out, p, (size_t)n);
        p += n;
    }
    return rt_autorelease(r);
}
