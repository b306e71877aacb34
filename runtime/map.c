/*
 * map.c — Wyn maps: insertion-ordered hash maps with int or string keys.
 *
 * Layout.  Entries (an 8-byte key followed by the value, padded to 8) are
 * appended in insertion order to a list of blocks; block k holds
 * MAP_BLOCK0 << k entries, so a position maps to (block, offset) with one
 * count-leading-zeros, and a new block never moves the old ones.  Value
 * pointers handed out by find/get/slot therefore stay valid while other
 * keys are inserted — code like `memo[n] = fib(n - 1) + fib(n - 2)` may
 * hold the slot of memo[n] while the right-hand side inserts more keys.
 * (The one exception: compaction, below, moves entries.)
 *
 * Lookup goes through an open-addressing index with linear probing.  An
 * index slot packs the entry position + 1 (high 32 bits; 0 = empty slot)
 * with the low 32 bits of the key's hash, which both locate the slot's
 * home and filter out most non-matching entries without touching them.
 * Removal deletes from the index by backward shifting (no tombstones in
 * the index) and marks the entry dead in a bitmap that exists only once
 * something has been removed; iteration skips dead entries, so positions
 * stay valid while iterating, even across removals.
 *
 * Compaction: when an insert needs a new block and at least half of the
 * entries are dead, the live entries are slid down (keeping their order)
 * instead of growing.  This moves entries, so it only ever happens inside
 * an insertion of a new key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "rt_internal.h"
#include "rt_values.h"

#define MAP_BLOCK0 8        /* entries in the first block */
#define MAP_MAX_BLOCKS 32   /* 8 << 32 entries: beyond any real map */
#define MAP_MIN_INDEX 16    /* index slots of the first index */
#define MAP_MAX_ENTRIES 0xFFFFFFF0LL /* positions must fit the slot's 32 bits */

struct WynMap {
    wyn_int rc;
    const WynElemOps *vops; /* values: how to retain/release them */
    wyn_bool str_keys;
    wyn_int vsize;      /* bytes per value */
    wyn_int stride;     /* bytes per entry: key + value rounded up to 8 */
    wyn_int live;       /* keys present */
    wyn_int used;       /* positions handed out (live + dead) */
    wyn_int ndead;      /* removed entries not yet compacted away */
    wyn_int cap;        /* entries the allocated blocks can hold */
    int nblocks;
    uint64_t *index;    /* NULL until the first insert */
    uint64_t mask;      /* index size - 1 (size is a power of two) */
    uint64_t *dead;     /* bit per position; NULL until the first removal */
    char *blocks[MAP_MAX_BLOCKS];
};

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* --------------------------------------------------------------- helpers */

ALWAYS_INLINE char *entry_at(const WynMap *m, wyn_int pos)
{
    uint64_t q = ((uint64_t)pos / MAP_BLOCK0) + 1;
    int k = 63 - __builtin_clzll(q);
    uint64_t first = ((1ULL << k) - 1) * MAP_BLOCK0;
    return m->blocks[k] + ((uint64_t)pos - first) * (uint64_t)m->stride;
}

ALWAYS_INLINE uint64_t hash_int(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

ALWAYS_INLINE uint64_t key_hash(int str_keys, uint64_t key)
{
    return str_keys ? (uint64_t)rt_str_hash((WynStr *)(uintptr_t)key)
                    : hash_int(key);
}

ALWAYS_INLINE int key_equal(int str_keys, uint64_t key, const char *entry)
{
    uint64_t other;
    memcpy(&other, entry, 8);
    if (!str_keys || other == key)
        return other == key;
    const WynStr *a = (const WynStr *)(uintptr_t)key;
    const WynStr *b = (const WynStr *)(uintptr_t)other;
    return a->len == b->len && memcmp(a->data, b->data, (size_t)a->len) == 0;
}

static int is_dead(const WynMap *m, wyn_int pos)
{
    return m->dead && (m->dead[pos / 64] >> (pos % 64) & 1);
}

static uint64_t slot_hash_of_entry(const WynMap *m, wyn_int pos)
{
    uint64_t key;
    memcpy(&key, entry_at(m, pos), 8);
    return key_hash(m->str_keys, key);
}

/* ---------------------------------------------------------------- lookup */

/* Position of key, or -1.  *slot gets the index slot holding it (or the
 * empty slot where the probe stopped). */
ALWAYS_INLINE wyn_int find_pos(const WynMap *m, int str_keys, uint64_t key,
                               uint64_t h, uint64_t *slot)
{
    uint64_t i = (uint32_t)h & m->mask; /* homes use the 32 bits a slot keeps */
    uint32_t tag = (uint32_t)h;
    for (;;) {
        uint64_t s = m->index[i];
        if (s == 0)
            break;
        if ((uint32_t)s == tag) {
            wyn_int pos = (wyn_int)(s >> 32) - 1;
            if (key_equal(str_keys, key, entry_at(m, pos))) {
                *slot = i;
                return pos;
            }
        }
        i = (i + 1) & m->mask;
    }
    *slot = i;
    return -1;
}

ALWAYS_INLINE void *map_find(WynMap *m, int str_keys, uint64_t key)
{
    if (m->live == 0)
        return NULL;
    uint64_t slot;
    wyn_int pos = find_pos(m, str_keys, key, key_hash(str_keys, key), &slot);
    return pos < 0 ? NULL : entry_at(m, pos) + 8;
}

/* ---------------------------------------------------- index maintenance */

static void index_place(WynMap *m, uint64_t h, wyn_int pos)
{
    uint64_t i = (uint32_t)h & m->mask; /* homes use the 32 bits a slot keeps */
    while (m->index[i])
        i = (i + 1) & m->mask;
    m->index[i] = ((uint64_t)(pos + 1) << 32) | (uint32_t)h;
}

/* A new index of size slots holding every live entry (after compaction
 * has renumbered them). */
static void index_rebuild(WynMap *m, uint64_t size)
{
    free(m->index);
    m->index = rt_alloc((wyn_int)(size * 8));
    m->mask = size - 1;
    for (wyn_int pos = 0; pos < m->used; pos++)
        if (!is_dead(m, pos))
            index_place(m, slot_hash_of_entry(m, pos), pos);
}

/* Moves every slot of the old index into a new one of size slots.  The
 * slots carry their hash bits, so this touches neither keys nor entries,
 * and reading the old index in order writes the new one almost in order:
 * far fewer cache misses than re-inserting the entries. */
static void index_grow(WynMap *m, uint64_t size)
{
    uint64_t *old = m->index;
    uint64_t old_size = old ? m->mask + 1 : 0;
    m->index = rt_alloc((wyn_int)(size * 8));
    m->mask = size - 1;
    for (uint64_t i = 0; i < old_size; i++) {
        uint64_t s = old[i];
        if (s == 0)
            continue;
        uint64_t j = (uint32_t)s & m->mask;
        while (m->index[j])
            j = (j + 1) & m->mask;
        m->index[j] = s;
    }
    free(old);
}

/* Keeps the index at most half full, so probes stay short. */
static void index_reserve(WynMap *m, wyn_int live)
{
    uint64_t size = m->index ? m->mask + 1 : 0;
    if (m->index && (uint64_t)live * 2 <= size)
        return;
    if (size < MAP_MIN_INDEX)
        size = MAP_MIN_INDEX;
    while ((uint64_t)live * 2 > size)
        size *= 2;
    index_grow(m, size);
}

/* Removes index slot i, shifting later entries of the probe run back so
 * that no lookup ever stops early at the hole. */
static void index_delete(WynMap *m, uint64_t i)
{
    uint64_t j = i;
    for (;;) {
        j = (j + 1) & m->mask;
        uint64_t s = m->index[j];
        if (s == 0)
            break;
        uint64_t home = (uint32_t)s & m->mask;
        if (((j - home) & m->mask) < ((j - i) & m->mask))
            continue; /* its home lies after the hole: it stays */
        m->index[i] = s;
        i = j;
    }
    m->index[i] = 0;
}

/* ------------------------------------------------------ entry storage */

/* Slides live entries down over dead ones, keeping their order. */
static void compact(WynMap *m)
{
    wyn_int to = 0;
    for (wyn_int pos = 0; pos < m->used; pos++) {
        if (is_dead(m, pos))
            continue;
        if (to != pos)
            memcpy(entry_at(m, to), entry_at(m, pos), (size_t)m->stride);
        to++;
    }
    m->used = to;
    m->ndead = 0;
    memset(m->dead, 0, (size_t)(m->cap + 63) / 64 * 8);
    index_rebuild(m, m->mask + 1);
}

static void add_block(WynMap *m)
{
    if (m->nblocks == MAP_MAX_BLOCKS || m->cap >= MAP_MAX_ENTRIES)
        rt_fatal(0, "map too large");
    wyn_int n = (wyn_int)MAP_BLOCK0 << m->nblocks;
    m->blocks[m->nblocks++] = rt_malloc_raw((size_t)(n * m->stride));
    wyn_int old_words = (m->cap + 63) / 64;
    m->cap += n;
    if (m->dead) {
        wyn_int words = (m->cap + 63) / 64;
        m->dead = rt_realloc(m->dead, words * 8);
        memset(m->dead + old_words, 0, (size_t)(words - old_words) * 8);
    }
}

/* Appends an entry for key (known absent, hash h); returns its value. */
static void *insert_new(WynMap *m, uint64_t key, uint64_t h)
{
    if (m->used == m->cap) {
        if (m->ndead > 0 && m->ndead * 2 >= m->used)
            compact(m);
        else
            add_block(m);
    }
    index_reserve(m, m->live + 1);
    wyn_int pos = m->used++;
    m->live++;
    char *e = entry_at(m, pos);
    memcpy(e, &key, 8);
    memset(e + 8, 0, (size_t)(m->stride - 8));
    index_place(m, h, pos);
    return e + 8;
}

ALWAYS_INLINE void *map_slot(WynMap *m, int str_keys, uint64_t key)
{
    uint64_t h = key_hash(str_keys, key);
    if (m->live > 0) {
        uint64_t slot;
        wyn_int pos = find_pos(m, str_keys, key, h, &slot);
        if (pos >= 0)
            return entry_at(m, pos) + 8;
    }
    if (str_keys)
        rt_retain((WynStr *)(uintptr_t)key); /* the map's reference */
    return insert_new(m, key, h);
}

/* Releases what entry e holds: its string key and (vops) its value. */
static void entry_release(WynMap *m, char *e)
{
    if (m->str_keys) {
        WynStr *k;
        memcpy(&k, e, 8);
        rt_release_str(k);
    }
    if (m->vops && m->vops->drop)
        m->vops->drop(e + 8);
}

static wyn_bool map_remove(WynMap *m, int str_keys, uint64_t key)
{
    if (m->live == 0)
        return 0;
    uint64_t slot;
    wyn_int pos = find_pos(m, str_keys, key, key_hash(str_keys, key), &slot);
    if (pos < 0)
        return 0;
    index_delete(m, slot);
    /* keep the entry's contents: it is released once m is consistent
     * (a value's drop may run arbitrary releases) */
    char small[64];
    char *e = entry_at(m, pos);
    char *held = (size_t)m->stride <= sizeof small ? small : rt_malloc_raw((size_t)m->stride);
    memcpy(held, e, (size_t)m->stride);
    if (!m->dead)
        m->dead = rt_alloc((m->cap + 63) / 64 * 8);
    m->dead[pos / 64] |= 1ULL << (pos % 64);
    m->ndead++;
    if (--m->live == 0) { /* empty again: start positions from 0 */
        memset(m->dead, 0, (size_t)(m->cap + 63) / 64 * 8);
        m->used = 0;
        m->ndead = 0;
    }
    entry_release(m, held);
    if (held != small)
        free(held);
    return 1;
}

/* ------------------------------------------------------------ public API */

WynMap *rt_map_new_keep(wyn_bool str_keys, wyn_int vsize, const WynElemOps *vops)
{
    WynMap *m = rt_obj_calloc(sizeof(WynMap));
    m->rc = 1;
    m->vops = vops;
    m->str_keys = str_keys;
    m->vsize = vsize;
    m->stride = 8 + ((vsize + 7) & ~7LL);
    return m;
}

WynMap *rt_map_new(wyn_bool str_keys, wyn_int vsize)
{
    return rt_autorelease_map(rt_map_new_keep(str_keys, vsize, NULL));
}

WynMap *rt_map_new_ops(wyn_bool str_keys, wyn_int vsize, const WynElemOps *vops)
{
    return rt_autorelease_map(rt_map_new_keep(str_keys, vsize, vops));
}

void rt_release_map(WynMap *m)
{
    if (rt_rc_release(m))
        rt_dispose(m, RT_K_MAP);
}

void rt_map_destroy(WynMap *m)
{
    m->rc = 0;
    if (m->str_keys || (m->vops && m->vops->drop))
        for (wyn_int p = rt_map_next(m, 0); p >= 0; p = rt_map_next(m, p + 1))
            entry_release(m, entry_at(m, p));
    for (int k = 0; k < m->nblocks; k++)
        free(m->blocks[k]);
    free(m->index);
    free(m->dead);
    rt_obj_free(m);
}

void *rt_map_find_i(WynMap *m, wyn_int key)
{
    return map_find(m, 0, (uint64_t)key);
}

void *rt_map_find_s(WynMap *m, WynStr *key)
{
    return map_find(m, 1, (uint64_t)(uintptr_t)key);
}

void *rt_map_get_i(WynMap *m, wyn_int key, wyn_loc loc)
{
    void *v = map_find(m, 0, (uint64_t)key);
    if (!v)
        rt_missing_key(loc);
    return v;
}

void *rt_map_get_s(WynMap *m, WynStr *key, wyn_loc loc)
{
    void *v = map_find(m, 1, (uint64_t)(uintptr_t)key);
    if (!v)
        rt_missing_key(loc);
    return v;
}

void *rt_map_slot_i(WynMap *m, wyn_int key)
{
    return map_slot(m, 0, (uint64_t)key);
}

void *rt_map_slot_s(WynMap *m, WynStr *key)
{
    return map_slot(m, 1, (uint64_t)(uintptr_t)key);
}

wyn_bool rt_map_remove_i(WynMap *m, wyn_int key)
{
    return map_remove(m, 0, (uint64_t)key);
}

wyn_bool rt_map_remove_s(WynMap *m, WynStr *key)
{
    return map_remove(m, 1, (uint64_t)(uintptr_t)key);
}

wyn_int rt_map_len(WynMap *m)
{
    return m->live;
}

wyn_int rt_map_next(WynMap *m, wyn_int pos)
{
    if (pos < 0)
        pos = 0;
    while (pos < m->used && is_dead(m, pos))
        pos++;
    return pos < m->used ? pos : -1;
}

void *rt_map_key_at(WynMap *m, wyn_int pos)
{
    return entry_at(m, pos);
}

void *rt_map_val_at(WynMap *m, wyn_int pos)
{
    return entry_at(m, pos) + 8;
}

WynArr *rt_map_keys(WynMap *m)
{
    WynArr *a = rt_arr_new_ops(8, m->live, m->str_keys ? &rt_str_ops : NULL);
    for (wyn_int p = rt_map_next(m, 0); p >= 0; p = rt_map_next(m, p + 1)) {
        char *e = entry_at(m, p);
        memcpy(a->data + 8 * a->len++, e, 8);
        if (m->str_keys)
            rt_retain(*(WynStr **)e);
    }
    return a;
}

WynArr *rt_map_values(WynMap *m)
{
    WynArr *a = rt_arr_new_ops(m->vsize, m->live, m->vops);
    WynElemFn dup = m->vops ? m->vops->dup : NULL;
    for (wyn_int p = rt_map_next(m, 0); p >= 0; p = rt_map_next(m, p + 1)) {
        char *v = a->data + m->vsize * a->len++;
        memcpy(v, entry_at(m, p) + 8, (size_t)m->vsize);
        if (dup)
            dup(v);
    }
    return a;
}

WynMap *rt_map_copy(WynMap *m)
{
    WynMap *c = rt_map_new_ops(m->str_keys, m->vsize, m->vops);
    WynElemFn dup = m->vops ? m->vops->dup : NULL;
    for (wyn_int p = rt_map_next(m, 0); p >= 0; p = rt_map_next(m, p + 1)) {
        uint64_t key;
        memcpy(&key, entry_at(m, p), 8);
        if (m->str_keys)
            rt_retain((WynStr *)(uintptr_t)key);
        void *v = insert_new(c, key, key_hash(m->str_keys, key));
        memcpy(v, entry_at(m, p) + 8, (size_t)m->vsize);
        if (dup)
            dup(v);
    }
    return c;
}
