/*
 * rt_sched_internal.h — data structures shared by the concurrency runtime's
 * files (sched.c, task.c, chan.c, select.c, timer.c, poll.c, stack.c,
 * signals.c, main.c, shared.c).  Nothing outside those files includes it.
 * The design is explained at the top of sched.c; this header states the
 * layouts and, for every shared field, what protects it.
 */
#ifndef WYN_RT_SCHED_INTERNAL_H
#define WYN_RT_SCHED_INTERNAL_H
#include <stdatomic.h>
#include <stdint.h>
#include <stddef.h>
#include <pthread.h>
#include "rt_internal.h"
#include "deque.h"

/* ------------------------------------------------------------ sanitizers */
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define RT_ASAN 1
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
#define RT_TSAN 1
#include <sanitizer/tsan_interface.h>
#endif
/* Code that reads or writes other coroutines' stack bytes wholesale. */
#define RT_NO_SANITIZE __attribute__((no_sanitize_address, no_sanitize_thread, noinline))

#define RT_LIKELY(x) __builtin_expect(!!(x), 1)
#define RT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define RT_HIDDEN __attribute__((visibility("hidden")))

typedef struct Task Task;
typedef struct Coro Coro;
typedef struct Worker Worker;
typedef struct Waiter Waiter;

/* ------------------------------------------------------------- spinlock */
typedef struct { _Atomic unsigned char v; } RtSpin;
void rt_spin_lock_slow(RtSpin *l);
static inline void rt_spin_lock(RtSpin *l)
{
    if (RT_LIKELY(!atomic_exchange_explicit(&l->v, 1, memory_order_acquire)))
        return;
    rt_spin_lock_slow(l);
}
static inline void rt_spin_unlock(RtSpin *l)
{
    atomic_store_explicit(&l->v, 0, memory_order_release);
}

/* ----------------------------------------------------------------- tasks */
/* Task.state */
enum { T_READY = 1, T_RUNNING = 2, T_DONE = 3, T_FREE = 4 };
/* Task.flags (written before the task is published, then read-only) */
enum {
    TF_DETACHED = 1,    /* no future; recycled at completion */
    TF_HEAP_ARGS = 2,   /* args malloc'd, freed at completion */
    TF_HEAP_RESULT = 4, /* result malloc'd, lives as long as the future */
    TF_MAIN = 8,        /* the program's main task */
    TF_RESULT_DROP = 16,/* a WynElemFn stored with the result (task.c) */
};
/* Task.cancel bits */
enum {
    TC_CANCEL = 1,      /* rt_task_cancel was called */
    TC_HANDLE = 2,      /* converted to an int handle (rt_future_to_int) */
};
#define TASK_INLINE 32  /* bytes of args + result stored in the task itself */
#define TASK_CHAIN 4    /* spawn sites remembered: own + 3 ancestors */

/* A task is its future: the handle is the pointer.  96 bytes, so 100 000
 * alive tasks fit in ~10 MB.  Futures are memoized until rt_future_release
 * (slabs stay reachable until exit); detached tasks and released futures
 * go back to a per-worker free list.  Task memory is
 * type-stable (never returned to the OS), so a stale deque entry may always
 * be CAS-probed. */
struct Task {
    _Atomic uint32_t state;   /* T_*: READY -> RUNNING by CAS (the claim) */
    uint8_t flags;
    _Atomic uint8_t cancel;   /* TC_* bits */
    uint8_t nchain;
    RtSpin lock;              /* protects waiters */
    wyn_loc chain[TASK_CHAIN];/* chain[0] = spawn site, then the parent's */
    WynTaskFn fn;
    void *args;
    void *result;
    Waiter *waiters;          /* awaiters; under lock; NULL once DONE */
    Task *next;               /* free list / injection queue link */
    _Alignas(16) char payload[TASK_INLINE];
};

/* --------------------------------------------------------------- waiting */
/* A wait record: one per thing a parked coroutine waits on (a channel
 * queue, a task's awaiter list).  Lives in the Coro, never on a stack. */
static inline void rt_waiter_set_linked(Waiter *w, int v);
struct Waiter {
    Waiter *next, *prev;      /* in the object's queue; under its lock */
    Coro *co;
    uint64_t tok;             /* the wait this record belongs to */
    void *obj;                /* Chan * or Task * it is linked into */
    int code;                 /* winner code reported if it fires */
    /* Set under the object's lock.  Clearing it (release) is the LAST
     * access an unlinker makes to the record: the owner may read it without
     * the lock (acquire) and reuse the record at once when it is 0. */
    _Atomic uint8_t linked;
    uint8_t closed;           /* a sender woken by close */
};

static inline void rt_waiter_set_linked(Waiter *w, int v)
{
    atomic_store_explicit(&w->linked, (uint8_t)v, memory_order_release);
}
static inline int rt_waiter_linked(Waiter *w)
{
    return atomic_load_explicit(&w->linked, memory_order_acquire);
}

/* Coro.pstate: parking handshake between the coroutine, its worker and
 * wakers (see sched.c "Parking"). */
enum { P_RUNNING = 0, P_PARKING, P_PARKED, P_WOKEN, P_RUNNABLE };

/* Winner codes in the low 16 bits of Coro.claim (0 = still open). */
#define WAIT_GEN_SHIFT 16
#define WAIT_CODE_MASK 0xFFFFu
#define WIN_TIMEOUT 0xFFFFu
#define WIN_FD 0xFFFEu
#define WIN_DRAIN 0xFFFDu
#define WIN_SELF 0xFFFCu      /* reserved */
#define WAIT_INLINE 2         /* wait records stored in the Coro */
#define XFER_INLINE 32        /* channel values stored in the Coro */

/* An execution context.  Created when a task first runs as a coroutine,
 * freed (to the worker's pool) when it finishes.  While parked its frames
 * live either on its run stack (if it is still that stack's holder) or in
 * `saved`. */
struct Coro {
    void *sp;                 /* saved stack pointer; NULL = not started */
    Worker *owner;            /* worker whose run stack it uses; fixed */
    Task *task;               /* the task it was created for */
    uint8_t task_flags;       /* task->flags, read before the task completes:
                               * after that a released future may be reused */
    Task *cur;                /* logical current task (inline awaits nest) */
    char *saved;              /* copy of [sp, top) while evicted */
    size_t saved_cap;
    int8_t stk;               /* index of its run stack, -1 before the first run */
    _Atomic uint8_t in_use;   /* for the deadlock scan */
    _Atomic int pstate;       /* P_* */
    _Atomic uint64_t claim;   /* tok | winner code */
    uint64_t tok;             /* current wait: gen << 16 (owner only) */
    wyn_loc wait_loc;         /* where it blocks (deadlock report) */
    const char *wait_what;
    Coro *qnext;              /* ready queue / inbox link */
    Coro *free_next;
    int timer_idx;            /* index in the timer heap, -1; timer lock */
    int64_t deadline;         /* timer deadline (ns); timer lock */
    uint64_t timer_tok;       /* wait the timer belongs to; timer lock */
    int fd_want;              /* rt_sched_wait_fd: wanted events */
    int fd_events;            /* rt_sched_wait_fd result */
    int nwait;                /* wait records in use */
    Waiter w[WAIT_INLINE];
    Waiter *wbig;             /* more records (select over many channels) */
    int wbig_cap;
    uint32_t xfer_cap;
    char *xfer;               /* channel value hand-over buffer */
    char xfer_inline[XFER_INLINE];
    RtPool pool;              /* autorelease pool of the tasks it runs */
#ifdef RT_TSAN
    void *tsan_fiber;
#endif
#ifdef RT_ASAN
    void *asan_fake;
#endif
};

/* A run stack.  Each worker has RUN_STACKS of them so that a few
 * coroutines that take turns (ping-pong, producer/consumer, main + helper)
 * each keep their frames in place and never get copied; a coroutine is
 * bound to one stack (Coro.stk) from its first run. */
#define RUN_STACKS 4
typedef struct RunStack {
    char *lo, *top;           /* usable [lo, top), top 16-byte aligned */
    char *guard_lo;           /* PROT_NONE guard [guard_lo, lo) */
    char *map_base;
    size_t map_size;
    Coro *holder;             /* coroutine whose frames are on it, or NULL */
    uint64_t last;            /* worker tick of the last switch-in (LRU) */
} RunStack;

/* Worker.state (also the futex word) */
enum { W_AWAKE = 0, W_SLEEP = 1, W_POLL = 2 };
/* Worker.reason: why the running coroutine switched back */
enum { R_PARK = 1, R_YIELD, R_EXIT };

struct __attribute__((aligned(64))) Worker {
    Deque dq;                 /* never-started tasks (stealable) */
    int id;
    void *sched_sp;           /* scheduler context while a coroutine runs */
    Coro *cur_co;             /* running coroutine, NULL in the scheduler */
    int reason;
    Coro *handoff;            /* parked by switching straight to cur_co;
                               * its park is settled by cur_co (owner only) */
    int direct;               /* direct switches since the loop last ran */
    RunStack rs[RUN_STACKS];  /* owner only (bounds read by the SIGSEGV handler) */
    Coro *ready_head, *ready_tail;   /* woken owned coroutines (owner only) */
    Coro *yield_head, *yield_tail;   /* yielded coroutines (owner only) */
    _Atomic(Coro *) inbox;    /* wakes from other threads (Treiber stack) */
    _Atomic int state;        /* W_*; futex word */
    Task *tfree;              /* task free list (owner only) */
    char *slab_cur, *slab_end;/* task slab carving (owner only) */
    Coro *cfree;              /* coroutine pool (owner only) */
    uint64_t tick;
    int64_t last_poll;
    Worker *lone_victim;      /* steal(): last lone deque entry seen */
    int64_t lone_top;
    pthread_t thread;
    void *altstack;
#ifdef RT_ASAN
    void *asan_fake;
    const void *sched_bottom;
    size_t sched_size;
#endif
#ifdef RT_TSAN
    void *tsan_sched;
#endif
    char pad[64];
};

typedef struct Sched {
    int nworkers;
    Worker *workers;
    size_t stack_size;        /* usable bytes of each run stack */
    size_t guard_size;
    _Atomic int nspinning;
    _Atomic int nsleeping;
    _Atomic uint64_t epoch;   /* bumped whenever a worker wakes up */
    _Atomic int shutdown;
    _Atomic long ndetached;   /* detached tasks not finished */
    _Atomic(Coro *) drain_waiter;
    uint64_t drain_tok;
    pthread_mutex_t gq_lock;  /* global injection queue */
    Task *gq_head, *gq_tail;
    _Atomic int gq_len;
    _Atomic int running;      /* rt_main in progress */
    int exit_status;
} Sched;

extern Sched rt_sched;
extern __thread Worker *rt_tls_worker;

/* ---------------------------------------------------------------- sched.c */
Coro *rt_coro_current(void);       /* NULL outside a coroutine */
void rt_sched_push_new(Task *t);   /* make a never-started task runnable */
/* The wait protocol, used by every blocking primitive:
 *     uint64_t tok = rt_wait_begin(co, loc, "recv");
 *     Waiter *r = rt_wait_slots(co, n);
 *     ... link the records under the objects' locks ...
 *     unsigned code = rt_wait_park(co);     (or rt_wait_self(co, tok, c))
 *     ... unlink the records that did not fire ...
 * A waker that wins rt_wait_claim(co, tok, code) must call rt_wake(co)
 * exactly once.  Nothing the waker touches may live on the parked
 * coroutine's stack. */
uint64_t rt_wait_begin(Coro *co, wyn_loc loc, const char *what);
/* n wait records for the current wait (record i fires with code i + 1);
 * call once, before linking any of them. */
Waiter *rt_wait_slots(Coro *co, int n);
static inline int rt_wait_claim(Coro *co, uint64_t tok, unsigned code)
{
    uint64_t exp = tok;
    return atomic_compare_exchange_strong_explicit(&co->claim, &exp,
        tok | code, memory_order_acq_rel, memory_order_acquire);
}
/* Claim our own wait (something was ready after all): returns 1 if we won,
 * and then the caller does not park.  0: a waker won; park to consume it. */
int rt_wait_self(Coro *co, uint64_t tok, unsigned code);
unsigned rt_wait_park(Coro *co);   /* returns the winner code */
void rt_wake(Coro *co);
void rt_sched_yield_current(void);
void rt_sched_note_detached_done(void);
void rt_sched_drain_detached(void);     /* main: wait for detached tasks */
int rt_sched_default_threads(void);     /* WYN_THREADS or online CPUs */
int rt_sched_init(int nworkers);
void rt_sched_run(Task *main_task);     /* worker 0 on this thread */
void rt_sched_fini(void);
void *rt_xfer_reserve(Coro *co, size_t n);

/* ---------------------------------------------------------------- task.c */
Task *rt_task_alloc(Worker *w, wyn_int args_size, wyn_int result_size,
                    WynElemFn result_drop);   /* drop: NULL or run at release */
void rt_task_release(Worker *w, Task *t);   /* detached: back to the pool */
void rt_task_run_body(Coro *co, Task *t);   /* fn(args,result) + complete */
void rt_task_chain_init(Task *t, wyn_loc loc);

/* ---------------------------------------------------------------- stack.c */
size_t rt_stack_default_size(void);
int rt_stack_map(RunStack *s, size_t size, size_t guard);
void rt_stack_unmap(RunStack *s);
void rt_stack_init_frame(RunStack *s, Coro *co, void (*fn)(Coro *));
void rt_stack_save(RunStack *s, Coro *co);
void rt_stack_restore(RunStack *s, Coro *co);
/* The run stack whose guard region contains addr, or NULL. */
RunStack *rt_stack_guard_owner(const void *addr);
void rt_coro_switch(void **save_sp, void *load_sp);
void rt_coro_boot(void);

/* ---------------------------------------------------------------- timer.c */
int64_t rt_mono_ns(void);
void rt_timer_add(Coro *co, int64_t deadline_ns);   /* for the current wait */
void rt_timer_remove(Coro *co);
int rt_timer_fire(int64_t now);                    /* wakes due timers */
int64_t rt_timer_next(void);                       /* INT64_MAX if none */
int rt_timer_count(void);

/* ---------------------------------------------------------------- poll.c */
int rt_poll_init(void);
void rt_poll_fini(void);
int rt_poll_nwaits(void);
/* One thread polls at a time: rt_poll_acquire() (try-lock, 0 if busy or
 * no poller exists yet), then rt_poll_run(), then rt_poll_release().
 * rt_poll_run waits up to timeout_ms (-1: forever, 0: non-blocking) for fd
 * events, wakes their coroutines and returns how many it woke. */
int rt_poll_acquire(void);
int rt_poll_run(int timeout_ms);
void rt_poll_release(void);
void rt_poll_interrupt(void);

/* ------------------------------------------------------------- signals.c */
void rt_signals_install(void);
void rt_signals_thread_init(Worker *w);
void rt_signals_thread_fini(Worker *w);

/* ------------------------------------------------------------- select.c / chan.c */
typedef struct Chan Chan;
Chan *rt_chan_from(wyn_int h, wyn_loc loc);
/* select support.  sel_take: with the lock held, take a value (1), the
 * closed zero value (2) or nothing (0); *wake = a sender to rt_wake after
 * unlocking. */
int rt_chan_sel_take(Chan *c, void *out, Coro **wake);
int rt_chan_sel_ready(Chan *c);                     /* lock held */
void rt_chan_lock(Chan *c);
void rt_chan_unlock(Chan *c);
void rt_chan_sel_enqueue(Chan *c, Waiter *w);       /* lock held */
void rt_chan_sel_dequeue(Chan *c, Waiter *w);       /* takes the lock */
size_t rt_chan_esize(Chan *c);

#endif
