/*
 * test_str_format.c — unit tests of format specs: the shared parser and
 * fit rules (runtime/fmt_spec.h) and the formatter (runtime/str_format.c:
 * rt_str_format, rt_str_format_spec), including the text and status of
 * its runtime errors (in forked children).
 *
 *   gcc -std=gnu11 -O1 -g -Iruntime tests/runtime/test_str_format.c OBJS \
 *       -lffi -lpthread -lm -ldl -o /tmp/t && /tmp/t
 *
 * where OBJS is every object in build/runtime and build/ffi.
 *
 * Exits 0 when every check passes; otherwise prints each failure, exits 1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fmt_spec.h"
#include "rt_internal.h"
#include "rt_values.h"

static int failures, checks;

#define CHECK(cond) check((cond), #cond, __LINE__)
static void check(int ok, const char *what, int line)
{
    checks++;
    if (!ok) {
        failures++;
        fprintf(stderr, "test_str_format.c:%d: FAILED: %s\n", line, what);
    }
}

static void check_text(WynStr *s, const char *want, const char *what, int line)
{
    checks++;
    if (!s || strlen(want) != (size_t)s->len || memcmp(s->data, want, (size_t)s->len)) {
        failures++;
        fprintf(stderr, "test_str_format.c:%d: FAILED: %s gave \"%s\", want \"%s\"\n", line, what,
                s ? s->data : "(null)", want);
    }
}

static WynFmtArg I(wyn_int v) { return (WynFmtArg){ WYN_FMT_INT, { .i = v } }; }
static WynFmtArg F(double v) { return (WynFmtArg){ WYN_FMT_FLOAT, { .f = v } }; }
static WynFmtArg B(wyn_bool v) { return (WynFmtArg){ WYN_FMT_BOOL, { .b = v } }; }
static WynFmtArg T(const char *s) { return (WynFmtArg){ WYN_FMT_STR, { .s = rt_str_cstr(s) } }; }

/* ${value:spec} */
#define SPEC(arg, spec, want) do { WynFmtArg _a = (arg); \
    check_text(rt_str_format_spec(&_a, rt_str_cstr(spec), 0), want, "spec '" spec "'", __LINE__); } while (0)

static void test_parse(void)
{
    FmtSpec sp;
    char err[200];
    CHECK(fmt_spec_parse("*>+#010,.3x", 11, &sp, err, sizeof err));
    CHECK(sp.fill_len == 1 && sp.fill[0] == '*' && sp.align == '>' && sp.sign == '+' && sp.alt &&
          sp.zero && sp.width == 10 && sp.group == ',' && sp.precision == 3 && sp.kind == 'x');
    CHECK(fmt_spec_parse("", 0, &sp, err, sizeof err));
    CHECK(sp.width == -1 && sp.precision == -1 && !sp.kind && !sp.align && !sp.fill_len);
    CHECK(fmt_spec_parse("<<", 2, &sp, err, sizeof err) && sp.fill[0] == '<' && sp.align == '<');
    CHECK(fmt_spec_parse("\xc2\xb7^7", 4, &sp, err, sizeof err) && sp.fill_len == 2 && sp.align == '^');
    CHECK(fmt_spec_parse("10", 2, &sp, err, sizeof err) && !sp.zero && sp.width == 10);
    CHECK(fmt_spec_parse("010", 3, &sp, err, sizeof err) && sp.zero && sp.width == 10);
    CHECK(!fmt_spec_parse("q", 1, &sp, err, sizeof err) && strstr(err, "unknown format kind 'q'"));
    CHECK(!fmt_spec_parse("xx", 2, &sp, err, sizeof err) && strstr(err, "invalid format spec ':xx'"));
    CHECK(!fmt_spec_parse(".", 1, &sp, err, sizeof err) && strstr(err, "needs digits after '.'"));
    CHECK(!fmt_spec_parse("99999", 5, &sp, err, sizeof err) && strstr(err, "width is too large"));
    CHECK(!fmt_spec_parse(".99999", 6, &sp, err, sizeof err) && strstr(err, "precision is too large"));
    CHECK(fmt_spec_parse("10000", 5, &sp, err, sizeof err) && sp.width == 10000);
}

static int fits(const char *spec, int cls, const char *want_in_error)
{
    FmtSpec sp;
    char err[200] = "";
    int len = (int)strlen(spec);
    if (!fmt_spec_parse(spec, len, &sp, err, sizeof err))
        return 0;
    int ok = fmt_spec_fits(&sp, spec, len, cls, err, sizeof err);
    return want_in_error ? !ok && strstr(err, want_in_error) : ok;
}

static void test_fits(void)
{
    CHECK(fits("x", FMT_INT, NULL));
    CHECK(fits("x", FMT_STR, "format spec ':x' does not fit a string (the kind 'x' needs an int)"));
    CHECK(fits("d", FMT_FLOAT, "needs an int"));
    CHECK(fits("e", FMT_INT, NULL));
    CHECK(fits(".2%", FMT_INT, NULL));
    CHECK(fits(".2", FMT_INT, "an int takes no precision"));
    CHECK(fits(".2", FMT_STR, NULL));
    CHECK(fits(".2", FMT_FLOAT, NULL));
    CHECK(fits("+", FMT_STR, "a sign needs a number"));
    CHECK(fits("+", FMT_BOOL, "does not fit a bool"));
    CHECK(fits("05", FMT_STR, "zero padding needs a number"));
    CHECK(fits(",", FMT_OTHER, "does not fit this value"));
    CHECK(fits("=5", FMT_STR, "'=' alignment needs a number"));
    CHECK(fits(",x", FMT_INT, "',' groups decimal digits only"));
    CHECK(fits("_x", FMT_INT, NULL));
    CHECK(fits("#", FMT_INT, "'#' needs the kind x, X, o or b"));
    CHECK(fits("s", FMT_FLOAT, "the kind 's' needs text"));
    CHECK(fits(">10s", FMT_OTHER, NULL));
}

static void test_ints(void)
{
    SPEC(I(42), ">6", "    42");
    SPEC(I(42), "<6", "42    ");
    SPEC(I(42), "^7", "  42   ");
    SPEC(I(42), "*^6", "**42**");
    SPEC(I(42), "+", "+42");
    SPEC(I(42), " ", " 42");
    SPEC(I(-42), "+", "-42");
    SPEC(I(-42), "08", "-0000042");
    SPEC(I(42), "+08", "+0000042");
    SPEC(I(42), "<08", "42000000");
    SPEC(I(-42), "=8", "-     42");
    SPEC(I(1234567), ",", "1,234,567");
    SPEC(I(-1234567), ",", "-1,234,567");
    SPEC(I(-1234), "010,", "-0,001,234");
    SPEC(I(1234), "08,", "0,001,234");
    SPEC(I(123), ",", "123");
    SPEC(I(255), "x", "ff");
    SPEC(I(255), "X", "FF");
    SPEC(I(255), "#x", "0xff");
    SPEC(I(-255), "#010x", "-0x00000ff");
    SPEC(I(8), "o", "10");
    SPEC(I(5), "08b", "00000101");
    SPEC(I(65535), "_x", "ffff");
    SPEC(I(1048575), "_x", "f_ffff");
    SPEC(I(1000000), "_", "1_000_000");
    SPEC(I(INT64_MIN), "", "-9223372036854775808");
    SPEC(I(INT64_MIN), "x", "-8000000000000000");
    SPEC(I(3), ".2f", "3.00");
    SPEC(I(1), "%", "100.000000%");
    SPEC(I(42), "d", "42");
}

static void test_floats(void)
{
    SPEC(F(3.14159), ">8.2", "    3.14");
    SPEC(F(3.14159), ".2", "3.14");
    SPEC(F(2.5), "", "2.5");
    SPEC(F(3.0), ">6", "   3.0");
    SPEC(F(-3.14159), "08.2", "-0003.14");
    SPEC(F(3.14159), "+.3f", "+3.142");
    SPEC(F(1234.5), "e", "1.234500e+03");
    SPEC(F(1234.5), ".2E", "1.23E+03");
    SPEC(F(0.256), ".1%", "25.6%");
    SPEC(F(0.5), "%", "50.000000%");
    SPEC(F(1234567.891), ",.2f", "1,234,567.89");
    SPEC(F(-1234567.891), ",", "-1,234,567.891");
    SPEC(F(1234.5), "010,.1f", "0,001,234.5");
    SPEC(F(1e6), "g", "1e+06");
    SPEC(F(-0.0), "", "-0.0");
    SPEC(F(INFINITY), ">5", "  inf");
    SPEC(F(-INFINITY), "+", "-inf");
    SPEC(F(NAN), "+", "+nan");
    SPEC(F(1e300), ".1f", "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.0");
    WynFmtArg one = F(1.0);
    WynStr *wide = rt_str_format_spec(&one, rt_str_cstr(".500f"), 0); /* past the stack buffer */
    CHECK(wide->len == 502 && !memcmp(wide->data, "1.000", 5) && wide->data[501] == '0');
}

static void test_text(void)
{
    SPEC(T("ab"), "5", "ab   ");
    SPEC(T("ab"), ">5", "   ab");
    SPEC(T("ab"), "^6", "  ab  ");
    SPEC(T("hello"), ".2", "he");
    SPEC(T("hello"), ">4.2", "  he");
    SPEC(T("h\xc3\xa9llo"), ".2", "h\xc3\xa9");          /* precision counts characters */
    SPEC(T("\xc3\xa9"), "*>3", "**\xc3\xa9");           /* so does the width */
    SPEC(T("ab"), "\xc2\xb7^4", "\xc2\xb7" "ab" "\xc2\xb7");
    SPEC(T("abc"), "2", "abc");                          /* never cut by width */
    SPEC(T("x"), "s", "x");
    SPEC(B(1), ">6", "  true");
    SPEC(B(0), ".1", "f");
    WynFmtArg other = { WYN_FMT_OTHER, { .s = rt_str_cstr("[1, 2]") } };
    SPEC(other, "*<8", "[1, 2]**");
}

#define FORMAT(fmt, args, n, want) \
    check_text(rt_str_format(rt_str_cstr(fmt), args, n, 0), want, "format \"" fmt "\"", __LINE__)

static void test_format_strings(void)
{
    WynFmtArg args[] = { I(7), F(0.5), T("hi"), B(1) };
    FORMAT("{}|{:>3}|{:*^6}|{:>5}", args, 4, "7|0.5|**hi**| true");
    FORMAT("{:03}{{}}{:.1%}", args, 2, "007{}50.0%");
    FORMAT("{name} {0} { } }{", args, 0, "{name} {0} { } }{");  /* other braces are text */
    FORMAT("{}", args, 4, "7");                               /* extra arguments are ignored */
    FORMAT("", args, 0, "");
    FORMAT("{:}", args + 2, 1, "hi");                         /* an empty spec changes nothing */
}

/* ------------------------------------------------------ runtime errors */

static const char *const files[] = { "main.wyn", "lib/fmt.wyn" };
static const WynProgram program = { .files = files, .nfiles = 2 };

enum fault { F_MISFIT, F_BAD_KIND, F_UNCLOSED, F_TOO_FEW, F_SPEC_MISFIT, F_WIDTH };

static void run_fault(enum fault f)
{
    rt_set_program(&program);
    wyn_loc loc = WYN_LOC(1, 9);
    WynFmtArg s = T("abc"), n = I(1);
    switch (f) {
    case F_MISFIT: rt_str_format(rt_str_cstr("a {:x}"), &s, 1, loc); break;
    case F_BAD_KIND: rt_str_format(rt_str_cstr("{:5q}"), &n, 1, loc); break;
    case F_UNCLOSED: rt_str_format(rt_str_cstr("{} {:>5"), &n, 1, loc); break;
    case F_TOO_FEW: rt_str_format(rt_str_cstr("{} {}"), &n, 1, loc); break;
    case F_SPEC_MISFIT: rt_str_format_spec(&n, rt_str_cstr(".2"), loc); break;
    case F_WIDTH: rt_str_format_spec(&n, rt_str_cstr("100000"), loc); break;
    }
}

/* Runs the fault in a child; checks exit status 1 and the whole stderr. */
static void expect_fault(enum fault f, const char *msg, int line)
{
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(2);
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        run_fault(f);
        _exit(0); /* the fault did not happen */
    }
    close(fds[1]);
    char err[1024];
    size_t len = 0;
    ssize_t got;
    while ((got = read(fds[0], err + len, sizeof err - 1 - len)) > 0)
        len += (size_t)got;
    err[len] = 0;
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    char want[512];
    snprintf(want, sizeof want, "lib/fmt.wyn:9: error: %s\n", msg);
    checks++;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 1 || strcmp(err, want)) {
        failures++;
        fprintf(stderr, "test_str_format.c:%d: FAILED: status %d, stderr \"%s\", want \"%s\"\n", line,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1, err, want);
    }
}

static void test_faults(void)
{
    expect_fault(F_MISFIT, "format spec ':x' does not fit a string (the kind 'x' needs an int)", __LINE__);
    expect_fault(F_BAD_KIND, "unknown format kind 'q' in ':5q' (kinds: s d x X o b e E f F g G %)", __LINE__);
    expect_fault(F_UNCLOSED, "format: '{:' has no closing '}'", __LINE__);
    expect_fault(F_TOO_FEW, "format: not enough arguments", __LINE__);
    expect_fault(F_SPEC_MISFIT,
                 "format spec ':.2' does not fit an int (an int takes no precision; use the kind f or e)", __LINE__);
    expect_fault(F_WIDTH, "format width is too large (at most 10000)", __LINE__);
}

int main(void)
{
    test_parse();
    test_fits();
    test_ints();
    test_floats();
    test_text();
    test_format_strings();
    test_faults();
    if (failures) {
        fprintf(stderr, "test_str_format: %d of %d checks FAILED\n", failures, checks);
        return 1;
    }
    printf("test_str_format: all %d checks passed\n", checks);
    return 0;
}
