/*
 * sched.c — the M:N work-stealing scheduler of Wyn's concurrency runtime.
 *
 * ## Model
 *
 * A *task* (struct Task, task.c) is a function call waiting to happen: fn,
 * a copy of its arguments, a result buffer, its spawn site.  The future
 * handle the language sees is the Task pointer.  A task that actually runs
 * as a coroutine gets a *Coro* (struct Coro): its execution context.
 * WYN_THREADS *workers* (OS threads; the thread that called rt_main is
 * worker 0) run coroutines.
 *
 * Stacks: every worker owns RUN_STACKS (4) big run stacks (WYN_STACK_SIZE,
 * default 256 MB of MAP_NORESERVE virtual memory above a 16 MB PROT_NONE
 * guard each).  A coroutine is bound to one of them at its first run (a
 * free one, else the least recently used) and all coroutines of a worker
 * share them — the shared-stack ("libco copy stack") design.  When a
 * parked coroutine must make room for another one, the worker copies the
 * used part [sp, top) to a heap buffer sized to fit (rt_stack_save) and
 * copies it back before resuming it (rt_stack_restore).  The copy is
 * lazy: a coroutine whose stack nobody else needed in between is resumed
 * in place, so a yield, a wake that raced with the park, or up to four
 * tasks taking turns (ping-pong, producer/consumer, main + helpers) never
 * copy anything.  The scheduler itself runs on the worker thread's own
 * stack, so copying never touches the stack it runs on.
 *
 * Why: the targets ask for < 2 734 bytes per parked task (Go) and
 * 1 000 000 recursion frames per task.  A separate mmap stack per task
 * costs at least one 4 KB page plus a page-table page (~8 KB) when
 * parked, and two VMAs with a guard page (vm.max_map_count = 65 530 caps
 * that at 32 753 tasks).  With copying, a parked task costs its Task
 * (96 B) + Coro (~300 B) + the bytes of stack it really uses (a few
 * hundred), there are only 2 mappings per run stack, and a run stack can be
 * huge and guarded by a huge guard region (tcc does not probe the stack,
 * so the guard must be larger than any frame).
 *
 * ## Ownership (the one rule everything follows)
 *
 * Once a coroutine has run, its frames contain absolute addresses inside
 * its worker's run stack, so it can only ever run on that worker: it is
 * *owned*.  Never-started tasks are free: they sit in Chase-Lev deques and
 * may be stolen.  Consequently nothing another thread touches while a
 * coroutine is parked may live on its stack: wait records (Waiter), channel
 * hand-over buffers (Coro.xfer), timer entries all live in the Coro.
 *
 * ## Queues of a worker
 *
 *   dq     Chase-Lev deque of never-started Task *.  Owner push/pop LIFO,
 *          thieves steal FIFO (batch: up to half, at most 32, one CAS each).
 *          A lone entry is stolen only if it was already there on the
 *          thief's previous look: it is most likely a task its spawner is
 *          about to await (and run inline, far cheaper than a steal).
 *   ready  FIFO of owned coroutines that were woken by this worker (owner
 *          only, no atomics).
 *   inbox  Treiber stack of owned coroutines woken by other threads;
 *          drained by the owner into ready.
 *   yield  FIFO of coroutines that called Task.yield(): they run after new
 *          tasks, so yield loops cannot starve spawned work.
 * plus one global injection queue (mutex) for spawns from non-worker
 * threads.  Every pick first moves the inbox to the end of ready; then the
 * order is ready, own deque, global, yield, steal.  Every 61st pick looks
 * at the global queue, own deque and yield queue before ready: coroutines
 * that take turns keep ready non-empty for ever, and must not starve
 * what comes after it (fairness).
 *
 * ## Claiming a task
 *
 * Task.state goes READY -> RUNNING by CAS.  Whoever wins runs it: the
 * worker that popped/stole it, or an awaiter that runs it inline on its
 * own stack (rt_await on a not-yet-started task is then about the cost of
 * a function call).  Losers drop their (stale) queue entry.  Task memory is
 * type-stable, so probing a stale entry is always safe.
 *
 * ## Parking (Coro.pstate and Coro.claim)
 *
 * Every blocking primitive follows the wait protocol declared in
 * rt_sched_internal.h.  A wait has a token (generation << 16); wakers
 * compete with a CAS on Coro.claim (token -> token | winner code), so with
 * several sources (select arms, a timeout, await_any) exactly one wins and
 * it performs exactly one rt_wake.  pstate is the handshake with the
 * worker: the coroutine sets PARKING before publishing its wait records and
 * switches away (to the scheduler loop or, see below, straight to the next
 * ready coroutine); whatever runs next moves PARKING -> PARKED.  A wake that
 * arrives before that finds PARKING and just marks it WOKEN (the worker
 * requeues it itself); a wake of a PARKED coroutine moves it to RUNNABLE
 * and queues it on its owner (ready if the waker is the owner, else inbox
 * plus a futex/eventfd wake of the owner if it sleeps).
 *
 * ## Direct switches
 *
 * A park would cost two switches (coroutine -> loop -> next coroutine), so
 * an unbuffered ping-pong round trip would cost four.  Instead a parking
 * coroutine whose worker has a ready coroutine switches straight to it
 * (rt_wait_park -> switch_direct): two switches per round trip, and the
 * return addresses of both sides stay predictable.  The handshake is kept:
 * the PARKING -> PARKED step (settle_park) must come after the parked
 * coroutine's registers are saved, so the coroutine switched to does it
 * first thing (coro_resumed, via Worker.handoff), exactly as the loop does
 * after a switch back.  The loop therefore takes the coroutine that
 * switched back from Worker.cur_co, not the one it resumed.  Limits:
 *   - only to a coroutine whose frames are in place on its run stack:
 *     copying a stack in needs a stack nobody runs on (the loop's), and
 *     might even target the stack of the coroutine that is parking;
 *   - never to a new task (it needs a Coro and a stack: the loop does it);
 *   - at most DIRECT_MAX in a row, then the park goes through the loop,
 *     which fires timers, polls fds and looks at the other queues.
 * Ready order is unchanged (FIFO), so other ready coroutines still get
 * their turn between the two partners of a ping-pong.
 *
 * ## Idling without lost wakeups
 *
 * A worker with nothing to do spins (~30 µs: polls all queues, steals,
 * then sched_yield), then sleeps: it publishes state = W_SLEEP and
 * nsleeping++, issues a seq_cst fence, re-checks every queue, and only then
 * futex-waits (or blocks in epoll_wait if fd waits exist and nobody else is
 * polling).  Producers publish work, fence, then wake a sleeper if no
 * worker is spinning (the Dekker pattern: either the producer sees the
 * sleeper or the sleeper's re-check sees the work).  Idle workers sleep
 * only until the earliest timer.
 *
 * ## Deadlock
 *
 * When the last worker goes to sleep and there is no timer, no fd wait, no
 * call running on the blocking pool (blocking.c) and no runnable work, it
 * sleeps 20 ms; if nothing woke anybody meanwhile
 * (Sched.epoch unchanged) and some coroutine is parked, every task is
 * blocked forever: rt_fatal("deadlock: ...") naming where each one waits.
 *
 * ## Rejected alternatives
 *
 *   - One mmap'd stack per task (the seed's design): memory per parked
 *     task >= 8 KB with page tables, and the VMA limit (above).
 *   - Small segmented / growable stacks with checks inserted by the code
 *     generator: +24-40 % on call-heavy tcc code (notes Q5) and C callees
 *     (the runtime, libc, FFI) cannot grow.
 *   - Migrating parked coroutines between workers: impossible with copied
 *     stacks (absolute addresses), and not needed: new work is balanced by
 *     stealing never-started tasks.
 *   - ucontext: a syscall (sigprocmask) per switch.
 *   - Batch steal with a single CAS over a range of a Chase-Lev deque: not
 *     safe against the owner's pop; we steal entry by entry.
 *
 * Debugging: WYN_THREADS=1 makes everything deterministic.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "rt_sched_internal.h"

Sched rt_sched;
__thread Worker *rt_tls_worker;

#define SPIN_NS 30000          /* spin this long looking for work ... */
#define SPIN_YIELD_NS 10000    /* ... with sched_yield after this long */
#define DEADLOCK_CONFIRM_NS 20000000LL /* quiet period before "deadlock" */
#define STEAL_MAX 32           /* batch steal: at most this many */
#define FAIR_TICK 61           /* look at global/deque/yield queues first every N */
#define DIRECT_MAX 32          /* direct switches in a row before the loop runs */

/* Spin-wait hint: lets the sibling hyper-thread / the core's power
 * management know we are busy-waiting. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield" ::: "memory");
#endif
}

void rt_spin_lock_slow(RtSpin *l)
{
    for (int i = 0;; i++) {
        while (atomic_load_explicit(&l->v, memory_order_relaxed)) {
            if (i < 64)
                cpu_relax();
            else
                sched_yield();
            i++;
        }
        if (!atomic_exchange_explicit(&l->v, 1, memory_order_acquire))
            return;
    }
}

/* ------------------------------------------------------------------ futex */

static void futex_wait(_Atomic int *addr, int val, int64_t timeout_ns)
{
    struct timespec ts, *tp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        tp = &ts;
    }
    syscall(SYS_futex, (int *)addr, FUTEX_WAIT_PRIVATE, val, tp, NULL, 0);
}

static void futex_wake(_Atomic int *addr)
{
    syscall(SYS_futex, (int *)addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* ------------------------------------------------------------- coro pool */

#define CORO_SLAB 64
typedef struct CoroSlab {
    struct CoroSlab *next;
    Coro c[CORO_SLAB];
} CoroSlab;

static pthread_mutex_t slab_lock = PTHREAD_MUTEX_INITIALIZER;
static CoroSlab *slabs;        /* every Coro ever made (deadlock scan) */

static void coro_refill(Worker *w)
{
    CoroSlab *s = calloc(1, sizeof *s);
    if (!s)
        rt_fatal(0, "out of memory (coroutines)");
    for (int i = 0; i < CORO_SLAB; i++) {
        Coro *co = &s->c[i];
        co->timer_idx = -1;
        co->xfer = co->xfer_inline;
        co->xfer_cap = XFER_INLINE;
#ifdef RT_TSAN
        co->tsan_fiber = __tsan_create_fiber(0);
#endif
        co->free_next = i + 1 < CORO_SLAB ? &s->c[i + 1] : w->cfree;
    }
    w->cfree = &s->c[0];
    pthread_mutex_lock(&slab_lock);
    s->next = slabs;
    slabs = s;
    pthread_mutex_unlock(&slab_lock);
}

static Coro *coro_alloc(Worker *w, Task *t)
{
    if (!w->cfree)
        coro_refill(w);
    Coro *co = w->cfree;
    w->cfree = co->free_next;
    co->sp = NULL;
    co->owner = w;
    co->task = co->cur = t;
    co->task_flags = t->flags;
    co->stk = -1;
    co->nwait = 0;
    co->qnext = NULL;
    atomic_store_explicit(&co->pstate, P_RUNNING, memory_order_relaxed);
    atomic_store_explicit(&co->in_use, 1, memory_order_relaxed);
    return co;
}

static void coro_free(Worker *w, Coro *co)
{
    atomic_store_explicit(&co->in_use, 0, memory_order_relaxed);
    if (co->saved_cap > 16384) {          /* don't hoard big stack copies */
        free(co->saved);
        co->saved = NULL;
        co->saved_cap = 0;
    }
    co->task = co->cur = NULL;
    co->free_next = w->cfree;
    w->cfree = co;
}

/* --------------------------------------------------------- worker queues */

static inline void ready_push(Worker *w, Coro *co)
{
    co->qnext = NULL;
    if (w->ready_tail)
        w->ready_tail->qnext = co;
    else
        w->ready_head = co;
    w->ready_tail = co;
}

static inline Coro *ready_pop(Worker *w)
{
    Coro *co = w->ready_head;
    if (co && !(w->ready_head = co->qnext))
        w->ready_tail = NULL;
    return co;
}

static void yield_push(Worker *w, Coro *co)
{
    co->qnext = NULL;
    if (w->yield_tail)
        w->yield_tail->qnext = co;
    else
        w->yield_head = co;
    w->yield_tail = co;
}

static Coro *yield_pop(Worker *w)
{
    Coro *co = w->yield_head;
    if (co && !(w->yield_head = co->qnext))
        w->yield_tail = NULL;
    return co;
}

/* Moves the inbox (LIFO) to the end of ready, restoring FIFO order. */
static void drain_inbox(Worker *w)
{
    Coro *l = atomic_exchange_explicit(&w->inbox, NULL, memory_order_acquire);
    Coro *rev = NULL;
    while (l) {
        Coro *n = l->qnext;
        l->qnext = rev;
        rev = l;
        l = n;
    }
    while (rev) {
        Coro *n = rev->qnext;
        ready_push(w, rev);
        rev = n;
    }
}

static void wake_worker(Worker *v, int st)
{
    if (atomic_compare_exchange_strong(&v->state, &st, W_AWAKE)) {
        atomic_fetch_sub(&rt_sched.nsleeping, 1);
        atomic_fetch_add(&rt_sched.epoch, 1);
        if (st == W_POLL)
            rt_poll_interrupt();
        else
            futex_wake(&v->state);
    }
}

static void inbox_push(Worker *o, Coro *co)
{
    Coro *old = atomic_load_explicit(&o->inbox, memory_order_relaxed);
    do
        co->qnext = old;
    while (!atomic_compare_exchange_weak_explicit(&o->inbox, &old, co,
               memory_order_release, memory_order_relaxed));
    atomic_thread_fence(memory_order_seq_cst);
    int st = atomic_load_explicit(&o->state, memory_order_relaxed);
    if (st != W_AWAKE)
        wake_worker(o, st);
}

/* Wakes one sleeping worker if nobody is already looking for work. */
static void notify_new_work(void)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&rt_sched.nspinning, memory_order_relaxed) ||
        !atomic_load_explicit(&rt_sched.nsleeping, memory_order_relaxed))
        return;
    for (int i = 0; i < rt_sched.nworkers; i++) {
        Worker *v = &rt_sched.workers[i];
        int st = atomic_load_explicit(&v->state, memory_order_relaxed);
        if (st != W_AWAKE) {
            wake_worker(v, st);
            return;
        }
    }
}

static void gq_push(Task *t)
{
    pthread_mutex_lock(&rt_sched.gq_lock);
    t->next = NULL;
    if (rt_sched.gq_tail)
        rt_sched.gq_tail->next = t;
    else
        rt_sched.gq_head = t;
    rt_sched.gq_tail = t;
    atomic_fetch_add(&rt_sched.gq_len, 1);
    pthread_mutex_unlock(&rt_sched.gq_lock);
}

static inline int task_claim(Task *t)
{
    uint32_t s = T_READY;
    return atomic_compare_exchange_strong_explicit(&t->state, &s, T_RUNNING,
        memory_order_acq_rel, memory_order_relaxed);
}

static Task *gq_pop(void)
{
    for (;;) {
        if (!atomic_load_explicit(&rt_sched.gq_len, memory_order_relaxed))
            return NULL;
        pthread_mutex_lock(&rt_sched.gq_lock);
        Task *t = rt_sched.gq_head;
        if (t) {
            if (!(rt_sched.gq_head = t->next))
                rt_sched.gq_tail = NULL;
            atomic_fetch_sub(&rt_sched.gq_len, 1);
        }
        pthread_mutex_unlock(&rt_sched.gq_lock);
        if (!t)
            return NULL;
        if (task_claim(t))
            return t;
    }
}

void rt_sched_push_new(Task *t)
{
    Worker *w = rt_tls_worker;
    if (RT_LIKELY(w != NULL)) {
        rt_deque_push(&w->dq, t);
        if (rt_sched.nworkers > 1)
            notify_new_work();
    } else {
        gq_push(t);
        notify_new_work();
    }
}

/* ------------------------------------------------------------- switching */

Coro *rt_coro_current(void)
{
    Worker *w = rt_tls_worker;
    return w ? w->cur_co : NULL;
}

/* Second half of a park, run by whoever runs next on the worker once the
 * parked coroutine's registers are saved (the scheduler loop, or the
 * coroutine it switched to directly): PARKING -> PARKED, after which a
 * waker may queue it and its owner may resume it.  A wake that came in
 * between left WOKEN: then we queue it ourselves. */
static void settle_park(Worker *w, Coro *co)
{
    int s = P_PARKING;
    if (!atomic_compare_exchange_strong_explicit(&co->pstate, &s, P_PARKED,
            memory_order_acq_rel, memory_order_acquire)) {
        atomic_store_explicit(&co->pstate, P_RUNNABLE, memory_order_relaxed);
        ready_push(w, co);
    }
}

/* Coroutine side, every time rt_coro_switch returns into co (but not at
 * its first activation, coro_entry: only the scheduler loop starts
 * coroutines).  If the previous coroutine parked by switching straight to
 * us, its park is ours to settle. */
static inline void coro_resumed(Worker *w, Coro *co)
{
#ifdef RT_ASAN
    /* NULL: the stack we came from may be the loop's or a coroutine's;
     * the loop's bounds were recorded once, in coro_entry */
    __sanitizer_finish_switch_fiber(co->asan_fake, NULL, NULL);
#endif
    Coro *from = w->handoff;
    if (from) {
        w->handoff = NULL;
        settle_park(w, from);
    }
}

/* Coroutine side: give the CPU back to the scheduler loop (run_coro),
 * which settles the switch according to reason. */
static void switch_out(Worker *w, Coro *co, int reason)
{
    w->reason = reason;
#ifdef RT_TSAN
    __tsan_switch_to_fiber(w->tsan_sched, 0);
#endif
#ifdef RT_ASAN
    __sanitizer_start_switch_fiber(reason == R_EXIT ? NULL : &co->asan_fake,
                                   w->sched_bottom, w->sched_size);
#endif
    rt_coro_switch(&co->sp, w->sched_sp);
    coro_resumed(w, co);
}

/* The coroutine a parking coroutine may switch to directly instead of
 * going through the scheduler loop: the next ready one (the order the loop
 * would pick it in), provided that
 *   - its frames are still in place on its run stack: copying a stack in
 *     needs a stack nobody runs on, which is what the loop has (and the
 *     stack to copy into may be the parking coroutine's own);
 *   - the chain of direct switches is shorter than DIRECT_MAX, so that the
 *     loop regularly fires timers, polls fds and looks at the other queues.
 * NULL: park through the loop. */
static Coro *handoff_target(Worker *w)
{
    if (w->direct >= DIRECT_MAX)
        return NULL;
    if (atomic_load_explicit(&w->inbox, memory_order_relaxed))
        drain_inbox(w);
    Coro *nx = w->ready_head;
    if (!nx || w->rs[nx->stk].holder != nx)
        return NULL;
    return ready_pop(w);
}

/* Coroutine side: co (PARKING) hands the CPU straight to nx (popped from
 * ready, frames in place).  nx settles co's park in coro_resumed, once
 * rt_coro_switch has saved co's registers: until then no waker may resume
 * co, exactly as when the loop settles it. */
static void switch_direct(Worker *w, Coro *co, Coro *nx)
{
    RunStack *s = &w->rs[nx->stk];
    w->direct++;
    s->last = w->tick;
    atomic_store_explicit(&nx->pstate, P_RUNNING, memory_order_relaxed);
    w->handoff = co;
    w->cur_co = nx;
#ifdef RT_TSAN
    __tsan_switch_to_fiber(nx->tsan_fiber, 0);
#endif
#ifdef RT_ASAN
    __sanitizer_start_switch_fiber(&co->asan_fake, s->lo, (size_t)(s->top - s->lo));
#endif
    rt_coro_switch(&co->sp, nx->sp);
    coro_resumed(w, co);
}

/* First activation of every coroutine (via rt_coro_boot), always from the
 * scheduler loop. */
static void coro_entry(Coro *co)
{
    Worker *w = co->owner;
#ifdef RT_ASAN
    __sanitizer_finish_switch_fiber(NULL, &w->sched_bottom, &w->sched_size);
#endif
    rt_task_run_body(co, co->task);
    switch_out(w, co, R_EXIT);
    __builtin_unreachable();
}

/* The task has completed: an awaiter on another thread may already have
 * released its future (rt_future_release) and reused the memory, so only
 * detached tasks, which nobody else can release, are touched here. */
static void coro_finished(Worker *w, Coro *co)
{
    Task *t = co->task;
    uint8_t flags = co->task_flags;
    RunStack *s = &w->rs[co->stk];
    if (s->holder == co)
        s->holder = NULL;
    coro_free(w, co);
    if (flags & TF_DETACHED) {
        rt_task_release(w, t);
        rt_sched_note_detached_done();
    } else if (flags & TF_MAIN) {
        atomic_store(&rt_sched.shutdown, 1);
        for (int i = 0; i < rt_sched.nworkers; i++) {
            Worker *v = &rt_sched.workers[i];
            int st = atomic_load(&v->state);
            if (st != W_AWAKE)
                wake_worker(v, st);
        }
    }
}

/* A run stack for a fresh coroutine: a free one, else the least
 * recently used (its holder gets copied out). */
static int pick_stack(Worker *w)
{
    int best = 0;
    for (int k = 0; k < RUN_STACKS; k++) {
        if (!w->rs[k].holder)
            return k;
        if (w->rs[k].last < w->rs[best].last)
            best = k;
    }
    return best;
}

/* Scheduler side: run co until it parks, yields or ends. */
static void run_coro(Worker *w, Coro *co)
{
    if (co->stk < 0)
        co->stk = (int8_t)pick_stack(w);
    RunStack *s = &w->rs[co->stk];
    if (s->holder != co) {
        if (s->holder)
            rt_stack_save(s, s->holder);
        if (!co->sp)
            rt_stack_init_frame(s, co, coro_entry);
        else
            rt_stack_restore(s, co);
        s->holder = co;
    }
    s->last = w->tick;
    atomic_store_explicit(&co->pstate, P_RUNNING, memory_order_relaxed);
    w->cur_co = co;
    w->direct = 0;
#ifdef RT_TSAN
    __tsan_switch_to_fiber(co->tsan_fiber, 0);
#endif
#ifdef RT_ASAN
    __sanitizer_start_switch_fiber(&w->asan_fake, s->lo, (size_t)(s->top - s->lo));
#endif
    rt_coro_switch(&w->sched_sp, co->sp);
#ifdef RT_ASAN
    __sanitizer_finish_switch_fiber(w->asan_fake, NULL, NULL);
#endif
    /* The coroutine that switched back: not co if co parked by switching
     * directly to another one (switch_direct). */
    co = w->cur_co;
    w->cur_co = NULL;
    switch (w->reason) {
    case R_PARK:
        settle_park(w, co);
        break;
    case R_YIELD:
        atomic_store_explicit(&co->pstate, P_RUNNABLE, memory_order_relaxed);
        yield_push(w, co);
        break;
    case R_EXIT:
        coro_finished(w, co);
        break;
    }
}

static void start_task(Worker *w, Task *t)
{
    run_coro(w, coro_alloc(w, t));
}

/* ------------------------------------------------------------- waiting */

uint64_t rt_wait_begin(Coro *co, wyn_loc loc, const char *what)
{
    uint64_t tok = co->tok + (1ull << WAIT_GEN_SHIFT);
    co->tok = tok;
    co->nwait = 0;
    co->wait_loc = loc;
    co->wait_what = what;
    atomic_store_explicit(&co->claim, tok, memory_order_relaxed);
    atomic_store_explicit(&co->pstate, P_PARKING, memory_order_release);
    return tok;
}

/* Records for the current wait; the array must not move while linked, so
 * a wait asks for all it needs at once, before linking any. */
Waiter *rt_wait_slots(Coro *co, int n)
{
    Waiter *r = co->w;
    if (n > WAIT_INLINE) {
        if (co->wbig_cap < n) {
            free(co->wbig);
            co->wbig = calloc((size_t)n, sizeof(Waiter));
            if (!co->wbig)
                rt_fatal(0, "out of memory (select)");
            co->wbig_cap = n;
        }
        r = co->wbig;
    }
    for (int i = 0; i < n; i++) {
        r[i].co = co;
        r[i].tok = co->tok;
        r[i].code = i + 1;
        atomic_store_explicit(&r[i].linked, 0, memory_order_relaxed);
        r[i].closed = 0;
        r[i].obj = NULL;
        r[i].next = r[i].prev = NULL;
    }
    co->nwait = n;
    return r;
}

void *rt_xfer_reserve(Coro *co, size_t n)
{
    if (n > co->xfer_cap) {
        if (co->xfer != co->xfer_inline)
            free(co->xfer);
        co->xfer = malloc(n);
        if (!co->xfer)
            rt_fatal(0, "out of memory (channel value)");
        co->xfer_cap = (uint32_t)n;
    }
    return co->xfer;
}

int rt_wait_self(Coro *co, uint64_t tok, unsigned code)
{
    if (!rt_wait_claim(co, tok, code))
        return 0;
    atomic_store_explicit(&co->pstate, P_RUNNING, memory_order_relaxed);
    return 1;
}

unsigned rt_wait_park(Coro *co)
{
    Worker *w = co->owner;
    Coro *next;
    if (atomic_load_explicit(&co->pstate, memory_order_acquire) == P_WOKEN)
        atomic_store_explicit(&co->pstate, P_RUNNING, memory_order_relaxed);
    else if ((next = handoff_target(w)))
        switch_direct(w, co, next);
    else
        switch_out(w, co, R_PARK);
    return (unsigned)(atomic_load_explicit(&co->claim, memory_order_acquire) & WAIT_CODE_MASK);
}

void rt_wake(Coro *co)
{
    int s = atomic_load_explicit(&co->pstate, memory_order_acquire);
    for (;;) {
        if (s == P_PARKING) {
            if (atomic_compare_exchange_weak_explicit(&co->pstate, &s, P_WOKEN,
                    memory_order_acq_rel, memory_order_acquire))
                return;
        } else if (s == P_PARKED) {
            if (atomic_compare_exchange_weak_explicit(&co->pstate, &s, P_RUNNABLE,
                    memory_order_acq_rel, memory_order_acquire))
                break;
        } else {
            rt_fatal(0, "internal error: wake of a coroutine that is not waiting");
        }
    }
    Worker *o = co->owner;
    if (o == rt_tls_worker)
        ready_push(o, co);
    else
        inbox_push(o, co);
}

void rt_sched_yield_current(void)
{
    Coro *co = rt_coro_current();
    if (!co) {
        sched_yield();
        return;
    }
    switch_out(co->owner, co, R_YIELD);
}

/* --------------------------------------------------------- detached drain */

void rt_sched_note_detached_done(void)
{
    if (atomic_fetch_sub(&rt_sched.ndetached, 1) == 1) {
        Coro *co = atomic_exchange(&rt_sched.drain_waiter, NULL);
        if (co && rt_wait_claim(co, rt_sched.drain_tok, WIN_DRAIN))
            rt_wake(co);
    }
}

/* Main task: park until every detached task has finished. */
void rt_sched_drain_detached(void)
{
    Coro *co = rt_coro_current();
    while (atomic_load(&rt_sched.ndetached) > 0) {
        if (!co) {
            usleep(1000);
            continue;
        }
        uint64_t tok = rt_wait_begin(co, 0, NULL);
        rt_sched.drain_tok = tok;
        atomic_store(&rt_sched.drain_waiter, co);
        if (atomic_load(&rt_sched.ndetached) == 0) {
            Coro *me = co;
            if (atomic_compare_exchange_strong(&rt_sched.drain_waiter, &me, NULL) &&
                rt_wait_self(co, tok, WIN_DRAIN))
                break;
        }
        rt_wait_park(co);
    }
}

/* ------------------------------------------------------------ stealing */

static Task *steal_from(Worker *w, Worker *v)
{
    Task *got = NULL;
    int64_t n = rt_deque_size(&v->dq);
    if (n <= 0)
        return NULL;
    int64_t want = n / 2;
    if (want > STEAL_MAX - 1)
        want = STEAL_MAX - 1;
    for (int tries = 0; tries < 8 && !got;) {
        Task *t = rt_deque_steal(&v->dq);
        if (t == DEQUE_ABORT) {
            tries++;
            continue;
        }
        if (!t)
            return NULL;
        if (task_claim(t))
            got = t;
    }
    if (!got)
        return NULL;
    for (int64_t i = 0; i < want; i++) {
        Task *t = rt_deque_steal(&v->dq);
        if (t == DEQUE_ABORT)
            continue;
        if (!t)
            break;
        rt_deque_push(&w->dq, t);
    }
    return got;
}

static Task *steal(Worker *w)
{
    int n = rt_sched.nworkers;
    unsigned start = (unsigned)(w->tick * 2654435761u);
    for (int k = 0; k < n; k++) {
        Worker *v = &rt_sched.workers[(start + (unsigned)k) % (unsigned)n];
        if (v == w)
            continue;
        int64_t size = rt_deque_size(&v->dq);
        if (size <= 0)
            continue;
        if (size == 1) {
            /* A lone, just-spawned task is probably about to be awaited
             * (and run inline) by its spawner: take it only if we saw the
             * very same entry on our previous look. */
            int64_t top = atomic_load_explicit(&v->dq.top, memory_order_relaxed);
            if (w->lone_victim != v || w->lone_top != top) {
                w->lone_victim = v;
                w->lone_top = top;
                continue;
            }
        }
        Task *t = steal_from(w, v);
        if (t)
            return t;
    }
    return NULL;
}

/* --------------------------------------------------------- finding work */

/* A never-started task from our own deque, claimed; NULL if none. */
static Task *own_pop(Worker *w)
{
    Task *t;
    while ((t = rt_deque_pop(&w->dq)))
        if (task_claim(t))
            return t;
    return NULL;
}

static int find_work(Worker *w, Coro **pc, Task **pt)
{
    uint64_t tick = ++w->tick;
    *pc = NULL;
    *pt = NULL;
    /* Wakes from other threads join the ready FIFO at every pick: when
     * coroutines take turns, ready never empties, and it must not starve
     * them. */
    if (atomic_load_explicit(&w->inbox, memory_order_relaxed))
        drain_inbox(w);
    /* Likewise, now and then, the queues that come after ready. */
    if (RT_UNLIKELY(tick % FAIR_TICK == 0)) {
        if ((*pt = gq_pop()) || (*pt = own_pop(w)))
            return 1;
        if ((*pc = yield_pop(w)))
            return 1;
    }
    if ((*pc = ready_pop(w)))
        return 1;
    if ((*pt = own_pop(w)))
        return 1;
    if ((*pt = gq_pop()))
        return 1;
    if ((*pc = yield_pop(w)))
        return 1;
    if (rt_sched.nworkers > 1 && (*pt = steal(w)))
        return 1;
    return 0;
}

/* Work that a sleeping worker must not miss (checked after publishing
 * that it sleeps). */
static int has_work(Worker *w)
{
    if (w->ready_head || w->yield_head ||
        atomic_load_explicit(&w->inbox, memory_order_relaxed))
        return 1;
    if (atomic_load_explicit(&rt_sched.gq_len, memory_order_relaxed))
        return 1;
    for (int i = 0; i < rt_sched.nworkers; i++)
        if (rt_deque_size(&rt_sched.workers[i].dq) > 0)
            return 1;
    if (rt_timer_count() && rt_timer_next() <= rt_mono_ns())
        return 1;
    return 0;
}

/* Timers and non-blocking fd polling, between two coroutines. */
static inline void service(Worker *w)
{
    if (rt_timer_count()) {
        int64_t now = rt_mono_ns();
        if (now >= rt_timer_next())
            rt_timer_fire(now);
    }
    if (RT_UNLIKELY(rt_poll_nwaits() > 0)) {
        int64_t now = rt_mono_ns();
        if (now - w->last_poll > 200000 && rt_poll_acquire()) {
            w->last_poll = now;
            rt_poll_run(0);
            rt_poll_release();
        }
    }
}

static void dispatch(Worker *w, Coro *co, Task *t)
{
    if (co)
        run_coro(w, co);
    else
        start_task(w, t);
}

static int spin_for_work(Worker *w, Coro **pc, Task **pt)
{
    int found = 0;
    atomic_fetch_add(&rt_sched.nspinning, 1);
    int64_t start = rt_mono_ns();
    for (int round = 0;; round++) {
        service(w);
        if (find_work(w, pc, pt)) {
            found = 1;
            break;
        }
        if (atomic_load_explicit(&rt_sched.shutdown, memory_order_relaxed))
            break;
        int64_t el = rt_mono_ns() - start;
        if (el > SPIN_NS)
            break;
        if (el > SPIN_YIELD_NS)
            sched_yield();
        else   /* look around rarely (it pulls other workers' cache lines),
                * but notice a wake in our own inbox at once */
            for (int k = 0; k < 100; k++) {
                if (atomic_load_explicit(&w->inbox, memory_order_relaxed))
                    break;
                cpu_relax();
            }
    }
    if (atomic_fetch_sub(&rt_sched.nspinning, 1) == 1 && found) {
        /* we were the last spinner: if more work is queued, get help */
        for (int i = 0; i < rt_sched.nworkers; i++)
            if (rt_deque_size(&rt_sched.workers[i].dq) > 0) {
                notify_new_work();
                break;
            }
    }
    return found;
}

static void deadlock_report(void);

static void sleep_for_work(Worker *w)
{
    uint64_t ep = atomic_load(&rt_sched.epoch);
    int mode = W_SLEEP;
    if (rt_poll_nwaits() > 0 && rt_poll_acquire())
        mode = W_POLL;
    atomic_store(&w->state, mode);
    int nsl = atomic_fetch_add(&rt_sched.nsleeping, 1) + 1;
    atomic_thread_fence(memory_order_seq_cst);
    int64_t timeout = -1;
    int candidate = 0;
    if (!has_work(w) && !atomic_load(&rt_sched.shutdown)) {
        /* the whole program is about to wait (timers, sockets, channels):
         * let what it printed so far be seen, e.g. a server's port */
        if (nsl == rt_sched.nworkers)
            rt_out_try_flush();
        int64_t next = rt_timer_next();
        if (next != INT64_MAX) {
            timeout = next - rt_mono_ns();
            if (timeout < 0)
                timeout = 0;
        } else if (nsl == rt_sched.nworkers && rt_poll_nwaits() == 0 &&
                   rt_blocking_pending() == 0) {
            candidate = 1;
            timeout = DEADLOCK_CONFIRM_NS;
        }
        if (mode == W_POLL)
            rt_poll_run(timeout < 0 ? -1 : (int)((timeout + 999999) / 1000000));
        else
            futex_wait(&w->state, W_SLEEP, timeout);
        if (candidate && atomic_load(&w->state) == mode &&
            atomic_load(&rt_sched.epoch) == ep &&
            atomic_load(&rt_sched.nsleeping) == rt_sched.nworkers &&
            rt_timer_count() == 0 && rt_poll_nwaits() == 0 &&
            rt_blocking_pending() == 0 &&
            !atomic_load(&rt_sched.shutdown) && !has_work(w))
            deadlock_report();
    }
    int st = mode;
    if (atomic_compare_exchange_strong(&w->state, &st, W_AWAKE)) {
        atomic_fetch_sub(&rt_sched.nsleeping, 1);
        atomic_fetch_add(&rt_sched.epoch, 1);
    }
    if (mode == W_POLL)
        rt_poll_release();
}

static void worker_loop(Worker *w)
{
    Coro *co;
    Task *t;
    for (;;) {
        service(w);
        if (find_work(w, &co, &t)) {
            dispatch(w, co, t);
            continue;
        }
        if (atomic_load_explicit(&rt_sched.shutdown, memory_order_acquire))
            return;
        if (rt_sched.nworkers > 1 && spin_for_work(w, &co, &t)) {
            dispatch(w, co, t);
            continue;
        }
        if (atomic_load_explicit(&rt_sched.shutdown, memory_order_acquire))
            return;
        sleep_for_work(w);
    }
}

/* ------------------------------------------------------------- deadlock */

static int append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = *len < cap ? vsnprintf(buf + *len, cap - *len, fmt, ap) : 0;
    va_end(ap);
    if (n > 0)
        *len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
    return n;
}

static void describe(char *buf, size_t cap, size_t *len, Coro *co)
{
    Task *t = co->cur ? co->cur : co->task;
    if (t && (t->flags & TF_MAIN))
        append(buf, cap, len, "main");
    else if (t)
        append(buf, cap, len, "task spawned at %s:%d", rt_loc_file(t->chain[0]),
               WYN_LOC_LINE(t->chain[0]));
    else
        append(buf, cap, len, "task");
    if (!co->wait_what)
        append(buf, cap, len, " (finished, waiting for fire-and-forget tasks)");
    else if (co->wait_loc)
        append(buf, cap, len, " at %s:%d in %s", rt_loc_file(co->wait_loc),
               WYN_LOC_LINE(co->wait_loc), co->wait_what);
    else
        append(buf, cap, len, " in %s", co->wait_what);
}

/* Called by the last worker to fall asleep after a quiet period: if some
 * coroutine is parked, nothing can ever wake it. */
static void deadlock_report(void)
{
    char msg[1024];
    size_t len = 0;
    int n = 0;
    Coro *first = NULL, *main_co = NULL;
    pthread_mutex_lock(&slab_lock);
    for (CoroSlab *s = slabs; s; s = s->next)
        for (int i = 0; i < CORO_SLAB; i++) {
            Coro *co = &s->c[i];
            if (!atomic_load_explicit(&co->in_use, memory_order_acquire))
                continue;
            int ps = atomic_load(&co->pstate);
            if (ps != P_PARKED && ps != P_PARKING)
                continue;
            n++;
            if (co->task && (co->task->flags & TF_MAIN))
                main_co = co;
            else if (!first)
                first = co;
        }
    if (n == 0) {
        pthread_mutex_unlock(&slab_lock);
        return;
    }
    append(msg, sizeof msg, &len, "deadlock: every task is blocked (");
    int shown = 0;
    if (main_co) {
        describe(msg, sizeof msg, &len, main_co);
        shown++;
    }
    for (CoroSlab *s = slabs; s && shown < 8; s = s->next)
        for (int i = 0; i < CORO_SLAB && shown < 8; i++) {
            Coro *co = &s->c[i];
            if (co == main_co || !atomic_load(&co->in_use))
                continue;
            int ps = atomic_load(&co->pstate);
            if (ps != P_PARKED && ps != P_PARKING)
                continue;
            if (shown)
                append(msg, sizeof msg, &len, "; ");
            describe(msg, sizeof msg, &len, co);
            shown++;
        }
    if (n > shown)
        append(msg, sizeof msg, &len, "; and %d more", n - shown);
    append(msg, sizeof msg, &len, ")");
    pthread_mutex_unlock(&slab_lock);
    Coro *at = main_co && main_co->wait_what ? main_co : first ? first : main_co;
    rt_fatal(at ? at->wait_loc : 0, msg);
}

/* ------------------------------------------------------- start and stop */

int rt_sched_default_threads(void)
{
    const char *s = getenv("WYN_THREADS");
    if (s && *s) {
        long n = strtol(s, NULL, 10);
        if (n >= 1 && n <= 1024)
            return (int)n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static void *worker_thread(void *arg)
{
    Worker *w = arg;
    rt_tls_worker = w;
#ifdef RT_TSAN
    w->tsan_sched = __tsan_get_current_fiber();
#endif
    rt_signals_thread_init(w);
    worker_loop(w);
    rt_signals_thread_fini(w);
    rt_tls_worker = NULL;
    return NULL;
}

int rt_sched_init(int nworkers)
{
    memset(&rt_sched, 0, sizeof rt_sched);
    pthread_mutex_init(&rt_sched.gq_lock, NULL);
    rt_sched.nworkers = nworkers;
    rt_sched.stack_size = rt_stack_default_size();
    rt_sched.guard_size = 16u << 20;
    void *mem = NULL;
    if (posix_memalign(&mem, 64, sizeof(Worker) * (size_t)nworkers) != 0)
        return -1;
    rt_sched.workers = mem;
    memset(rt_sched.workers, 0, sizeof(Worker) * (size_t)nworkers);
    for (int i = 0; i < nworkers; i++) {
        Worker *w = &rt_sched.workers[i];
        w->id = i;
        rt_deque_init(&w->dq, 8);
        for (int k = 0; k < RUN_STACKS; k++)
            if (rt_stack_map(&w->rs[k], rt_sched.stack_size, rt_sched.guard_size) < 0)
                return -1;
    }
    atomic_store(&rt_sched.running, 1);
    return 0;
}

/* Runs worker 0 on the calling thread (and starts the others) until the
 * main task has finished. */
void rt_sched_run(Task *main_task)
{
    Worker *w0 = &rt_sched.workers[0];
    rt_tls_worker = w0;
#ifdef RT_TSAN
    w0->tsan_sched = __tsan_get_current_fiber();
#endif
    rt_signals_thread_init(w0);
    rt_deque_push(&w0->dq, main_task);
    for (int i = 1; i < rt_sched.nworkers; i++) {
        Worker *w = &rt_sched.workers[i];
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setstacksize(&a, 1u << 20);
        if (pthread_create(&w->thread, &a, worker_thread, w) != 0)
            rt_fatal(0, "cannot start worker threads");
        pthread_attr_destroy(&a);
    }
    worker_loop(w0);
    rt_signals_thread_fini(w0);
}

/* After rt_sched_run: joins the workers if they are idle (a worker still
 * inside a never-ending task is left alone: the process is exiting). */
void rt_sched_fini(void)
{
    int all_idle = 1;
    rt_blocking_sched_end();
    for (int i = 1; i < rt_sched.nworkers; i++) {
        Worker *w = &rt_sched.workers[i];
        for (int k = 0; k < 2000 && w->thread; k++) {
            if (pthread_tryjoin_np(w->thread, NULL) == 0) {
                w->thread = 0;
                break;
            }
            usleep(50);
        }
        if (w->thread)
            all_idle = 0;
    }
    rt_tls_worker = NULL;
    atomic_store(&rt_sched.running, 0);
    if (!all_idle)
        return;
    for (int i = 0; i < rt_sched.nworkers; i++) {
        for (int k = 0; k < RUN_STACKS; k++)
            rt_stack_unmap(&rt_sched.workers[i].rs[k]);
        rt_deque_destroy(&rt_sched.workers[i].dq);
    }
}

/* ---------------------------------------------------------- task info */

int rt_sched_spawn_chain(wyn_loc *out, int max)
{
    Coro *co = rt_coro_current();
    Task *t = co ? co->cur : NULL;
    if (!t || (t->flags & TF_MAIN))
        return 0;
    int n = t->nchain < max ? t->nchain : max;
    for (int i = 0; i < n; i++)
        out[i] = t->chain[i];
    return n;
}

RtPool *rt_sched_pool(void)
{
    Worker *w = rt_tls_worker;
    return w && w->cur_co ? &w->cur_co->pool : NULL;
}
