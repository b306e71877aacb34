/*
 * lib_filehandle.c — open files as int handles (kind "File"):
 * File.open(path, mode), File.read_line, File.eof, File.write_line,
 * File.close.
 *
 * Modes: "r" read, "w" write (create or truncate), "a" append (create).
 * Any other mode, and reading a file opened for writing or the reverse,
 * is a runtime error naming the call.  read_line gives the next line
 * without its "\n" (and a "\r" before it), or none at the end; a last
 * line without "\n" is still a line.  write_line writes s and "\n" with
 * one writev, unbuffered, so nothing is lost when the script ends without
 * File.close and lines written by different tasks do not interleave.
 * Reads go through a 64 KiB buffer per handle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "lib_internal.h"
#include "rt_values.h"

#define READ_CHUNK 65536

typedef struct FileH {
    int fd;
    int writing;              /* opened with "w" or "a" */
    char *buf;                /* read buffer [pos, len) */
    size_t pos, len, cap;
    int at_end;               /* read returned 0 */
    WynStr *path;             /* +1, for messages */
} FileH;

static void file_destroy(void *obj)
{
    FileH *f = obj;
    close(f->fd);
    free(f->buf);
    rt_release_str(f->path);
    free(f);
}

static const LibHandleKind file_kind = { "File", file_destroy };

wyn_int rt_file_open(WynStr *path, WynStr *mode, wyn_loc loc)
{
    int flags;
    if (mode->len == 1 && mode->data[0] == 'r')
        flags = O_RDONLY;
    else if (mode->len == 1 && mode->data[0] == 'w')
        flags = O_WRONLY | O_CREAT | O_TRUNC;
    else if (mode->len == 1 && mode->data[0] == 'a')
        flags = O_WRONLY | O_CREAT | O_APPEND;
    else
        lib_fail(loc, "File.open: unknown mode \"%s\" (use \"r\", \"w\" or \"a\")", mode->data);
    char *p = lib_cstr(path, "File.open", "the path", loc);
    int fd = open(p, flags | O_CLOEXEC, 0644);
    int e = errno;
    free(p);
    if (fd < 0)
        lib_fail(loc, "File.open: cannot open %s: %s", path->data, strerror(e));
    FileH *f = rt_alloc(sizeof *f);
    f->fd = fd;
    f->writing = flags != O_RDONLY;
    f->path = rt_str_new_keep(path->data, path->len);
    return lib_handle_new(&file_kind, f);
}

static FileH *use(wyn_int h, const char *fn, int writing, wyn_loc loc)
{
    FileH *f = lib_handle_get(h, &file_kind, fn, loc);
    if (f->writing != writing) {
        lib_handle_put(h);
        lib_fail(loc, "%s: %s was opened for %s", fn, f->path->data,
                 f->writing ? "writing" : "reading");
    }
    return f;
}

/* Reads more into the buffer; 0 at end of file. */
static int fill(FileH *f, const char *fn, wyn_int h, wyn_loc loc)
{
    if (f->at_end)
        return 0;
    if (f->pos > 0) {
        memmove(f->buf, f->buf + f->pos, f->len - f->pos);
        f->len -= f->pos;
        f->pos = 0;
    }
    if (f->cap - f->len < READ_CHUNK) {
        f->cap = f->len + READ_CHUNK;
        f->buf = rt_realloc(f->buf, (wyn_int)f->cap);
    }
    for (;;) {
        ssize_t n = read(f->fd, f->buf + f->len, f->cap - f->len);
        if (n > 0) {
            f->len += (size_t)n;
            return 1;
        }
        if (n == 0) {
            f->at_end = 1;
            return 0;
        }
        if (errno != EINTR) {
            int e = errno;
            lib_handle_put(h);
            lib_fail(loc, "%s: cannot read %s: %s", fn, f->path->data, strerror(e));
        }
    }
}

/* The line f->buf[pos, pos + n) (minus a "\r" before a newline), and
 * skip used bytes. */
static WynStr *take_line(FileH *f, size_t n, size_t used)
{
    const char *start = f->buf + f->pos;
    size_t keep = used > n && n > 0 && start[n - 1] == '\r' ? n - 1 : n;
    f->pos += used;
    return rt_str_new(start, (wyn_int)keep);
}

WynStr *rt_file_read_line(wyn_int h, wyn_loc loc)
{
    FileH *f = use(h, "File.read_line", 0, loc);
    size_t scanned = 0;
    WynStr *line;
    for (;;) {
        size_t avail = f->len - f->pos;
        char *nl = avail > scanned ? memchr(f->buf + f->pos + scanned, '\n', avail - scanned) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - (f->buf + f->pos));
            line = take_line(f, n, n + 1);
            break;
        }
        scanned = avail;
        if (!fill(f, "File.read_line", h, loc)) {   /* the last line, or the end */
            line = f->len > f->pos ? take_line(f, f->len - f->pos, f->len - f->pos) : NULL;
            break;
        }
    }
    lib_handle_put(h);
    return line;
}

wyn_bool rt_file_eof(wyn_int h, wyn_loc loc)
{
    FileH *f = use(h, "File.eof", 0, loc);
    wyn_bool end = f->pos == f->len && !fill(f, "File.eof", h, loc);
    lib_handle_put(h);
    return end;
}

void rt_file_write_line(wyn_int h, WynStr *s, wyn_loc loc)
{
    FileH *f = use(h, "File.write_line", 1, loc);
    struct iovec iov[2] = { { s->data, (size_t)s->len }, { (void *)"\n", 1 } };
    size_t left = (size_t)s->len + 1;
    while (left > 0) {
        ssize_t w = writev(f->fd, iov, 2);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int e = errno;
            lib_handle_put(h);
            lib_fail(loc, "File.write_line: cannot write %s: %s", f->path->data, strerror(e));
        }
        left -= (size_t)w;
        for (int i = 0; i < 2 && w > 0; i++) {   /* skip what was written */
            size_t k = (size_t)w < iov[i].iov_len ? (size_t)w : iov[i].iov_len;
            iov[i].iov_base = (char *)iov[i].iov_base + k;
            iov[i].iov_len -= k;
            w -= (ssize_t)k;
        }
    }
    lib_handle_put(h);
}

void rt_file_close(wyn_int h, wyn_loc loc)
{
    lib_handle_close(h, &file_kind, "File.close", loc);
}
