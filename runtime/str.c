/*
 * str.c — the core of Wyn strings: creation, concatenation, comparison,
 * hashing, indexing and slicing, conversion to and from numbers.  The
 * text methods (upper, split, replace, ...) are in str_methods.c, format()
 * and format specs in str_format.c.
 *
 * A WynStr is immutable once returned, so results may share storage with
 * arguments (s + "" is s) and one-byte strings come from a static table of
 * immortal strings: s[i] in a loop allocates nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt_internal.h"
#include "rt_values.h"

/* ------------------------------------------------------ immortal strings */

typedef WYN_STR_LIT_TYPE(2) ByteStr;
#define BYTE_STR(b) {-1, 1, {(char)(b), 0}}
#define BYTE_ROW4(b) BYTE_STR(b), BYTE_STR((b) + 1), BYTE_STR((b) + 2), BYTE_STR((b) + 3)
#define BYTE_ROW16(b) BYTE_ROW4(b), BYTE_ROW4((b) + 4), BYTE_ROW4((b) + 8), BYTE_ROW4((b) + 12)
#define BYTE_ROW64(b) BYTE_ROW16(b), BYTE_ROW16((b) + 16), BYTE_ROW16((b) + 32), BYTE_ROW16((b) + 48)

static ByteStr byte_strs[256] = {
    BYTE_ROW64(0), BYTE_ROW64(64), BYTE_ROW64(128), BYTE_ROW64(192),
};
static WYN_STR_LIT_TYPE(1) empty_str = {-1, 0, ""};
static WYN_STR_LIT_TYPE(5) true_str = {-1, 4, "true"};
static WYN_STR_LIT_TYPE(6) false_str = {-1, 5, "false"};

WynStr *rt_str_byte(unsigned char b)
{
    return (WynStr *)&byte_strs[b];
}

WynStr *rt_str_empty(void)
{
    return (WynStr *)&empty_str;
}

/* ------------------------------------------------------------- creation */

WynStr *rt_str_alloc(wyn_int len)
{
    if (RT_UNLIKELY(len < 0 || (wyn_uint)len > (wyn_uint)LLONG_MAX / 2))
        rt_fatal(0, "out of memory");
    WynStr *s = rt_obj_alloc(sizeof(WynStr) + (size_t)len + 1);
    s->rc = 1; /* the caller's */
    s->len = len;
    s->data[len] = '\0';
    return s;
}

WynStr *rt_str_new_keep(const char *bytes, wyn_int len)
{
    if (len <= 0)
        return rt_str_empty();
    WynStr *s = rt_str_alloc(len);
    memcpy(s->data, bytes, (size_t)len);
    return s;
}

WynStr *rt_str_cstr_keep(const char *s)
{
    return s ? rt_str_new_keep(s, (wyn_int)strlen(s)) : rt_str_empty();
}

WynStr *rt_str_new(const char *bytes, wyn_int len)
{
    return rt_autorelease(rt_str_new_keep(bytes, len));
}

WynStr *rt_str_cstr(const char *s)
{
    return rt_autorelease(rt_str_cstr_keep(s));
}

/* -------------------------------------------------------- concatenation */

WynStr *rt_str_concat(WynStr *a, WynStr *b)
{
    if (a->len == 0)
        return b;
    if (b->len == 0)
        return a;
    WynStr *s = rt_str_alloc(a->len + b->len);
    memcpy(s->data, a->data, (size_t)a->len);
    memcpy(s->data + a->len, b->data, (size_t)b->len);
    return rt_autorelease(s);
}

WynStr *rt_str_concat_n(WynStr **parts, wyn_int n)
{
    if (n == 1)
        return parts[0]; /* borrowed, like concat with "" */
    return rt_autorelease(rt_str_concat_n_keep(parts, n));
}

WynStr *rt_str_concat_n_keep(WynStr **parts, wyn_int n)
{
    if (n == 1) {
        rt_retain(parts[0]);
        return parts[0];
    }
    wyn_int total = 0;
    for (wyn_int i = 0; i < n; i++)
        total += parts[i]->len;
    if (total == 0)
        return rt_str_empty();
    WynStr *s = rt_str_alloc(total);
    char *out = s->data;
    for (wyn_int i = 0; i < n; i++) {
        memcpy(out, parts[i]->data, (size_t)parts[i]->len);
        out += parts[i]->len;
    }
    return s;
}

WynStr *rt_str_repeat(WynStr *s, wyn_int n)
{
    if (n <= 0 || s->len == 0)
        return rt_str_empty();
    if (n == 1)
        return s;
    if ((wyn_uint)s->len > (wyn_uint)LLONG_MAX / 2 / (wyn_uint)n)
        rt_fatal(0, "out of memory");
    wyn_int total = s->len * n;
    WynStr *r = rt_str_alloc(total);
    memcpy(r->data, s->data, (size_t)s->len);
    /* double the filled prefix: log(n) memcpy calls */
    wyn_int filled = s->len;
    while (filled < total) {
        wyn_int chunk = filled < total - filled ? filled : total - filled;
        memcpy(r->data + filled, r->data, (size_t)chunk);
        filled += chunk;
    }
    return rt_autorelease(r);
}

/* ------------------------------------------------- comparison and hash */

wyn_bool rt_str_eq(WynStr *a, WynStr *b)
{
    return a == b ||
           (a->len == b->len && memcmp(a->data, b->data, (size_t)a->len) == 0);
}

wyn_int rt_str_cmp(WynStr *a, WynStr *b)
{
    wyn_int n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, (size_t)n);
    if (c)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

static inline uint64_t load_u64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* The murmur3 finalizer: every input bit affects every output bit. */
static inline uint64_t fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* A murmur3-style hash that eats 8 bytes per step: word counting hashes
 * millions of short keys, so the per-call cost matters more than the
 * per-byte cost. */
wyn_int rt_str_hash(WynStr *s)
{
    const uint64_t k1 = 0x87c37b91114253d5ULL, k2 = 0x4cf5ad432745937fULL;
    const char *p = s->data;
    size_t n = (size_t)s->len;
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t k = rotl64(load_u64(p) * k1, 31) * k2;
        h = rotl64(h ^ k, 27) * 5 + 0x52dce729;
    }
    if (n) {
        uint64_t k = 0;
        memcpy(&k, p, n);
        h ^= rotl64(k * k1, 31) * k2;
    }
    return (wyn_int)fmix64(h ^ (uint64_t)s->len);
}

/* --------------------------------------------------- indexing, slicing */

WynStr *rt_str_at(WynStr *s, wyn_int i, wyn_loc loc)
{
    wyn_int j = i < 0 ? i + s->len : i;
    if ((wyn_uint)j >= (wyn_uint)s->len)
        rt_index_oob(loc, i, s->len);
    return rt_str_byte((unsigned char)s->data[j]);
}

WynStr *rt_str_slice(WynStr *s, wyn_int lo, wyn_int hi)
{
    rt_slice_bounds(s->len, &lo, &hi);
    if (lo == 0 && hi == s->len)
        return s;
    if (hi - lo == 1)
        return rt_str_byte((unsigned char)s->data[lo]);
    return rt_autorelease(rt_str_new_keep(s->data + lo, hi - lo));
}

/* ------------------------------------------------------ to/from numbers */

WynStr *rt_str_from_int(wyn_int v)
{
    if (v >= 0 && v <= 9)
        return rt_str_byte((unsigned char)('0' + v));
    char buf[RT_NUM_BUF];
    return rt_autorelease(rt_str_new_keep(buf, rt_fmt_int(buf, v)));
}

WynStr *rt_str_from_float(double v)
{
    char buf[RT_NUM_BUF];
    return rt_autorelease(rt_str_new_keep(buf, rt_fmt_float(buf, v)));
}

WynStr *rt_str_from_bool(wyn_bool v)
{
    return v ? (WynStr *)&true_str : (WynStr *)&false_str;
}

WYN_NORETURN static void invalid_number(WynStr *s, wyn_loc loc)
{
    char msg[256];
    int shown = s->len > 200 ? 200 : (int)s->len;
    snprintf(msg, sizeof msg, "invalid number: \"%.*s\"%s", shown, s->data,
             s->len > shown ? "..." : "");
    rt_panic(loc, msg);
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* Base from a 0x / 0o / 0b prefix (consumed), else 10. */
static int take_base_prefix(const char **p, const char *end)
{
    if (end - *p < 3 || (*p)[0] != '0')
        return 10;
    char c = (char)((*p)[1] | 0x20);
    int base = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 10;
    if (base != 10)
        *p += 2;
    return base;
}

/* Strict integer text: [+-] then [0x|0o|0b] then digits, with single '_'
 * allowed between digits (as in source literals).  No whitespace. */
wyn_int rt_str_to_int(WynStr *s, wyn_loc loc)
{
    const char *p = s->data, *end = s->data + s->len;
    int negative = 0;
    if (p < end && (*p == '+' || *p == '-'))
        negative = *p++ == '-';
    int base = take_base_prefix(&p, end);
    wyn_uint limit = negative ? (wyn_uint)LLONG_MAX + 1 : (wyn_uint)LLONG_MAX;
    wyn_uint value = 0;
    if (p == end)
        invalid_number(s, loc);
    for (; p < end; p++) {
        if (*p == '_' && p + 1 < end && digit_value(p[1]) < base &&
            p > s->data && digit_value(p[-1]) < base)
            continue;
        int d = digit_value(*p);
        if (d >= base || value > (limit - (wyn_uint)d) / (wyn_uint)base)
            invalid_number(s, loc);
        value = value * (wyn_uint)base + (wyn_uint)d;
    }
    return negative ? (wyn_int)(0 - value) : (wyn_int)value;
}

double rt_str_to_float(WynStr *s, wyn_loc loc)
{
    /* strtod would skip leading blanks and stop at an embedded NUL */
    if (s->len == 0 || isspace((unsigned char)s->data[0]))
        invalid_number(s, loc);
    char *end;
    double v = strtod(s->data, &end);
    if (end != s->data + s->len)
        invalid_number(s, loc);
    return v;
}
