/*
 * rt_values.h — helpers shared by the value half of the runtime (memory.c,
 * str*.c, sb.c, arr*.c, map.c, num.c).  Private to libwynrt: generated code
 * never sees this header, and the concurrency runtime has no need for it.
 *
 * Invariants the value files rely on:
 *   - every WynStr has data[len] == '\0' and is never modified after it has
 *     been handed out (strings are shared freely, e.g. concat with "" returns
 *     the other operand);
 *   - counted objects (rc > 0) are allocated with rt_obj_alloc/rt_obj_calloc
 *     and freed with rt_obj_free (live-object accounting); rc < 0 is
 *     immortal.  See memory.c and wyn_rt.h, "ownership".
 *
 * Naming: exported rt_* functions return new objects autoreleased (+0);
 * the `_keep` variants below return them with the caller owning the one
 * reference (+1), for the runtime's own storage.
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
/* Counted objects' memory (counted in rt_mem_live_objects). */
void *rt_obj_alloc(size_t size);          /* uninitialised */
void *rt_obj_calloc(size_t size);         /* zeroed */
void rt_obj_free(void *p);
/* Drops one reference of the counted object at obj (rc at offset 0);
 * returns 1 when it was the last one: the caller then frees the object.
 * Immortal objects and NULL give 0. */
int rt_rc_release(void *obj);
/* Number of counted objects (strings, arrays, maps, builders, boxes)
 * allocated and not yet freed, over all threads.  For tests. */
wyn_int rt_mem_live_objects(void);
/* 1 when the current pool is a coroutine's (inside a task). */
int rt_pool_in_task(void);
/* Frees a container whose count reached 0 (kind RT_K_*), releasing what
 * it holds; deep nesting is flattened (bounded C stack). */
enum { RT_K_ARR = 1, RT_K_MAP = 2, RT_K_BOX = 3, RT_K_MASK = 7 };
void rt_dispose(void *obj, unsigned kind);
void rt_arr_destroy(WynArr *a);      /* arr.c: drop elements, free */
void rt_map_destroy(WynMap *m);      /* map.c: release entries, free */
/* rt_box_new without the pool (+1). */
void *rt_box_new_keep(wyn_int size, WynElemFn drop);

/* --- +1 constructors for runtime storage --- */
WynStr *rt_sb_to_str_keep(WynSB *sb);
WynStr *rt_str_concat_n_keep(WynStr **parts, wyn_int n);
WynStr *rt_str_new_keep(const char *bytes, wyn_int len);
WynStr *rt_str_cstr_keep(const char *s);           /* NULL gives "" */
WynArr *rt_arr_new_keep(wyn_int esize, wyn_int cap, const WynElemOps *ops);
WynMap *rt_map_new_keep(wyn_bool str_keys, wyn_int vsize, const WynElemOps *vops);

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
