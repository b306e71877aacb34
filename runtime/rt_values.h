/*
 * rt_values.h — helpers shared by the value half of the runtime (memory.c,
 * str*.c, sb.c, arr*.c, map.c, num.c).  Private to libwynrt: generated code
 * never sees this header, and the concurrency runtime has no need for it.
 *
 * Invariants the value files rely on:
 *   - every WynStr has data[len] == '\0' and is never modified after it has
 *     been handed out (strings are shared freely, e.g. concat with "" returns
 *     the other operand);
 *   - rc < 0 marks an immortal object; nothing is freed yet, so rc is only
 *     set, never read.
 */
#ifndef WYN_RT_VALUES_H
#define WYN_RT_VALUES_H
#include <stddef.h>
#include <stdint.h>
#include "wyn_rt.h"

#define RT_LIKELY(x) __builtin_expect(!!(x), 1)
#define RT_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* --- memory.c --- */
/* Uninitialised allocation for buffers about to be overwritten in full;
 * "out of memory" fault on failure, like rt_alloc. */
void *rt_malloc_raw(size_t size);

/* --- memory.c: autorelease pools (see wyn_rt.h) --- */
/* rc of a string just made by rt_str_alloc: immortal (a string the runtime
 * keeps in an array, map or struct is never freed) unless it goes straight
 * to generated code through rt_autorelease, which makes it counted (1). */
#define RT_RC_FRESH (-2)
/* Registers a fresh counted string (rc 1) with the current pool, which
 * then owns that reference; immortal strings pass through.  Only for
 * strings returned straight to generated code: never for strings the
 * runtime stores in a heap object (those stay immortal). */
WynStr *rt_autorelease(WynStr *s);
/* rt_sb_to_string without the pool: for strings the runtime keeps. */
WynStr *rt_sb_to_str_keep(WynSB *sb);
WynStr *rt_str_concat_n_keep(WynStr **parts, wyn_int n);

/* --- str.c --- */
/* A fresh string of len bytes (rc 1, data[len] already NUL); the caller
 * fills data[0..len). */
WynStr *rt_str_alloc(wyn_int len);
/* The immortal one-byte string for byte b (shared, never allocated). */
WynStr *rt_str_byte(unsigned char b);

/* Slice bounds as the language defines them for strings and arrays:
 * negatives count from the end, then both clamp to [0, len]; lo > hi gives
 * an empty range (hi is raised to lo). */
static inline void rt_slice_bounds(wyn_int len, wyn_int *lo, wyn_int *hi)
{
    wyn_int a = *lo < 0 ? *lo + len : *lo;
    wyn_int b = *hi < 0 ? *hi + len : *hi;
    a = a < 0 ? 0 : a > len ? len : a;
    b = b < 0 ? 0 : b > len ? len : b;
    *lo = a;
    *hi = b < a ? a : b;
}

/* --- num.c: number text, shared by strings and the string builder --- */
#define RT_NUM_BUF 40 /* fits any int64 and any %.17g double */
/* Decimal text of v into buf (no NUL); returns the length. */
int rt_fmt_int(char *buf, wyn_int v);
/* SPEC §14 float text of v into buf (no NUL); returns the length. */
int rt_fmt_float(char *buf, double v);

#endif
