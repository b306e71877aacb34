/* test_io_file.c — File.* and System.* (io_file.c): reading, writing,
 * appending, lines, listing, mkdir -p, removal, error texts naming the
 * path, System.args/env/exec/cwd. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rt_test.h"
#include "io_test.h"
#include "io_internal.h"

static WynStr *S(const char *s) { return rt_str_cstr(s); }

static void call_void(void *fn) { ((void (*)(void))fn)(); }

/* Runs fn in a child process; its stderr goes into errbuf. */
static int in_child(void (*fn)(void), char *errbuf, size_t errlen)
{
    return fork_capture(call_void, (void *)fn, errbuf, errlen);
}

static int streq(WynStr *a, const char *b)
{
    return a && (size_t)a->len == strlen(b) && !memcmp(a->data, b, a->len);
}

static char dir[256];

static WynStr *P(const char *name)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return S(p);
}


static void read_missing(void) { rt_file_read(P("missing.txt"), WYN_LOC(0, 3)); }
static void write_in_missing_dir(void) { rt_file_write(P("no/such/x"), S("x"), WYN_LOC(0, 4)); }
static void list_missing(void) { rt_file_list(P("nodir"), WYN_LOC(0, 5)); }
static void remove_missing(void) { rt_file_remove(P("nothing"), WYN_LOC(0, 6)); }
static void mkdir_on_file(void) { rt_file_mkdir(P("f.txt"), WYN_LOC(0, 8)); }

static wyn_int body(void)
{
    /* System.args: without argv[0] */
    WynArr *args = rt_sys_args();
    CHECK_EQ(args->len, 2);
    CHECK(streq(((WynStr **)args->data)[0], "alpha"));
    CHECK(streq(((WynStr **)args->data)[1], "be ta"));
    /* exec parks on the pipe; works inside the main task */
    CHECK(streq(rt_sys_exec(S("printf 'a\\nb'; echo err >/dev/null"), 1), "a\nb"));
    CHECK(streq(rt_sys_exec(S("exit 3"), 1), ""));
    WynStr *big = rt_sys_exec(S("head -c 300000 /dev/zero | tr '\\0' x"), 1);
    CHECK_EQ(big->len, 300000);
    return 0;
}

int main(void)
{
    static const char *const files[] = { "test.wyn" };
    WynProgram prog = { files, 1, NULL };
    rt_set_program(&prog);
    snprintf(dir, sizeof dir, "/tmp/wyn-test-io-file-%d", (int)getpid());
    mkdir(dir, 0755);

    WynStr *f = P("f.txt");
    rt_file_write(f, S("one\ntwo\r\n"), 1);
    rt_file_append(f, S("three"), 1);
    CHECK(rt_file_exists(f));
    CHECK(streq(rt_file_read(f, 1), "one\ntwo\r\nthree"));
    WynArr *lines = rt_file_read_lines(f, 1);
    CHECK_EQ(lines->len, 3);
    CHECK(streq(((WynStr **)lines->data)[1], "two"));
    CHECK(streq(((WynStr **)lines->data)[2], "three"));
    rt_file_write(f, S("a\n\nb\n"), 1);
    lines = rt_file_read_lines(f, 1);
    CHECK_EQ(lines->len, 3);
    CHECK(streq(((WynStr **)lines->data)[1], ""));
    rt_file_write(f, S(""), 1);
    CHECK_EQ(rt_file_read_lines(f, 1)->len, 0);
    CHECK(streq(rt_file_read(f, 1), ""));
    /* binary content with NULs survives */
    rt_file_write(f, rt_str_new("a\0b", 3), 1);
    CHECK_EQ(rt_file_read(f, 1)->len, 3);
    /* a big file */
    WynStr *bigs = rt_str_repeat(S("0123456789"), 100000);
    rt_file_write(P("big"), bigs, 1);
    CHECK(rt_str_eq(rt_file_read(P("big"), 1), bigs));
    /* try_read */
    WynStr *err = NULL;
    CHECK(rt_file_try_read(P("missing.txt"), &err) == NULL);
    CHECK(err && strstr(err->data, "cannot read ") && strstr(err->data, "missing.txt: No such file or directory"));
    CHECK(rt_file_try_read(f, &err) != NULL);
    /* /proc files (size 0 in stat) read fully */
    CHECK(rt_file_read(S("/proc/self/status"), 1)->len > 100);
    /* mkdir -p, list sorted, remove */
    rt_file_mkdir(P("d/e/f"), 1);
    rt_file_mkdir(P("d/e/f"), 1);    /* existing is fine */
    rt_file_mkdir(P("d/e/"), 1);
    rt_file_write(P("d/b.txt"), S("b"), 1);
    rt_file_write(P("d/a.txt"), S("a"), 1);
    WynArr *ls = rt_file_list(P("d"), 1);
    CHECK_EQ(ls->len, 3);
    CHECK(streq(((WynStr **)ls->data)[0], "a.txt"));
    CHECK(streq(((WynStr **)ls->data)[1], "b.txt"));
    CHECK(streq(((WynStr **)ls->data)[2], "e"));
    rt_file_remove(P("d/e/f"), 1);
    rt_file_remove(P("d/e"), 1);
    rt_file_remove(P("d/a.txt"), 1);
    rt_file_remove(P("d/b.txt"), 1);
    rt_file_remove(P("d"), 1);
    CHECK(!rt_file_exists(P("d")));
    CHECK(!rt_file_exists(rt_str_new("x\0y", 3)));

    /* errors name the path and the reason */
    char msg[600], want[600];
    CHECK_EQ(in_child(read_missing, msg, sizeof msg), 1);
    snprintf(want, sizeof want, "test.wyn:3: error: cannot read %s/missing.txt: No such file or directory", dir);
    CHECK(strstr(msg, want) != NULL);
    CHECK_EQ(in_child(write_in_missing_dir, msg, sizeof msg), 1);
    snprintf(want, sizeof want, "test.wyn:4: error: cannot write %s/no/such/x: No such file or directory", dir);
    CHECK(strstr(msg, want) != NULL);
    CHECK_EQ(in_child(list_missing, msg, sizeof msg), 1);
    CHECK(strstr(msg, "test.wyn:5: error: cannot list ") && strstr(msg, "nodir: No such file or directory"));
    CHECK_EQ(in_child(remove_missing, msg, sizeof msg), 1);
    CHECK(strstr(msg, "test.wyn:6: error: cannot remove ") != NULL);
    CHECK_EQ(in_child(mkdir_on_file, msg, sizeof msg), 1);
    CHECK(strstr(msg, "test.wyn:8: error: cannot create directory ") && strstr(msg, "f.txt: File exists"));

    /* System.env / cwd */
    setenv("WYN_IO_TEST_VAR", "v=1", 1);
    CHECK(streq(rt_sys_env(S("WYN_IO_TEST_VAR")), "v=1"));
    CHECK(rt_sys_env(S("WYN_SURELY_UNSET_VARIABLE")) == NULL);
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) && streq(rt_sys_cwd(), cwd));

    rt_file_remove(f, 1);
    rt_file_remove(P("big"), 1);
    rmdir(dir);

    /* args and exec under the runtime */
    WynProgram p2 = { files, 1, body };
    char *argv[] = { (char *)"script.wyn", (char *)"alpha", (char *)"be ta", NULL };
    CHECK_EQ(rt_main(&p2, 3, argv), 0);
    TEST_DONE("test_io_file");
}
