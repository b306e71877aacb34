/*
 * lib_log.c — the Log module: one line per message on stderr,
 * "2026-12-02T17:14:51.042Z INFO message", written with a single write(2)
 * so lines of different tasks never interleave.  Messages below the level
 * set with Log.set_level("debug" | "info" | "warn" | "error") are dropped;
 * the level starts at "info".  The level is the module's one global (an
 * atomic int): it is process-wide configuration by nature.
 */
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib_internal.h"
#include "rt_values.h"

enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
static const char *const level_names[] = { "debug", "info", "warn", "error" };
static const char *const level_tags[] = { "DEBUG", "INFO", "WARN", "ERROR" };

static _Atomic int min_level = LOG_INFO;

void rt_log_set_level(WynStr *name, wyn_loc loc)
{
    for (int i = 0; i < 4; i++)
        if ((size_t)name->len == strlen(level_names[i]) && !strcmp(name->data, level_names[i])) {
            atomic_store(&min_level, i);
            return;
        }
    lib_fail(loc, "Log.set_level: unknown level \"%s\" (debug, info, warn, error)", name->data);
}

static void log_line(wyn_int level, WynStr *msg)
{
    if (level < LOG_DEBUG || level > LOG_ERROR || level < atomic_load(&min_level))
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char stamp[64];
    size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    WynSB *sb = rt_sb_new();
    rt_sb_append_bytes(sb, stamp, (wyn_int)n);
    char ms[8] = { '.', (char)('0' + ts.tv_nsec / 100000000), (char)('0' + ts.tv_nsec / 10000000 % 10),
                   (char)('0' + ts.tv_nsec / 1000000 % 10), 'Z', ' ' };
    rt_sb_append_bytes(sb, ms, 6);
    rt_sb_append_cstr(sb, level_tags[level]);
    rt_sb_append_bytes(sb, " ", 1);
    rt_sb_append(sb, msg);
    rt_sb_append_bytes(sb, "\n", 1);
    const char *p = sb->data;
    wyn_int left = sb->len;
    while (left > 0) {
        ssize_t w = write(2, p, (size_t)left);
        if (w <= 0)
            break;
        p += w;
        left -= w;
    }
    rt_sb_free(sb);
}

void rt_log_debug(WynStr *msg) { log_line(LOG_DEBUG, msg); }
void rt_log_info(WynStr *msg) { log_line(LOG_INFO, msg); }
void rt_log_warn(WynStr *msg) { log_line(LOG_WARN, msg); }
void rt_log_error(WynStr *msg) { log_line(LOG_ERROR, msg); }
