/* test_lib_text.c — Path (lib_path.c), DateTime/Time.format
 * (lib_datetime.c) and the Math additions (lib_math.c): the documented
 * examples, edge cases (roots, hidden files, leap days, offsets,
 * overflow), and the errors. */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include "lib_test.h"

static void clamp_bad(void) { rt_math_clamp_int(1, 5, 2, WYN_LOC(0, 3)); }

static WynStr *join3(const char *a, const char *b, const char *c)
{
    WynArr *p = lib_str_array();
    lib_str_push(p, a, strlen(a));
    lib_str_push(p, b, strlen(b));
    if (c)
        lib_str_push(p, c, strlen(c));
    return rt_path_join(p);
}

static int iso_ok(const char *s, wyn_int want)
{
    wyn_int v = 0;
    WynStr *err = NULL;
    return rt_dt_parse_iso(S(s), &v, &err) && v == want && !err;
}

static int iso_bad(const char *s)
{
    wyn_int v = 0;
    WynStr *err = NULL;
    return !rt_dt_parse_iso(S(s), &v, &err) && err && strstr(err->data, s);
}

int main(void)
{
    lib_test_init();
    CHECK(streq(rt_path_basename(S("/a/b.txt")), "b.txt"));
    CHECK(streq(rt_path_basename(S("/a/b/")), "b"));
    CHECK(streq(rt_path_basename(S("/")), "/"));
    CHECK(streq(rt_path_basename(S("")), ""));
    CHECK(streq(rt_path_dirname(S("/a/b.txt")), "/a"));
    CHECK(streq(rt_path_dirname(S("b.txt")), "."));
    CHECK(streq(rt_path_dirname(S("/a")), "/"));
    CHECK(streq(rt_path_dirname(S("a/b//c/")), "a/b"));
    CHECK(streq(rt_path_extension(S("f.tar.gz")), "gz"));
    CHECK(streq(rt_path_extension(S("dir.d/.bashrc")), ""));
    CHECK(streq(rt_path_extension(S("f")), ""));
    CHECK(streq(rt_path_stem(S("/x/f.tar.gz")), "f.tar"));
    CHECK(streq(rt_path_stem(S(".bashrc")), ".bashrc"));
    CHECK(streq(join3("a", "b", "c.txt"), "a/b/c.txt"));
    CHECK(streq(join3("a/", "", "c"), "a/c"));
    CHECK(streq(join3("a", "/abs", NULL), "/abs"));
    CHECK(streq(rt_path_absolute(S("/a/./b/../c//d/")), "/a/c/d"));
    CHECK(streq(rt_path_absolute(S("/..")), "/"));
    char cwd[512];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    char want[600];
    snprintf(want, sizeof want, "%s/x", strcmp(cwd, "/") ? cwd : "");
    CHECK(streq(rt_path_absolute(S("y/../x")), want));

    setenv("TZ", "UTC", 1);
    wyn_int t = 1796231691;   /* 2026-12-02T17:14:51Z, a Wednesday */
    CHECK(streq(rt_dt_to_iso(t), "2026-12-02T17:14:51Z"));
    CHECK_EQ(rt_dt_year(t), 2026);
    CHECK_EQ(rt_dt_month(t), 12);
    CHECK_EQ(rt_dt_day(t), 2);
    CHECK_EQ(rt_dt_hour(t), 17);
    CHECK_EQ(rt_dt_minute(t), 14);
    CHECK_EQ(rt_dt_second(t), 51);
    CHECK_EQ(rt_dt_weekday(t), 3);
    CHECK_EQ(rt_dt_diff(t, t - 90), 90);
    CHECK(streq(rt_dt_format(t, S("%d/%m/%Y %H:%M"), 1), "02/12/2026 17:14"));
    CHECK(streq(rt_dt_format(t, S(""), 1), ""));
    CHECK(iso_ok("2026-12-02T17:14:51Z", t));
    CHECK(iso_ok("2026-12-02 17:14:51.123", t));
    CHECK(iso_ok("2026-12-02T18:14:51+01:00", t));
    CHECK(iso_ok("2026-12-02T12:14:51-0500", t));
    CHECK(iso_ok("2026-12-02", t - (17 * 3600 + 14 * 60 + 51)));
    CHECK(iso_ok("2024-02-29T00:00Z", 1709164800));
    CHECK(iso_bad("2023-02-29"));
    CHECK(iso_bad("2026-13-01"));
    CHECK(iso_bad("2026-12-02T25:00:00Z"));
    CHECK(iso_bad("yesterday"));
    CHECK(iso_bad("2026-12-02T17:14:51Zjunk"));
    CHECK(streq(rt_time_format(t), "2026-12-02 17:14:51"));
    setenv("TZ", "XST-9", 1);        /* POSIX zone text: UTC+9, no database needed */
    CHECK(streq(rt_time_format(t), "2026-12-03 02:14:51"));
    CHECK_EQ(rt_dt_day(t), 3);
    CHECK(streq(rt_dt_to_iso(t), "2026-12-02T17:14:51Z"));
    unsetenv("TZ");
    CHECK(streq(rt_dt_format_duration(500), "500ms"));
    CHECK(streq(rt_dt_format_duration(1500), "1.5s"));
    CHECK(streq(rt_dt_format_duration(2000), "2s"));
    CHECK(streq(rt_dt_format_duration(123000), "2m 3s"));
    CHECK(streq(rt_dt_format_duration(3720000), "1h 2m"));
    CHECK(streq(rt_dt_format_duration(-1500), "-1.5s"));
    CHECK(rt_dt_now() >= t - 86400 * 365 * 10);
    wyn_int m0 = rt_dt_micros();
    CHECK(rt_dt_micros() >= m0);

    CHECK_EQ(rt_math_sign_int(-7), -1);
    CHECK_EQ(rt_math_sign_int(0), 0);
    CHECK(rt_math_sign_float(2.5) == 1.0 && isnan(rt_math_sign_float(NAN)));
    CHECK_EQ(rt_math_clamp_int(15, 0, 10, 1), 10);
    CHECK_EQ(rt_math_clamp_int(-3, 0, 10, 1), 0);
    CHECK(rt_math_clamp_float(0.5, 0.0, 1.0, 1) == 0.5);
    wyn_int r = 0;
    CHECK(rt_math_checked_add(2, 3, &r) && r == 5);
    CHECK(!rt_math_checked_add(9223372036854775807LL, 1, &r));
    CHECK(!rt_math_checked_sub(-9223372036854775807LL - 1, 1, &r));
    CHECK(!rt_math_checked_mul(4611686018427387904LL, 2, &r));
    CHECK(rt_math_checked_mul(-3, 4, &r) && r == -12);
    CHECK_FAILS(clamp_bad, "test.wyn:3: error: Math.clamp: lo 5 is greater than hi 2");
    TEST_DONE("test_lib_text");
}
