/*
 * lib_regex.c — the Regex module on PCRE2 (8-bit library, Perl syntax).
 *
 * Patterns are compiled with PCRE2_UTF | PCRE2_MATCH_INVALID_UTF: `.` and
 * classes work on UTF-8 code points, and a subject that is not valid UTF-8
 * still matches (invalid bytes never match a code point) instead of being
 * an error.  Offsets (Regex.find) are byte offsets, like string indexes.
 *
 * Compiled patterns are cached: one table for the whole process, keyed by
 * the pattern text, under a mutex; each is JIT-compiled when PCRE2 offers
 * a JIT for this machine (pcre2_jit_compile failing just leaves the
 * interpreter).  Compiled code is read-only, so tasks on every worker
 * share it; each call makes its own match data.  Cached patterns live
 * until exit; when the table is full a pattern is compiled for the call
 * and freed after it, so a script building endless distinct patterns
 * stays bounded.
 *
 * Iteration over all matches (find_all, split) follows Perl and Python:
 * after an empty match the next attempt starts at the same place but must
 * not be empty there (PCRE2_NOTEMPTY_ATSTART), else it moves one code
 * point on.  Regex.replace uses pcre2_substitute with the same rule:
 * `$1`, `${1}`, `${name}` insert groups, `$$` is a dollar sign.
 *
 * Errors: a bad pattern is "Regex.F: invalid pattern "P" at offset N:
 * PCRE2's message"; a bad replacement and match-time failures (a match
 * limit hit) give PCRE2's message too.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "lib_internal.h"
#include "rt_internal.h"
#include "rt_values.h"

/* Distinct patterns kept compiled; scripts use a handful. */
#define CACHE_CAP 256

typedef struct Entry {
    WynStr *pattern;          /* +1, NULL: empty slot */
    pcre2_code *code;
} Entry;

static struct {
    pthread_mutex_t lock;
    Entry slots[CACHE_CAP * 2];  /* open addressing, at most half full */
    int count;
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

typedef struct Regex {
    pcre2_code *code;
    int owned;                /* not cached: free after the call */
} Regex;

static pcre2_code *compile(WynStr *pat, const char *fn, wyn_loc loc)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat->data, (PCRE2_SIZE)pat->len,
                                     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        lib_fail(loc, "%s: invalid pattern \"%s\" at offset %zu: %s", fn, pat->data,
                 (size_t)off, (char *)msg);
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);   /* optional speed-up */
    return code;
}

static Regex regex_get(WynStr *pat, const char *fn, wyn_loc loc)
{
    size_t mask = CACHE_CAP * 2 - 1;
    size_t i = (size_t)rt_str_hash(pat) & mask;
    pthread_mutex_lock(&cache.lock);
    for (; cache.slots[i].pattern; i = (i + 1) & mask)
        if (rt_str_eq(cache.slots[i].pattern, pat)) {
            pcre2_code *code = cache.slots[i].code;
            pthread_mutex_unlock(&cache.lock);
            return (Regex){ code, 0 };
        }
    pthread_mutex_unlock(&cache.lock);
    /* compile outside the lock: other tasks keep matching meanwhile */
    pcre2_code *code = compile(pat, fn, loc);
    pthread_mutex_lock(&cache.lock);
    for (i = (size_t)rt_str_hash(pat) & mask; cache.slots[i].pattern; i = (i + 1) & mask)
        if (rt_str_eq(cache.slots[i].pattern, pat)) {   /* another thread won */
            pcre2_code *won = cache.slots[i].code;
            pthread_mutex_unlock(&cache.lock);
            pcre2_code_free(code);
            return (Regex){ won, 0 };
        }
    if (cache.count == CACHE_CAP) {
        pthread_mutex_unlock(&cache.lock);
        return (Regex){ code, 1 };
    }
    cache.slots[i].pattern = rt_str_new_keep(pat->data, pat->len);
    cache.slots[i].code = code;
    cache.count++;
    pthread_mutex_unlock(&cache.lock);
    return (Regex){ code, 0 };
}

static void regex_done(Regex r, pcre2_match_data *md)
{
    if (md)
        pcre2_match_data_free(md);
    if (r.owned)
        pcre2_code_free(r.code);
}

WYN_NORETURN static void pcre_fail(int rc, const char *fn, wyn_loc loc)
{
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    lib_fail(loc, "%s: %s", fn, (char *)msg);
}

/* One match attempt: rc > 0 (ovector filled), 0 for no match. */
static int match_at(Regex r, WynStr *s, size_t start, uint32_t opts, pcre2_match_data *md,
                    const char *fn, wyn_loc loc)
{
    int rc = pcre2_match(r.code, (PCRE2_SPTR)s->data, (PCRE2_SIZE)s->len, start, opts, md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0) {
        regex_done(r, md);
        pcre_fail(rc, fn, loc);
    }
    return rc;
}

/* Calls visit(ctx, start, end) for every match, Perl's way (see top). */
typedef void (*MatchVisit)(void *ctx, size_t lo, size_t hi);

static void each_match(Regex r, WynStr *s, MatchVisit visit, void *ctx, const char *fn, wyn_loc loc)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(r.code, NULL);
    size_t len = (size_t)s->len, start = 0;
    uint32_t opts = 0;
    for (;;) {
        if (!match_at(r, s, start, opts, md, fn, loc)) {
            if (!opts || start >= len)
                break;
            /* no non-empty match here: step over one code point */
            start++;
            while (start < len && ((unsigned char)s->data[start] & 0xC0) == 0x80)
                start++;
            opts = 0;
            continue;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t lo = ov[0], hi = ov[1] < ov[0] ? ov[0] : ov[1];   /* \K may reverse them */
        visit(ctx, lo, hi);
        start = hi;
        opts = lo == hi ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
    }
    pcre2_match_data_free(md);
}

/* Byte offset of the first match, or -1. */
static wyn_int first_match(WynStr *s, WynStr *pattern, const char *fn, wyn_loc loc)
{
    Regex r = regex_get(pattern, fn, loc);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(r.code, NULL);
    wyn_int at = -1;
    if (match_at(r, s, 0, 0, md, fn, loc))
        at = (wyn_int)pcre2_get_ovector_pointer(md)[0];
    regex_done(r, md);
    return at;
}

wyn_bool rt_regex_match(WynStr *s, WynStr *pattern, wyn_loc loc)
{
    return first_match(s, pattern, "Regex.match", loc) >= 0;
}

wyn_int rt_regex_find(WynStr *s, WynStr *pattern, wyn_loc loc)
{
    return first_match(s, pattern, "Regex.find", loc);
}

typedef struct Collect {
    WynStr *s;
    WynArr *out;
    size_t prev;     /* split: end of the previous match */
} Collect;

static void collect_match(void *ctx, size_t lo, size_t hi)
{
    Collect *c = ctx;
    lib_str_push(c->out, c->s->data + lo, hi - lo);
}

WynArr *rt_regex_find_all(WynStr *s, WynStr *pattern, wyn_loc loc)
{
    Regex r = regex_get(pattern, "Regex.find_all", loc);
    Collect c = { s, lib_str_array(), 0 };
    each_match(r, s, collect_match, &c, "Regex.find_all", loc);
    regex_done(r, NULL);
    return c.out;
}

static void collect_piece(void *ctx, size_t lo, size_t hi)
{
    Collect *c = ctx;
    lib_str_push(c->out, c->s->data + c->prev, lo - c->prev);
    c->prev = hi;
}

WynArr *rt_regex_split(WynStr *s, WynStr *pattern, wyn_loc loc)
{
    Regex r = regex_get(pattern, "Regex.split", loc);
    Collect c = { s, lib_str_array(), 0 };
    each_match(r, s, collect_piece, &c, "Regex.split", loc);
    lib_str_push(c.out, s->data + c.prev, (size_t)s->len - c.prev);
    regex_done(r, NULL);
    return c.out;
}

WynStr *rt_regex_replace(WynStr *s, WynStr *pattern, WynStr *with, wyn_loc loc)
{
    Regex r = regex_get(pattern, "Regex.replace", loc);
    uint32_t opts = PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
                    PCRE2_SUBSTITUTE_UNSET_EMPTY;
    PCRE2_SIZE cap = (PCRE2_SIZE)s->len + (PCRE2_SIZE)s->len / 4 + 64;
    for (;;) {
        WynStr *out = rt_str_alloc((wyn_int)cap);   /* room for PCRE2's NUL */
        PCRE2_SIZE n = cap + 1;
        int rc = pcre2_substitute(r.code, (PCRE2_SPTR)s->data, (PCRE2_SIZE)s->len, 0, opts,
                                  NULL, NULL, (PCRE2_SPTR)with->data, (PCRE2_SIZE)with->len,
                                  (PCRE2_UCHAR *)out->data, &n);
        if (rc >= 0) {
            out->len = (wyn_int)n;
            out->data[n] = 0;
            regex_done(r, NULL);
            return rt_autorelease(out);
        }
        rt_release_str(out);
        if (rc != PCRE2_ERROR_NOMEMORY) {
            regex_done(r, NULL);
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(rc, msg, sizeof msg);
            lib_fail(loc, "Regex.replace: invalid replacement \"%s\": %s", with->data, (char *)msg);
        }
        cap = n;   /* OVERFLOW_LENGTH: the size needed, NUL included */
    }
}

WynArr *rt_regex_captures(WynStr *s, WynStr *pattern, wyn_loc loc)
{
    Regex r = regex_get(pattern, "Regex.captures", loc);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(r.code, NULL);
    WynArr *out = NULL;
    if (match_at(r, s, 0, 0, md, "Regex.captures", loc)) {
        uint32_t groups;
        pcre2_pattern_info(r.code, PCRE2_INFO_CAPTURECOUNT, &groups);
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        out = lib_str_array();
        for (uint32_t g = 0; g <= groups; g++) {
            if (ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] < ov[2 * g])
                lib_str_push(out, "", 0);
            else
                lib_str_push(out, s->data + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
        }
    }
    regex_done(r, md);
    return out;
}
