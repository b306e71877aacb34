/*
 * output.c — the program's stdout and stdin: a runtime-owned output buffer
 * shared by every worker thread, and the line reader behind input().
 *
 * Output: one 64 KiB buffer under one mutex.  Each print call appends its
 * whole text under the lock, so lines from different tasks never
 * interleave.  The buffer goes to fd 1 when it is full, on rt_flush, and
 * after every write when stdout is a terminal (so interactive programs show
 * their output at once).  Writes to a closed pipe are dropped silently.
 *
 * Input: our own buffered reader on fd 0 (not stdio), under its own mutex.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "rt_internal.h"
#include "rt_values.h"

/* Big enough that a print-heavy loop makes few syscalls, small enough to
 * flush promptly at exit. */
#define OUT_BUF_SIZE (64 * 1024)
#define IN_BUF_SIZE (64 * 1024)
/* How long a crash path waits for a worker holding the output lock. */
#define TRY_FLUSH_ATTEMPTS 50
#define TRY_FLUSH_PAUSE_NS 200000L

/* All protected by out_lock. */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static char out_buf[OUT_BUF_SIZE];
static size_t out_len;
static int out_is_tty = -1; /* -1: not asked yet */

/* All protected by in_lock. */
static pthread_mutex_t in_lock = PTHREAD_MUTEX_INITIALIZER;
static char in_buf[IN_BUF_SIZE];
static size_t in_pos, in_len;
static int in_eof;

/* Writes all of p, retrying partial writes and EINTR; waits out EAGAIN on a
 * non-blocking descriptor; drops the data on any other error (EPIPE...). */
static void fd_write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && errno == EAGAIN) {
            struct pollfd pfd = {fd, POLLOUT, 0};
            poll(&pfd, 1, -1);
        } else {
            return;
        }
    }
}

static void flush_locked(void)
{
    fd_write_all(1, out_buf, out_len);
    out_len = 0;
}

static void append_locked(const char *p, size_t n)
{
    if (n == 0)
        return;
    if (n > OUT_BUF_SIZE - out_len) {
        flush_locked();
        if (n >= OUT_BUF_SIZE) { /* too big to buffer: straight out */
            fd_write_all(1, p, n);
            return;
        }
    }
    memcpy(out_buf + out_len, p, n);
    out_len += n;
}

/* Insurance for a process that ends through exit() instead of rt_main's
 * return or rt_exit: nothing buffered is lost.  Try-lock only, because
 * another thread may hold the lock while this one exits. */
static void flush_at_exit(void)
{
    rt_out_try_flush();
}

/* Called at the end of every print, still under the lock. */
static void finish_write_locked(void)
{
    if (out_is_tty < 0) { /* first print */
        out_is_tty = isatty(1);
        atexit(flush_at_exit);
    }
    if (out_is_tty)
        flush_locked();
}

void rt_out_write(const char *p, size_t n)
{
    pthread_mutex_lock(&out_lock);
    append_locked(p, n);
    finish_write_locked();
    pthread_mutex_unlock(&out_lock);
}

void rt_print_sb(WynSB *sb)
{
    rt_out_write(sb->data, (size_t)sb->len);
}

void rt_print_str(WynStr *s)
{
    pthread_mutex_lock(&out_lock);
    append_locked(s->data, (size_t)s->len);
    append_locked("\n", 1);
    finish_write_locked();
    pthread_mutex_unlock(&out_lock);
}

void rt_flush(void)
{
    pthread_mutex_lock(&out_lock);
    flush_locked();
    pthread_mutex_unlock(&out_lock);
}

/* Crash path (maybe a signal handler): never blocks for long.  If the lock
 * stays busy, for instance because the faulting thread itself holds it,
 * the buffered output is lost rather than risking a deadlock. */
void rt_out_try_flush(void)
{
    for (int i = 0; i < TRY_FLUSH_ATTEMPTS; i++) {
        if (pthread_mutex_trylock(&out_lock) == 0) {
            flush_locked();
            pthread_mutex_unlock(&out_lock);
            return;
        }
        struct timespec pause = {0, TRY_FLUSH_PAUSE_NS};
        nanosleep(&pause, NULL);
    }
}

/* Refills in_buf from fd 0; returns 0 at EOF or on a read error. */
static int refill_input_locked(void)
{
    if (in_eof)
        return 0;
    for (;;) {
        ssize_t r = read(0, in_buf, IN_BUF_SIZE);
        if (r > 0) {
            in_pos = 0;
            in_len = (size_t)r;
            return 1;
        }
        if (r < 0 && errno == EINTR)
            continue;
        in_eof = 1;
        return 0;
    }
}

/* Reads one line (without "\n") into sb; returns 0 at EOF with nothing
 * read. */
static int read_line_locked(WynSB *sb)
{
    int got_any = 0;
    for (;;) {
        if (in_pos == in_len && !refill_input_locked())
            return got_any;
        got_any = 1;
        char *start = in_buf + in_pos;
        char *nl = memchr(start, '\n', in_len - in_pos);
        size_t take = nl ? (size_t)(nl - start) : in_len - in_pos;
        rt_sb_append_bytes(sb, start, (wyn_int)take);
        in_pos += take;
        if (nl) {
            in_pos++; /* consume the newline */
            return 1;
        }
    }
}

WynStr *rt_input(WynStr *prompt)
{
    pthread_mutex_lock(&out_lock);
    if (prompt)
        append_locked(prompt->data, (size_t)prompt->len);
    flush_locked();
    pthread_mutex_unlock(&out_lock);

    WynSB line = {-1, 0, 0, NULL}; /* on the stack: never counted */
    pthread_mutex_lock(&in_lock);
    int ok = read_line_locked(&line);
    pthread_mutex_unlock(&in_lock);
    if (!ok)
        return NULL;
    if (line.len > 0 && line.data[line.len - 1] == '\r')
        line.len--;
    WynStr *s = rt_str_new(line.data, line.len);
    free(line.data);
    return s;
}
