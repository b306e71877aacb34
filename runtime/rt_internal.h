/*
 * rt_internal.h — functions shared between runtime files that generated
 * code never sees.  Owners: values/output/faults (panic.c, output.c, ...)
 * and the concurrency runtime (sched.c, ...).  Everything here is private
 * to libwynrt; the public contract is wyn_rt.h.
 */
#ifndef WYN_RT_INTERNAL_H
#define WYN_RT_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "wyn_rt.h"

/* --- program and faults (panic.c) --- */
/* Remembers the file table for rendering wyn_loc values. */
void rt_set_program(const WynProgram *prog);
/* Name of the .wyn file for loc ("?" when unknown). */
const char *rt_loc_file(wyn_loc loc);
/* The single path for every runtime error: flushes stdout, prints
 * "file:line: error: msg" plus the current task's spawn chain to stderr and
 * terminates the process with status 1.  Safe to call from any worker and
 * from the SIGSEGV handler (uses write(2), only try-locks). */
WYN_NORETURN void rt_fatal(wyn_loc loc, const char *msg);
/* Same, with a status of the caller's choosing. */
WYN_NORETURN void rt_fatal_status(wyn_loc loc, const char *msg, int status);

/* Location of the generated function containing pc, or else of the first
 * return address into generated code found just above sp (a faulting
 * stack); `fallback` when neither is found.  Async-signal-safe. */
wyn_loc rt_loc_of_code(const void *pc, const void *sp, wyn_loc fallback);

/* --- output (output.c) --- */
/* Writes n bytes to the stdout buffer under the output lock. */
void rt_out_write(const char *p, size_t n);
/* Flush without blocking when another thread holds the lock (crash paths). */
void rt_out_try_flush(void);

/* --- scheduler services used by other runtime files (sched.c) --- */
/* Fills out[0..n) with the spawn-site locations of the current task, its
 * parent's, ... (innermost first).  Returns n; 0 on the main task or
 * outside any task. */
int rt_sched_spawn_chain(wyn_loc *out, int max);
/* Wait for a file descriptor without blocking the worker (epoll), for the
 * I/O library.  events: bit 1 = readable, bit 2 = writable.  Returns the
 * ready events, or 0 on timeout (timeout_ms < 0: none). */
int rt_sched_wait_fd(int fd, int events, wyn_int timeout_ms);
/* The script's own arguments as given to rt_main (System.args; argv[0] is
 * the script path).  Added by the concurrency runtime (main.c). */
int rt_args_count(void);
char **rt_args(void);

/* An autorelease pool (memory.c); one per coroutine, see rt_sched_pool.
 * Entries are object addresses tagged with their kind in the low bits. */
typedef WynPool RtPool; /* declared in wyn_rt.h for the loops' inline test */
RtPool *rt_sched_pool(void);

/* What rt_pool_take moved out of a pool (tagged entries, malloc'd). */
typedef struct RtPoolTake {
    unsigned long *items;
    wyn_int n;
} RtPoolTake;
RtPoolTake rt_pool_take(wyn_int mark);   /* entries since mark, removed */
void rt_pool_give(RtPoolTake t);         /* appended to the current pool */

/* --- blocking.c: the pool of threads for blocking calls --- */
/* Runs fn on a pool thread while the calling task parks (inline outside a
 * coroutine).  The size bytes at arg are copied to the job and back: put
 * the call's inputs and outputs there, with no pointers into the caller's
 * stack.  fn must not raise runtime errors: record errno, raise after.
 * what/loc name the wait in a deadlock report.  See blocking.c. */
typedef void (*RtBlockingFn)(void *arg);
void rt_blocking_run(RtBlockingFn fn, void *arg, size_t size, const char *what, wyn_loc loc);
int rt_blocking_pending(void);           /* jobs queued or running */
void rt_blocking_sched_end(void);        /* rt_sched_fini: wake nobody after */

/* --- memory.c --- */
/* Keeps p reachable until the process exits: for objects that live for
 * ever by design (channels, shared cells, JSON trees, task slabs, I/O
 * records), so that LeakSanitizer does not report them. */
void rt_mem_keep(void *p);

#endif
