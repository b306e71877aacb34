/* test_lib_sys.c — the system side of the standard library: Random
 * (seeded sequences, ranges, shuffle), Os/Env/Terminal (lib_os.c), Log
 * levels and line format (lib_log.c), Process.run/exec_status, also
 * inside a task (lib_process.c), the File path additions (lib_fs.c) and
 * open-file handles (lib_filehandle.c), with their error texts. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib_test.h"

static char dir[128];

static WynStr *P(const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return S(p);
}

static void bad_range(void) { rt_random_int(5, 1, WYN_LOC(0, 3)); }
static void empty_choice(void) { rt_random_index(0, WYN_LOC(0, 4)); }
static void bad_level(void) { rt_log_set_level(S("loud"), WYN_LOC(0, 5)); }
static void bad_color(void) { rt_term_color(S("x"), S("pink"), WYN_LOC(0, 6)); }
static void no_program(void)
{
    WynArr *a = lib_str_array();
    lib_str_push(a, "wyn-no-such-program", 19);
    WynProcResult r;
    rt_process_run(a, &r, WYN_LOC(0, 7));
}
static void size_missing(void) { rt_file_size(P("missing"), WYN_LOC(0, 8)); }
static void open_missing(void) { rt_file_open(P("missing"), S("r"), WYN_LOC(0, 9)); }
static void open_mode(void) { rt_file_open(P("x"), S("rw"), WYN_LOC(0, 10)); }
static void read_closed(void)
{
    wyn_int h = rt_file_open(P("lines.txt"), S("r"), 1);
    rt_file_close(h, 1);
    rt_file_read_line(h, WYN_LOC(0, 11));
}
static void write_on_reader(void)
{
    rt_file_write_line(rt_file_open(P("lines.txt"), S("r"), 1), S("x"), WYN_LOC(0, 12));
}
static void rmtree_missing(void) { rt_file_remove_dir_all(P("nothing"), WYN_LOC(0, 13)); }
static void copy_missing(void) { rt_file_copy(P("missing"), P("to"), WYN_LOC(0, 14)); }
static void env_bad(void) { rt_env_set(S("A=B"), S("x"), WYN_LOC(0, 15)); }
static void log_lines(void)
{
    rt_log_info(S("shown"));
    rt_log_debug(S("hidden"));
    rt_log_set_level(S("debug"), 1);
    rt_log_debug(S("now shown"));
    rt_log_set_level(S("error"), 1);
    rt_log_warn(S("hidden too"));
    rt_log_error(S("bad"));
    exit(1);
}

static WynArr *argv3(const char *a, const char *b, const char *c)
{
    WynArr *v = lib_str_array();
    lib_str_push(v, a, strlen(a));
    if (b) lib_str_push(v, b, strlen(b));
    if (c) lib_str_push(v, c, strlen(c));
    return v;
}

static wyn_int in_task(void)
{
    WynProcResult r;
    rt_process_run(argv3("sh", "-c", "sleep 0.05; echo out; echo err >&2; exit 4"), &r, 1);
    CHECK_EQ(r.status, 4);
    CHECK(streq(r.out, "out\n") && streq(r.err, "err\n"));
    CHECK_EQ(rt_process_exec_status(S("exit 2"), 1), 2);
    return 0;
}

int main(void)
{
    lib_test_init();
    snprintf(dir, sizeof dir, "/tmp/wyn-test-lib-sys-%d", (int)getpid());
    mkdir(dir, 0755);

    /* Random: a seed gives the same sequence; ranges hold */
    rt_random_seed(42);
    wyn_int a1 = rt_random_int(1, 1000000, 1), a2 = rt_random_int(1, 1000000, 1);
    rt_random_seed(42);
    CHECK_EQ(rt_random_int(1, 1000000, 1), a1);
    CHECK_EQ(rt_random_int(1, 1000000, 1), a2);
    int seen[3] = {0};
    for (int i = 0; i < 3000; i++) {
        wyn_int v = rt_random_int(-1, 1, 1);
        CHECK(v >= -1 && v <= 1);
        seen[v + 1]++;
        double f = rt_random_float();
        CHECK(f >= 0.0 && f < 1.0);
    }
    CHECK(seen[0] > 800 && seen[1] > 800 && seen[2] > 800);
    CHECK_EQ(rt_random_int(7, 7, 1), 7);
    rt_random_int(-9223372036854775807LL - 1, 9223372036854775807LL, 1);   /* full range */
    WynArr *xs = rt_arr_new(sizeof(wyn_int), 0);
    for (wyn_int i = 0; i < 50; i++)
        *(wyn_int *)rt_arr_push_slot(xs) = i;
    rt_random_shuffle(xs);
    wyn_int sum = 0, moved = 0;
    for (wyn_int i = 0; i < 50; i++) {
        sum += ((wyn_int *)xs->data)[i];
        moved += ((wyn_int *)xs->data)[i] != i;
    }
    CHECK_EQ(sum, 1225);
    CHECK(moved > 10);
    CHECK(rt_random_index(3, 1) < 3);

    /* Os, Env, Terminal */
    CHECK_EQ(rt_os_pid(), getpid());
    CHECK(streq(rt_os_platform(), "linux"));
    CHECK(rt_os_arch()->len > 0 && rt_os_hostname()->len > 0);
    setenv("HOME", "/home/wyn-test", 1);
    CHECK(streq(rt_os_home_dir(), "/home/wyn-test"));
    rt_env_set(S("WYN_LIB_TEST"), S("v=1"), 1);
    CHECK(streq(rt_sys_env(S("WYN_LIB_TEST")), "v=1"));
    WynMap *env = rt_env_all();
    WynStr **v = rt_map_find_s(env, S("WYN_LIB_TEST"));
    CHECK(v && streq(*v, "v=1"));
    if (!isatty(1)) {
        unsetenv("COLUMNS");
        CHECK_EQ(rt_term_cols(), 80);
        CHECK_EQ(rt_term_rows(), 24);
        setenv("COLUMNS", "132", 1);
        CHECK_EQ(rt_term_cols(), 132);
        CHECK(!rt_term_is_tty());
    }
    CHECK(streq(rt_term_color(S("ok"), S("green"), 1), "\x1b[32mok\x1b[0m"));

    /* Log: level filter, one line each with a timestamp */
    char log[2048];
    CHECK_EQ(fork_capture(lib_test_call, (void *)log_lines, log, sizeof log), 1);
    CHECK(strstr(log, "Z INFO shown\n") && strstr(log, "Z DEBUG now shown\n") &&
          strstr(log, "Z ERROR bad\n") && !strstr(log, "hidden"));
    CHECK(log[4] == '-' && log[10] == 'T' && log[23] == 'Z');

    /* Process */
    WynProcResult r;
    rt_process_run(argv3("printf", "%s|", "a b"), &r, 1);
    CHECK(r.status == 0 && streq(r.out, "a b|") && streq(r.err, ""));
    rt_process_run(argv3("sh", "-c", "kill -TERM $$"), &r, 1);
    CHECK_EQ(r.status, 128 + 15);
    rt_process_run(argv3("sh", "-c", "head -c 200000 /dev/zero; head -c 200000 /dev/zero >&2"), &r, 1);
    CHECK(r.out->len == 200000 && r.err->len == 200000);
    CHECK_EQ(rt_process_exec_status(S("exit 3"), 1), 3);

    /* File paths */
    WynStr *f = P("lines.txt");
    rt_file_write(f, S("one\r\ntwo\n\nlast"), 1);
    CHECK(rt_file_is_file(f) && !rt_file_is_dir(f));
    CHECK(rt_file_is_dir(S(dir)) && !rt_file_is_file(S(dir)));
    CHECK(!rt_file_is_file(P("missing")) && !rt_file_is_dir(P("missing")));
    CHECK_EQ(rt_file_size(f, 1), 14);
    CHECK(rt_file_modified_time(f, 1) > 1700000000);
    rt_file_copy(f, P("copy.txt"), 1);
    CHECK(streq(rt_file_read(P("copy.txt"), 1), "one\r\ntwo\n\nlast"));
    rt_file_rename(P("copy.txt"), P("renamed.txt"), 1);
    CHECK(!rt_file_exists(P("copy.txt")) && rt_file_exists(P("renamed.txt")));
    rt_file_move(P("renamed.txt"), P("moved.txt"), 1);
    CHECK(rt_file_exists(P("moved.txt")));
    char pat[200];
    snprintf(pat, sizeof pat, "%s/*.txt", dir);
    WynArr *g = rt_file_glob(S(pat), 1);
    CHECK_EQ(g->len, 2);
    CHECK(g->len == 2 && rt_str_eq(at(g, 0), f));
    snprintf(pat, sizeof pat, "%s/*.none", dir);
    CHECK_EQ(rt_file_glob(S(pat), 1)->len, 0);
    WynStr *tmp = rt_file_temp_file(1);
    CHECK(rt_file_is_file(tmp) && rt_file_size(tmp, 1) == 0);
    rt_file_remove(tmp, 1);
    rt_file_mkdir(P("tree/a/b"), 1);
    rt_file_write(P("tree/a/b/f"), S("x"), 1);
    symlink(dir, P("tree/a/link")->data);     /* must not be followed */
    rt_file_remove_dir_all(P("tree"), 1);
    CHECK(!rt_file_exists(P("tree")) && rt_file_is_file(f));

    /* open files */
    wyn_int h = rt_file_open(f, S("r"), 1);
    CHECK(!rt_file_eof(h, 1));
    CHECK(streq(rt_file_read_line(h, 1), "one"));
    CHECK(streq(rt_file_read_line(h, 1), "two"));
    CHECK(streq(rt_file_read_line(h, 1), ""));
    CHECK(streq(rt_file_read_line(h, 1), "last"));
    CHECK(rt_file_eof(h, 1));
    CHECK(rt_file_read_line(h, 1) == NULL);
    rt_file_close(h, 1);
    WynStr *out = P("out.txt");
    h = rt_file_open(out, S("w"), 1);
    WynStr *longline = rt_str_repeat(S("x"), 100000);
    rt_file_write_line(h, S("first"), 1);
    rt_file_write_line(h, longline, 1);
    rt_file_close(h, 1);
    h = rt_file_open(out, S("a"), 1);
    rt_file_write_line(h, S("appended"), 1);
    rt_file_close(h, 1);
    h = rt_file_open(out, S("r"), 1);
    CHECK(streq(rt_file_read_line(h, 1), "first"));
    CHECK(rt_str_eq(rt_file_read_line(h, 1), longline));
    CHECK(streq(rt_file_read_line(h, 1), "appended"));
    CHECK(rt_file_read_line(h, 1) == NULL);
    rt_file_close(h, 1);

    CHECK_FAILS(bad_range, "test.wyn:3: error: Random.int: empty range (5 > 1)");
    CHECK_FAILS(empty_choice, "test.wyn:4: error: Random.choice: empty array");
    CHECK_FAILS(bad_level, "test.wyn:5: error: Log.set_level: unknown level \"loud\"");
    CHECK_FAILS(bad_color, "test.wyn:6: error: Terminal.color: unknown color \"pink\"");
    CHECK_FAILS(no_program, "test.wyn:7: error: Process.run: cannot run wyn-no-such-program: No such file or directory");
    CHECK_FAILS(size_missing, "test.wyn:8: error: File.size: cannot stat ");
    CHECK_FAILS(open_missing, "test.wyn:9: error: File.open: cannot open ");
    CHECK_FAILS(open_mode, "test.wyn:10: error: File.open: unknown mode \"rw\"");
    CHECK_FAILS(read_closed, "test.wyn:11: error: File.read_line: not an open File handle");
    CHECK_FAILS(write_on_reader, "lines.txt was opened for reading");
    CHECK_FAILS(rmtree_missing, "test.wyn:13: error: File.remove_dir_all: cannot remove ");
    CHECK_FAILS(copy_missing, "test.wyn:14: error: File.copy: cannot read ");
    CHECK_FAILS(env_bad, "test.wyn:15: error: Env.set: invalid variable name \"A=B\"");

    /* last: the forked error checks above run without a scheduler */
    CHECK_EQ(rt_test_run(in_task), 0);
    rt_file_remove_dir_all(S(dir), 1);
    TEST_DONE("test_lib_sys");
}
