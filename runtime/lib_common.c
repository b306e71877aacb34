/*
 * lib_common.c — what every standard-library file (lib_*.c) shares: the
 * error path (lib_fail / lib_errmsg), the handle registry (lib_handle_*),
 * small [string] and C-string helpers, and random bytes from the kernel.
 * The contract is in lib_internal.h.
 *
 * The registry is one table of slots under one mutex: handle operations
 * are short (a lookup and a counter), and every call that uses a handle
 * does far more work than the lock costs.  A handle is
 *   HANDLE_TAG << 56 | generation << 24 | (slot + 1)
 * so small ints, other modules' handles and handles of closed objects
 * (the slot's generation moved on) are all recognised as invalid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "lib_internal.h"
#include "rt_internal.h"
#include "rt_values.h"

/* ------------------------------------------------------------- errors */

static WynStr *vmsg(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    WynStr *s = rt_str_alloc(n < 0 ? 0 : n);
    if (n > 0)
        vsnprintf(s->data, (size_t)n + 1, fmt, ap);
    return s;
}

WynStr *lib_errmsg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    WynStr *s = vmsg(fmt, ap);
    va_end(ap);
    return rt_autorelease(s);
}

WYN_NORETURN void lib_fail(wyn_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    WynStr *s = vmsg(fmt, ap);
    va_end(ap);
    rt_panic(loc, s->data);
}

/* ------------------------------------------------------------ handles */

#define HANDLE_TAG 0x57LL        /* 'W': top byte of every library handle */
#define HANDLE_GEN_MASK 0xFFFFFFFFLL
#define HANDLE_SLOT_MASK 0xFFFFFFLL

typedef struct Slot {
    const LibHandleKind *kind;  /* NULL: free */
    void *obj;
    wyn_int gen;                /* bumped when the slot is freed */
    int users;                  /* lib_handle_get without put */
    int closed;
    int next_free;              /* free list, -1 ends it */
} Slot;

static struct {
    pthread_mutex_t lock;
    Slot *slots;
    int len, cap;
    int free_head;
} reg = { PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, -1 };

static wyn_int handle_of(int i)
{
    return HANDLE_TAG << 56 | (reg.slots[i].gen & HANDLE_GEN_MASK) << 24 | (wyn_int)(i + 1);
}

/* Slot index of h if it names a live slot (lock held), else -1. */
static int slot_of(wyn_int h)
{
    if ((h >> 56) != HANDLE_TAG)
        return -1;
    wyn_int i = (h & HANDLE_SLOT_MASK) - 1;
    if (i < 0 || i >= reg.len)
        return -1;
    Slot *s = &reg.slots[i];
    if (!s->kind || ((h >> 24) & HANDLE_GEN_MASK) != (s->gen & HANDLE_GEN_MASK))
        return -1;
    return (int)i;
}

wyn_int lib_handle_new(const LibHandleKind *kind, void *obj)
{
    pthread_mutex_lock(&reg.lock);
    int i = reg.free_head;
    if (i >= 0) {
        reg.free_head = reg.slots[i].next_free;
    } else {
        if (reg.len == reg.cap) {
            reg.cap = reg.cap ? reg.cap * 2 : 16;
            if (reg.cap > HANDLE_SLOT_MASK)
                rt_fatal(0, "too many open handles");
            reg.slots = rt_realloc(reg.slots, (wyn_int)sizeof(Slot) * reg.cap);
        }
        i = reg.len++;
        reg.slots[i].gen = 1;
    }
    Slot *s = &reg.slots[i];
    s->kind = kind;
    s->obj = obj;
    s->users = 0;
    s->closed = 0;
    wyn_int h = handle_of(i);
    pthread_mutex_unlock(&reg.lock);
    return h;
}

WYN_NORETURN static void bad_handle(wyn_int h, const LibHandleKind *kind, const char *fn,
                                    wyn_loc loc)
{
    pthread_mutex_unlock(&reg.lock);
    lib_fail(loc, "%s: not an open %s handle (%lld)", fn, kind->name, h);
}

/* Frees slot i (lock held): the object is destroyed by the caller. */
static void slot_free(int i)
{
    Slot *s = &reg.slots[i];
    s->kind = NULL;
    s->obj = NULL;
    s->gen++;
    s->next_free = reg.free_head;
    reg.free_head = i;
}

void *lib_handle_get(wyn_int h, const LibHandleKind *kind, const char *fn, wyn_loc loc)
{
    pthread_mutex_lock(&reg.lock);
    int i = slot_of(h);
    if (i < 0 || reg.slots[i].kind != kind || reg.slots[i].closed)
        bad_handle(h, kind, fn, loc);
    reg.slots[i].users++;
    void *obj = reg.slots[i].obj;
    pthread_mutex_unlock(&reg.lock);
    return obj;
}

void lib_handle_put(wyn_int h)
{
    pthread_mutex_lock(&reg.lock);
    int i = slot_of(h);
    const LibHandleKind *kind = NULL;
    void *obj = NULL;
    if (i >= 0 && --reg.slots[i].users == 0 && reg.slots[i].closed) {
        kind = reg.slots[i].kind;
        obj = reg.slots[i].obj;
        slot_free(i);
    }
    pthread_mutex_unlock(&reg.lock);
    if (kind && kind->destroy)
        kind->destroy(obj);
}

void lib_handle_close(wyn_int h, const LibHandleKind *kind, const char *fn, wyn_loc loc)
{
    pthread_mutex_lock(&reg.lock);
    int i = slot_of(h);
    if (i < 0 || reg.slots[i].kind != kind || reg.slots[i].closed)
        bad_handle(h, kind, fn, loc);
    void *obj = NULL;
    reg.slots[i].closed = 1;
    if (reg.slots[i].users == 0) {
        obj = reg.slots[i].obj;
        slot_free(i);
    }
    pthread_mutex_unlock(&reg.lock);
    if (obj && kind->destroy)
        kind->destroy(obj);
}

/* ------------------------------------------------------------ strings */

WynArr *lib_str_array(void)
{
    return rt_arr_new_ops(sizeof(WynStr *), 0, &rt_str_ops);
}

void lib_str_push(WynArr *a, const char *bytes, size_t len)
{
    *(WynStr **)rt_arr_push_slot(a) = rt_str_new_keep(bytes, (wyn_int)len);
}

char *lib_cstr(WynStr *s, const char *fn, const char *what, wyn_loc loc)
{
    if (memchr(s->data, 0, (size_t)s->len))
        lib_fail(loc, "%s: %s contains a NUL byte", fn, what);
    char *c = rt_malloc_raw((size_t)s->len + 1);
    memcpy(c, s->data, (size_t)s->len + 1);
    return c;
}

/* ------------------------------------------------------------- random */

void lib_random_fill(void *buf, size_t n, const char *fn, wyn_loc loc)
{
    char *p = buf;
    while (n > 0) {
        ssize_t r = getrandom(p, n, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            lib_fail(loc, "%s: cannot read random bytes: %s", fn, strerror(errno));
        }
        p += r;
        n -= (size_t)r;
    }
}
