/*
 * lib_fs.c — the File additions that work on paths: is_file, is_dir,
 * size, modified_time, rename/move, copy, glob, temp_file,
 * remove_dir_all (File.create_dir_all is File.mkdir, io_file.c).
 *
 * Failures are runtime errors "File.F: cannot VERB PATH: strerror", like
 * the rest of File.  Details:
 *   - is_file / is_dir follow symbolic links and are false for a missing
 *     path (never an error);
 *   - size and modified_time (unix seconds) of a missing path are errors;
 *   - move is rename, falling back to copy + remove across file systems;
 *     copy copies the bytes and the permission bits, replacing dst;
 *   - glob(pattern) is glob(3): sorted matches, [] when none match;
 *   - temp_file() creates a new empty file (mode 0600) in $TMPDIR or /tmp
 *     and returns its path; the script removes it;
 *   - remove_dir_all removes a directory tree without following symbolic
 *     links (a link is removed, not its target); a missing path is an
 *     error, as in Python's shutil.rmtree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib_internal.h"
#include "rt_values.h"

WYN_NORETURN static void fs_fail(wyn_loc loc, const char *fn, const char *verb, WynStr *path, int e)
{
    lib_fail(loc, "%s: cannot %s %s: %s", fn, verb, path->data, strerror(e));
}

/* stat of path; 0 with errno on failure (a NUL byte is EINVAL). */
static int stat_of(WynStr *path, struct stat *st)
{
    if (memchr(path->data, 0, (size_t)path->len)) {
        errno = EINVAL;
        return 0;
    }
    return stat(path->data, st) == 0;
}

wyn_bool rt_file_is_file(WynStr *path)
{
    struct stat st;
    return stat_of(path, &st) && S_ISREG(st.st_mode);
}

wyn_bool rt_file_is_dir(WynStr *path)
{
    struct stat st;
    return stat_of(path, &st) && S_ISDIR(st.st_mode);
}

wyn_int rt_file_size(WynStr *path, wyn_loc loc)
{
    struct stat st;
    if (!stat_of(path, &st))
        fs_fail(loc, "File.size", "stat", path, errno);
    return (wyn_int)st.st_size;
}

wyn_int rt_file_modified_time(WynStr *path, wyn_loc loc)
{
    struct stat st;
    if (!stat_of(path, &st))
        fs_fail(loc, "File.modified_time", "stat", path, errno);
    return (wyn_int)st.st_mtim.tv_sec;
}

void rt_file_rename(WynStr *from, WynStr *to, wyn_loc loc)
{
    char *a = lib_cstr(from, "File.rename", "the path", loc);
    char *b = lib_cstr(to, "File.rename", "the path", loc);
    int r = rename(a, b), e = errno;
    free(a);
    free(b);
    if (r < 0)
        lib_fail(loc, "File.rename: cannot rename %s to %s: %s", from->data, to->data, strerror(e));
}

/* Copies from -> to; 0 or an errno, with *which the path at fault. */
static int copy_file(const char *from, const char *to, const char **which)
{
    *which = from;
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return errno;
    struct stat st;
    if (fstat(in, &st) < 0 || S_ISDIR(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
        close(in);
        return e;
    }
    *which = to;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 07777);
    if (out < 0) {
        int e = errno;
        close(in);
        return e;
    }
    int e = 0;
    for (;;) {
        ssize_t n = sendfile(out, in, NULL, 1 << 30);
        if (n > 0)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            e = errno;
        break;
    }
    fchmod(out, st.st_mode & 07777);
    if (close(out) < 0 && !e)
        e = errno;
    close(in);
    return e;
}

void rt_file_copy(WynStr *from, WynStr *to, wyn_loc loc)
{
    char *a = lib_cstr(from, "File.copy", "the path", loc);
    char *b = lib_cstr(to, "File.copy", "the path", loc);
    const char *which;
    int e = copy_file(a, b, &which);
    int src = which == a;
    free(a);
    free(b);
    if (e)
        fs_fail(loc, "File.copy", src ? "read" : "write", src ? from : to, e);
}

void rt_file_move(WynStr *from, WynStr *to, wyn_loc loc)
{
    char *a = lib_cstr(from, "File.move", "the path", loc);
    char *b = lib_cstr(to, "File.move", "the path", loc);
    int e = rename(a, b) == 0 ? 0 : errno;
    const char *which = a;
    if (e == EXDEV && !(e = copy_file(a, b, &which)) && unlink(a) < 0)
        e = errno, which = a;
    int src = which == a;
    free(a);
    free(b);
    if (e)
        lib_fail(loc, "File.move: cannot move %s to %s: %s (%s)", from->data, to->data,
                 strerror(e), src ? "source" : "destination");
}

WynArr *rt_file_glob(WynStr *pattern, wyn_loc loc)
{
    char *p = lib_cstr(pattern, "File.glob", "the pattern", loc);
    glob_t g;
    int r = glob(p, 0, NULL, &g);
    free(p);
    WynArr *out = lib_str_array();
    if (r == GLOB_NOSPACE)
        lib_fail(loc, "File.glob: out of memory");
    if (r == 0)
        for (size_t i = 0; i < g.gl_pathc; i++)
            lib_str_push(out, g.gl_pathv[i], strlen(g.gl_pathv[i]));
    if (r == 0 || r == GLOB_NOMATCH)
        globfree(&g);
    return out;
}

WynStr *rt_file_temp_file(wyn_loc loc)
{
    const char *dir = getenv("TMPDIR");
    WynSB *sb = rt_sb_new();
    rt_sb_append_cstr(sb, dir && *dir ? dir : "/tmp");
    rt_sb_append_cstr(sb, "/wyn-XXXXXX");
    rt_sb_append_bytes(sb, "", 1);   /* NUL for mkstemp */
    int fd = mkostemp(sb->data, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        lib_fail(loc, "File.temp_file: cannot create a file in %s: %s", dir && *dir ? dir : "/tmp",
                 strerror(e));
    }
    close(fd);
    WynStr *s = rt_str_new(sb->data, sb->len - 1);
    rt_sb_free(sb);
    return s;
}

static int remove_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st; (void)f;
    return (flag == FTW_DP ? rmdir(p) : unlink(p)) < 0 ? errno : 0;
}

void rt_file_remove_dir_all(WynStr *path, wyn_loc loc)
{
    char *p = lib_cstr(path, "File.remove_dir_all", "the path", loc);
    struct stat st;
    int e = lstat(p, &st) < 0 ? errno : 0;
    if (!e) {
        int r = nftw(p, remove_one, 32, FTW_DEPTH | FTW_PHYS);
        e = r > 0 ? r : r < 0 ? errno : 0;
    }
    free(p);
    if (e)
        fs_fail(loc, "File.remove_dir_all", "remove", path, e);
}
