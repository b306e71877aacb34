/*
 * stack.c — run stacks and stack copying (concurrency runtime).
 *
 * Each worker owns RUN_STACKS run stacks, each a single mmap of guard +
 * size bytes, MAP_NORESERVE (physical memory follows use), whose lowest
 * guard bytes are PROT_NONE.  Two VMAs per run stack, whatever the number
 * of tasks.  The
 * guard is 16 MB because tcc never probes the stack: a frame larger than the
 * guard would jump over it (../shared/notes/libtcc.md Q5).
 *
 * Coroutines share their worker's run stack; a parked coroutine that must
 * make room is copied out to the heap (rt_stack_save) and back
 * (rt_stack_restore).  See the essay in sched.c.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "rt_sched_internal.h"

#define DEFAULT_STACK ((size_t)256 << 20)
#define MIN_STACK ((size_t)64 << 10)

size_t rt_stack_default_size(void)
{
    const char *s = getenv("WYN_STACK_SIZE");
    if (!s || !*s)
        return DEFAULT_STACK;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    switch (toupper((unsigned char)*end)) {
    case 'G': v <<= 30; break;
    case 'M': v <<= 20; break;
    case 'K': v <<= 10; break;
    default: break;
    }
    if (v < MIN_STACK)
        v = MIN_STACK;
    if (v > ((size_t)64 << 30))
        v = (size_t)64 << 30;
    return (size_t)((v + 4095) & ~4095ull);
}

int rt_stack_map(RunStack *w, size_t size, size_t guard)
{
    size_t total = size + guard;
    char *base = mmap(NULL, total, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return -1;
    if (mprotect(base + guard, size, PROT_READ | PROT_WRITE) != 0) {
        munmap(base, total);
        return -1;
    }
    w->map_base = base;
    w->map_size = total;
    w->guard_lo = base;
    w->lo = base + guard;
    w->top = base + total;
    w->holder = NULL;
    w->last = 0;
    return 0;
}

void rt_stack_unmap(RunStack *w)
{
    if (w->map_base)
        munmap(w->map_base, w->map_size);
    w->map_base = NULL;
    w->guard_lo = w->lo = w->top = NULL;
}

/* Initial frame consumed by rt_coro_switch + rt_coro_boot: the layout of
 * the frame the switch saves, with the registers rt_coro_boot reads set
 * (see the comments at the top of coro_x86_64.S / coro_aarch64.S).  It
 * starts with the current FP control state, like a coroutine that had
 * saved it itself. */
#if defined(__x86_64__)
/* From the top down: boot, rbp, rbx, r12 = co, r13 = fn, r14, r15, MXCSR,
 * FCW; 9 words, so the `ret` to rt_coro_boot leaves rsp 16-byte aligned. */
#define FRAME_WORDS 9
RT_NO_SANITIZE void rt_stack_init_frame(RunStack *w, Coro *co, void (*fn)(Coro *))
{
    uintptr_t *top = (uintptr_t *)w->top;
    uint16_t fcw;
    uint32_t mxcsr;
    __asm__ volatile("fnstcw %0" : "=m"(fcw));
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
#ifdef RT_ASAN
    __asan_unpoison_memory_region(top - 16, 16 * sizeof(uintptr_t));
#endif
    top[-1] = (uintptr_t)rt_coro_boot;
    top[-2] = 0;
    top[-3] = 0;
    top[-4] = (uintptr_t)co;
    top[-5] = (uintptr_t)fn;
    top[-6] = 0;
    top[-7] = 0;
    top[-8] = mxcsr;
    top[-9] = fcw;
    co->sp = top - FRAME_WORDS;
}
#elif defined(__aarch64__)
/* From sp up (22 words = 176 bytes, a multiple of 16, so sp == top when
 * the switch's `ret` enters rt_coro_boot): x19 = co, x20 = fn, x21-x28,
 * x29 = 0, x30 = boot, d8-d15, FPCR, padding. */
#define FRAME_WORDS 22
RT_NO_SANITIZE void rt_stack_init_frame(RunStack *w, Coro *co, void (*fn)(Coro *))
{
    uintptr_t *top = (uintptr_t *)w->top;
    uintptr_t *f = top - FRAME_WORDS;
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
#ifdef RT_ASAN
    __asan_unpoison_memory_region(f, FRAME_WORDS * sizeof(uintptr_t));
#endif
    memset(f, 0, FRAME_WORDS * sizeof(uintptr_t));
    f[0] = (uintptr_t)co;               /* x19 */
    f[1] = (uintptr_t)fn;               /* x20 */
    f[11] = (uintptr_t)rt_coro_boot;    /* x30; f[10] = x29 = 0 */
    f[20] = (uintptr_t)fpcr;
    co->sp = f;
}
#else
#error "no coroutine context switch for this architecture (runtime/coro_*.S)"
#endif

void rt_stack_save(RunStack *w, Coro *co)
{
    size_t len = (size_t)(w->top - (char *)co->sp);
    if (len > co->saved_cap) {
        size_t cap = (len + 255) & ~(size_t)255;
        free(co->saved);
        co->saved = malloc(cap);
        if (!co->saved)
            rt_fatal(0, "out of memory (parked task stack)");
        co->saved_cap = cap;
    }
#ifdef RT_ASAN
    __asan_unpoison_memory_region(co->sp, len);
#endif
    memcpy(co->saved, co->sp, len);
}

void rt_stack_restore(RunStack *w, Coro *co)
{
    size_t len = (size_t)(w->top - (char *)co->sp);
#ifdef RT_ASAN
    __asan_unpoison_memory_region(co->sp, len);
#endif
    memcpy(co->sp, co->saved, len);
    if (co->saved_cap > 65536) {      /* a deep stack: give the copy back */
        free(co->saved);
        co->saved = NULL;
        co->saved_cap = 0;
    }
}

RunStack *rt_stack_guard_owner(const void *addr)
{
    const char *a = addr;
    for (int i = 0; i < rt_sched.nworkers; i++)
        for (int k = 0; k < RUN_STACKS; k++) {
            RunStack *s = &rt_sched.workers[i].rs[k];
            if (a >= s->guard_lo && a < s->lo)
                return s;
        }
    return NULL;
}
