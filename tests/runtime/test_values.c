/*
 * test_values.c — unit tests of the value runtime: number text, strings,
 * the string builder, arrays, sorting, maps, numbers, time, output and the
 * exact text and status of runtime errors (run in forked children), and
 * reference counting: what is freed when (live-object counts), including
 * a multi-threaded retain/release stress test.
 *
 *   gcc -std=gnu11 -O1 -g -Iruntime tests/runtime/test_values.c OBJS \
 *       -lpthread -lm -ldl -o /tmp/t && /tmp/t
 *
 * where OBJS is every object in build/runtime.  Exits 0 when every check
 * passes; otherwise prints each failure and exits 1.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rt_internal.h"
#include "rt_values.h"

static int failures, checks;

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)
static void check(int ok, const char *what, const char *file, int line)
{
    checks++;
    if (!ok) {
        failures++;
        fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
    }
}

#define CHECK_STR(s, want) check_str((s), (want), __FILE__, __LINE__)
static void check_str(WynStr *s, const char *want, const char *file, int line)
{
    checks++;
    size_t n = strlen(want);
    if (!s || (size_t)s->len != n || memcmp(s->data, want, n) != 0 ||
        s->data[s->len] != '\0') {
        failures++;
        fprintf(stderr, "%s:%d: FAILED: got \"%s\", want \"%s\"\n", file, line,
                s ? s->data : "(null)", want);
    }
}

static WynStr *S(const char *s)
{
    return rt_str_cstr(s);
}

static WynStr *str_elem(WynArr *a, wyn_int i)
{
    return ((WynStr **)a->data)[i];
}

static wyn_int int_elem(WynArr *a, wyn_int i)
{
    return ((wyn_int *)a->data)[i];
}

/* "a|b|c" from an array of strings, to compare whole arrays at once. */
static WynStr *joined(WynArr *a)
{
    return rt_arr_join(a, S("|"));
}

/* ------------------------------------------------------- child processes */

typedef struct {
    int status;          /* exit status */
    char out[4096];      /* stdout */
    char err[4096];      /* stderr */
    size_t out_len;      /* bytes written to stdout, kept or not */
} ChildResult;

/* Reads fd to EOF, keeping the first cap - 1 bytes (the rest is drained
 * so that the child never blocks on a full pipe). */
static size_t read_all(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    char sink[4096];
    ssize_t r;
    size_t total = 0;
    while ((r = read(fd, sink, sizeof sink)) > 0) {
        total += (size_t)r;
        size_t keep = (size_t)r < cap - 1 - n ? (size_t)r : cap - 1 - n;
        memcpy(buf + n, sink, keep);
        n += keep;
    }
    buf[n] = '\0';
    return total;
}

/* Runs fn(arg) in a child with stdin fed from `input`, stdout and stderr
 * captured. */
static ChildResult run_child(void (*fn)(void *), void *arg, const char *input)
{
    ChildResult res = {0};
    int in[2], out[2], err[2];
    if (pipe(in) || pipe(out) || pipe(err)) {
        perror("pipe");
        exit(2);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(in[1]);
        close(out[0]);
        close(err[0]);
        fn(arg);
        rt_flush();
        _exit(0);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (input && write(in[1], input, strlen(input)) < 0)
        perror("write");
    close(in[1]);
    res.out_len = read_all(out[0], res.out, sizeof res.out);
    read_all(err[0], res.err, sizeof res.err);
    close(out[0]);
    close(err[0]);
    int st;
    waitpid(pid, &st, 0);
    res.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return res;
}

#define CHECK_CHILD(r, st, o, e) check_child((r), (st), (o), (e), __FILE__, __LINE__)
static void check_child(ChildResult r, int status, const char *out,
                        const char *err, const char *file, int line)
{
    checks++;
    if (r.status != status || strcmp(r.out, out) != 0 || strcmp(r.err, err) != 0) {
        failures++;
        fprintf(stderr,
                "%s:%d: FAILED child: status %d (want %d)\n  out \"%s\" (want \"%s\")\n"
                "  err \"%s\" (want \"%s\")\n",
                file, line, r.status, status, r.out, out, r.err, err);
    }
}

/* ---------------------------------------------------------------- floats */

static void check_float(double v, const char *want, int line)
{
    check_str(rt_str_from_float(v), want, __FILE__, line);
    WynSB sb = {-1, 0, 0, NULL}; /* on the stack: immortal */
    rt_sb_append_float(&sb, v);
    check_str(rt_sb_to_string(&sb), want, __FILE__, line);
    free(sb.data);
}

static void test_float_text(void)
{
    check_float(1.0, "1.0", __LINE__);
    check_float(0.1 + 0.2, "0.30000000000000004", __LINE__);
    check_float(1e-6, "1e-06", __LINE__);
    check_float(1e10, "10000000000.0", __LINE__);
    check_float(1e300, "1e+300", __LINE__);
    check_float(INFINITY, "inf", __LINE__);
    check_float(-INFINITY, "-inf", __LINE__);
    check_float(NAN, "nan", __LINE__);
    check_float(-0.0, "-0.0", __LINE__);
    check_float(0.0, "0.0", __LINE__);
    check_float(250000000.0, "250000000.0", __LINE__);
    check_float(4.64 + 1e-15, "4.640000000000001", __LINE__);
    check_float(3.14, "3.14", __LINE__);
    check_float(-2.5, "-2.5", __LINE__);
    check_float(0.1, "0.1", __LINE__);
    check_float(1.0 / 3.0, "0.3333333333333333", __LINE__);
    check_float(1e15, "1e+15", __LINE__);
    check_float(999999999999999.0, "999999999999999.0", __LINE__);
    check_float(-123456.0, "-123456.0", __LINE__);
    check_float(1e16, "1e+16", __LINE__);
    check_float(123456789012345680000.0, "1.2345678901234568e+20", __LINE__);
    check_float(5e-324, "4.94065645841247e-324", __LINE__); /* 15 digits round-trip */
    check_float(1.7976931348623157e308, "1.7976931348623157e+308", __LINE__);
    check_float(100.5, "100.5", __LINE__);
}

/* SPEC §14 done the slow, obvious way, to cross-check the fast paths. */
static void reference_float_text(char *buf, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 64, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (isnan(v))
        strcpy(buf, "nan");
    if (!strpbrk(buf, ".eni"))
        strcat(buf, ".0");
}

static int float_text_matches(double v)
{
    char want[64];
    reference_float_text(want, v);
    WynStr *got = rt_str_from_float(v);
    if (strcmp(got->data, want) == 0)
        return 1;
    fprintf(stderr, "float text of %a: got %s, want %s\n", v, got->data, want);
    return 0;
}

static unsigned long long rng(void);

static void test_float_text_random(void)
{
    static const double scale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                   1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
    int rounds = getenv("RT_TEST_SMALL") ? 20000 : 200000; /* sanitizer runs */
    int bad = 0;
    for (int i = 0; i < rounds && bad < 5; i++) {
        unsigned long long bits = rng();
        double v;
        memcpy(&v, &bits, sizeof v);
        bad += !float_text_matches(v);
        /* short decimals: the fast path's territory, and its edges */
        double d = (double)(rng() % 1000000000000000ULL) / scale[rng() % 18];
        bad += !float_text_matches(d);
        bad += !float_text_matches((double)(rng() % 100000) / scale[rng() % 18]);
        bad += !float_text_matches(i * 0.37);
        bad += !float_text_matches(-i * 0.1 * 0.3);
        bad += !float_text_matches(1e-4 * (1 + i % 3) - 1e-20 * (i % 2));
    }
    CHECK(bad == 0);
}

/* --------------------------------------------------------------- strings */

static void test_string_basics(void)
{
    CHECK_STR(rt_str_empty(), "");
    CHECK_STR(rt_str_cstr(NULL), "");
    CHECK_STR(rt_str_new("abc", 3), "abc");
    CHECK(rt_str_new("abc", 3)->rc == 1 /* counted, owned by the pool */);
    CHECK_STR(rt_str_concat(S("foo"), S("bar")), "foobar");
    CHECK_STR(rt_str_concat(S(""), S("bar")), "bar");
    CHECK_STR(rt_str_concat(S("foo"), S("")), "foo");
    WynStr *parts[] = {S("a"), S(""), S("bc"), S("def")};
    CHECK_STR(rt_str_concat_n(parts, 4), "abcdef");
    CHECK_STR(rt_str_concat_n(parts, 0), "");
    CHECK_STR(rt_str_repeat(S("ab"), 3), "ababab");
    CHECK_STR(rt_str_repeat(S("ab"), 0), "");
    CHECK_STR(rt_str_repeat(S("ab"), -2), "");
    CHECK_STR(rt_str_repeat(S("x"), 1), "x");
    CHECK(rt_str_repeat(S("xyz"), 1000)->len == 3000);
    CHECK(rt_str_eq(S("abc"), S("abc")));
    CHECK(!rt_str_eq(S("abc"), S("abd")));
    CHECK(!rt_str_eq(S("abc"), S("ab")));
    CHECK(rt_str_cmp(S("abc"), S("abd")) < 0);
    CHECK(rt_str_cmp(S("ab"), S("abc")) < 0);
    CHECK(rt_str_cmp(S("b"), S("abc")) > 0);
    CHECK(rt_str_cmp(S("abc"), S("abc")) == 0);
    CHECK(rt_str_cmp(S("\xff"), S("a")) > 0); /* bytewise, unsigned */
    CHECK(rt_str_hash(S("hello world")) == rt_str_hash(S("hello world")));
    CHECK(rt_str_hash(S("hello world")) != rt_str_hash(S("hello worle")));
    CHECK(rt_str_hash(S("")) != rt_str_hash(S("a")));
    CHECK(rt_str_hash(S("a")) != rt_str_hash(S("b")));
    CHECK_STR(rt_str_at(S("hello"), 1, 0), "e");
    CHECK_STR(rt_str_at(S("hello"), -1, 0), "o");
    CHECK_STR(rt_str_at(S("hello"), -5, 0), "h");
    CHECK_STR(rt_str_slice(S("hello"), 1, 3), "el");
    CHECK_STR(rt_str_slice(S("hello"), -3, 100), "llo");
    CHECK_STR(rt_str_slice(S("hello"), 3, 1), "");
    CHECK_STR(rt_str_slice(S("hello"), -100, 2), "he");
    CHECK_STR(rt_str_slice(S("hello"), 0, -1), "hell");
    CHECK_STR(rt_str_slice(S("hello"), 0, 5), "hello");
    CHECK_STR(rt_str_from_int(0), "0");
    CHECK_STR(rt_str_from_int(7), "7");
    CHECK_STR(rt_str_from_int(-42), "-42");
    CHECK_STR(rt_str_from_int(1234567890123LL), "1234567890123");
    CHECK_STR(rt_str_from_int((-9223372036854775807LL - 1)), "-9223372036854775808");
    CHECK_STR(rt_str_from_int(9223372036854775807LL), "9223372036854775807");
    CHECK_STR(rt_str_from_bool(1), "true");
    CHECK_STR(rt_str_from_bool(0), "false");
}

static void test_string_methods(void)
{
    CHECK_STR(rt_str_upper(S("Hello, wörld")), "HELLO, WöRLD");
    CHECK_STR(rt_str_lower(S("Hello, WORLD")), "hello, world");
    CHECK_STR(rt_str_trim(S(" \t\r\n hi there \n")), "hi there");
    CHECK_STR(rt_str_trim(S("   ")), "");
    CHECK_STR(rt_str_trim_start(S("  hi  ")), "hi  ");
    CHECK_STR(rt_str_trim_end(S("  hi  ")), "  hi");
    CHECK(rt_str_contains(S("hello"), S("ell")));
    CHECK(rt_str_contains(S("hello"), S("")));
    CHECK(!rt_str_contains(S("hello"), S("elo")));
    CHECK(rt_str_starts_with(S("hello"), S("he")));
    CHECK(!rt_str_starts_with(S("he"), S("hello")));
    CHECK(rt_str_ends_with(S("hello"), S("llo")));
    CHECK(!rt_str_ends_with(S("hello"), S("hel")));
    CHECK(rt_str_index_of(S("hello"), S("l")) == 2);
    CHECK(rt_str_index_of(S("hello"), S("lo")) == 3);
    CHECK(rt_str_index_of(S("hello"), S("z")) == -1);
    CHECK(rt_str_index_of(S("hello"), S("")) == 0);
    CHECK_STR(rt_str_replace(S("a-b-c"), S("-"), S("+=")), "a+=b+=c");
    CHECK_STR(rt_str_replace(S("aaaa"), S("aa"), S("b")), "bb");
    CHECK_STR(rt_str_replace(S("hello"), S("xyz"), S("b")), "hello");
    CHECK_STR(rt_str_replace(S("hello"), S(""), S("b")), "hello");
    CHECK_STR(rt_str_replace(S("hello"), S("l"), S("")), "heo");
    CHECK_STR(joined(rt_str_split(S("a,b,,c"), S(","))), "a|b||c");
    CHECK(rt_str_split(S("a,b,,c"), S(","))->len == 4);
    CHECK_STR(joined(rt_str_split(S("a::b::c"), S("::"))), "a|b|c");
    CHECK(rt_str_split(S(""), S(","))->len == 1);
    CHECK_STR(joined(rt_str_split(S(",x,"), S(","))), "|x|");
    CHECK_STR(joined(rt_str_split(S("héllo"), S(""))), "h|é|l|l|o");
    CHECK(rt_str_split(S("héllo"), S(""))->len == 5);
    WynArr *lines = rt_str_lines(S("one\r\ntwo\n\nthree\n"));
    CHECK(lines->len == 4);
    CHECK_STR(joined(lines), "one|two||three");
    CHECK(rt_str_lines(S(""))->len == 0);
    CHECK(rt_str_lines(S("\n"))->len == 1);
    CHECK(rt_str_lines(S("x"))->len == 1);
    CHECK_STR(joined(rt_str_chars(S("aé€😀"))), "a|é|€|😀");
    WynArr *bad = rt_str_chars(S("\xc3(\xe2\x82"));  /* broken sequences */
    CHECK(bad->len == 4 && str_elem(bad, 0)->len == 1 && str_elem(bad, 3)->len == 1);
    CHECK_STR(rt_str_reverse(S("a\xc3")), "\xc3" "a");
    WynArr *bytes = rt_str_bytes(S("A\xff"));
    CHECK(bytes->len == 2 && bytes->esize == 8);
    CHECK(int_elem(bytes, 0) == 65 && int_elem(bytes, 1) == 255);
    CHECK(rt_str_bytes(S(""))->len == 0);
    CHECK_STR(rt_str_reverse(S("héllo")), "olléh");
    CHECK_STR(rt_str_reverse(S("ab😀c")), "c😀ba");
    CHECK_STR(rt_str_reverse(S("")), "");
}

static void test_string_numbers(void)
{
    CHECK(rt_str_to_int(S("123"), 0) == 123);
    CHECK(rt_str_to_int(S("-45"), 0) == -45);
    CHECK(rt_str_to_int(S("+7"), 0) == 7);
    CHECK(rt_str_to_int(S("0"), 0) == 0);
    CHECK(rt_str_to_int(S("1_000_000"), 0) == 1000000);
    CHECK(rt_str_to_int(S("0xFF"), 0) == 255);
    CHECK(rt_str_to_int(S("-0x10"), 0) == -16);
    CHECK(rt_str_to_int(S("0b1010"), 0) == 10);
    CHECK(rt_str_to_int(S("9223372036854775807"), 0) == 9223372036854775807LL);
    CHECK(rt_str_to_int(S("-9223372036854775808"), 0) == -9223372036854775807LL - 1);
    CHECK(rt_str_to_float(S("3.5"), 0) == 3.5);
    CHECK(rt_str_to_float(S("-1e3"), 0) == -1000.0);
    CHECK(rt_str_to_float(S("42"), 0) == 42.0);
    CHECK(isinf(rt_str_to_float(S("inf"), 0)));
    WynFmtArg args[] = {{WYN_FMT_STR, {.s = S("x")}}, {WYN_FMT_STR, {.s = S("42")}}};
    CHECK_STR(rt_str_format(S("{} = {}"), args, 2, 0), "x = 42");
    CHECK_STR(rt_str_format(S("{{{}}} {"), args, 1, 0), "{x} {");
    CHECK_STR(rt_str_format(S("no args }"), args, 0, 0), "no args }");
    CHECK_STR(rt_str_format(S("{}"), args, 2, 0), "x");
}

/* ----------------------------------------------------- string builder */

static void test_string_builder(void)
{
    WynSB *sb = rt_sb_new();
    CHECK(rt_sb_len(sb) == 0);
    CHECK_STR(rt_sb_to_string(sb), "");
    rt_sb_append(sb, S("n="));
    rt_sb_append_int(sb, -12);
    rt_sb_append_cstr(sb, ", f=");
    rt_sb_append_float(sb, 2.0);
    rt_sb_append_bytes(sb, ", b=xyz", 5);
    rt_sb_append_bool(sb, 1);
    rt_sb_append_cstr(sb, " ");
    rt_sb_append_quoted(sb, S("a\"b\\c\nd\te\r"));
    CHECK_STR(rt_sb_to_string(sb), "n=-12, f=2.0, b=xtrue \"a\\\"b\\\\c\\nd\\te\\r\"");
    rt_sb_append_cstr(sb, "!");
    CHECK(rt_sb_to_string(sb)->data[rt_sb_len(sb) - 1] == '!');
    WynSB *big = rt_sb_new();
    for (int i = 0; i < 100000; i++)
        rt_sb_append(big, S("abc"));
    CHECK(rt_sb_len(big) == 300000);
    WynStr *s = rt_sb_to_string(big);
    CHECK(s->len == 300000 && memcmp(s->data + 299997, "abc", 3) == 0);
    rt_sb_free(big);
    rt_sb_free(sb);
}

/* ---------------------------------------------------------------- arrays */

static WynArr *ints(int n, const wyn_int *v)
{
    return rt_arr_from(8, v, n);
}

static WynStr *ints_text(WynArr *a)
{
    WynSB sb = {-1, 0, 0, NULL}; /* on the stack: immortal */
    for (wyn_int i = 0; i < a->len; i++) {
        if (i)
            rt_sb_append_cstr(&sb, ",");
        rt_sb_append_int(&sb, int_elem(a, i));
    }
    WynStr *s = rt_sb_to_string(&sb);
    free(sb.data);
    return s;
}

static void test_array_basics(void)
{
    WynArr *a = rt_arr_new(8, 0);
    for (wyn_int i = 0; i < 1000; i++) {
        wyn_int *slot = rt_arr_push_slot(a);
        CHECK(*slot == 0);
        *slot = i;
    }
    CHECK(a->len == 1000 && int_elem(a, 999) == 999);
    wyn_int x = -1;
    rt_arr_pop(a, &x, 0);
    CHECK(x == 999 && a->len == 999);
    rt_arr_first(a, &x, 0);
    CHECK(x == 0);
    rt_arr_last(a, &x, 0);
    CHECK(x == 998);
    rt_arr_clear(a);
    CHECK(a->len == 0);

    wyn_int v[] = {1, 2, 3};
    WynArr *b = ints(3, v);
    wyn_int nine = 9;
    rt_arr_insert(b, 0, &nine, 0);
    rt_arr_insert(b, 4, &nine, 0);   /* i == len appends */
    rt_arr_insert(b, -1, &nine, 0);  /* before the last */
    CHECK_STR(ints_text(b), "9,1,2,3,9,9");
    rt_arr_remove(b, 1, &x, 0);
    CHECK(x == 1);
    rt_arr_remove(b, -1, &x, 0);
    CHECK(x == 9);
    CHECK_STR(ints_text(b), "9,2,3,9");
    CHECK_STR(ints_text(rt_arr_slice(b, 1, 3)), "2,3");
    CHECK_STR(ints_text(rt_arr_slice(b, -2, 100)), "3,9");
    CHECK_STR(ints_text(rt_arr_slice(b, 3, 1)), "");
    CHECK_STR(ints_text(rt_arr_reverse(b)), "9,3,2,9");
    CHECK_STR(ints_text(b), "9,2,3,9");
    WynArr *c = rt_arr_copy(b);
    CHECK(c->data != b->data && rt_arr_eq(b, c, rt_eq_int) && rt_arr_eq(b, c, NULL));
    ((wyn_int *)c->data)[0] = 5;
    CHECK(!rt_arr_eq(b, c, rt_eq_int));
    CHECK_STR(ints_text(rt_arr_concat(b, c)), "9,2,3,9,5,2,3,9");
    CHECK_STR(ints_text(rt_arr_unique(b, rt_eq_int)), "9,2,3");
    CHECK_STR(ints_text(rt_arr_unique(b, NULL)), "9,2,3");
    wyn_int three = 3, seven = 7;
    CHECK(rt_arr_index_of(b, &three, rt_eq_int) == 2);
    CHECK(rt_arr_index_of(b, &seven, rt_eq_int) == -1);
    CHECK(rt_arr_index_of(b, &three, NULL) == 2);
    CHECK(rt_arr_sum_int(b) == 23);
    rt_arr_min(b, &x, rt_cmp_int, 0);
    CHECK(x == 2);
    rt_arr_max(b, &x, rt_cmp_int, 0);
    CHECK(x == 9);
    double f[] = {1.5, 2.25, -1.0};
    WynArr *fa = rt_arr_from(8, f, 3);
    CHECK(rt_arr_sum_float(fa) == 2.75);
    double fx;
    rt_arr_min(fa, &fx, rt_cmp_float, 0);
    CHECK(fx == -1.0);

    WynArr *inner[] = {ints(2, v), rt_arr_new(8, 0), ints(3, v)};
    WynArr *nested = rt_arr_from(8, inner, 3);
    CHECK_STR(ints_text(rt_arr_flatten(nested)), "1,2,1,2,3");
    WynArr *flat_empty = rt_arr_flatten(rt_arr_new(8, 0));
    CHECK(flat_empty->len == 0 && flat_empty->esize == 8);

    WynStr *sv[] = {S("b"), S("a"), S("b"), S("c"), S("a")};
    WynArr *strs = rt_arr_from(8, sv, 5);
    CHECK_STR(rt_arr_join(strs, S(", ")), "b, a, b, c, a");
    CHECK_STR(rt_arr_join(rt_arr_new(8, 0), S(", ")), "");
    CHECK_STR(joined(rt_arr_unique(strs, rt_eq_str)), "b|a|c");
    WynStr *bee = S("b");
    CHECK(rt_arr_index_of(strs, &bee, rt_eq_str) == 0);

    /* an empty array never given storage */
    WynArr *none = rt_arr_new(8, 0);
    CHECK(rt_arr_slice(none, 0, 5)->len == 0 && rt_arr_copy(none)->len == 0);
    CHECK(rt_arr_reverse(none)->len == 0 && rt_arr_concat(none, none)->len == 0);
    CHECK(rt_arr_unique(none, rt_eq_int)->len == 0 && rt_arr_sum_int(none) == 0);
    CHECK(rt_arr_eq(none, rt_arr_new(8, 0), NULL) && rt_arr_index_of(none, &x, NULL) == -1);
    rt_arr_sort(none, rt_cmp_int);
    CHECK_STR(rt_arr_join(none, S(",")), "");
    CHECK(rt_map_keys(rt_map_new(0, 8))->len == 0);

    /* elements bigger than 8 bytes */
    typedef struct { wyn_int a, b, c; } Triple;
    Triple t[] = {{1, 2, 3}, {4, 5, 6}};
    WynArr *ta = rt_arr_from(sizeof(Triple), t, 2);
    Triple *ts = rt_arr_push_slot(ta);
    CHECK(ts->a == 0 && ts->b == 0 && ts->c == 0);
    ts->a = 7;
    Triple out;
    rt_arr_remove(ta, 0, &out, 0);
    CHECK(out.c == 3 && ta->len == 2 && ((Triple *)ta->data)[1].a == 7);
    CHECK(rt_arr_unique(ta, NULL)->len == 2);

    wyn_bool bools[] = {1, 0, 1};
    WynArr *ba = rt_arr_from(1, bools, 3);
    wyn_bool bx;
    rt_arr_min(ba, &bx, rt_cmp_bool, 0);
    CHECK(bx == 0);
    wyn_bool no = 0;
    CHECK(rt_arr_index_of(ba, &no, rt_eq_bool) == 1);
}

/* ---------------------------------------------------------------- sorting */

static unsigned long long rng_state = 88172645463325252ULL;
static unsigned long long rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int qsort_int(const void *a, const void *b)
{
    return rt_cmp_int(a, b);
}

typedef struct { wyn_int key, seq; } Pair;

static int cmp_pair_key(const void *a, const void *b)
{
    const Pair *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

/* Compares 8-byte ints through a user callback (not rt_cmp_int), the path
 * generated comparators take. */
static int cmp_int_desc(const void *a, const void *b)
{
    return rt_cmp_int(b, a);
}

static void test_sort_ints(void)
{
    for (int round = 0; round < 6; round++) {
        int n = round == 0 ? 0 : round == 1 ? 1 : round == 2 ? 100 : round == 3 ? 1000 : 100000;
        WynArr *a = rt_arr_new(8, n);
        wyn_int *ref = malloc(sizeof(wyn_int) * (n + 1));
        for (int i = 0; i < n; i++) {
            wyn_int v = round == 5 ? (wyn_int)(rng() % 1000) - 500 : (wyn_int)rng();
            *(wyn_int *)rt_arr_push_slot(a) = v;
            ref[i] = v;
        }
        rt_arr_sort(a, rt_cmp_int);
        qsort(ref, n, sizeof(wyn_int), qsort_int);
        CHECK(n == 0 || memcmp(ref, a->data, n * sizeof(wyn_int)) == 0);
        rt_arr_sort(a, cmp_int_desc);
        int desc_ok = 1;
        for (int i = 1; i < n; i++)
            desc_ok &= int_elem(a, i - 1) >= int_elem(a, i);
        CHECK(desc_ok);
        free(ref);
    }
}

static void test_sort_stable(void)
{
    int n = 5000;
    WynArr *a = rt_arr_new(sizeof(Pair), 0);
    WynArr *values = rt_arr_new(8, 0);
    WynArr *keys = rt_arr_new(8, 0);
    for (int i = 0; i < n; i++) {
        Pair *p = rt_arr_push_slot(a);
        p->key = (wyn_int)(rng() % 10);
        p->seq = i;
        *(wyn_int *)rt_arr_push_slot(values) = i;
        *(wyn_int *)rt_arr_push_slot(keys) = p->key;
    }
    rt_arr_sort(a, cmp_pair_key);
    int ok = 1;
    for (int i = 1; i < n; i++) {
        Pair *x = (Pair *)a->data + i - 1, *y = x + 1;
        ok &= x->key < y->key || (x->key == y->key && x->seq < y->seq);
    }
    CHECK(ok);

    rt_arr_sort_by_keys(values, keys, rt_cmp_int);
    ok = 1;
    for (int i = 1; i < n; i++) {
        ok &= int_elem(keys, i - 1) <= int_elem(keys, i);
        if (int_elem(keys, i - 1) == int_elem(keys, i))
            ok &= int_elem(values, i - 1) < int_elem(values, i);
    }
    CHECK(ok);
    CHECK(int_elem(keys, 0) == ((Pair *)a->data)[0].key);
    CHECK(int_elem(values, 0) == ((Pair *)a->data)[0].seq);

    /* sort_by with string keys over struct elements */
    WynArr *people = rt_arr_new(sizeof(Pair), 0);
    WynStr *names[] = {S("carol"), S("alice"), S("bob"), S("alice")};
    WynArr *name_keys = rt_arr_from(8, names, 4);
    for (int i = 0; i < 4; i++)
        ((Pair *)rt_arr_push_slot(people))->seq = i;
    rt_arr_sort_by_keys(people, name_keys, rt_cmp_str);
    CHECK_STR(joined(name_keys), "alice|alice|bob|carol");
    Pair *pp = (Pair *)people->data;
    CHECK(pp[0].seq == 1 && pp[1].seq == 3 && pp[2].seq == 2 && pp[3].seq == 0);
}

static void test_sort_floats_strings(void)
{
    double f[] = {3.5, NAN, -1.0, 2.0, -INFINITY, 0.5, NAN, 1e300};
    WynArr *fa = rt_arr_from(8, f, 8);
    rt_arr_sort(fa, rt_cmp_float);
    double *s = (double *)fa->data;
    CHECK(s[0] == -INFINITY && s[1] == -1.0 && s[2] == 0.5 && s[3] == 2.0 &&
          s[4] == 3.5 && s[5] == 1e300 && isnan(s[6]) && isnan(s[7]));

    WynStr *w[] = {S("pear"), S("apple"), S("fig"), S("apple pie"), S(""), S("Zebra")};
    WynArr *wa = rt_arr_from(8, w, 6);
    rt_arr_sort(wa, rt_cmp_str);
    CHECK_STR(joined(wa), "|Zebra|apple|apple pie|fig|pear");

    int n = 20000;
    WynArr *big = rt_arr_new(8, 0);
    for (int i = 0; i < n; i++)
        *(double *)rt_arr_push_slot(big) = (double)(rng() % 100000) / 7.0;
    rt_arr_sort(big, rt_cmp_float);
    int ok = 1;
    for (int i = 1; i < n; i++)
        ok &= ((double *)big->data)[i - 1] <= ((double *)big->data)[i];
    CHECK(ok);

    WynArr *bigs = rt_arr_new(8, 0);
    for (int i = 0; i < n; i++)
        *(WynStr **)rt_arr_push_slot(bigs) = rt_str_from_int((wyn_int)(rng() % 5000));
    rt_arr_sort(bigs, rt_cmp_str);
    ok = 1;
    for (int i = 1; i < n; i++)
        ok &= rt_str_cmp(str_elem(bigs, i - 1), str_elem(bigs, i)) <= 0;
    CHECK(ok);
}

/* ------------------------------------------------------------------ maps */

static void test_map_int(void)
{
    WynMap *m = rt_map_new(0, 8);
    CHECK(rt_map_len(m) == 0 && rt_map_next(m, 0) == -1);
    CHECK(rt_map_find_i(m, 5) == NULL);
    int n = 100000;
    int ok = 1;
    for (wyn_int i = 0; i < n; i++) {
        wyn_int *v = rt_map_slot_i(m, i * 7919 - 50000);
        ok &= *v == 0;
        *v = i;
    }
    CHECK(ok && rt_map_len(m) == n);
    for (wyn_int i = 0; i < n; i++) {
        wyn_int *v = rt_map_find_i(m, i * 7919 - 50000);
        ok &= v && *v == i;
        ok &= *(wyn_int *)rt_map_get_i(m, i * 7919 - 50000, 0) == i;
    }
    CHECK(ok);
    CHECK(rt_map_find_i(m, 1) == NULL);
    /* existing key: same slot, no new entry */
    *(wyn_int *)rt_map_slot_i(m, -50000) += 5;
    CHECK(*(wyn_int *)rt_map_find_i(m, -50000) == 5 && rt_map_len(m) == n);

    /* remove the odd ones; order of the rest is kept */
    for (wyn_int i = 1; i < n; i += 2)
        ok &= rt_map_remove_i(m, i * 7919 - 50000);
    CHECK(ok && !rt_map_remove_i(m, 1 * 7919 - 50000));
    CHECK(rt_map_len(m) == n / 2);
    wyn_int expect = 0, count = 0;
    ok = 1;
    for (wyn_int p = rt_map_next(m, 0); p >= 0; p = rt_map_next(m, p + 1)) {
        ok &= *(wyn_int *)rt_map_key_at(m, p) == expect * 7919 - 50000;
        ok &= *(wyn_int *)rt_map_val_at(m, p) == (expect == 0 ? 5 : expect);
        expect += 2;
        count++;
    }
    CHECK(ok && count == n / 2);
    WynArr *keys = rt_map_keys(m), *vals = rt_map_values(m);
    CHECK(keys->len == n / 2 && vals->len == n / 2 && keys->esize == 8);
    CHECK(int_elem(keys, 1) == 2 * 7919 - 50000 && int_elem(vals, 1) == 2);

    /* a removed key comes back at the end */
    *(wyn_int *)rt_map_slot_i(m, 1 * 7919 - 50000) = -1;
    keys = rt_map_keys(m);
    CHECK(int_elem(keys, keys->len - 1) == 1 * 7919 - 50000);

    WynMap *c = rt_map_copy(m);
    *(wyn_int *)rt_map_slot_i(c, 0 * 7919 - 50000) = 1234;
    CHECK(*(wyn_int *)rt_map_find_i(m, -50000) == 5);
    CHECK(rt_map_len(c) == rt_map_len(m));
    CHECK(rt_arr_eq(rt_map_keys(c), rt_map_keys(m), rt_eq_int));
}

static void test_map_churn(void)
{
    /* a queue-like workload: compaction must keep order and lookups right */
    WynMap *m = rt_map_new(0, 8);
    wyn_int head = 0, tail = 0;
    int ok = 1;
    for (int round = 0; round < 50000; round++) {
        *(wyn_int *)rt_map_slot_i(m, tail) = tail * 2;
        tail++;
        if (round % 3 != 0) {
            ok &= rt_map_remove_i(m, head);
            head++;
        }
    }
    CHECK(rt_map_len(m) == tail - head);
    wyn_int k = head;
    for (wyn_int p = rt_map_next(m, 0); p >= 0; p = rt_map_next(m, p + 1), k++)
        ok &= *(wyn_int *)rt_map_key_at(m, p) == k && *(wyn_int *)rt_map_val_at(m, p) == 2 * k;
    CHECK(ok && k == tail);
    for (wyn_int i = head; i < tail; i++)
        ok &= rt_map_remove_i(m, i);
    CHECK(ok && rt_map_len(m) == 0 && rt_map_next(m, 0) == -1);
    *(wyn_int *)rt_map_slot_i(m, 42) = 1;
    CHECK(rt_map_next(m, 0) >= 0 && *(wyn_int *)rt_map_get_i(m, 42, 0) == 1);

    /* removing during iteration keeps the remaining positions valid */
    WynMap *r = rt_map_new(0, 8);
    for (wyn_int i = 0; i < 100; i++)
        *(wyn_int *)rt_map_slot_i(r, i) = i;
    wyn_int seen = 0;
    for (wyn_int p = rt_map_next(r, 0); p >= 0; p = rt_map_next(r, p + 1)) {
        wyn_int key = *(wyn_int *)rt_map_key_at(r, p);
        ok &= key == seen++;
        rt_map_remove_i(r, key);
    }
    CHECK(ok && seen == 100 && rt_map_len(r) == 0);

    /* value slots survive later insertions (memo[n] = f() inserting) */
    WynMap *memo = rt_map_new(0, 8);
    wyn_int *slot = rt_map_slot_i(memo, -1);
    for (wyn_int i = 0; i < 10000; i++)
        *(wyn_int *)rt_map_slot_i(memo, i) = i;
    *slot = 77;
    CHECK(*(wyn_int *)rt_map_get_i(memo, -1, 0) == 77);
}

static void test_map_str(void)
{
    WynMap *m = rt_map_new(1, 8);
    const char *words = "the quick brown fox jumps over the lazy dog the end";
    WynArr *ws = rt_str_split(S(words), S(" "));
    for (wyn_int i = 0; i < ws->len; i++)
        (*(wyn_int *)rt_map_slot_s(m, str_elem(ws, i)))++;
    CHECK(rt_map_len(m) == 9);
    CHECK(*(wyn_int *)rt_map_get_s(m, S("the"), 0) == 3);
    CHECK(*(wyn_int *)rt_map_get_s(m, S("dog"), 0) == 1);
    CHECK(rt_map_find_s(m, S("cat")) == NULL);
    CHECK(rt_map_find_s(m, S("")) == NULL);
    CHECK_STR(joined(rt_map_keys(m)), "the|quick|brown|fox|jumps|over|lazy|dog|end");
    CHECK(rt_map_remove_s(m, S("fox")) && !rt_map_remove_s(m, S("fox")));
    CHECK_STR(joined(rt_map_keys(m)), "the|quick|brown|jumps|over|lazy|dog|end");
    *(wyn_int *)rt_map_slot_s(m, S("")) = 9;
    CHECK(*(wyn_int *)rt_map_get_s(m, rt_str_empty(), 0) == 9);

    /* many string keys, built separately from the lookup keys */
    WynMap *big = rt_map_new(1, 16);
    for (wyn_int i = 0; i < 50000; i++) {
        double *v = rt_map_slot_s(big, rt_str_concat(S("key"), rt_str_from_int(i)));
        v[0] = (double)i;
        v[1] = -(double)i;
    }
    int ok = rt_map_len(big) == 50000;
    for (wyn_int i = 0; i < 50000; i++) {
        double *v = rt_map_find_s(big, rt_str_concat(S("key"), rt_str_from_int(i)));
        ok &= v && v[0] == (double)i && v[1] == -(double)i;
    }
    CHECK(ok);
    WynArr *vals = rt_map_values(big);
    CHECK(vals->esize == 16 && vals->len == 50000 && ((double *)vals->data)[2 * 7] == 7.0);

    /* a map with 1-byte values (map[string]bool) */
    WynMap *set = rt_map_new(1, 1);
    *(wyn_bool *)rt_map_slot_s(set, S("a")) = 1;
    *(wyn_bool *)rt_map_slot_s(set, S("b")) = 0;
    CHECK(rt_map_values(set)->esize == 1 && rt_map_len(set) == 2);
    CHECK(*(wyn_bool *)rt_map_get_s(set, S("a"), 0) == 1);
}

/* --------------------------------------------------- numbers and time */

static void test_numbers_time(void)
{
    CHECK(rt_float_round(2.5) == 3.0 && rt_float_round(-2.5) == -3.0);
    CHECK(rt_float_round(2.4) == 2.0 && rt_float_round(-0.5) == -1.0);
    CHECK(rt_int_pow(2, 10) == 1024 && rt_int_pow(3, 0) == 1);
    CHECK(rt_int_pow(-2, 3) == -8 && rt_int_pow(2, 64) == 0);
    CHECK(rt_int_pow(3, -1) == 0 && rt_int_pow(1, -5) == 1);
    CHECK(rt_int_pow(-1, -3) == -1 && rt_int_pow(-1, -4) == 1);
    CHECK(rt_int_pow_f(2.0, 0.5) == sqrt(2.0));
    CHECK(rt_float_to_int(-3.9) == -3 && rt_float_to_int(3.9) == 3);
    CHECK(rt_float_to_int(NAN) == 0);
    CHECK(rt_float_to_int(1e300) == 9223372036854775807LL);
    CHECK(rt_float_to_int(-1e300) == -9223372036854775807LL - 1);
    CHECK(rt_float_to_int(INFINITY) == 9223372036854775807LL);

    double now = rt_time_now();
    wyn_int ms = rt_time_millis();
    CHECK(now > 1.6e9 && ms > 1600000000000LL);
    CHECK(ms / 1000 - (wyn_int)now <= 1);
    wyn_int t0 = rt_time_nanos();
    usleep(2000);
    wyn_int t1 = rt_time_nanos();
    CHECK(t1 - t0 >= 2000000 && t1 - t0 < 2000000000LL);
}

/* ---------------------------------------------- output, input and faults */

static const char *const files[] = {"main.wyn", "lib/util.wyn"};
static const WynProgram program = {files, 2, NULL};

static void child_print(void *arg)
{
    rt_print_str(S("hello"));
    WynSB *sb = rt_sb_new();
    rt_sb_append_cstr(sb, "x=");
    rt_sb_append_int(sb, 5);
    rt_sb_append_cstr(sb, "\n");
    rt_print_sb(sb);
    WynSB *big = rt_sb_new();
    for (int i = 0; i < 20000; i++)
        rt_sb_append_cstr(big, "0123456789");
    rt_sb_append_cstr(big, "\n");
    for (int i = 0; i < 3; i++)
        rt_print_sb(big); /* bigger than the buffer: written through */
    rt_print_sb(rt_sb_new()); /* nothing at all */
    rt_print_str(S("end"));
}

static void child_exit_via_libc(void *arg)
{
    rt_print_str(S("kept"));
    exit(0); /* not rt_exit: the atexit flush must still write "kept" */
}

static void child_input(void *arg)
{
    for (;;) {
        WynStr *line = rt_input(S("> "));
        if (!line)
            break;
        WynSB *sb = rt_sb_new();
        rt_sb_append_quoted(sb, line);
        rt_sb_append_cstr(sb, "\n");
        rt_print_sb(sb);
    }
    rt_print_str(S("EOF"));
}

static void child_exit(void *arg)
{
    rt_print_str(S("bye"));
    rt_exit(3);
}

static void *panic_thread(void *arg)
{
    rt_panic(WYN_LOC(1, 42), "race");
}

/* Several threads fault at once: exactly one report must come out. */
static void panic_race(void)
{
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, panic_thread, NULL);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
}

enum fault { F_RACE, F_DIV, F_OOB, F_KEY, F_UNWRAP, F_PANIC, F_PANIC_STR, F_TO_INT,
             F_TO_FLOAT, F_FORMAT, F_POP, F_FIRST, F_STATUS, F_NO_PROG,
             F_BAD_FILE, F_STR_AT, F_INSERT, F_MAP_GET };

static void child_fault(void *arg)
{
    enum fault f = (enum fault)(long)arg;
    if (f != F_NO_PROG)
        rt_set_program(&program);
    rt_print_str(S("before"));
    wyn_loc loc = WYN_LOC(1, 42);
    WynArr *empty = rt_arr_new(8, 0);
    wyn_int x;
    switch (f) {
    case F_RACE: panic_race(); break;
    case F_DIV: rt_div_zero(loc);
    case F_OOB: rt_index_oob(loc, 10, 3);
    case F_KEY: rt_missing_key(loc);
    case F_UNWRAP: rt_unwrap_fail(loc, "none");
    case F_PANIC: rt_panic(loc, "boom");
    case F_PANIC_STR: rt_panic_str(loc, S("str boom"));
    case F_TO_INT: rt_str_to_int(S("12x"), loc); break;
    case F_TO_FLOAT: rt_str_to_float(S(" 1.5"), loc); break;
    case F_FORMAT: {
        WynFmtArg one = {WYN_FMT_INT, {.i = 1}};
        rt_str_format(S("{} {}"), &one, 1, loc);
        break;
    }
    case F_POP: rt_arr_pop(empty, &x, loc); break;
    case F_FIRST: rt_arr_first(empty, &x, loc); break;
    case F_STATUS: rt_fatal_status(WYN_LOC(0, 7), "stack overflow", 139);
    case F_NO_PROG: rt_panic(WYN_LOC(0, 3), "no program");
    case F_BAD_FILE: rt_panic(WYN_LOC(9, 3), "bad file");
    case F_STR_AT: rt_str_at(S("abc"), -4, loc); break;
    case F_INSERT: rt_arr_insert(empty, 1, &x, loc); break;
    case F_MAP_GET: rt_map_get_s(rt_map_new(1, 8), S("k"), loc); break;
    }
}

static void child_to_int(void *arg)
{
    rt_str_to_int(S(arg), WYN_LOC(0, 1));
}

static void test_bad_ints(void)
{
    static const char *const bad[] = {"", "-", "+", "1__0", "_1", "1_", "0x",
        " 1", "1 ", "9223372036854775808", "-9223372036854775809", "1.5",
        "abc", "0b102", "0xG", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ChildResult r = run_child(child_to_int, (void *)bad[i], NULL);
        char want[128];
        snprintf(want, sizeof want, "wyn:1: error: invalid number: \"%s\"\n", bad[i]);
        check_child(r, 1, "", want, __FILE__, __LINE__);
    }
}

static void expect_fault(enum fault f, int status, const char *err, int line)
{
    ChildResult r = run_child(child_fault, (void *)(long)f, NULL);
    check_child(r, status, "before\n", err, __FILE__, line);
}

static void test_io_and_faults(void)
{
    ChildResult r = run_child(child_print, NULL, NULL);
    CHECK(r.status == 0 && strncmp(r.out, "hello\nx=5\n0123456789", 20) == 0);
    CHECK(r.out_len == 6 + 4 + 3 * 200001 + 4);
    CHECK(r.err[0] == '\0');
    r = run_child(child_input, NULL, "abc\r\n\nlast");
    CHECK_CHILD(r, 0, "> \"abc\"\n> \"\"\n> \"last\"\n> EOF\n", "");
    r = run_child(child_input, NULL, "");
    CHECK_CHILD(r, 0, "> EOF\n", "");
    r = run_child(child_exit_via_libc, NULL, NULL);
    CHECK_CHILD(r, 0, "kept\n", "");
    r = run_child(child_exit, NULL, NULL);
    CHECK_CHILD(r, 3, "bye\n", "");

    const char *at = "lib/util.wyn:42: error: ";
    char want[256];
#define FAULT(f, msg) \
    (snprintf(want, sizeof want, "%s%s\n", at, msg), expect_fault(f, 1, want, __LINE__))
    for (int i = 0; i < 5; i++)
        FAULT(F_RACE, "race");
    FAULT(F_DIV, "division by zero");
    FAULT(F_OOB, "index out of range: index 10, length 3");
    FAULT(F_KEY, "missing key");
    FAULT(F_UNWRAP, "unwrap of none");
    FAULT(F_PANIC, "boom");
    FAULT(F_PANIC_STR, "str boom");
    FAULT(F_TO_INT, "invalid number: \"12x\"");
    FAULT(F_TO_FLOAT, "invalid number: \" 1.5\"");
    FAULT(F_FORMAT, "format: not enough arguments");
    FAULT(F_POP, "pop from empty array");
    FAULT(F_FIRST, "first of empty array");
    FAULT(F_STR_AT, "index out of range: index -4, length 3");
    FAULT(F_INSERT, "index out of range: index 1, length 0");
    FAULT(F_MAP_GET, "missing key");
#undef FAULT
    test_bad_ints();
    expect_fault(F_STATUS, 139, "main.wyn:7: error: stack overflow\n", __LINE__);
    expect_fault(F_NO_PROG, 1, "wyn:3: error: no program\n", __LINE__);
    expect_fault(F_BAD_FILE, 1, "?:3: error: bad file\n", __LINE__);
}


/* ------------------------------------------------------------ ownership */

/* Counted objects alive now (strings, arrays, maps, builders, boxes). */
#define LIVE() rt_mem_live_objects()

static WynStr *K(const char *s) /* +1, for storage */
{
    return rt_str_cstr_keep(s);
}

static void test_own_strings(void)
{
    wyn_int base = LIVE();
    wyn_int mark = rt_pool_mark();
    WynStr *a = rt_str_cstr("hello");
    CHECK(a->rc == 1 && LIVE() == base + 1);
    WynStr *b = rt_str_concat(a, S(" world"));
    CHECK(LIVE() == base + 3);
    /* results that are an argument are borrowed, not new */
    CHECK(rt_str_concat(a, rt_str_empty()) == a);
    CHECK(rt_str_slice(b, 0, b->len) == b);
    CHECK(rt_str_trim(a) == a);
    CHECK(rt_str_at(a, 0, 0)->rc < 0 && rt_str_from_bool(1)->rc < 0);
    CHECK(rt_str_from_int(7)->rc < 0); /* one-byte table */
    CHECK(LIVE() == base + 3);
    /* a stored copy survives the drain */
    WynStr *kept = wyn_own_str(b);
    CHECK(kept->rc == 2);
    rt_pool_drain(mark);
    CHECK(LIVE() == base + 1 && kept->rc == 1);
    CHECK_STR(kept, "hello world");
    rt_release_str(kept);
    CHECK(LIVE() == base);
    /* immortal strings ignore retain/release */
    WynStr *e = rt_str_empty();
    rt_retain(e);
    rt_release_str(e);
    rt_release_str(NULL);
    CHECK(e->rc < 0 && LIVE() == base);
    /* the _keep producers give the caller the reference */
    WynStr *k = K("abc");
    WynStr *parts[] = {k};
    WynStr *one = rt_str_concat_n_keep(parts, 1);
    CHECK(one == k && k->rc == 2);
    rt_release_str(one);
    rt_release_str(k);
    CHECK(LIVE() == base);
    /* every producer drains back to nothing */
    mark = rt_pool_mark();
    WynFmtArg fa[] = {{WYN_FMT_STR, {.s = S("a")}}, {WYN_FMT_INT, {.i = 42}}};
    WynStr *f = rt_str_format(S("{}-{:>4}"), fa, 2, 0);
    CHECK_STR(f, "a-  42");
    CHECK_STR(rt_str_upper(S("abc")), "ABC");
    CHECK_STR(rt_str_replace(S("aXa"), S("X"), S("yy")), "ayya");
    CHECK_STR(rt_str_reverse(S("abc")), "cba");
    CHECK_STR(rt_str_repeat(S("ab"), 2), "abab");
    CHECK_STR(rt_str_from_float(2.5), "2.5");
    WynSB *sb = rt_sb_new();
    rt_sb_append_cstr(sb, "built");
    CHECK_STR(rt_sb_to_string(sb), "built");
    rt_autorelease_sb(sb);
    CHECK(LIVE() > base);
    rt_pool_drain(mark);
    CHECK(LIVE() == base);
}

static void test_own_split(void)
{
    wyn_int base = LIVE();
    wyn_int mark = rt_pool_mark();
    WynStr *text = rt_str_cstr("alpha,beta,,gamma,x");
    WynArr *parts = rt_str_split(text, S(","));
    CHECK(parts->ops == &rt_str_ops && parts->len == 5);
    /* text + "," + array + alpha, beta, gamma ("" and "x" are immortal) */
    CHECK(LIVE() == base + 6);
    CHECK(str_elem(parts, 0)->rc == 1);
    rt_pool_drain(mark);
    CHECK(LIVE() == base);

    mark = rt_pool_mark();
    text = rt_str_cstr("one\ntwo\r\nthree");
    WynArr *lines = rt_str_lines(text);
    WynArr *chars = rt_str_chars(S("h\xc3\xa9llo"));  /* "é" is a 2-byte piece */
    WynArr *bytes = rt_str_bytes(text);
    CHECK(lines->len == 3 && chars->len == 5 && bytes->ops == NULL);
    /* keep one piece beyond the drain */
    WynStr *two = wyn_own_str(str_elem(lines, 1));
    rt_pool_drain(mark);
    CHECK(LIVE() == base + 1 && two->rc == 1);
    CHECK_STR(two, "two");
    rt_release_str(two);
    CHECK(LIVE() == base);
}

static void test_own_arrays(void)
{
    wyn_int base = LIVE();
    /* an array of strings frees its strings */
    WynArr *a = rt_arr_new_keep(8, 0, &rt_str_ops);
    for (int i = 0; i < 10; i++)
        *(WynStr **)rt_arr_push_slot(a) = K("element");
    CHECK(LIVE() == base + 11);
    rt_release_arr(a);
    CHECK(LIVE() == base);

    /* a string shared by two arrays survives the release of one */
    WynStr *shared = K("shared");
    WynArr *x = rt_arr_new_keep(8, 0, &rt_str_ops);
    WynArr *y = rt_arr_new_keep(8, 0, &rt_str_ops);
    *(WynStr **)rt_arr_push_slot(x) = wyn_own_str(shared);
    *(WynStr **)rt_arr_push_slot(y) = wyn_own_str(shared);
    rt_release_str(shared);
    CHECK(shared->rc == 2);
    rt_release_arr(x);
    CHECK(shared->rc == 1 && LIVE() == base + 2);
    CHECK_STR(str_elem(y, 0), "shared");
    rt_release_arr(y);
    CHECK(LIVE() == base);

    /* literal copies retain; pop and remove move out; insert retains;
     * clear drops; first/last copy without retaining */
    WynStr *lit[3] = {K("p"), K("qq"), K("rr")};
    a = rt_arr_new_keep(8, 0, &rt_str_ops);
    wyn_int mark = rt_pool_mark();
    WynArr *b = rt_arr_from_ops(8, lit, 3, &rt_str_ops);
    CHECK(b->ops == &rt_str_ops && lit[1]->rc == 2);
    WynStr *out = NULL;
    rt_arr_last(b, &out, 0);
    CHECK(out == lit[2] && lit[2]->rc == 2);
    rt_arr_pop(b, &out, 0);          /* moved: still 2 (out owns b's) */
    CHECK(out == lit[2] && lit[2]->rc == 2 && b->len == 2);
    rt_release_str(out);
    rt_arr_remove(b, 0, &out, 0);
    CHECK(out == lit[0] && lit[0]->rc == 2);
    rt_release_str(out);
    rt_arr_insert(b, 0, &lit[2], 0);
    CHECK(lit[2]->rc == 2 && b->len == 2);
    rt_arr_remove(b, 0, NULL, 0);     /* nobody takes it: released */
    CHECK(lit[2]->rc == 1);
    rt_arr_pop(b, NULL, 0);
    CHECK(lit[1]->rc == 1 && b->len == 0);
    for (int i = 0; i < 3; i++)
        *(WynStr **)rt_arr_push_slot(a) = wyn_own_str(lit[i]);
    rt_arr_clear(a);
    CHECK(a->len == 0 && lit[0]->rc == 1 && lit[1]->rc == 1 && lit[2]->rc == 1);
    for (int i = 0; i < 3; i++)
        *(WynStr **)rt_arr_push_slot(a) = wyn_own_str(lit[i]);

    /* new arrays share (retain) the elements and carry the ops */
    WynArr *views[] = {
        rt_arr_slice(a, 1, 3), rt_arr_copy(a), rt_arr_reverse(a),
        rt_arr_concat(a, a), rt_arr_unique(a, rt_eq_str), rt_arr_unique(a, NULL),
    };
    for (size_t i = 0; i < sizeof views / sizeof *views; i++)
        CHECK(views[i]->ops == &rt_str_ops);
    CHECK(lit[2]->rc == 1 + 1 + 1 + 1 + 1 + 2 + 1 + 1);
    CHECK_STR(rt_arr_join(views[2], S("|")), "rr|qq|p");
    rt_pool_drain(mark);
    CHECK(lit[0]->rc == 2 && lit[2]->rc == 2);
    rt_release_arr(a);
    for (int i = 0; i < 3; i++)
        rt_release_str(lit[i]);
    CHECK(LIVE() == base);
}

static void test_own_nested(void)
{
    wyn_int base = LIVE();
    WynArr *outer = rt_arr_new_keep(8, 0, &rt_arr_ops);
    for (int i = 0; i < 3; i++) {
        WynArr *inner = rt_arr_new_keep(8, 0, &rt_str_ops);
        for (int k = 0; k <= i; k++)
            *(WynStr **)rt_arr_push_slot(inner) = K("leaf");
        *(WynArr **)rt_arr_push_slot(outer) = inner;
    }
    CHECK(LIVE() == base + 1 + 3 + 6);
    wyn_int mark = rt_pool_mark();
    WynArr *flat = rt_arr_flatten(outer);
    CHECK(flat->ops == &rt_str_ops && flat->len == 6);
    CHECK(str_elem(flat, 5)->rc == 2);
    WynArr *copy = rt_arr_copy(outer);    /* shares the inner arrays */
    CHECK(((WynArr **)copy->data)[0]->rc == 2);
    /* flatten of an empty array of arrays */
    WynArr *none = rt_arr_flatten(rt_arr_new_ops(8, 0, &rt_arr_ops));
    CHECK(none->len == 0 && none->ops == NULL);
    rt_pool_drain(mark);
    CHECK(LIVE() == base + 1 + 3 + 6);
    rt_release_arr(outer);
    CHECK(LIVE() == base);

    /* a map of arrays of strings */
    WynMap *m = rt_map_new_keep(1, 8, &rt_arr_ops);
    for (int i = 0; i < 20; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        WynStr *k = K(key);
        WynArr **slot = rt_map_slot_s(m, k);
        rt_release_str(k);
        WynArr *v = rt_arr_new_keep(8, 0, &rt_str_ops);
        *(WynStr **)rt_arr_push_slot(v) = K("x-value");
        *slot = v;
    }
    CHECK(LIVE() == base + 1 + 20 * 3);
    rt_release_map(m);
    CHECK(LIVE() == base);
}

static void test_own_maps(void)
{
    wyn_int base = LIVE();
    WynMap *m = rt_map_new_keep(1, 8, &rt_str_ops);
    WynStr *key = K("key");
    WynStr **slot = rt_map_slot_s(m, key);
    CHECK(key->rc == 2);                 /* the map retained its key */
    *slot = K("value");
    CHECK(rt_map_slot_s(m, key) == slot && key->rc == 2); /* found: no retain */
    /* overwriting: the caller releases the old value */
    WynStr *old = *slot;
    *slot = K("value2");
    rt_release_str(old);
    CHECK(LIVE() == base + 3);
    /* remove (through an equal key object) releases key and value */
    WynStr *same = K("key");
    CHECK(rt_map_remove_s(m, same));
    CHECK(key->rc == 1 && LIVE() == base + 3); /* map: 1, key, same */
    rt_release_str(same);
    CHECK(!rt_map_remove_s(m, key));

    /* copy, keys and values retain; releasing the map releases the rest */
    for (int i = 0; i < 100; i++) {
        char buf[16];
        snprintf(buf, sizeof buf, "key%d", i);
        WynStr *k = K(buf);
        *(WynStr **)rt_map_slot_s(m, k) = K(buf);
        rt_release_str(k);
    }
    wyn_int mark = rt_pool_mark();
    for (int i = 0; i < 100; i += 3) {
        char buf[16];
        snprintf(buf, sizeof buf, "key%d", i);
        rt_map_remove_s(m, S(buf));
    }
    rt_pool_drain(mark);
    WynMap *c = rt_map_copy(m);
    WynArr *ks = rt_map_keys(c), *vs = rt_map_values(c);
    CHECK(ks->ops == &rt_str_ops && vs->ops == &rt_str_ops && ks->len == 66);
    CHECK(str_elem(ks, 0)->rc == 3 && str_elem(vs, 0)->rc == 3);
    rt_pool_drain(mark);
    CHECK(str_elem(rt_map_keys(m), 0)->rc == 2);
    rt_pool_drain(mark);
    rt_release_map(m);
    rt_release_str(key);
    CHECK(LIVE() == base);

    /* int keys, plain values: nothing but the map itself */
    mark = rt_pool_mark();
    WynMap *mi = rt_map_new(0, 8);
    for (int i = 0; i < 1000; i++)
        *(wyn_int *)rt_map_slot_i(mi, i) = i;
    WynArr *ik = rt_map_keys(mi);
    CHECK(ik->ops == NULL && LIVE() == base + 2);
    rt_pool_drain(mark);
    CHECK(LIVE() == base);

    /* unique over strings uses a map internally: it must not leak keys */
    mark = rt_pool_mark();
    WynArr *words = rt_str_split(rt_str_cstr("a bb a cc bb dd"), S(" "));
    WynArr *u = rt_arr_unique(words, rt_eq_str);
    CHECK_STR(rt_arr_join(u, S(",")), "a,bb,cc,dd");
    rt_pool_drain(mark);
    CHECK(LIVE() == base);
}

/* Boxes: drop runs on the payload, then the box is freed. */
static int drops;
static char drop_log[64];
typedef struct { WynStr *name; char tag; } Payload;
static void payload_drop(void *p)
{
    Payload *pl = p;
    drops++;
    size_t n = strlen(drop_log);
    if (n + 1 < sizeof drop_log)
        drop_log[n] = pl->tag;
    rt_release_str(pl->name);
}

static void test_own_boxes(void)
{
    wyn_int base = LIVE();
    drops = 0;
    Payload *b = rt_box_new_keep(sizeof(Payload), payload_drop);
    CHECK(b->name == NULL && b->tag == 0);  /* zeroed */
    b->name = K("boxed");
    b->tag = 'b';
    rt_retain_box(b);
    rt_release_box(b);
    CHECK(drops == 0 && LIVE() == base + 2);
    /* in an array with rt_box_ops: shared with the array */
    WynArr *a = rt_arr_new_keep(8, 0, &rt_box_ops);
    *(void **)rt_arr_push_slot(a) = wyn_own_box(b);
    rt_release_box(b);
    CHECK(drops == 0);
    rt_release_arr(a);
    CHECK(drops == 1 && LIVE() == base);
    rt_release_box(NULL);

    /* pool drain: only what came after the mark, newest first */
    drop_log[0] = 0;
    wyn_int outer = rt_pool_mark();
    Payload *p1 = rt_box_new(sizeof(Payload), payload_drop);
    p1->tag = '1';
    wyn_int mark = rt_pool_mark();
    Payload *p2 = rt_box_new(sizeof(Payload), payload_drop);
    p2->tag = '2';
    Payload *p3 = rt_box_new(sizeof(Payload), payload_drop);
    p3->tag = '3';
    CHECK(rt_pool_mark() == mark + 2);
    rt_pool_drain(mark);
    CHECK(strcmp(drop_log, "32") == 0);
    CHECK(rt_pool_mark() == mark);
    rt_pool_drain(outer);
    CHECK(strcmp(drop_log, "321") == 0 && LIVE() == base);
}

/* A box whose drop releases arrays that hold boxes: releases cascade. */
static void chain_drop(void *p)
{
    rt_release_box(*(void **)p);
}

static void test_own_chain(void)
{
    wyn_int base = LIVE();
    void *head = NULL;
    for (int i = 0; i < 100000; i++) {
        void **node = rt_box_new_keep(sizeof(void *), chain_drop);
        *node = head;   /* takes head's reference */
        head = node;
    }
    CHECK(LIVE() == base + 100000);
    rt_release_box(head);
    CHECK(LIVE() == base);
}

/* Several threads retain and release objects shared by all of them; the
 * counts must come back exactly and the objects be freed once. */
enum { STRESS_THREADS = 4, STRESS_OBJS = 64, STRESS_ROUNDS = 200000 };
static WynStr *stress_strs[STRESS_OBJS];
static WynArr *stress_arr;
static void *stress_box;

static void *stress_main(void *arg)
{
    uint64_t x = 0x9E3779B97F4A7C15ull * (uintptr_t)arg + 1;
    WynStr *held[8] = {0};
    for (int r = 0; r < STRESS_ROUNDS; r++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        int slot = (int)(x % 8);
        rt_release_str(held[slot]);
        held[slot] = wyn_own_str(stress_strs[(x >> 8) % STRESS_OBJS]);
        rt_retain(stress_arr);
        rt_retain_box(stress_box);
        rt_release_box(stress_box);
        rt_release_arr(stress_arr);
        if (r % 1000 == 0) { /* temporaries in this thread's own pool */
            wyn_int mark = rt_pool_mark();
            WynArr *c = rt_arr_copy(stress_arr);
            rt_str_concat(held[slot], S("!"));
            rt_pool_drain(mark);
            (void)c;
        }
    }
    for (int i = 0; i < 8; i++)
        rt_release_str(held[i]);
    return NULL;
}

static void test_own_threads(void)
{
    wyn_int base = LIVE();
    stress_arr = rt_arr_new_keep(8, 0, &rt_str_ops);
    for (int i = 0; i < STRESS_OBJS; i++) {
        stress_strs[i] = K("a shared string");
        *(WynStr **)rt_arr_push_slot(stress_arr) = wyn_own_str(stress_strs[i]);
    }
    stress_box = rt_box_new_keep(16, NULL);
    pthread_t th[STRESS_THREADS];
    for (int i = 0; i < STRESS_THREADS; i++)
        CHECK(pthread_create(&th[i], NULL, stress_main, (void *)(uintptr_t)i) == 0);
    for (int i = 0; i < STRESS_THREADS; i++)
        pthread_join(th[i], NULL);
    int bad = 0;
    for (int i = 0; i < STRESS_OBJS; i++)
        bad += stress_strs[i]->rc != 2;
    CHECK(bad == 0 && stress_arr->rc == 1);
    for (int i = 0; i < STRESS_OBJS; i++)
        rt_release_str(stress_strs[i]);
    rt_release_arr(stress_arr);
    rt_release_box(stress_box);
    /* the threads' pools were drained and freed when they exited */
    CHECK(LIVE() == base);
}

int main(void)
{
    test_float_text();
    test_float_text_random();
    test_string_basics();
    test_string_methods();
    test_string_numbers();
    test_string_builder();
    test_array_basics();
    test_sort_ints();
    test_sort_stable();
    test_sort_floats_strings();
    test_map_int();
    test_map_churn();
    test_map_str();
    test_numbers_time();
    test_own_strings();
    test_own_split();
    test_own_arrays();
    test_own_nested();
    test_own_maps();
    test_own_boxes();
    test_own_chain();
    test_own_threads();
    test_io_and_faults();
    if (failures) {
        fprintf(stderr, "test_values: %d of %d checks FAILED\n", failures, checks);
        return 1;
    }
    printf("test_values: all %d checks passed\n", checks);
    return 0;
}
