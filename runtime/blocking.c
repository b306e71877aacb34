/*
 * blocking.c — a small pool of threads for calls that block in the kernel
 * (file I/O, process waits, and for the library: SQLite, DNS), like
 * libuv's threadpool or tokio's spawn_blocking (concurrency runtime).
 *
 * rt_blocking_run(fn, arg, size, what, loc) parks the calling *task*, not
 * its worker: the worker goes on running other tasks while fn runs on a
 * pool thread; the task resumes when fn returns.  Outside a coroutine (a
 * foreign thread, a C test before rt_main) fn just runs inline.  The main
 * program is a coroutine under rt_main, so it parks like any task.
 *
 * What travels.  A parked coroutine's stack may be copied away at any time
 * (sched.c, "Ownership"), so the pool never touches it: the size bytes at
 * arg are copied into the job before and back out after (arg holds the
 * call's inputs and outputs; what it points to must be on the heap).
 * Objects fn hands to the autorelease pool land in the pool thread's own
 * pool; they are moved into the task's pool when it resumes, so fn may
 * call any runtime function that returns +0 objects.  fn must not raise a
 * runtime error (the spawn chain would be lost): it records errno and the
 * caller raises after rt_blocking_run returns.
 *
 * Threads are started on demand, up to WYN_BLOCKING_THREADS (default 16),
 * when more jobs are queued than threads are idle; idle ones wait on a
 * condition variable and stay for the life of the process.  Jobs that
 * wait for each other (a FIFO's reader and writer) need a thread each: with
 * more of them than threads, they wait for ever, as in any bounded pool.  The number of jobs
 * queued or running is visible to the deadlock detector
 * (rt_blocking_pending): a task waiting for the pool is not stuck.
 *
 * Shutdown: the claim and wake happen under the pool's mutex, and
 * rt_sched_fini bumps the run id under it (rt_blocking_sched_end), so a
 * job that ends after its scheduler run is over wakes nobody.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "rt_sched_internal.h"

#define DEFAULT_THREADS 16
#define WIN_BLOCKING 0xFFFBu   /* winner code of a finished job */

typedef struct Job {
    struct Job *next;
    RtBlockingFn fn;
    Coro *co;
    uint64_t tok;
    uint64_t run;             /* the scheduler run that queued it */
    RtPoolTake pooled;        /* what fn autoreleased, for the task's pool */
    size_t size;
    _Alignas(16) char arg[];  /* copy of the caller's argument block */
} Job;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    Job *head, *tail;
    int nqueued;              /* jobs in the queue, not yet taken */
    int nthreads, nidle, max;
    uint64_t run;             /* bumped when a scheduler run ends */
    _Atomic int pending;      /* jobs queued or running */
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

int rt_blocking_pending(void)
{
    return atomic_load_explicit(&pool.pending, memory_order_acquire);
}

static int max_threads(void)
{
    const char *s = getenv("WYN_BLOCKING_THREADS");
    int n = s && *s ? atoi(s) : DEFAULT_THREADS;
    return n < 1 ? 1 : n > 1024 ? 1024 : n;
}

static void *pool_thread(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        while (!pool.head) {
            pool.nidle++;
            pthread_cond_wait(&pool.cond, &pool.lock);
            pool.nidle--;
        }
        Job *j = pool.head;
        pool.nqueued--;
        pool.head = j->next;
        if (!pool.head)
            pool.tail = NULL;
        pthread_mutex_unlock(&pool.lock);

        wyn_int mark = rt_pool_mark();
        j->fn(j->arg);
        pthread_mutex_lock(&pool.lock);
        if (j->run == pool.run) {
            j->pooled = rt_pool_take(mark);
            /* the job belongs to the task again once it is woken */
            if (rt_wait_claim(j->co, j->tok, WIN_BLOCKING))
                rt_wake(j->co);
        } else {
            /* its scheduler run is over (rt_main returned while a task
             * that nobody awaited was parked here): nobody to wake */
            rt_pool_drain(mark);
            free(j);
        }
        /* after the wake: the deadlock detector never sees a parked task
         * with nothing pending that could still wake it */
        atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_release);
    }
    return NULL;
}

/* Lock held: queue j, starting a thread unless an idle one is left for
 * it.  Idle threads count only once they run again, so compare with the
 * queue's length: two jobs queued before one idle thread wakes need two
 * threads (the first job may block until the second one runs: a FIFO's
 * reader and its writer). */
static void enqueue_locked(Job *j)
{
    j->next = NULL;
    if (pool.tail)
        pool.tail->next = j;
    else
        pool.head = j;
    pool.tail = j;
    pool.nqueued++;
    if (!pool.max)
        pool.max = max_threads();
    if (pool.nqueued > pool.nidle && pool.nthreads < pool.max) {
        pthread_t t;
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &a, pool_thread, NULL) == 0)
            pool.nthreads++;
        pthread_attr_destroy(&a);
        if (pool.nthreads == 0)
            rt_fatal(0, "cannot start a thread for blocking calls");
    }
    pthread_cond_signal(&pool.cond);
}

/* The scheduler is shutting down (rt_sched_fini): jobs still running
 * must not wake coroutines of the run that ends.  A job that is waking
 * its task right now holds the lock, so after this returns no pool thread
 * touches the scheduler. */
void rt_blocking_sched_end(void)
{
    pthread_mutex_lock(&pool.lock);
    pool.run++;
    pthread_mutex_unlock(&pool.lock);
}

void rt_blocking_run(RtBlockingFn fn, void *arg, size_t size, const char *what, wyn_loc loc)
{
    Coro *co = rt_coro_current();
    if (!co) {
        fn(arg);
        return;
    }
    Job *j = malloc(sizeof *j + size);
    if (!j)
        rt_fatal(loc, "out of memory (blocking call)");
    j->fn = fn;
    j->co = co;
    j->size = size;
    memcpy(j->arg, arg, size);
    j->tok = rt_wait_begin(co, loc, what);
    atomic_fetch_add_explicit(&pool.pending, 1, memory_order_relaxed);
    pthread_mutex_lock(&pool.lock);
    j->run = pool.run;
    enqueue_locked(j);
    pthread_mutex_unlock(&pool.lock);
    rt_wait_park(co);
    memcpy(arg, j->arg, size);
    rt_pool_give(j->pooled);
    free(j);
}
