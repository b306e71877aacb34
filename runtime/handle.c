/*
 * handle.c — the handle registry: int handles <-> runtime objects, checked.
 *
 * SPEC §11 lets futures, channels and shared cells travel as plain ints,
 * and library objects (databases, open files, ...) are ints too.  An int
 * can be forged (12345), stale (its object was released) or of the wrong
 * kind or element type; the registry turns every such use into a runtime
 * error instead of a reinterpretation or a crash.
 *
 * Layout: slots live in chunks of 4096, allocated on demand and never
 * freed or moved (chunk pointers are published once, so readers need no
 * lock).  A handle is (gen << 32) | index.  A slot's `seq` is gen << 1 |
 * live.  Readers check seq, read the fields, and check seq again after an
 * acquire fence (a seqlock: a slot released and reused meanwhile shows a
 * different seq).  Writers (new, release, intern, forget) take one mutex:
 * they are rare next to lookups (a handle is made once and used many
 * times), and typed Channel<T> / Future<T> values never come here.
 *
 * Interning: a future (a Task) has no room for its handle, so converting a
 * typed future to an int asks rt_handle_intern, which keeps an obj ->
 * handle hash (linear probing, backward-shift deletion) under the mutex.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "handle.h"
#include "rt_internal.h"

#define CHUNK_BITS 12
#define CHUNK (1u << CHUNK_BITS)
#define MAX_CHUNKS (1u << 14)             /* 2^26 slots */
#define GEN_MAX 0x7fffffffu               /* handles stay positive */

const RtHandleKind rt_hk_future = { "future" };
const RtHandleKind rt_hk_channel = { "channel" };
const RtHandleKind rt_hk_shared = { "shared value" };

typedef struct Slot {
    _Atomic uint64_t seq;                 /* gen << 1 | live; 0: never used */
    _Atomic(const RtHandleKind *) kind;
    _Atomic(const char *) type;
    _Atomic(void *) obj;
    uint32_t next_free;                   /* index + 1; under the lock */
} Slot;

typedef struct {                          /* obj -> handle, for interning */
    void **keys;
    wyn_int *vals;
    size_t cap, len;
} InternMap;

static struct {
    pthread_mutex_t lock;
    _Atomic(Slot *) chunks[MAX_CHUNKS];
    uint32_t nslots;                      /* slots handed out so far */
    uint32_t free_head;                   /* index + 1 of a released slot */
    wyn_int live;
    InternMap intern;
} reg = { .lock = PTHREAD_MUTEX_INITIALIZER };

static inline Slot *slot_at(uint32_t idx)
{
    Slot *c = atomic_load_explicit(&reg.chunks[idx >> CHUNK_BITS], memory_order_acquire);
    return c ? &c[idx & (CHUNK - 1)] : NULL;
}

/* The slot a handle points at, or NULL if the index is out of range. */
static inline Slot *slot_of(wyn_int h)
{
    if (h <= 0)
        return NULL;
    uint64_t idx = (uint64_t)h & 0xffffffffu;
    if (idx >= (uint64_t)MAX_CHUNKS * CHUNK)
        return NULL;
    return slot_at((uint32_t)idx);
}

static inline uint64_t live_seq(wyn_int h)
{
    return ((uint64_t)h >> 32) << 1 | 1;
}

/* ------------------------------------------------------------- writers */

static Slot *slot_alloc(uint32_t *idx)
{
    if (reg.free_head) {
        *idx = reg.free_head - 1;
        Slot *s = slot_at(*idx);
        reg.free_head = s->next_free;
        return s;
    }
    if (reg.nslots >= MAX_CHUNKS * CHUNK)
        rt_fatal(0, "too many handles (2^26 alive)");
    *idx = reg.nslots++;
    uint32_t ci = *idx >> CHUNK_BITS;
    if (!atomic_load_explicit(&reg.chunks[ci], memory_order_relaxed)) {
        Slot *c = calloc(CHUNK, sizeof(Slot));
        if (!c)
            rt_fatal(0, "out of memory (handles)");
        atomic_store_explicit(&reg.chunks[ci], c, memory_order_release);
    }
    return slot_at(*idx);
}

static wyn_int new_locked(const RtHandleKind *kind, const char *type, void *obj)
{
    uint32_t idx;
    Slot *s = slot_alloc(&idx);
    uint64_t gen = atomic_load_explicit(&s->seq, memory_order_relaxed) >> 1;
    if (gen == 0 || gen > GEN_MAX)
        gen = 1;
    /* seqlock writer: the fields change only while seq is not live, and a
     * reader that sees the new fields must see a seq past its own. */
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&s->kind, kind, memory_order_relaxed);
    atomic_store_explicit(&s->type, type, memory_order_relaxed);
    atomic_store_explicit(&s->obj, obj, memory_order_relaxed);
    atomic_store_explicit(&s->seq, gen << 1 | 1, memory_order_release);
    reg.live++;
    return (wyn_int)(gen << 32 | idx);
}

static void release_locked(wyn_int h)
{
    Slot *s = slot_of(h);
    if (!s || atomic_load_explicit(&s->seq, memory_order_relaxed) != live_seq(h))
        return;
    uint64_t gen = ((uint64_t)h >> 32) + 1;
    atomic_store_explicit(&s->seq, gen << 1, memory_order_release);
    s->next_free = reg.free_head;
    reg.free_head = (uint32_t)((uint64_t)h & 0xffffffffu) + 1;
    reg.live--;
}

wyn_int rt_handle_new(const RtHandleKind *kind, const char *type, void *obj)
{
    pthread_mutex_lock(&reg.lock);
    wyn_int h = new_locked(kind, type, obj);
    pthread_mutex_unlock(&reg.lock);
    return h;
}

void rt_handle_release(wyn_int h)
{
    pthread_mutex_lock(&reg.lock);
    release_locked(h);
    pthread_mutex_unlock(&reg.lock);
}

wyn_int rt_handle_live(void)
{
    pthread_mutex_lock(&reg.lock);
    wyn_int n = reg.live;
    pthread_mutex_unlock(&reg.lock);
    return n;
}

/* ------------------------------------------------------------- interning */

static size_t hash_ptr(const void *p, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

/* Position of obj, or of the empty slot where it would go. */
static size_t intern_pos(const InternMap *m, const void *obj)
{
    size_t i = hash_ptr(obj, m->cap);
    while (m->keys[i] && m->keys[i] != obj)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void intern_grow(InternMap *m)
{
    InternMap n = { calloc(m->cap ? m->cap * 2 : 64, sizeof(void *)),
                    calloc(m->cap ? m->cap * 2 : 64, sizeof(wyn_int)),
                    m->cap ? m->cap * 2 : 64, m->len };
    if (!n.keys || !n.vals)
        rt_fatal(0, "out of memory (handles)");
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t j = intern_pos(&n, m->keys[i]);
            n.keys[j] = m->keys[i];
            n.vals[j] = m->vals[i];
        }
    free(m->keys);
    free(m->vals);
    *m = n;
}

wyn_int rt_handle_intern(const RtHandleKind *kind, const char *type, void *obj)
{
    pthread_mutex_lock(&reg.lock);
    InternMap *m = &reg.intern;
    if ((m->len + 1) * 2 > m->cap)
        intern_grow(m);
    size_t i = intern_pos(m, obj);
    if (!m->keys[i]) {
        m->keys[i] = obj;
        m->vals[i] = new_locked(kind, type, obj);
        m->len++;
    }
    wyn_int h = m->vals[i];
    pthread_mutex_unlock(&reg.lock);
    return h;
}

void rt_handle_forget(void *obj)
{
    pthread_mutex_lock(&reg.lock);
    InternMap *m = &reg.intern;
    size_t i = m->cap ? intern_pos(m, obj) : 0;
    if (m->cap && m->keys[i]) {
        release_locked(m->vals[i]);
        m->keys[i] = NULL;
        m->len--;
        /* backward-shift deletion: move later members of the run back
         * into the hole if their home position allows it */
        for (size_t j = (i + 1) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1)) {
            size_t home = hash_ptr(m->keys[j], m->cap);
            if (((j - home) & (m->cap - 1)) >= ((j - i) & (m->cap - 1))) {
                m->keys[i] = m->keys[j];
                m->vals[i] = m->vals[j];
                m->keys[j] = NULL;
                i = j;
            }
        }
    }
    pthread_mutex_unlock(&reg.lock);
}

/* --------------------------------------------------------------- readers */

/* One consistent snapshot of a live slot; 0 when h is not live. */
static inline int snapshot(wyn_int h, const RtHandleKind **kind, const char **type, void **obj)
{
    Slot *s = slot_of(h);
    if (!s)
        return 0;
    uint64_t q = atomic_load_explicit(&s->seq, memory_order_acquire);
    if (q != live_seq(h))
        return 0;
    *kind = atomic_load_explicit(&s->kind, memory_order_relaxed);
    *type = atomic_load_explicit(&s->type, memory_order_relaxed);
    *obj = atomic_load_explicit(&s->obj, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    return atomic_load_explicit(&s->seq, memory_order_relaxed) == q;
}

int rt_handle_peek(wyn_int h, const RtHandleKind **kind, const char **type, void **obj)
{
    return snapshot(h, kind, type, obj);
}

static inline int same_type(const char *a, const char *b)
{
    return a == b || !a || !b || strcmp(a, b) == 0;
}

/* Says what is wrong with h (out of line: only the error path). */
static __attribute__((noinline, cold, noreturn)) void
handle_fail(wyn_int h, const RtHandleKind *want, const char *type, const char *what, wyn_loc loc)
{
    char msg[256];
    const RtHandleKind *k;
    const char *t;
    void *obj;
    Slot *s = slot_of(h);
    uint64_t gen = (uint64_t)h >> 32;
    if (snapshot(h, &k, &t, &obj)) {
        if (k != want)
            snprintf(msg, sizeof msg, "%s: handle is a %s, not a %s", what, k->name, want->name);
        else
            snprintf(msg, sizeof msg, "%s: %s carries %s, used as %s", what, want->name, t, type);
    } else if (s && gen >= 1 && gen <= GEN_MAX &&
               gen < atomic_load_explicit(&s->seq, memory_order_acquire) >> 1) {
        snprintf(msg, sizeof msg, "%s: stale %s handle %lld (already released)", what,
                 want->name, (long long)h);
    } else {
        snprintf(msg, sizeof msg, "%s: %lld is not a %s handle", what, (long long)h, want->name);
    }
    rt_panic(loc, msg);
}

void *rt_handle_get(wyn_int h, const RtHandleKind *kind, const char *type,
                    const char *what, wyn_loc loc)
{
    const RtHandleKind *k;
    const char *t;
    void *obj;
    if (__builtin_expect(snapshot(h, &k, &t, &obj) && k == kind && same_type(t, type), 1))
        return obj;
    handle_fail(h, kind, type, what, loc);
}
