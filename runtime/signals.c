/*
 * signals.c — turns faults into Wyn runtime errors (concurrency runtime).
 *
 * Every worker thread (including the one running rt_main) gets an
 * alternate signal stack, so a SIGSEGV caused by running off the end of a
 * run stack can still be handled.  A fault address inside a run stack's
 * guard region is reported as "stack overflow" at the running task's spawn
 * site (main: no location); any other SIGSEGV/SIGBUS is "segmentation
 * fault" with status 139 (128 + SIGSEGV), as SPEC §15 asks.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <ucontext.h>
#include <stdlib.h>
#include <string.h>
#include "rt_sched_internal.h"

#define ALTSTACK_SIZE (64 * 1024)

static void on_fault(int sig, siginfo_t *si, void *ucp)
{
    if (sig == SIGSEGV && rt_stack_guard_owner(si->si_addr)) {
        Coro *co = rt_coro_current();
        Task *t = co ? co->cur : NULL;
        wyn_loc loc = t && !(t->flags & TF_MAIN) ? t->chain[0] : 0;
        /* name the function that ran out of stack, from the faulting pc
         * or the return addresses just above the stack pointer */
        ucontext_t *uc = ucp;
#if defined(__x86_64__)
        const void *pc = (const void *)uc->uc_mcontext.gregs[REG_RIP];
        const void *sp = (const void *)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
        const void *pc = (const void *)uc->uc_mcontext.pc;
        const void *sp = (const void *)uc->uc_mcontext.sp;
#else
        /* unknown register layout: rt_loc_of_code falls back to the
         * spawn site */
        const void *pc = NULL, *sp = NULL;
        (void)uc;
#endif
        if (!rt_stack_guard_owner(sp))
            loc = rt_loc_of_code(pc, sp, loc);
        else
            loc = rt_loc_of_code(pc, NULL, loc);
        rt_fatal(loc, "stack overflow");
    }
    rt_fatal_status(0, sig == SIGBUS ? "bus error" : "segmentation fault", 128 + sig);
}

void rt_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

void rt_signals_thread_init(Worker *w)
{
    stack_t ss;
    w->altstack = malloc(ALTSTACK_SIZE);
    if (!w->altstack)
        return;
    ss.ss_sp = w->altstack;
    ss.ss_size = ALTSTACK_SIZE;
    ss.ss_flags = 0;
    sigaltstack(&ss, NULL);
}

void rt_signals_thread_fini(Worker *w)
{
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    free(w->altstack);
    w->altstack = NULL;
}
