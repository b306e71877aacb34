/*
 * io_test.h — helpers shared by the I/O tests (test_io_*.c, test_ffi.c):
 * running a function in a child process with its stderr captured (for
 * runtime errors, which end the process), and counting open sockets.
 */
#ifndef IO_TEST_H
#define IO_TEST_H
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs fn(arg) in a forked child whose stderr goes into err; returns the
 * child's exit status (fn returning counts as 0), or 128 + its signal. */
static inline int fork_capture(void (*fn)(void *), void *arg, char *err, size_t errlen)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        fn(arg);
        _exit(0);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < errlen && (r = read(p[0], err + n, errlen - 1 - n)) > 0)
        n += (size_t)r;
    err[n] = 0;
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Calls visit(name, target) for every open descriptor of this process. */
static inline void for_each_fd(void (*visit)(const char *name, const char *target, void *ctx), void *ctx)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char p[300], l[300];
        snprintf(p, sizeof p, "/proc/self/fd/%s", e->d_name);
        ssize_t k = readlink(p, l, sizeof l - 1);
        if (k > 0) {
            l[k] = 0;
            visit(e->d_name, l, ctx);
        }
    }
    if (d)
        closedir(d);
}

static inline void count_socket(const char *name, const char *target, void *ctx)
{
    (void)name;
    if (!strncmp(target, "socket:", 7))
        ++*(int *)ctx;
}

static inline void print_fd(const char *name, const char *target, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "  fd %s -> %s\n", name, target);
}

/* Open sockets (sanitizers keep pipes and files of their own). */
static inline int count_fds(void)
{
    int n = 0;
    for_each_fd(count_socket, &n);
    return n;
}

static inline void dump_fds(void) { for_each_fd(print_fd, NULL); }

#endif
