/* test_lib_regex.c — Regex on PCRE2 (lib_regex.c): match, find, find_all,
 * replace with groups, split, captures, empty matches, UTF-8, the
 * pattern cache, and the error texts of bad patterns/replacements. */
#include "lib_test.h"

static void bad_pattern(void) { rt_regex_match(S("abc"), S("a(b"), WYN_LOC(0, 7)); }
static void bad_class(void) { rt_regex_find_all(S("abc"), S("[z-a]"), WYN_LOC(0, 8)); }
static void bad_replacement(void) { rt_regex_replace(S("abc"), S("b"), S("$9"), WYN_LOC(0, 9)); }

int main(void)
{
    lib_test_init();
    CHECK(rt_regex_match(S("hello world"), S("w.r"), 1));
    CHECK(!rt_regex_match(S("hello"), S("^world"), 1));
    CHECK_EQ(rt_regex_find(S("abc123"), S("[0-9]+"), 1), 3);
    CHECK_EQ(rt_regex_find(S("abc"), S("[0-9]"), 1), -1);

    WynArr *all = rt_regex_find_all(S("a1b22c333"), S("[0-9]+"), 1);
    CHECK_EQ(all->len, 3);
    CHECK(streq(at(all, 0), "1") && streq(at(all, 1), "22") && streq(at(all, 2), "333"));
    CHECK_EQ(rt_regex_find_all(S("abc"), S("x"), 1)->len, 0);
    /* empty matches, Perl/Python style: "", "aa", "" */
    all = rt_regex_find_all(S("baa"), S("a*"), 1);
    CHECK_EQ(all->len, 3);
    CHECK(streq(at(all, 0), "") && streq(at(all, 1), "aa") && streq(at(all, 2), ""));

    CHECK(streq(rt_regex_replace(S("2026-12-02"), S("(\\d+)-(\\d+)-(\\d+)"), S("$3/$2/$1"), 1),
                "02/12/2026"));
    CHECK(streq(rt_regex_replace(S("a b  c"), S("\\s+"), S("_"), 1), "a_b_c"));
    CHECK(streq(rt_regex_replace(S("cost"), S("cost"), S("$$5"), 1), "$5"));
    CHECK(streq(rt_regex_replace(S("none"), S("x"), S("y"), 1), "none"));
    /* output larger than the first buffer guess */
    WynStr *big = rt_regex_replace(rt_str_repeat(S("ab"), 1000), S("b"), S("XXXXXXXX"), 1);
    CHECK_EQ(big->len, 9000);

    WynArr *parts = rt_regex_split(S("a, b,c ,d"), S("\\s*,\\s*"), 1);
    CHECK_EQ(parts->len, 4);
    CHECK(streq(at(parts, 0), "a") && streq(at(parts, 3), "d"));
    parts = rt_regex_split(S("abc"), S(","), 1);
    CHECK(parts->len == 1 && streq(at(parts, 0), "abc"));
    parts = rt_regex_split(S(",a,"), S(","), 1);
    CHECK(parts->len == 3 && streq(at(parts, 0), "") && streq(at(parts, 2), ""));

    WynArr *cap = rt_regex_captures(S("key=value"), S("(\\w+)=(\\w+)(;)?"), 1);
    CHECK(cap && cap->len == 4);
    CHECK(cap && streq(at(cap, 0), "key=value") && streq(at(cap, 1), "key") &&
          streq(at(cap, 2), "value") && streq(at(cap, 3), ""));
    CHECK(rt_regex_captures(S("nothing"), S("(\\d)"), 1) == NULL);

    /* UTF-8: . is one code point; invalid bytes do not make an error */
    CHECK(streq(rt_regex_replace(S("h\xc3\xa9llo"), S("h.l"), S("X"), 1), "Xlo"));
    CHECK_EQ(rt_regex_find(S("\xff\xfe" "abc"), S("b"), 1), 3);
    all = rt_regex_find_all(S("\xc3\xa9\xc3\xa9"), S(""), 1);
    CHECK_EQ(all->len, 3);   /* before, between and after the two code points */

    /* the cache: many patterns, then the first ones again */
    for (int i = 0; i < 400; i++) {
        char p[32];
        snprintf(p, sizeof p, "x%dy", i);
        char s[40];
        snprintf(s, sizeof s, "ax%dyb", i);
        CHECK_EQ(rt_regex_find(S(s), S(p), 1), 1);
    }
    CHECK(rt_regex_match(S("x3y"), S("x3y"), 1));

    CHECK_FAILS(bad_pattern, "test.wyn:7: error: Regex.match: invalid pattern \"a(b\" at offset 3: missing closing parenthesis");
    CHECK_FAILS(bad_class, "test.wyn:8: error: Regex.find_all: invalid pattern \"[z-a]\" at offset 3: range out of order");
    CHECK_FAILS(bad_replacement, "test.wyn:9: error: Regex.replace: invalid replacement \"$9\"");
    TEST_DONE("test_lib_regex");
}
