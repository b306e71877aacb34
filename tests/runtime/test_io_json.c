/* test_io_json.c — Json.parse, getters, errors (with offsets), output,
 * escapes, depth limit, owned trees freed with io_json_free (no live
 * object left: what tests/fuzz/json_fuzz.c relies on), and the crashers
 * kept from fuzzing (tests/fuzz/json_crashers/, each must parse or fail
 * cleanly and leave nothing behind). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rt_test.h"
#include "io_test.h"
#define in_child fork_capture
#include "io_internal.h"
#include "rt_values.h"

static WynStr *S(const char *s) { return rt_str_cstr(s); }

static int streq(WynStr *a, const char *b)
{
    return a && (size_t)a->len == strlen(b) && !memcmp(a->data, b, a->len);
}

static const char *parse_err(const char *text)
{
    static char err[160];
    if (rt_json_parse_checked(text, strlen(text), err, sizeof err))
        return "(parsed)";
    return err;
}

/* Runs fn in a child; returns its exit status and stderr text. */

static void do_parse(void *a) { rt_json_parse(S(a), WYN_LOC(0, 7)); }
static void do_get_int_str(void *a)
{
    wyn_int v = rt_json_parse(S("{\"a\":\"x\"}"), 1);
    rt_json_get_int(v, S("a"), WYN_LOC(0, 9));
}
static void do_missing(void *a)
{
    wyn_int v = rt_json_parse(S("{\"a\":1}"), 1);
    rt_json_get_string(v, S("nope"), WYN_LOC(0, 11));
}
static void do_at_oob(void *a)
{
    wyn_int v = rt_json_parse(S("[1,2,3]"), 1);
    rt_json_at(v, 10, WYN_LOC(0, 12));
}
static void do_keys_arr(void *a)
{
    wyn_int v = rt_json_parse(S("[1]"), 1);
    rt_json_keys(v, WYN_LOC(0, 13));
}

int main(void)
{
    static const char *const files[] = { "test.wyn" };
    WynProgram prog = { files, 1, NULL };
    rt_set_program(&prog);

    /* values and getters */
    wyn_int v = rt_json_parse(S(" {\"name\": \"wyn\", \"n\": 42, \"pi\": 3.5, \"ok\": true,"
                                " \"no\": false, \"nil\": null, \"list\": [1, \"two\", [3]],"
                                " \"obj\": {\"x\": -7}, \"big\": 12345678901234567890,"
                                " \"e\": 1e3, \"neg\": -0.5} "), 1);
    CHECK(v != 0);
    CHECK(streq(rt_json_get_string(v, S("name"), 1), "wyn"));
    CHECK_EQ(rt_json_get_int(v, S("n"), 1), 42);
    CHECK(rt_json_get_float(v, S("pi"), 1) == 3.5);
    CHECK(rt_json_get_float(v, S("n"), 1) == 42.0);
    CHECK_EQ(rt_json_get_int(v, S("pi"), 1), 3);       /* truncates */
    CHECK_EQ(rt_json_get_int(v, S("neg"), 1), 0);
    CHECK_EQ(rt_json_get_int(v, S("e"), 1), 1000);
    CHECK(rt_json_get_float(v, S("big"), 1) == 12345678901234567890.0);
    CHECK_EQ(rt_json_get_bool(v, S("ok"), 1), 1);
    CHECK_EQ(rt_json_get_bool(v, S("no"), 1), 0);
    CHECK_EQ(rt_json_len(v), 11);
    wyn_int list = rt_json_get(v, S("list"), 1);
    CHECK_EQ(rt_json_len(list), 3);
    CHECK_EQ(rt_json_kind(rt_json_at(list, 0, 1)), 2);
    CHECK(streq(rt_json_to_string(rt_json_at(list, 1, 1)), "\"two\""));
    CHECK(streq(rt_json_to_string(rt_json_at(list, -1, 1)), "[3]"));
    CHECK_EQ(rt_json_get_int(rt_json_get(v, S("obj"), 1), S("x"), 1), -7);
    CHECK_EQ(rt_json_kind(rt_json_get(v, S("nil"), 1)), 0);
    CHECK_EQ(rt_json_as_int(rt_json_at(list, 0, 1), 1), 1);
    CHECK(rt_json_as_float(rt_json_at(list, 0, 1), 1) == 1.0);
    CHECK(streq(rt_json_as_string(rt_json_at(list, 1, 1), 1), "two"));
    CHECK_EQ(rt_json_as_bool(rt_json_get(v, S("ok"), 1), 1), 1);
    CHECK_EQ(rt_json_kind(0), -1);
    WynArr *keys = rt_json_keys(v, 1);
    CHECK_EQ(keys->len, 11);
    CHECK(streq(((WynStr **)keys->data)[0], "name"));
    CHECK(streq(((WynStr **)keys->data)[10], "neg"));
    CHECK_EQ(rt_json_len(rt_json_get(v, S("n"), 1)), 0);
    CHECK(streq(rt_json_to_string(v),
                "{\"name\":\"wyn\",\"n\":42,\"pi\":3.5,\"ok\":true,\"no\":false,\"nil\":null,"
                "\"list\":[1,\"two\",[3]],\"obj\":{\"x\":-7},\"big\":1.2345678901234567e+19,"
                "\"e\":1000.0,\"neg\":-0.5}"));

    /* strings: escapes, \u, surrogate pairs, lone surrogates */
    wyn_int s = rt_json_parse(S("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u4e2d\\ud83d\\ude00\","
                                " \"\\ud800x\", \"\\udc00\", \"\\u0000z\"]"), 1);
    WynStr *s0 = rt_json_to_string(rt_json_at(s, 0, 1));
    CHECK(streq(s0, "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\""));
    WynStr *s1 = rt_json_to_string(rt_json_at(s, 1, 1));
    CHECK(streq(s1, "\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\""));
    CHECK(streq(rt_json_to_string(rt_json_at(s, 2, 1)), "\"\xef\xbf\xbdx\""));
    CHECK(streq(rt_json_to_string(rt_json_at(s, 3, 1)), "\"\xef\xbf\xbd\""));
    CHECK(streq(rt_json_to_string(rt_json_at(s, 4, 1)), "\"\\u0000z\""));
    wyn_int obj = rt_json_parse(S("{\"k\":\"\\u0041\\n\"}"), 1);
    WynStr *ks = rt_json_get_string(obj, S("k"), 1);
    CHECK_EQ(ks->len, 2);
    CHECK(ks->data[0] == 'A' && ks->data[1] == '\n');

    /* rt_sb_append_json_str */
    WynSB *sb = rt_sb_new();
    rt_sb_append_json_str(sb, rt_str_new("q\"\\\x01\x1f\x7f\xc3\xa9\n", 9));
    CHECK(streq(rt_sb_to_string(sb), "\"q\\\"\\\\\\u0001\\u001f\x7f\xc3\xa9\\n\""));
    rt_sb_free(sb);

    /* duplicate keys: last value, first position; big objects (index) */
    wyn_int d = rt_json_parse(S("{\"a\":1,\"b\":2,\"a\":3}"), 1);
    CHECK_EQ(rt_json_len(d), 2);
    CHECK_EQ(rt_json_get_int(d, S("a"), 1), 3);
    CHECK(streq(rt_json_to_string(d), "{\"a\":3,\"b\":2}"));
    WynSB *big = rt_sb_new();
    rt_sb_append_cstr(big, "{");
    for (int i = 0; i < 1000; i++) {
        char kv[40];
        snprintf(kv, sizeof kv, "%s\"k%d\":%d", i ? "," : "", i % 700, i);
        rt_sb_append_cstr(big, kv);
    }
    rt_sb_append_cstr(big, "}");
    wyn_int bo = rt_json_parse(rt_sb_to_string(big), 1);
    rt_sb_free(big);
    CHECK_EQ(rt_json_len(bo), 700);
    CHECK_EQ(rt_json_get_int(bo, S("k5"), 1), 705);
    CHECK_EQ(rt_json_get_int(bo, S("k699"), 1), 699);

    /* numbers */
    CHECK(streq(rt_json_to_string(rt_json_parse(S("[0,-0,1e999,-1e999,0.1,1E+2,-9223372036854775808]"), 1)),
                "[0,0,1e999,-1e999,0.1,100.0,-9223372036854775808]"));
    CHECK(streq(rt_json_to_string(rt_json_parse(S("-0.0"), 1)), "-0.0"));

    /* errors name the offset */
    CHECK(!strcmp(parse_err(""), "invalid JSON at offset 0: unexpected end of input"));
    CHECK(!strcmp(parse_err("  "), "invalid JSON at offset 2: unexpected end of input"));
    CHECK(!strcmp(parse_err("{\"a\":1,}"), "invalid JSON at offset 7: expected a string key in object"));
    CHECK(!strcmp(parse_err("[1,]"), "invalid JSON at offset 3: unexpected character"));
    CHECK(!strcmp(parse_err("[1 2]"), "invalid JSON at offset 3: expected ',' or ']' in array"));
    CHECK(!strcmp(parse_err("01"), "invalid JSON at offset 0: leading zero in number"));
    CHECK(!strcmp(parse_err("1."), "invalid JSON at offset 2: digit expected after '.'"));
    CHECK(!strcmp(parse_err("1e"), "invalid JSON at offset 2: digit expected in exponent"));
    CHECK(!strcmp(parse_err("-"), "invalid JSON at offset 0: bad number"));
    CHECK(!strcmp(parse_err("\"abc"), "invalid JSON at offset 0: unterminated string"));
    CHECK(!strcmp(parse_err("\"a\nb\""), "invalid JSON at offset 2: control character in string"));
    CHECK(!strcmp(parse_err("\"\\x\""), "invalid JSON at offset 1: bad escape in string"));
    CHECK(!strcmp(parse_err("\"\\u12g4\""), "invalid JSON at offset 1: bad \\u escape"));
    CHECK(!strcmp(parse_err("\"\\u12\""), "invalid JSON at offset 1: bad \\u escape"));
    CHECK(!strcmp(parse_err("tru"), "invalid JSON at offset 0: unexpected character"));
    CHECK(!strcmp(parse_err("1 2"), "invalid JSON at offset 2: unexpected text after the value"));
    CHECK(!strcmp(parse_err("{\"a\" 1}"), "invalid JSON at offset 5: expected ':' after object key"));
    CHECK(!strcmp(parse_err("{\"a\":1"), "invalid JSON at offset 0: unterminated object"));
    CHECK(!strcmp(parse_err("[1"), "invalid JSON at offset 0: unterminated array"));
    CHECK(!strcmp(parse_err("NaN"), "invalid JSON at offset 0: unexpected character"));
    /* depth: 512 nested arrays parse, 513 do not */
    char deep[1100];
    memset(deep, '[', 512);
    memset(deep + 512, ']', 512);
    deep[1024] = 0;
    CHECK(!strcmp(parse_err(deep), "(parsed)"));
    memset(deep, '[', 513);
    memset(deep + 513, ']', 513);
    deep[1026] = 0;
    CHECK(!strcmp(parse_err(deep), "invalid JSON at offset 512: nesting too deep (limit 512)"));
    /* no terminating NUL needed: the parser stays inside the length */
    CHECK(rt_json_parse_checked("[1]xxxx", 3, NULL, 0) != 0);
    CHECK(rt_json_parse_checked("\"ab", 2, NULL, 0) == 0);
    CHECK(rt_json_parse_checked("12", 1, NULL, 0) != 0);

    /* owned trees (io_json_parse_owned / io_json_free): a parse, the
     * getters, keys, printing, and a failed parse (every failure path frees
     * what it built, hash index included) leave no counted object alive */
    {
        wyn_int live0 = rt_mem_live_objects(), mark = rt_pool_mark();
        static const char *const ok[] = {
            "{\"a\":\"x\\u00e9\",\"b\":[\"y\",{\"c\":\"z\"}],\"a\":\"w\"}",
            "{\"k0\":\"v\",\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,"
            "\"k7\":7,\"k8\":\"s\",\"k9\":[\"t\"],\"k0\":\"again\"}",
            "\"only a string\"", "[]", "{}", "[[[\"deep\"]]]", "-1.5e3",
        };
        for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
            char e[160];
            wyn_int t = io_json_parse_owned(ok[i], strlen(ok[i]), e, sizeof e);
            CHECK(t != 0);
            if (i == 0)
                CHECK(rt_mem_live_objects() > live0); /* the tree's strings */
            if (rt_json_kind(t) == 5) {
                WynArr *ks = rt_json_keys(t, 1);
                for (wyn_int k = 0; k < ks->len; k++)
                    (void)rt_json_get(t, ((WynStr **)ks->data)[k], 1);
            }
            WynStr *txt = rt_json_to_string(t);
            wyn_int t2 = io_json_parse_owned(txt->data, (size_t)txt->len, e, sizeof e);
            CHECK(t2 != 0);
            CHECK(rt_str_eq(rt_json_to_string(t2), txt));
            io_json_free(t2);
            io_json_free(t);
        }
        static const char *const bad[] = {
            "{\"a\":\"x\",\"b\":[\"y\",{\"c\":\"z\"}],\"d\":tru}",
            "{\"k0\":\"v\",\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,"
            "\"k7\":7,\"k8\":\"s\",\"k9\":[\"t\"],\"k10\" 1}",
            "{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,"
            "\"k7\":7,\"k8\":8,\"k9\":\"x\"",
            "[\"a\",\"b\"] x", "[\"a\",[\"b\",", "{\"a\":\"b\",\"c\"",
        };
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
            CHECK(io_json_parse_owned(bad[i], strlen(bad[i]), NULL, 0) == 0);
        io_json_free(0);
        rt_pool_drain(mark);
        CHECK_EQ(rt_mem_live_objects(), live0);
    }

    /* runtime errors: exact text and status */
    char err[512];
    CHECK_EQ(in_child(do_parse, "{\"a\": tru}", err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:7: error: invalid JSON at offset 6: unexpected character") != NULL);
    CHECK_EQ(in_child(do_get_int_str, NULL, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:9: error: Json get_int: key \"a\" is a string, not a number") != NULL);
    CHECK_EQ(in_child(do_missing, NULL, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:11: error: Json get_string: missing key \"nope\"") != NULL);
    CHECK_EQ(in_child(do_at_oob, NULL, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:12: error: index out of range: index 10, length 3") != NULL);
    CHECK_EQ(in_child(do_keys_arr, NULL, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:13: error: Json keys: the value is an array, not an object") != NULL);

    /* fuzz crashers, if any: must not crash (run from the project root) */
    DIR *dir = opendir("tests/fuzz/json_crashers");
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        char path[600];
        snprintf(path, sizeof path, "tests/fuzz/json_crashers/%s", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        static char buf[1 << 16];
        ssize_t n = read(fd, buf, sizeof buf);
        close(fd);
        if (n < 0)
            continue;
        char msg[160];
        wyn_int live0 = rt_mem_live_objects(), mark = rt_pool_mark();
        wyn_int h = io_json_parse_owned(buf, (size_t)n, msg, sizeof msg);
        if (h) {
            WynStr *t = rt_json_to_string(h);
            wyn_int h2 = io_json_parse_owned(t->data, (size_t)t->len, msg, sizeof msg);
            CHECK(h2 != 0);
            CHECK(h2 && rt_str_eq(rt_json_to_string(h2), t));
            io_json_free(h2);
            io_json_free(h);
        }
        rt_pool_drain(mark);
        CHECK_EQ(rt_mem_live_objects(), live0);
    }
    if (dir)
        closedir(dir);
    TEST_DONE("test_io_json");
}
