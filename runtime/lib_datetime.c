/*
 * lib_datetime.c — the DateTime module and the Time additions: calendar
 * fields, ISO 8601 text, strftime formatting and durations.  Instants are
 * unix seconds (int).
 *
 * Time zones: the calendar fields (year ... second, weekday) and
 * DateTime.format / Time.format use the local zone, as Python's
 * datetime.fromtimestamp and Go's time.Unix do; TZ is read again on every
 * call (tzset), so a script may set it with Env.set("TZ", "UTC").
 * DateTime.to_iso is UTC ("...Z"), and parse_iso reads the offset it is
 * given (UTC without one), so the two round-trip on any machine.
 *
 * DateTime.parse_iso accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]"
 * (a space may replace the T), then "Z", "+HH:MM", "-HH:MM", "+HHMM" or
 * nothing (UTC); fractions of a second are dropped.  Anything else, or a
 * field out of range (month 13, 25 o'clock), is an error whose text
 * names the input.
 *
 * DateTime.format_duration(ms): under a second "500ms"; under a minute
 * seconds with at most one decimal, truncated ("1.5s", "2s"); under an
 * hour "2m 3s"; then "1h 2m" (hours are not folded into days).  A
 * negative duration gets a leading "-".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib_internal.h"
#include "rt_values.h"

static struct tm utc(wyn_int secs)
{
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        memset(&tm, 0, sizeof tm);
    return tm;
}

static struct tm local(wyn_int secs)
{
    time_t t = (time_t)secs;
    struct tm tm;
    tzset();   /* localtime_r need not look at TZ again by itself */
    if (!localtime_r(&t, &tm))
        memset(&tm, 0, sizeof tm);
    return tm;
}

wyn_int rt_dt_now(void) { return (wyn_int)time(NULL); }
wyn_int rt_dt_micros(void) { return rt_time_nanos() / 1000; }
wyn_int rt_dt_year(wyn_int secs) { return local(secs).tm_year + 1900LL; }
wyn_int rt_dt_month(wyn_int secs) { return local(secs).tm_mon + 1; }
wyn_int rt_dt_day(wyn_int secs) { return local(secs).tm_mday; }
wyn_int rt_dt_hour(wyn_int secs) { return local(secs).tm_hour; }
wyn_int rt_dt_minute(wyn_int secs) { return local(secs).tm_min; }
wyn_int rt_dt_second(wyn_int secs) { return local(secs).tm_sec; }
wyn_int rt_dt_weekday(wyn_int secs) { return local(secs).tm_wday; }
wyn_int rt_dt_diff(wyn_int a, wyn_int b) { return a - b; }

static WynStr *strf(const struct tm *tm, const char *fmt)
{
    char buf[512];
    size_t n = strftime(buf, sizeof buf, fmt, tm);
    return rt_str_new(buf, (wyn_int)n);
}

WynStr *rt_dt_to_iso(wyn_int secs)
{
    struct tm tm = utc(secs);
    return strf(&tm, "%Y-%m-%dT%H:%M:%SZ");
}

WynStr *rt_dt_format(wyn_int secs, WynStr *pattern, wyn_loc loc)
{
    struct tm tm = local(secs);
    char *fmt = lib_cstr(pattern, "DateTime.format", "the pattern", loc);
    /* strftime reports 0 both for "too small" and for an empty result */
    size_t cap = 64 + (size_t)pattern->len * 4;
    for (;;) {
        char *buf = rt_malloc_raw(cap);
        size_t n = strftime(buf, cap, fmt, &tm);
        if (n > 0 || cap > 4096 + (size_t)pattern->len * 64) {
            WynStr *s = rt_str_new(buf, (wyn_int)n);
            free(buf);
            free(fmt);
            return s;
        }
        free(buf);
        cap *= 4;
    }
}

WynStr *rt_time_format(wyn_int secs)
{
    struct tm tm = local(secs);
    return strf(&tm, "%Y-%m-%d %H:%M:%S");
}

/* n decimal digits at *p into *out; advances *p. */
static int digits(const char **p, const char *end, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (*p >= end || **p < '0' || **p > '9')
            return 0;
        v = v * 10 + (**p - '0');
    }
    *out = v;
    return 1;
}

static int expect(const char **p, const char *end, char c)
{
    if (*p < end && **p == c) {
        (*p)++;
        return 1;
    }
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Parses s; 1 with *secs set, or 0. */
static int parse_iso(WynStr *s, wyn_int *secs)
{
    const char *p = s->data, *end = s->data + s->len;
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    if (!digits(&p, end, 4, &y) || !expect(&p, end, '-') || !digits(&p, end, 2, &mo) ||
        !expect(&p, end, '-') || !digits(&p, end, 2, &d))
        return 0;
    if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
        p++;
        if (!digits(&p, end, 2, &h) || !expect(&p, end, ':') || !digits(&p, end, 2, &mi))
            return 0;
        if (expect(&p, end, ':')) {
            if (!digits(&p, end, 2, &sec))
                return 0;
            if (expect(&p, end, '.') || expect(&p, end, ',')) {
                if (p >= end || *p < '0' || *p > '9')
                    return 0;
                while (p < end && *p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (expect(&p, end, 'Z') || expect(&p, end, 'z')) {
        } else if (p < end && (*p == '+' || *p == '-')) {
            int sign = *p++ == '-' ? -1 : 1, oh, om;
            if (!digits(&p, end, 2, &oh))
                return 0;
            expect(&p, end, ':');
            if (!digits(&p, end, 2, &om) || oh > 23 || om > 59)
                return 0;
            off = sign * (oh * 3600 + om * 60);
        }
    }
    if (p != end || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || sec > 60)
        return 0;
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                     .tm_hour = h, .tm_min = mi, .tm_sec = sec };
    *secs = (wyn_int)timegm(&tm) - off;
    return 1;
}

wyn_bool rt_dt_parse_iso(WynStr *s, wyn_int *out, WynStr **err)
{
    if (parse_iso(s, out))
        return 1;
    *err = lib_errmsg("DateTime.parse_iso: not an ISO 8601 date/time: \"%s\"", s->data);
    return 0;
}

WynStr *rt_dt_format_duration(wyn_int ms)
{
    char buf[64];
    const char *sign = ms < 0 ? "-" : "";
    unsigned long long a = ms < 0 ? 0ULL - (unsigned long long)ms : (unsigned long long)ms;
    if (a < 1000)
        snprintf(buf, sizeof buf, "%s%llums", sign, a);
    else if (a < 60000 && a % 1000 / 100)
        snprintf(buf, sizeof buf, "%s%llu.%llus", sign, a / 1000, a % 1000 / 100);
    else if (a < 60000)
        snprintf(buf, sizeof buf, "%s%llus", sign, a / 1000);
    else if (a < 3600000)
        snprintf(buf, sizeof buf, "%s%llum %llus", sign, a / 60000, a % 60000 / 1000);
    else
        snprintf(buf, sizeof buf, "%s%lluh %llum", sign, a / 3600000, a % 3600000 / 60000);
    return rt_str_cstr(buf);
}
