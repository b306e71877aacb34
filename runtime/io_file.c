/*
 * io_file.c — File.* and System.* (I/O library, SPEC §13).
 *
 * Files are read and written with plain blocking syscalls (regular files
 * are always "ready"; epoll cannot wait for them anyway).  Every failure is
 * a runtime error naming the path and strerror(errno):
 *   "cannot read PATH: REASON", "cannot write PATH: REASON",
 *   "cannot append to PATH: REASON", "cannot remove PATH: REASON",
 *   "cannot list PATH: REASON", "cannot create directory PATH: REASON".
 * A path containing a NUL byte fails with EINVAL.
 *
 * File.read_lines splits on "\n", drops one "\r" before it, and a final
 * "\n" does not start an extra empty line.  File.remove removes files and
 * empty directories.  File.mkdir creates missing parents too (mkdir -p).
 * System.exec runs `sh -c CMD` with posix_spawn, stdin and stderr
 * inherited, and returns its standard output as is.
 *
 * Nothing here stalls the scheduler: every call that touches the file
 * system or waits for a process runs its syscalls on the blocking pool
 * (blocking.c) while the task parks.  The job_* functions below are what
 * runs there: they take and return their data in a small struct and
 * record errno; the runtime error is raised by the task afterwards.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "wyn_rt.h"
#include "rt_internal.h"
#include "rt_values.h"

extern char **environ;

/* "WHAT PATH: strerror(err)" as a Wyn string. */
static WynStr *io_errmsg(const char *what, WynStr *path, int err)
{
    WynSB *sb = rt_sb_new();
    rt_sb_append_cstr(sb, what);
    rt_sb_append_cstr(sb, " ");
    rt_sb_append(sb, path);
    rt_sb_append_cstr(sb, ": ");
    rt_sb_append_cstr(sb, strerror(err));
    WynStr *s = rt_sb_to_str_keep(sb);
    rt_sb_free(sb);
    return s;
}

WYN_NORETURN static void io_fail(wyn_loc loc, const char *what, WynStr *path, int err)
{
    rt_panic_str(loc, io_errmsg(what, path, err));
}

static int path_ok(WynStr *path)
{
    if (memchr(path->data, 0, (size_t)path->len)) {
        errno = EINVAL;
        return 0;
    }
    return 1;
}

/* Whole file as a string (+1), or NULL with errno. */
static WynStr *read_all(WynStr *path)
{
    if (!path_ok(path))
        return NULL;
    int fd = open(path->data, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    size_t cap = 4096;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        cap = (size_t)st.st_size + 1;   /* +1: see EOF without regrowing */
    char *buf = rt_malloc_raw(cap);
    size_t len = 0;
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = rt_realloc(buf, (wyn_int)cap);
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            close(fd);
            errno = e;
            return NULL;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    WynStr *s = rt_str_new_keep(buf, (wyn_int)len);
    free(buf);
    return s;
}

/* A job of the blocking pool: a path, a second string, a result. */
typedef struct IoJob {
    WynStr *path, *text;
    int flags;
    int err;                  /* errno of the failure, 0: success */
    void *out;                /* +1 string or +0 array */
} IoJob;

/* Runs job on the blocking pool for path (and text); a failure is the
 * runtime error "FAIL PATH: REASON".  Returns the job's result. */
static void *io_run(RtBlockingFn job, const char *call, WynStr *path, WynStr *text, int flags,
                    const char *fail, wyn_loc loc)
{
    IoJob j = { .path = path, .text = text, .flags = flags };
    rt_blocking_run(job, &j, sizeof j, call, loc);
    if (j.err)
        io_fail(loc, fail, path, j.err);
    return j.out;
}

static void job_read(void *arg)
{
    IoJob *j = arg;
    j->out = read_all(j->path);
    j->err = j->out ? 0 : errno;
}

/* Whole file as a string (+1) read on the blocking pool; NULL and *err. */
static WynStr *read_parked(WynStr *path, int *err, wyn_loc loc)
{
    IoJob j = { .path = path };
    rt_blocking_run(job_read, &j, sizeof j, "File.read", loc);
    *err = j.err;
    return j.out;
}

WynStr *rt_file_read(WynStr *path, wyn_loc loc)
{
    int e;
    WynStr *s = read_parked(path, &e, loc);
    if (!s)
        io_fail(loc, "cannot read", path, e);
    return rt_autorelease(s);
}

WynStr *rt_file_try_read(WynStr *path, WynStr **err)
{
    int e;
    WynStr *s = read_parked(path, &e, 0);
    if (!s && err)
        *err = rt_autorelease(io_errmsg("cannot read", path, e));
    return rt_autorelease(s);
}

static int write_all(WynStr *path, WynStr *text, int flags)
{
    if (!path_ok(path))
        return -1;
    int fd = open(path->data, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
    if (fd < 0)
        return -1;
    const char *p = text->data;
    size_t n = (size_t)text->len;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    if (close(fd) < 0 && errno != EINTR)
        return -1;
    return 0;
}

static void job_write(void *arg)
{
    IoJob *j = arg;
    j->err = write_all(j->path, j->text, j->flags) < 0 ? errno : 0;
}

void rt_file_write(WynStr *path, WynStr *text, wyn_loc loc)
{
    io_run(job_write, "File.write", path, text, O_TRUNC, "cannot write", loc);
}

void rt_file_append(WynStr *path, WynStr *text, wyn_loc loc)
{
    io_run(job_write, "File.append", path, text, O_APPEND, "cannot append to", loc);
}

static void job_exists(void *arg)
{
    IoJob *j = arg;
    struct stat st;
    j->err = path_ok(j->path) && stat(j->path->data, &st) == 0 ? 0 : ENOENT;
}

wyn_bool rt_file_exists(WynStr *path)
{
    IoJob j = { .path = path };
    rt_blocking_run(job_exists, &j, sizeof j, "File.exists", 0);
    return j.err == 0;
}

static void job_remove(void *arg)
{
    IoJob *j = arg;
    WynStr *path = j->path;
    j->err = 0;
    if (!path_ok(path)) {
        j->err = errno;
        return;
    }
    if (unlink(path->data) == 0)
        return;
    int e = errno;
    if (e == EISDIR || e == EPERM) {
        struct stat st;
        if (stat(path->data, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (rmdir(path->data) == 0)
                return;
            e = errno;
        }
    }
    j->err = e;
}

void rt_file_remove(WynStr *path, wyn_loc loc)
{
    io_run(job_remove, "File.remove", path, NULL, 0, "cannot remove", loc);
}

WynArr *rt_file_read_lines(WynStr *path, wyn_loc loc)
{
    int e;
    WynStr *s = read_parked(path, &e, loc);
    if (!s)
        io_fail(loc, "cannot read", path, e);
    WynArr *a = rt_arr_new_ops(sizeof(WynStr *), 0, &rt_str_ops);
    const char *p = s->data, *end = p + s->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *te = le > p && le[-1] == '\r' && nl ? le - 1 : le;
        *(WynStr **)rt_arr_push_slot(a) = rt_str_new_keep(p, (wyn_int)(te - p));
        p = nl ? nl + 1 : end;
    }
    rt_release_str(s);
    return a;
}

static int cmp_name(const void *a, const void *b)
{
    return rt_cmp_str(a, b);
}

static void job_list(void *arg)
{
    IoJob *j = arg;
    DIR *d = path_ok(j->path) ? opendir(j->path->data) : NULL;
    if (!d) {
        j->err = errno;
        return;
    }
    WynArr *a = rt_arr_new_ops(sizeof(WynStr *), 0, &rt_str_ops);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        *(WynStr **)rt_arr_push_slot(a) = rt_str_cstr_keep(e->d_name);
    }
    closedir(d);
    qsort(a->data, (size_t)a->len, sizeof(WynStr *), cmp_name);
    j->out = a;
    j->err = 0;
}

WynArr *rt_file_list(WynStr *dir, wyn_loc loc)
{
    return io_run(job_list, "File.list", dir, NULL, 0, "cannot list", loc);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void job_mkdir(void *arg)
{
    IoJob *j = arg;
    WynStr *path = j->path;
    j->err = 0;
    if (!path_ok(path) || path->len == 0) {
        j->err = path->len ? errno : ENOENT;
        return;
    }
    char *p = rt_malloc_raw((size_t)path->len + 1);
    memcpy(p, path->data, (size_t)path->len + 1);
    /* create each missing parent, then the directory itself */
    for (char *q = p + 1; ; q++) {
        if (*q == '/' || *q == 0) {
            char c = *q;
            *q = 0;
            if (mkdir(p, 0755) < 0 && !(errno == EEXIST && (c != 0 || is_dir(p)))) {
                j->err = errno;
                break;
            }
            *q = c;
            if (!c)
                break;
        }
    }
    free(p);
}

void rt_file_mkdir(WynStr *path, wyn_loc loc)
{
    io_run(job_mkdir, "File.mkdir", path, NULL, 0, "cannot create directory", loc);
}

WynArr *rt_sys_args(void)
{
    int n = rt_args_count();
    char **v = rt_args();
    WynArr *a = rt_arr_new_ops(sizeof(WynStr *), n > 1 ? n - 1 : 0, &rt_str_ops);
    for (int i = 1; i < n; i++)
        *(WynStr **)rt_arr_push_slot(a) = rt_str_cstr_keep(v[i]);
    return a;
}

WynStr *rt_sys_env(WynStr *name)
{
    if (!path_ok(name))
        return NULL;
    const char *v = getenv(name->data);
    return v ? rt_str_cstr(v) : NULL;
}

/* On the blocking pool: spawn sh -c CMD and collect its stdout (+0, handed
 * to the task's pool by rt_blocking_run). */
static void job_exec(void *arg)
{
    IoJob *j = arg;
    WynStr *cmd = j->path;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        j->err = errno;
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    char *argv[] = { (char *)"sh", (char *)"-c", NULL, NULL };
    char *c = rt_malloc_raw((size_t)cmd->len + 1);
    memcpy(c, cmd->data, (size_t)cmd->len + 1);
    argv[2] = c;
    pid_t pid;
    int r = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    free(c);
    close(p[1]);
    if (r != 0) {
        close(p[0]);
        j->err = r;
        return;
    }
    WynSB *sb = rt_sb_new();
    char buf[16384];
    for (;;) {
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n > 0) {
            rt_sb_append_bytes(sb, buf, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
    close(p[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    j->out = rt_sb_to_string(sb);
    rt_sb_free(sb);
    j->err = 0;
}

WynStr *rt_sys_exec(WynStr *cmd, wyn_loc loc)
{
    return io_run(job_exec, "System.exec", cmd, NULL, 0, "cannot run", loc);
}

WynStr *rt_sys_cwd(void)
{
    size_t cap = 256;
    for (;;) {
        char *b = rt_malloc_raw(cap);
        if (getcwd(b, cap)) {
            WynStr *s = rt_str_cstr(b);
            free(b);
            return s;
        }
        free(b);
        if (errno != ERANGE)
            return rt_str_cstr(".");
        cap *= 2;
    }
}
