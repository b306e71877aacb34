/*
 * lib_process.c — the Process module: Process.exec_status (= System.
 * exec_code) runs a shell command line and returns its exit status;
 * Process.run(argv) runs a program directly (no shell: argv[0] is looked
 * up in PATH, arguments are passed as they are) and returns its status,
 * standard output and standard error.  Process.exec_capture is
 * System.exec (io_file.c).
 *
 * Status: the exit code, or 128 + N when signal N killed the child (the
 * shell's convention).  A program that cannot be started at all (not
 * found, not executable) is a runtime error naming it.
 *
 * Nothing here blocks the worker: the child's pipes are read through one
 * epoll descriptor that the task parks on (rt_sched_wait_fd), and the
 * exit is awaited on a pidfd, which becomes readable when the child ends.
 * Process.run gives the child /dev/null as its stdin (a captured command
 * waiting for input would otherwise hang the script); exec_status lets it
 * share the script's stdin, stdout and stderr, after flushing what the
 * script printed so far.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib_internal.h"
#include "rt_internal.h"
#include "rt_values.h"

extern char **environ;

/* Waits for pid without blocking the worker when the kernel has pidfds. */
static wyn_int wait_child(pid_t pid)
{
#ifdef SYS_pidfd_open
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd >= 0) {
        rt_sched_wait_fd(pfd, 1, -1);
        close(pfd);
    }
#endif
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

wyn_int rt_process_exec_status(WynStr *cmd, wyn_loc loc)
{
    char *c = lib_cstr(cmd, "Process.exec_status", "the command", loc);
    char *argv[] = { (char *)"sh", (char *)"-c", c, NULL };
    rt_flush();
    pid_t pid;
    int r = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    free(c);
    if (r != 0)
        lib_fail(loc, "Process.exec_status: cannot run /bin/sh: %s", strerror(r));
    return wait_child(pid);
}

/* Reads what is available on fd into sb; 1 while the pipe stays open. */
static int drain(int fd, WynSB *sb)
{
    char buf[16384];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            rt_sb_append_bytes(sb, buf, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 && errno == EAGAIN;
    }
}

static char **argv_of(WynArr *args, wyn_loc loc)
{
    char **v = rt_alloc((args->len + 1) * (wyn_int)sizeof(char *));
    for (wyn_int i = 0; i < args->len; i++)
        v[i] = lib_cstr(((WynStr **)args->data)[i], "Process.run", "an argument", loc);
    return v;
}

static void argv_free(char **v)
{
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

void rt_process_run(WynArr *args, WynProcResult *out, wyn_loc loc)
{
    if (args->len == 0)
        lib_fail(loc, "Process.run: empty argument list (argv[0] is the program)");
    int po[2], pe[2];
    if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0)
        lib_fail(loc, "Process.run: cannot make a pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    char **argv = argv_of(args, loc);
    pid_t pid;
    int r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(po[1]);
    close(pe[1]);
    if (r != 0) {
        close(po[0]);
        close(pe[0]);
        WynStr *prog = ((WynStr **)args->data)[0];
        argv_free(argv);
        lib_fail(loc, "Process.run: cannot run %s: %s", prog->data, strerror(r));
    }
    argv_free(argv);
    fcntl(po[0], F_SETFL, O_NONBLOCK);
    fcntl(pe[0], F_SETFL, O_NONBLOCK);
    /* one descriptor to park on for both pipes */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN };
    ev.data.fd = po[0];
    epoll_ctl(ep, EPOLL_CTL_ADD, po[0], &ev);
    ev.data.fd = pe[0];
    epoll_ctl(ep, EPOLL_CTL_ADD, pe[0], &ev);
    WynSB *so = rt_sb_new(), *se = rt_sb_new();
    int open_o = 1, open_e = 1;
    while (open_o || open_e) {
        if (open_o && !(open_o = drain(po[0], so)))
            epoll_ctl(ep, EPOLL_CTL_DEL, po[0], NULL);
        if (open_e && !(open_e = drain(pe[0], se)))
            epoll_ctl(ep, EPOLL_CTL_DEL, pe[0], NULL);
        if (open_o || open_e) {
            struct epoll_event got;
            if (epoll_wait(ep, &got, 1, 0) == 0)
                rt_sched_wait_fd(ep, 1, -1);
        }
    }
    close(ep);
    close(po[0]);
    close(pe[0]);
    out->status = wait_child(pid);
    out->out = rt_sb_to_string(so);
    out->err = rt_sb_to_string(se);
    rt_sb_free(so);
    rt_sb_free(se);
}
