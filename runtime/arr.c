/*
 * arr.c — Wyn arrays: growable vectors of esize-byte elements stored
 * contiguously in data.  This file owns creation and growth, the element
 * comparison callbacks for primitive types, and every array method except
 * sorting (arr_sort.c).
 *
 * Arrays are mutable and shared by reference.  Methods documented as
 * returning a new array (slice, copy, reverse, unique, concat, flatten)
 * never alias the input's storage; they retain the elements they copy
 * (a->ops) and return the array autoreleased.  A push may move data, so pointers into
 * an array are only valid until its next push or insert.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "rt_internal.h"
#include "rt_values.h"

/* Smallest non-empty capacity: avoids regrowing tiny arrays at 1, 2, 3. */
#define ARR_MIN_CAP 4

/* ----------------------------------------------------- element callbacks */

wyn_bool rt_eq_int(const void *a, const void *b)
{
    return *(const wyn_int *)a == *(const wyn_int *)b;
}

wyn_bool rt_eq_float(const void *a, const void *b)
{
    return *(const double *)a == *(const double *)b;
}

wyn_bool rt_eq_bool(const void *a, const void *b)
{
    return *(const wyn_bool *)a == *(const wyn_bool *)b;
}

wyn_bool rt_eq_str(const void *a, const void *b)
{
    return rt_str_eq(*(WynStr *const *)a, *(WynStr *const *)b);
}

int rt_cmp_int(const void *a, const void *b)
{
    wyn_int x = *(const wyn_int *)a, y = *(const wyn_int *)b;
    return (x > y) - (x < y);
}

/* A total order for sorting: NaN sorts after every number and equals
 * itself; -0.0 equals 0.0. */
int rt_cmp_float(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    if (x < y)
        return -1;
    if (x > y)
        return 1;
    if (x == y)
        return 0;
    return (x != x) - (y != y); /* at least one NaN */
}

int rt_cmp_bool(const void *a, const void *b)
{
    return (int)*(const wyn_bool *)a - (int)*(const wyn_bool *)b;
}

int rt_cmp_str(const void *a, const void *b)
{
    wyn_int c = rt_str_cmp(*(WynStr *const *)a, *(WynStr *const *)b);
    return (c > 0) - (c < 0);
}

/* -------------------------------------------------- creation and growth */

static char *elem_at(WynArr *a, wyn_int i)
{
    return a->data + i * a->esize;
}

/* Retains elements [i, i + n) of a (after they were copied in). */
static void dup_range(WynArr *a, wyn_int i, wyn_int n)
{
    const WynElemOps *ops = a->ops;
    if (!ops || !ops->dup || n <= 0)
        return;
    if (ops == &rt_str_ops || ops == &rt_arr_ops || ops == &rt_map_ops) {
        void **p = (void **)elem_at(a, i);
        for (wyn_int k = 0; k < n; k++)
            rt_retain(p[k]);
        return;
    }
    for (wyn_int k = 0; k < n; k++)
        ops->dup(elem_at(a, i + k));
}

/* Releases elements [i, i + n) of a. */
static void drop_range(WynArr *a, wyn_int i, wyn_int n)
{
    const WynElemOps *ops = a->ops;
    if (!ops || !ops->drop || n <= 0)
        return;
    if (ops == &rt_str_ops) {
        WynStr **p = (WynStr **)elem_at(a, i);
        for (wyn_int k = 0; k < n; k++)
            rt_release_str(p[k]);
        return;
    }
    for (wyn_int k = 0; k < n; k++)
        ops->drop(elem_at(a, i + k));
}

WynArr *rt_arr_new_keep(wyn_int esize, wyn_int cap, const WynElemOps *ops)
{
    if (cap < 0)
        cap = 0;
    if ((wyn_uint)cap > (wyn_uint)LLONG_MAX / (wyn_uint)(esize > 0 ? esize : 1))
        rt_fatal(0, "out of memory");
    WynArr *a = rt_obj_alloc(sizeof(WynArr));
    a->rc = 1;
    a->len = 0;
    a->cap = cap;
    a->esize = esize;
    a->ops = ops;
    a->data = a->cap ? rt_alloc(a->cap * esize) : NULL;
    return a;
}

WynArr *rt_arr_new(wyn_int esize, wyn_int cap)
{
    return rt_autorelease_arr(rt_arr_new_keep(esize, cap, NULL));
}

WynArr *rt_arr_new_ops(wyn_int esize, wyn_int cap, const WynElemOps *ops)
{
    return rt_autorelease_arr(rt_arr_new_keep(esize, cap, ops));
}

/* A new array (+1) holding copies of n elements, retained. */
static WynArr *arr_from_keep(wyn_int esize, const void *elems, wyn_int n,
                             const WynElemOps *ops)
{
    WynArr *a = rt_arr_new_keep(esize, n, ops);
    if (n > 0) {
        memcpy(a->data, elems, (size_t)(n * esize));
        a->len = n;
        dup_range(a, 0, n);
    }
    return a;
}

WynArr *rt_arr_from(wyn_int esize, const void *elems, wyn_int n)
{
    return rt_autorelease_arr(arr_from_keep(esize, elems, n, NULL));
}

WynArr *rt_arr_from_ops(wyn_int esize, const void *elems, wyn_int n,
                        const WynElemOps *ops)
{
    return rt_autorelease_arr(arr_from_keep(esize, elems, n, ops));
}

void rt_release_arr(WynArr *a)
{
    if (rt_rc_release(a))
        rt_dispose(a, RT_K_ARR);
}

void rt_arr_destroy(WynArr *a)
{
    a->rc = 0;
    drop_range(a, 0, a->len);
    free(a->data);
    rt_obj_free(a);
}

/* Ensures room for need elements: doubles, at least ARR_MIN_CAP. */
__attribute__((noinline)) static void arr_grow(WynArr *a, wyn_int need)
{
    wyn_int cap = a->cap < ARR_MIN_CAP ? ARR_MIN_CAP : a->cap;
    while (cap < need)
        cap = cap > LLONG_MAX / 4 ? need : cap * 2;
    if ((wyn_uint)cap > (wyn_uint)LLONG_MAX / (wyn_uint)(a->esize > 0 ? a->esize : 1))
        rt_fatal(0, "out of memory");
    a->data = rt_realloc(a->data, cap * a->esize);
    a->cap = cap;
}

static inline void arr_reserve(WynArr *a, wyn_int need)
{
    if (RT_UNLIKELY(need > a->cap))
        arr_grow(a, need);
}

void *rt_arr_push_slot(WynArr *a)
{
    arr_reserve(a, a->len + 1);
    char *slot = elem_at(a, a->len++);
    if (a->esize == 8)
        memset(slot, 0, 8); /* constant size: a single store */
    else
        memset(slot, 0, (size_t)a->esize);
    return slot;
}

void rt_arr_clear(WynArr *a)
{
    wyn_int n = a->len;
    a->len = 0; /* first: a drop that looks at a sees it empty */
    drop_range(a, 0, n);
}

/* ------------------------------------------------- element access, edits */

static void copy_out(WynArr *a, wyn_int i, void *out)
{
    if (out)
        memcpy(out, elem_at(a, i), (size_t)a->esize);
}

/* Moves element i out to out (the caller gets the array's reference), or
 * releases it when out is NULL. */
static void move_out(WynArr *a, wyn_int i, void *out)
{
    if (out)
        memcpy(out, elem_at(a, i), (size_t)a->esize);
    else if (a->ops && a->ops->drop)
        a->ops->drop(elem_at(a, i));
}

void rt_arr_pop(WynArr *a, void *out, wyn_loc loc)
{
    if (a->len == 0)
        rt_panic(loc, "pop from empty array");
    a->len--;
    move_out(a, a->len, out);
}

void rt_arr_first(WynArr *a, void *out, wyn_loc loc)
{
    if (a->len == 0)
        rt_panic(loc, "first of empty array");
    copy_out(a, 0, out);
}

void rt_arr_last(WynArr *a, void *out, wyn_loc loc)
{
    if (a->len == 0)
        rt_panic(loc, "last of empty array");
    copy_out(a, a->len - 1, out);
}

void rt_arr_insert(WynArr *a, wyn_int i, const void *elem, wyn_loc loc)
{
    wyn_int j = i < 0 ? i + a->len : i;
    if (j < 0 || j > a->len) /* j == len appends */
        rt_index_oob(loc, i, a->len);
    arr_reserve(a, a->len + 1);
    memmove(elem_at(a, j + 1), elem_at(a, j), (size_t)((a->len - j) * a->esize));
    memcpy(elem_at(a, j), elem, (size_t)a->esize);
    a->len++;
    dup_range(a, j, 1);
}

void rt_arr_remove(WynArr *a, wyn_int i, void *out, wyn_loc loc)
{
    wyn_int j = wyn_idx(a->len, i, loc);
    char tmp[64];
    char *keep = out ? out : (size_t)a->esize <= sizeof tmp ? tmp : rt_malloc_raw((size_t)a->esize);
    memcpy(keep, elem_at(a, j), (size_t)a->esize);
    memmove(elem_at(a, j), elem_at(a, j + 1),
            (size_t)((a->len - j - 1) * a->esize));
    a->len--;
    if (!out) { /* nobody takes it: release it, after a is consistent */
        if (a->ops && a->ops->drop)
            a->ops->drop(keep);
        if (keep != tmp)
            free(keep);
    }
}

/* ------------------------------------------------------- new-array views */

WynArr *rt_arr_slice(WynArr *a, wyn_int lo, wyn_int hi)
{
    rt_slice_bounds(a->len, &lo, &hi);
    if (lo == hi) /* a may have no storage at all */
        return rt_autorelease_arr(rt_arr_new_keep(a->esize, 0, a->ops));
    return rt_autorelease_arr(arr_from_keep(a->esize, elem_at(a, lo), hi - lo, a->ops));
}

WynArr *rt_arr_copy(WynArr *a)
{
    return rt_autorelease_arr(arr_from_keep(a->esize, a->data, a->len, a->ops));
}

WynArr *rt_arr_reverse(WynArr *a)
{
    WynArr *r = rt_arr_new_keep(a->esize, a->len, a->ops);
    for (wyn_int i = 0; i < a->len; i++)
        memcpy(elem_at(r, i), elem_at(a, a->len - 1 - i), (size_t)a->esize);
    r->len = a->len;
    dup_range(r, 0, r->len);
    return rt_autorelease_arr(r);
}

WynArr *rt_arr_concat(WynArr *a, WynArr *b)
{
    WynArr *r = rt_arr_new_keep(a->esize, a->len + b->len, a->ops ? a->ops : b->ops);
    if (a->len)
        memcpy(r->data, a->data, (size_t)(a->len * a->esize));
    if (b->len)
        memcpy(elem_at(r, a->len), b->data, (size_t)(b->len * a->esize));
    r->len = a->len + b->len;
    dup_range(r, 0, r->len);
    return rt_autorelease_arr(r);
}

/* [[T]] -> [T]: the result's ops are the inner arrays' (the first inner
 * array that has some). */
WynArr *rt_arr_flatten(WynArr *a)
{
    WynArr **inner = (WynArr **)a->data;
    wyn_int total = 0, esize = 8; /* [] of [T]: T unknown, 8 is harmless */
    const WynElemOps *ops = NULL;
    for (wyn_int i = 0; i < a->len; i++) {
        if (!inner[i])
            continue;
        if (total == 0)
            esize = inner[i]->esize;
        if (!ops)
            ops = inner[i]->ops;
        total += inner[i]->len;
    }
    WynArr *r = rt_arr_new_keep(esize, total, ops);
    for (wyn_int i = 0; i < a->len; i++) {
        if (inner[i] && inner[i]->len) {
            memcpy(elem_at(r, r->len), inner[i]->data,
                   (size_t)(inner[i]->len * esize));
            r->len += inner[i]->len;
        }
    }
    dup_range(r, 0, r->len);
    return rt_autorelease_arr(r);
}

/* ------------------------------------------------------------- searching */

static wyn_bool elem_eq(WynEqFn eq, const void *x, const void *y, wyn_int esize)
{
    return eq ? eq(x, y) : memcmp(x, y, (size_t)esize) == 0;
}

wyn_int rt_arr_index_of(WynArr *a, const void *elem, WynEqFn eq)
{
    if (eq == rt_eq_int) { /* the common case, without indirect calls */
        wyn_int want = *(const wyn_int *)elem, *p = (wyn_int *)a->data;
        for (wyn_int i = 0; i < a->len; i++)
            if (p[i] == want)
                return i;
        return -1;
    }
    for (wyn_int i = 0; i < a->len; i++)
        if (elem_eq(eq, elem_at(a, i), elem, a->esize))
            return i;
    return -1;
}

wyn_bool rt_arr_eq(WynArr *a, WynArr *b, WynEqFn eq)
{
    if (a == b)
        return 1;
    if (a->len != b->len)
        return 0;
    if (!eq)
        return a->len == 0 ||
               memcmp(a->data, b->data, (size_t)(a->len * a->esize)) == 0;
    for (wyn_int i = 0; i < a->len; i++)
        if (!eq(elem_at(a, i), elem_at(b, i)))
            return 0;
    return 1;
}

/* unique() for ints and strings: a hash set keeps it linear. */
static WynArr *unique_hashed(WynArr *a, wyn_bool str_keys)
{
    WynArr *r = rt_arr_new_keep(8, 0, a->ops);
    WynMap *seen = rt_map_new_keep(str_keys, 0, NULL);
    for (wyn_int i = 0; i < a->len; i++) {
        wyn_int before = rt_map_len(seen);
        char *e = elem_at(a, i);
        if (str_keys)
            rt_map_slot_s(seen, *(WynStr **)e);
        else
            rt_map_slot_i(seen, *(wyn_int *)e);
        if (rt_map_len(seen) != before)
            memcpy(rt_arr_push_slot(r), e, 8);
    }
    rt_release_map(seen);
    dup_range(r, 0, r->len);
    return rt_autorelease_arr(r);
}

WynArr *rt_arr_unique(WynArr *a, WynEqFn eq)
{
    if (a->esize == 8 && (eq == rt_eq_int || eq == rt_eq_str))
        return unique_hashed(a, eq == rt_eq_str);
    WynArr *r = rt_arr_new_keep(a->esize, 0, a->ops);
    for (wyn_int i = 0; i < a->len; i++) {
        char *e = elem_at(a, i);
        wyn_int j = 0;
        while (j < r->len && !elem_eq(eq, elem_at(r, j), e, a->esize))
            j++;
        if (j == r->len)
            memcpy(rt_arr_push_slot(r), e, (size_t)a->esize);
    }
    dup_range(r, 0, r->len);
    return rt_autorelease_arr(r);
}

/* ------------------------------------------------------------ reductions */

WynStr *rt_arr_join(WynArr *strs, WynStr *sep)
{
    WynStr **parts = (WynStr **)strs->data;
    if (strs->len == 0)
        return rt_str_empty();
    if (strs->len == 1)
        return parts[0];
    wyn_int total = sep->len * (strs->len - 1);
    for (wyn_int i = 0; i < strs->len; i++)
        total += parts[i]->len;
    WynStr *s = rt_str_alloc(total);
    char *out = s->data;
    for (wyn_int i = 0; i < strs->len; i++) {
        if (i > 0) {
            memcpy(out, sep->data, (size_t)sep->len);
            out += sep->len;
        }
        memcpy(out, parts[i]->data, (size_t)parts[i]->len);
        out += parts[i]->len;
    }
    return rt_autorelease(s);
}

wyn_int rt_arr_sum_int(WynArr *a)
{
    const wyn_int *p = (const wyn_int *)a->data;
    wyn_uint sum = 0; /* wraps like every int operation */
    for (wyn_int i = 0; i < a->len; i++)
        sum += (wyn_uint)p[i];
    return (wyn_int)sum;
}

double rt_arr_sum_float(WynArr *a)
{
    const double *p = (const double *)a->data;
    double sum = 0;
    for (wyn_int i = 0; i < a->len; i++)
        sum += p[i];
    return sum;
}

/* Index of the first element that beats all others under sign * cmp. */
static wyn_int extreme_index(WynArr *a, WynCmpFn cmp, int sign)
{
    wyn_int best = 0;
    for (wyn_int i = 1; i < a->len; i++)
        if (sign * cmp(elem_at(a, i), elem_at(a, best)) < 0)
            best = i;
    return best;
}

void rt_arr_min(WynArr *a, void *out, WynCmpFn cmp, wyn_loc loc)
{
    if (a->len == 0)
        rt_panic(loc, "min of empty array");
    copy_out(a, extreme_index(a, cmp, 1), out);
}

void rt_arr_max(WynArr *a, void *out, WynCmpFn cmp, wyn_loc loc)
{
    if (a->len == 0)
        rt_panic(loc, "max of empty array");
    copy_out(a, extreme_index(a, cmp, -1), out);
}
