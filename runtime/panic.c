/*
 * panic.c — runtime faults: the one function that reports every runtime
 * error (rt_fatal_status), the public wrappers generated code calls
 * (rt_panic, rt_div_zero, rt_index_oob, ...), the program's file table used
 * to render wyn_loc values, and rt_exit.
 *
 * The report path may run inside a signal handler (SIGSEGV on a guard page)
 * or on several workers at once, so it never mallocs and never blocks:
 * one atomic flag elects the single reporter, stdout is flushed with a
 * try-lock, and the text goes out with writev(2) straight from the caller's
 * strings.  The loser threads park forever; the winner ends the process
 * with _exit, so they never wake.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <stdint.h>
#include "rt_internal.h"

/* Deepest spawn chain printed under an error; deeper chains are cut. */
#define MAX_SPAWN_CHAIN 32

/* Provided by the scheduler when it is linked in; weak so that the value
 * runtime and its tests link without it. */
__attribute__((weak)) int rt_sched_spawn_chain(wyn_loc *out, int max);

static const WynProgram *program;   /* set once by rt_main before any task */
static int fault_reported;          /* 0 until the first fault claims it */
static pid_t reporter_tid;          /* the thread that claimed it */

void rt_set_program(const WynProgram *prog)
{
    program = prog;
}

/* The generated function whose start is the greatest at or below pc, if
 * pc is plausibly inside generated code. */
static int code_index(uintptr_t pc)
{
    if (!program || !program->nfns)
        return -1;
    int best = -1;
    uintptr_t lo = UINTPTR_MAX, hi = 0, best_start = 0;
    for (int i = 0; i < program->nfns; i++) {
        uintptr_t a = (uintptr_t)program->fn_addrs[i];
        if (a < lo) lo = a;
        if (a > hi) hi = a;
        if (a <= pc && a >= best_start) {
            best_start = a;
            best = i;
        }
    }
    /* generated functions are small: past the last start by 64 KB is
     * somebody else's code */
    if (pc < lo || pc > hi + 65536)
        return -1;
    return best;
}

wyn_loc rt_loc_of_code(const void *pc, const void *sp, wyn_loc fallback)
{
    int i = code_index((uintptr_t)pc);
    if (i >= 0)
        return program->fn_locs[i];
    if (sp) {
        const uintptr_t *w = sp;
        for (int k = 0; k < 128; k++) {
            i = code_index(w[k]);
            if (i >= 0)
                return program->fn_locs[i];
        }
    }
    return fallback;
}

const char *rt_loc_file(wyn_loc loc)
{
    if (!program)
        return "wyn";
    int file = WYN_LOC_FILE(loc);
    if (file < 0 || file >= program->nfiles || !program->files[file])
        return "?";
    return program->files[file];
}

/* Writes every iovec in full; errors are ignored (nowhere left to report). */
static void write_all_iov(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
}

/* "file:line" for loc into buf; a line of 0 means "no line known". */
static int format_place(char *buf, size_t size, wyn_loc loc)
{
    if (WYN_LOC_LINE(loc) == 0)
        return snprintf(buf, size, "%s", rt_loc_file(loc));
    return snprintf(buf, size, "%s:%d", rt_loc_file(loc), WYN_LOC_LINE(loc));
}

static void print_spawn_chain(void)
{
    if (!rt_sched_spawn_chain)
        return;
    wyn_loc chain[MAX_SPAWN_CHAIN];
    int n = rt_sched_spawn_chain(chain, MAX_SPAWN_CHAIN);
    for (int i = 0; i < n && i < MAX_SPAWN_CHAIN; i++) {
        char line[512];
        char place[400];
        format_place(place, sizeof place, chain[i]);
        int len = snprintf(line, sizeof line, "  in task spawned at %s\n", place);
        if (len > (int)sizeof line - 1)
            len = (int)sizeof line - 1;
        struct iovec iov = {line, (size_t)len};
        write_all_iov(2, &iov, 1);
    }
}

WYN_NORETURN void rt_fatal_status(wyn_loc loc, const char *msg, int status)
{
    pid_t self = (pid_t)syscall(SYS_gettid);
    if (__atomic_exchange_n(&fault_reported, 1, __ATOMIC_ACQ_REL)) {
        /* The reporter itself faulting again (say, a stack overflow while
         * formatting) must not wait for itself. */
        if (__atomic_load_n(&reporter_tid, __ATOMIC_ACQUIRE) == self)
            _exit(status);
        for (;;)
            pause(); /* another thread is reporting and will _exit */
    }
    __atomic_store_n(&reporter_tid, self, __ATOMIC_RELEASE);
    rt_out_try_flush();
    char place[400];
    int plen = format_place(place, sizeof place, loc);
    if (plen > (int)sizeof place - 1)
        plen = (int)sizeof place - 1;
    static const char tag[] = ": error: ";
    if (!msg)
        msg = "";
    struct iovec iov[4] = {
        {place, (size_t)plen},
        {(void *)tag, sizeof tag - 1},
        {(void *)msg, strlen(msg)},
        {"\n", 1},
    };
    write_all_iov(2, iov, 4);
    print_spawn_chain();
    _exit(status);
}

WYN_NORETURN void rt_fatal(wyn_loc loc, const char *msg)
{
    rt_fatal_status(loc, msg, 1);
}

WYN_NORETURN void rt_panic(wyn_loc loc, const char *msg)
{
    rt_fatal(loc, msg);
}

WYN_NORETURN void rt_panic_str(wyn_loc loc, WynStr *msg)
{
    rt_fatal(loc, msg ? msg->data : "");
}

WYN_NORETURN void rt_div_zero(wyn_loc loc)
{
    rt_fatal(loc, "division by zero");
}

WYN_NORETURN void rt_index_oob(wyn_loc loc, wyn_int index, wyn_int len)
{
    char msg[96];
    snprintf(msg, sizeof msg, "index out of range: index %lld, length %lld",
             index, len);
    rt_fatal(loc, msg);
}

WYN_NORETURN void rt_missing_key(wyn_loc loc)
{
    rt_fatal(loc, "missing key");
}

WYN_NORETURN void rt_unwrap_fail(wyn_loc loc, const char *what)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "unwrap of %s", what ? what : "none");
    rt_fatal(loc, msg);
}

WYN_NORETURN void rt_exit(wyn_int code)
{
    rt_flush();
    _exit((int)code);
}
