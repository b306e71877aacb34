/*
 * main.c — rt_main: the program's entry into the runtime (concurrency
 * runtime).  Starts the scheduler, runs WynProgram.entry as the main task
 * (a coroutine on worker 0's run stack like any other task, so deep
 * recursion and stack-overflow reports work in main too), waits for
 * fire-and-forget tasks, flushes output and returns main's status.
 */
#include <stdio.h>
#include <stdlib.h>
#include "rt_sched_internal.h"

static int g_argc;
static char **g_argv;

int rt_args_count(void) { return g_argc; }
char **rt_args(void) { return g_argv; }

static void main_body(void *args, void *result)
{
    const WynProgram *prog = *(const WynProgram *const *)args;
    wyn_int status = prog->entry ? prog->entry() : 0;
    rt_sched_drain_detached();
    *(wyn_int *)result = status;
}

int rt_main(const WynProgram *prog, int argc, char **argv)
{
    rt_set_program(prog);
    g_argc = argc;
    g_argv = argv;
    if (rt_sched_init(rt_sched_default_threads()) != 0) {
        fputs("wyn: cannot set up the scheduler (out of memory?)\n", stderr);
        return 1;
    }
    rt_signals_install();
    rt_tls_worker = &rt_sched.workers[0];
    Task *t = rt_task_alloc(rt_tls_worker, sizeof prog, sizeof(wyn_int), NULL);
    t->fn = main_body;
    t->flags |= TF_MAIN;
    *(const WynProgram **)t->args = prog;
    t->nchain = 0;
    t->chain[0] = 0;
    atomic_store(&t->state, T_READY);
    rt_sched_run(t);
    int status = (int)*(wyn_int *)t->result;
    rt_sched_fini();
    rt_flush();
    return status;
}
