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
 * inherited, and returns its standard output as is; the pipe is read with
 * rt_sched_wait_fd, so a long-running command parks only its own task.
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

WynStr *rt_file_read(WynStr *path, wyn_loc loc)
{
    WynStr *s = read_all(path);
    if (!s)
        io_fail(loc, "cannot read", path, errno);
    return rt_autorelease(s);
}

WynStr *rt_file_try_read(WynStr *path, WynStr **err)
{
    WynStr *s = read_all(path);
    if (!s && err)
        *err = rt_autorelease(io_errmsg("cannot read", path, errno));
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

void rt_file_write(WynStr *path, WynStr *text, wyn_loc loc)
{
    if (write_all(path, text, O_TRUNC) < 0)
        io_fail(loc, "cannot write", path, errno);
}

void rt_file_append(WynStr *path, WynStr *text, wyn_loc loc)
{
    if (write_all(path, text, O_APPEND) < 0)
        io_fail(loc, "cannot append to", path, errno);
}

wyn_bool rt_file_exists(WynStr *path)
{
    struct stat st;
    return path_ok(path) && stat(path->data, &st) == 0;
}

void rt_file_remove(WynStr *path, wyn_loc loc)
{
    if (!path_ok(path))
        io_fail(loc, "cannot remove", path, errno);
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
    io_fail(loc, "cannot remove", path, e);
}

WynArr *rt_file_read_lines(WynStr *path, wyn_loc loc)
{
    WynStr *s = read_all(path);
    if (!s)
        io_fail(loc, "cannot read", path, errno);
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

WynArr *rt_file_list(WynStr *dir, wyn_loc loc)
{
    if (!path_ok(dir))
        io_fail(loc, "cannot list", dir, errno);
    DIR *d = opendir(dir->data);
    if (!d)
        io_fail(loc, "cannot list", dir, errno);
    WynArr *a = rt_arr_new_ops(sizeof(WynStr *), 0, &rt_str_ops);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        *(WynStr **)rt_arr_push_slot(a) = rt_str_cstr_keep(e->d_name);
    }
    closedir(d);
    qsort(a->data, (size_t)a->len, sizeof(WynStr *), cmp_name);
    return a;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

void rt_file_mkdir(WynStr *path, wyn_loc loc)
{
    if (!path_ok(path) || path->len == 0)
        io_fail(loc, "cannot create directory", path, path->len ? errno : ENOENT);
    char *p = rt_malloc_raw((size_t)path->len + 1);
    memcpy(p, path->data, (size_t)path->len + 1);
    /* create each missing parent, then the directory itself */
    for (char *q = p + 1; ; q++) {
        if (*q == '/' || *q == 0) {
            char c = *q;
            *q = 0;
            if (mkdir(p, 0755) < 0 && !(errno == EEXIST && (c != 0 || is_dir(p)))) {
                int e = errno;
                free(p);
                io_fail(loc, "cannot create directory", path, e);
            }
            *q = c;
            if (!c)
                break;
        }
    }
    free(p);
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

WynStr *rt_sys_exec(WynStr *cmd, wyn_loc loc)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        io_fail(loc, "cannot run", cmd, errno);
    fcntl(p[0], F_SETFL, O_NONBLOCK);   /* our end only: the child's stays blocking */
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
        io_fail(loc, "cannot run", cmd, r);
    }
    WynSB *sb = rt_sb_new();
    char buf[16384];
    for (;;) {
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n > 0) {
            rt_sb_append_bytes(sb, buf, n);
            continue;
        }
        if (n == 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) {
            rt_sched_wait_fd(p[0], 1, -1);
            continue;
        }
        break;
    }
    close(p[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    WynStr *out = rt_sb_to_string(sb);
    rt_sb_free(sb);
    return out;
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
