/*
 * io_json.c — Json.parse and friends (I/O library, SPEC §13).
 *
 * A parsed document is a tree of immutable heap nodes; a value handle is
 * the node's address cast to wyn_int (0 is never a node).  Handles are ints,
 * so their lifetime cannot be counted: a parsed tree lives until the
 * process exits (its root is kept reachable with rt_mem_keep).  The tree
 * owns its strings; getters return them borrowed (valid for ever), keys()
 * returns a new array that retains them.  A parse that fails frees what it
 * built.  Inside the runtime (io_internal.h), io_json_parse_owned parses
 * without keeping and io_json_free frees such a tree (strings released,
 * nodes freed): the fuzzer uses them to check that a parse leaks nothing.
 *
 * Parser: recursive descent over (pointer, length) — it never reads past
 * the given length and never relies on a terminating NUL, so it can be
 * fuzzed on raw bytes (tests/fuzz/json_fuzz.c).  Strict RFC 8259 grammar:
 * any value at top level, only whitespace after it, no trailing commas, no
 * comments, no leading zeros, no control characters inside strings.
 * Nesting depth is limited to JSON_MAX_DEPTH.  \uXXXX escapes become UTF-8;
 * a surrogate pair becomes one code point and a lone surrogate becomes
 * U+FFFD.  Bytes >= 0x80 are copied as they are (not validated).
 *
 * Numbers keep both readings: `i` (exact when the text is an integer that
 * fits in 64 bits) and `d` (strtod).  get_int of a non-integer truncates.
 * Objects keep their members in text order; a repeated key keeps the
 * position of its first occurrence and the value of its last.  Objects with
 * more than JSON_INDEX_MIN members get a hash index (a runtime map).
 *
 * Errors: rt_json_parse panics with "invalid JSON at offset N: WHAT";
 * rt_json_parse_checked (declared in io_internal.h) returns 0 and writes
 * the same text to a buffer instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "wyn_rt.h"
#include "rt_internal.h"
#include "rt_values.h"
#include "io_internal.h"

#define JSON_MAX_DEPTH 512
#define JSON_INDEX_MIN 8
#define JSON_MAGIC 0x4a534f4eu

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct JNode JNode;
struct JNode {
    uint32_t magic;
    uint8_t type;
    uint8_t is_int;        /* J_NUM: i is exact */
    uint8_t b;             /* J_BOOL */
    wyn_int n;             /* J_ARR / J_OBJ: member count */
    wyn_int i;             /* J_NUM */
    double d;              /* J_NUM */
    WynStr *s;             /* J_STR */
    JNode **items;         /* J_ARR elements, J_OBJ values */
    WynStr **keys;         /* J_OBJ */
    WynMap *index;         /* J_OBJ with many keys: key -> position + 1 */
};

static const char *const type_names[] = {
    "null", "a bool", "a number", "a string", "an array", "an object"
};

/* ------------------------------------------------------------- parser */

typedef struct {
    const unsigned char *p, *end, *start;
    char *err;
    size_t errlen;
    int failed;
} JP;

static JNode *jp_fail(JP *jp, const unsigned char *at, const char *what)
{
    if (!jp->failed) {
        jp->failed = 1;
        if (jp->err && jp->errlen)
            snprintf(jp->err, jp->errlen, "invalid JSON at offset %lld: %s",
                     (long long)(at - jp->start), what);
    }
    return NULL;
}

static JNode *node_new(int type)
{
    JNode *n = rt_alloc(sizeof *n);
    n->magic = JSON_MAGIC;
    n->type = (uint8_t)type;
    return n;
}

static void skip_ws(JP *jp)
{
    while (jp->p < jp->end &&
           (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
        jp->p++;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Four hex digits at p (p + 4 <= end checked by caller); -1 if bad. */
static int hex4(const unsigned char *p)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(p[k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static int utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* jp->p is at the opening quote.  Two passes: validate and measure, then
 * decode into a string of exactly the right size. */
static WynStr *parse_string(JP *jp)
{
    const unsigned char *q = jp->p + 1, *end = jp->end;
    size_t outlen = 0;
    int has_esc = 0;
    for (;;) {
        if (q >= end)
            return (WynStr *)jp_fail(jp, jp->p, "unterminated string");
        unsigned char c = *q;
        if (c == '"')
            break;
        if (c < 0x20)
            return (WynStr *)jp_fail(jp, q, "control character in string");
        if (c != '\\') {
            q++;
            outlen++;
            continue;
        }
        has_esc = 1;
        if (q + 1 >= end)
            return (WynStr *)jp_fail(jp, jp->p, "unterminated string");
        switch (q[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            q += 2;
            outlen++;
            break;
        case 'u': {
            if (end - q < 6)
                return (WynStr *)jp_fail(jp, q, "bad \\u escape");
            int v = hex4(q + 2);
            if (v < 0)
                return (WynStr *)jp_fail(jp, q, "bad \\u escape");
            q += 6;
            if (v >= 0xD800 && v <= 0xDBFF && end - q >= 6 && q[0] == '\\' && q[1] == 'u') {
                int lo = hex4(q + 2);
                if (lo < 0)
                    return (WynStr *)jp_fail(jp, q, "bad \\u escape");
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    q += 6;
                    outlen += 4;
                    break;
                }
            }
            outlen += v < 0x80 ? 1 : v < 0x800 ? 2 : 3; /* lone surrogate: U+FFFD, 3 bytes */
            break;
        }
        default:
            return (WynStr *)jp_fail(jp, q, "bad escape in string");
        }
    }
    const unsigned char *body = jp->p + 1;
    jp->p = q + 1;
    if (!has_esc)
        return rt_str_new_keep((const char *)body, (wyn_int)outlen);
    WynStr *s = rt_str_alloc((wyn_int)outlen);
    char *o = s->data;
    const unsigned char *r = body;
    while (r < q) {
        if (*r != '\\') {
            *o++ = (char)*r++;
            continue;
        }
        switch (r[1]) {
        case 'b': *o++ = '\b'; r += 2; break;
        case 'f': *o++ = '\f'; r += 2; break;
        case 'n': *o++ = '\n'; r += 2; break;
        case 'r': *o++ = '\r'; r += 2; break;
        case 't': *o++ = '\t'; r += 2; break;
        case 'u': {
            uint32_t v = (uint32_t)hex4(r + 2);
            r += 6;
            if (v >= 0xD800 && v <= 0xDBFF && q - r >= 6 && r[0] == '\\' && r[1] == 'u') {
                int lo = hex4(r + 2);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    v = 0x10000 + ((v - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                    r += 6;
                }
            }
            if (v >= 0xD800 && v <= 0xDFFF)
                v = 0xFFFD;
            o += utf8_put(o, v);
            break;
        }
        default: *o++ = (char)r[1]; r += 2; break; /* " \ / */
        }
    }
    return s;
}

static JNode *parse_number(JP *jp)
{
    const unsigned char *s = jp->p, *q = s, *end = jp->end;
    int is_int = 1;
    if (q < end && *q == '-')
        q++;
    if (q >= end || *q < '0' || *q > '9')
        return jp_fail(jp, s, "bad number");
    if (*q == '0') {
        q++;
        if (q < end && *q >= '0' && *q <= '9')
            return jp_fail(jp, s, "leading zero in number");
    } else {
        while (q < end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < end && *q == '.') {
        is_int = 0;
        q++;
        if (q >= end || *q < '0' || *q > '9')
            return jp_fail(jp, q, "digit expected after '.'");
        while (q < end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        is_int = 0;
        q++;
        if (q < end && (*q == '+' || *q == '-'))
            q++;
        if (q >= end || *q < '0' || *q > '9')
            return jp_fail(jp, q, "digit expected in exponent");
        while (q < end && *q >= '0' && *q <= '9')
            q++;
    }
    size_t len = (size_t)(q - s);
    char small[64];
    char *buf = len < sizeof small ? small : rt_malloc_raw(len + 1);
    memcpy(buf, s, len);
    buf[len] = 0;
    JNode *n = node_new(J_NUM);
    n->d = strtod(buf, NULL);
    if (is_int) {
        errno = 0;
        long long v = strtoll(buf, NULL, 10);
        if (errno == 0) {
            n->i = v;
            n->is_int = 1;
        }
    }
    if (!n->is_int)
        n->i = rt_float_to_int(n->d);
    if (buf != small)
        free(buf);
    jp->p = q;
    return n;
}

static int match_word(JP *jp, const char *w, size_t n)
{
    if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, w, n) != 0)
        return 0;
    jp->p += n;
    return 1;
}

static JNode *parse_value(JP *jp, int depth);

/* Frees a tree that is not (yet) handed out: a failed parse's pieces, or
 * a tree from io_json_parse_owned (io_json_free).  Recursion depth is
 * bounded by JSON_MAX_DEPTH. */
static void node_free(JNode *n)
{
    if (!n)
        return;
    n->magic = 0; /* a stale handle fails jnode()'s check instead of reading freed nodes' fields */
    switch (n->type) {
    case J_STR:
        rt_release_str(n->s);
        break;
    case J_ARR:
    case J_OBJ:
        for (wyn_int k = 0; k < n->n; k++) {
            node_free(n->items[k]);
            if (n->keys)
                rt_release_str(n->keys[k]);
        }
        free(n->items);
        free(n->keys);
        rt_release_map(n->index);
        break;
    }
    free(n);
}

/* Growing scratch arrays for members, in the heap (never on a parked
 * stack: parsing does not park, but keep frames small for deep nesting). */
typedef struct {
    JNode **items;
    WynStr **keys;
    wyn_int n, cap;
} Members;

static void members_push(Members *m, WynStr *key, JNode *v)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 4;
        m->items = rt_realloc(m->items, m->cap * (wyn_int)sizeof *m->items);
        if (key || m->keys)
            m->keys = rt_realloc(m->keys, m->cap * (wyn_int)sizeof *m->keys);
    }
    m->items[m->n] = v;
    if (key)
        m->keys[m->n] = key;
    m->n++;
}

static void members_free(Members *m)
{
    for (wyn_int k = 0; k < m->n; k++) {
        node_free(m->items[k]);
        if (m->keys)
            rt_release_str(m->keys[k]);
    }
    free(m->items);
    free(m->keys);
}

static JNode *array_fail(Members *m, JNode *r)
{
    members_free(m);
    return r;
}

static JNode *parse_array(JP *jp, int depth)
{
    const unsigned char *open = jp->p;
    jp->p++;
    Members m = { 0 };
    skip_ws(jp);
    if (jp->p < jp->end && *jp->p == ']') {
        jp->p++;
    } else {
        for (;;) {
            JNode *v = parse_value(jp, depth + 1);
            if (!v)
                return array_fail(&m, NULL);
            members_push(&m, NULL, v);
            skip_ws(jp);
            if (jp->p >= jp->end)
                return array_fail(&m, jp_fail(jp, open, "unterminated array"));
            if (*jp->p == ',') {
                jp->p++;
                continue;
            }
            if (*jp->p == ']') {
                jp->p++;
                break;
            }
            return array_fail(&m, jp_fail(jp, jp->p, "expected ',' or ']' in array"));
        }
    }
    JNode *n = node_new(J_ARR);
    n->n = m.n;
    n->items = m.items;
    return n;
}

static JNode *object_fail(Members *m, WynMap *index, WynStr *key, JNode *r)
{
    members_free(m);
    rt_release_map(index);
    rt_release_str(key);
    return r;
}

static JNode *parse_object(JP *jp, int depth)
{
    const unsigned char *open = jp->p;
    jp->p++;
    Members m = { 0 };
    WynMap *index = NULL;
    skip_ws(jp);
    if (jp->p < jp->end && *jp->p == '}') {
        jp->p++;
    } else {
        for (;;) {
            skip_ws(jp);
            if (jp->p >= jp->end)
                return object_fail(&m, index, NULL, jp_fail(jp, open, "unterminated object"));
            if (*jp->p != '"')
                return object_fail(&m, index, NULL,
                                   jp_fail(jp, jp->p, "expected a string key in object"));
            WynStr *key = parse_string(jp);
            if (!key)
                return object_fail(&m, index, NULL, NULL);
            skip_ws(jp);
            if (jp->p >= jp->end || *jp->p != ':')
                return object_fail(&m, index, key,
                                   jp_fail(jp, jp->p, "expected ':' after object key"));
            jp->p++;
            JNode *v = parse_value(jp, depth + 1);
            if (!v)
                return object_fail(&m, index, key, NULL);
            /* a repeated key: last value wins, first position stays */
            wyn_int dup = -1;
            if (index) {
                wyn_int *slot = rt_map_find_s(index, key);
                if (slot)
                    dup = *slot - 1;
            } else {
                for (wyn_int k = 0; k < m.n; k++)
                    if (rt_str_eq(m.keys[k], key)) {
                        dup = k;
                        break;
                    }
            }
            if (dup >= 0) {
                node_free(m.items[dup]);
                m.items[dup] = v;
                rt_release_str(key);
            } else {
                members_push(&m, key, v); /* m owns key */
                if (index) {
                    *(wyn_int *)rt_map_slot_s(index, key) = m.n;
                } else if (m.n > JSON_INDEX_MIN) {
                    index = rt_map_new_keep(1, sizeof(wyn_int), NULL);
                    for (wyn_int k = 0; k < m.n; k++)
                        *(wyn_int *)rt_map_slot_s(index, m.keys[k]) = k + 1;
                }
            }
            skip_ws(jp);
            if (jp->p >= jp->end)
                return object_fail(&m, index, NULL, jp_fail(jp, open, "unterminated object"));
            if (*jp->p == ',') {
                jp->p++;
                continue;
            }
            if (*jp->p == '}') {
                jp->p++;
                break;
            }
            return object_fail(&m, index, NULL,
                               jp_fail(jp, jp->p, "expected ',' or '}' in object"));
        }
    }
    JNode *n = node_new(J_OBJ);
    n->n = m.n;
    n->items = m.items;
    n->keys = m.keys;
    n->index = index;
    return n;
}

static JNode *parse_value(JP *jp, int depth)
{
    if (depth > JSON_MAX_DEPTH)
        return jp_fail(jp, jp->p, "nesting too deep (limit 512)");
    skip_ws(jp);
    if (jp->p >= jp->end)
        return jp_fail(jp, jp->p, "unexpected end of input");
    unsigned char c = *jp->p;
    switch (c) {
    case '{':
        return parse_object(jp, depth);
    case '[':
        return parse_array(jp, depth);
    case '"': {
        WynStr *s = parse_string(jp);
        if (!s)
            return NULL;
        JNode *n = node_new(J_STR);
        n->s = s;
        return n;
    }
    case 't':
        if (match_word(jp, "true", 4)) {
            JNode *n = node_new(J_BOOL);
            n->b = 1;
            return n;
        }
        break;
    case 'f':
        if (match_word(jp, "false", 5))
            return node_new(J_BOOL);
        break;
    case 'n':
        if (match_word(jp, "null", 4))
            return node_new(J_NULL);
        break;
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return parse_number(jp);
        break;
    }
    return jp_fail(jp, jp->p, "unexpected character");
}

wyn_int io_json_parse_owned(const char *s, size_t n, char *err, size_t errlen)
{
    JP jp = { (const unsigned char *)s, (const unsigned char *)s + n,
              (const unsigned char *)s, err, errlen, 0 };
    if (err && errlen)
        err[0] = 0;
    JNode *v = parse_value(&jp, 1);
    if (!v)
        return 0;
    skip_ws(&jp);
    if (jp.p < jp.end) {
        jp_fail(&jp, jp.p, "unexpected text after the value");
        node_free(v);
        return 0;
    }
    return (wyn_int)(uintptr_t)v;
}

void io_json_free(wyn_int v)
{
    JNode *n = (JNode *)(uintptr_t)v;
    if (n && n->magic == JSON_MAGIC)
        node_free(n);
}

wyn_int rt_json_parse_checked(const char *s, size_t n, char *err, size_t errlen)
{
    wyn_int v = io_json_parse_owned(s, n, err, errlen);
    if (v)
        rt_mem_keep((void *)(uintptr_t)v); /* lives until exit: handles are ints */
    return v;
}

wyn_int rt_json_parse(WynStr *text, wyn_loc loc)
{
    char err[128];
    wyn_int h = rt_json_parse_checked(text->data, (size_t)text->len, err, sizeof err);
    if (!h)
        rt_panic(loc, err);
    return h;
}

/* ------------------------------------------------------------ getters */

static JNode *jnode(wyn_int v, wyn_loc loc)
{
    JNode *n = (JNode *)(uintptr_t)v;
    if (!n || n->magic != JSON_MAGIC)
        rt_panic(loc, "not a JSON value");
    return n;
}

static void type_error(wyn_loc loc, const char *what, JNode *n, const char *want)
{
    char msg[160];
    snprintf(msg, sizeof msg, "Json %s: the value is %s, not %s", what,
             type_names[n->type], want);
    rt_panic(loc, msg);
}

static JNode *member(wyn_int v, WynStr *key, const char *what, wyn_loc loc)
{
    JNode *n = jnode(v, loc);
    if (n->type != J_OBJ)
        type_error(loc, what, n, "an object");
    if (n->index) {
        wyn_int *slot = rt_map_find_s(n->index, key);
        if (slot)
            return n->items[*slot - 1];
    } else {
        for (wyn_int k = 0; k < n->n; k++)
            if (rt_str_eq(n->keys[k], key))
                return n->items[k];
    }
    WynSB *sb = rt_sb_new();
    rt_sb_append_cstr(sb, "Json ");
    rt_sb_append_cstr(sb, what);
    rt_sb_append_cstr(sb, ": missing key ");
    rt_sb_append_json_str(sb, key);
    rt_panic_str(loc, rt_sb_to_str_keep(sb));
}

static void member_type_error(wyn_loc loc, const char *what, WynStr *key, JNode *m,
                              const char *want)
{
    WynSB *sb = rt_sb_new();
    rt_sb_append_cstr(sb, "Json ");
    rt_sb_append_cstr(sb, what);
    rt_sb_append_cstr(sb, ": key ");
    rt_sb_append_json_str(sb, key);
    rt_sb_append_cstr(sb, " is ");
    rt_sb_append_cstr(sb, type_names[m->type]);
    rt_sb_append_cstr(sb, ", not ");
    rt_sb_append_cstr(sb, want);
    rt_panic_str(loc, rt_sb_to_str_keep(sb));
}

wyn_int rt_json_get(wyn_int v, WynStr *key, wyn_loc loc)
{
    return (wyn_int)(uintptr_t)member(v, key, "get", loc);
}

wyn_int rt_json_at(wyn_int v, wyn_int i, wyn_loc loc)
{
    JNode *n = jnode(v, loc);
    if (n->type != J_ARR)
        type_error(loc, "at", n, "an array");
    return (wyn_int)(uintptr_t)n->items[wyn_idx(n->n, i, loc)];
}

WynStr *rt_json_get_string(wyn_int v, WynStr *key, wyn_loc loc)
{
    JNode *m = member(v, key, "get_string", loc);
    if (m->type != J_STR)
        member_type_error(loc, "get_string", key, m, "a string");
    return m->s;
}

wyn_int rt_json_get_int(wyn_int v, WynStr *key, wyn_loc loc)
{
    JNode *m = member(v, key, "get_int", loc);
    if (m->type != J_NUM)
        member_type_error(loc, "get_int", key, m, "a number");
    return m->i;
}

double rt_json_get_float(wyn_int v, WynStr *key, wyn_loc loc)
{
    JNode *m = member(v, key, "get_float", loc);
    if (m->type != J_NUM)
        member_type_error(loc, "get_float", key, m, "a number");
    return m->d;
}

wyn_bool rt_json_get_bool(wyn_int v, WynStr *key, wyn_loc loc)
{
    JNode *m = member(v, key, "get_bool", loc);
    if (m->type != J_BOOL)
        member_type_error(loc, "get_bool", key, m, "a bool");
    return m->b;
}

WynArr *rt_json_keys(wyn_int v, wyn_loc loc)
{
    JNode *n = jnode(v, loc);
    if (n->type != J_OBJ)
        type_error(loc, "keys", n, "an object");
    WynArr *a = rt_arr_new_ops(sizeof(WynStr *), n->n, &rt_str_ops);
    for (wyn_int k = 0; k < n->n; k++)
        *(WynStr **)rt_arr_push_slot(a) = wyn_own_str(n->keys[k]);
    return a;
}

wyn_int rt_json_len(wyn_int v)
{
    JNode *n = (JNode *)(uintptr_t)v;
    if (!n || n->magic != JSON_MAGIC)
        return 0;
    return n->type == J_ARR || n->type == J_OBJ ? n->n : 0;
}

/* Extra accessors (declared in io_internal.h; ready to be added to
 * wyn_rt.h if the language wants `j.at(0).as_int()` and the like): the
 * kind of a value and the contents of a scalar value itself. */
wyn_int rt_json_kind(wyn_int v)
{
    JNode *n = (JNode *)(uintptr_t)v;
    return n && n->magic == JSON_MAGIC ? n->type : -1;
}

WynStr *rt_json_as_string(wyn_int v, wyn_loc loc)
{
    JNode *n = jnode(v, loc);
    if (n->type != J_STR)
        type_error(loc, "as_string", n, "a string");
    return n->s;
}

wyn_int rt_json_as_int(wyn_int v, wyn_loc loc)
{
    JNode *n = jnode(v, loc);
    if (n->type != J_NUM)
        type_error(loc, "as_int", n, "a number");
    return n->i;
}

double rt_json_as_float(wyn_int v, wyn_loc loc)
{
    JNode *n = jnode(v, loc);
    if (n->type != J_NUM)
        type_error(loc, "as_float", n, "a number");
    return n->d;
}

wyn_bool rt_json_as_bool(wyn_int v, wyn_loc loc)
{
    JNode *n = jnode(v, loc);
    if (n->type != J_BOOL)
        type_error(loc, "as_bool", n, "a bool");
    return n->b;
}

/* ------------------------------------------------------------- output */

void rt_sb_append_json_str(WynSB *sb, WynStr *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->len;
    rt_sb_append_bytes(sb, "\"", 1);
    const unsigned char *run = p;
    for (; p < end; p++) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (p > run)
            rt_sb_append_bytes(sb, (const char *)run, (wyn_int)(p - run));
        run = p + 1;
        char e[6] = { '\\', 0 };
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        default:
            e[1] = 'u'; e[2] = '0'; e[3] = '0';
            e[4] = hex[c >> 4]; e[5] = hex[c & 15];
            rt_sb_append_bytes(sb, e, 6);
            continue;
        }
        rt_sb_append_bytes(sb, e, 2);
    }
    if (p > run)
        rt_sb_append_bytes(sb, (const char *)run, (wyn_int)(p - run));
    rt_sb_append_bytes(sb, "\"", 1);
}

static void append_node(WynSB *sb, JNode *n)
{
    switch (n->type) {
    case J_NULL: rt_sb_append_cstr(sb, "null"); break;
    case J_BOOL: rt_sb_append_cstr(sb, n->b ? "true" : "false"); break;
    case J_NUM:
        if (n->is_int)
            rt_sb_append_int(sb, n->i);
        else if (isinf(n->d))
            rt_sb_append_cstr(sb, n->d > 0 ? "1e999" : "-1e999");
        else if (isnan(n->d))
            rt_sb_append_cstr(sb, "null");
        else
            rt_sb_append_float(sb, n->d);
        break;
    case J_STR: rt_sb_append_json_str(sb, n->s); break;
    case J_ARR:
        rt_sb_append_bytes(sb, "[", 1);
        for (wyn_int k = 0; k < n->n; k++) {
            if (k)
                rt_sb_append_bytes(sb, ",", 1);
            append_node(sb, n->items[k]);
        }
        rt_sb_append_bytes(sb, "]", 1);
        break;
    case J_OBJ:
        rt_sb_append_bytes(sb, "{", 1);
        for (wyn_int k = 0; k < n->n; k++) {
            if (k)
                rt_sb_append_bytes(sb, ",", 1);
            rt_sb_append_json_str(sb, n->keys[k]);
            rt_sb_append_bytes(sb, ":", 1);
            append_node(sb, n->items[k]);
        }
        rt_sb_append_bytes(sb, "}", 1);
        break;
    }
}

WynStr *rt_json_to_string(wyn_int v)
{
    JNode *n = (JNode *)(uintptr_t)v;
    if (!n || n->magic != JSON_MAGIC)
        return rt_str_cstr("null");
    WynSB *sb = rt_sb_new();
    append_node(sb, n);
    WynStr *s = rt_sb_to_string(sb);
    rt_sb_free(sb);
    return s;
}
