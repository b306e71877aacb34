/*
 * main.c — the wyn command line (SPEC §1): run a file in memory, check
 * it, emit C, or build a native binary with the system C compiler.
 */
#include "builtins.h"
#include "check.h"
#include "common.h"
#include "diag.h"
#include "emit.h"
#include "fmt_cmd.h"
#include "jit.h"
#include "tier.h"
#include "wyn_rt.h"
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define WYN_VERSION "0.1.0"

static const char usage[] =
    "usage: wyn FILE.wyn [ARGS...]        compile in memory and run\n"
    "       wyn run FILE.wyn [ARGS...]    the same\n"
    "       wyn -e 'CODE' [ARGS...]       run a program given on the command line\n"
    "       wyn check FILE.wyn            parse and type-check only\n"
    "       wyn --emit-c FILE.wyn [-o OUT.c]   print standalone C\n"
    "       wyn build FILE.wyn [-o EXE] [-O0..-O3]   build a native binary with cc\n"
    "       wyn cache clean               empty the cache of optimized builds\n"
    "       wyn fmt [--check] FILE.wyn|FOLDER ...    rewrite in the canonical layout\n"
    "       wyn --list-builtins             every built-in function and method, one line each\n"
    "       wyn --version | --help\n"
    "FILE may be '-' to read the program from standard input.\n"
    "Environment: WYN_THREADS (worker threads), WYN_STACK_SIZE (coroutine stack, K/M/G),\n"
    "  WYN_CACHE=on|off|sync (optimized builds of scripts, cached in $XDG_CACHE_HOME/wyn),\n"
    "  WYN_CACHE_MAX_MB (cache bound, default 200), WYN_CACHE_LOG=1 (say which tier ran).\n";

static char *read_all(FILE *f, int *len)
{
    Buf b = {0};
    buf_read_all(&b, f);
    *len = (int)b.len;
    return b.data;
}

static char *load_source(const char *path, int *len)
{
    if (!strcmp(path, "-"))
        return read_all(stdin, len);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "wyn: cannot open %s: %s\n", path, strerror(errno));
        exit(1);
    }
    char *text = read_all(f, len);
    fclose(f);
    if (memchr(text, 0, (size_t)*len)) {
        fprintf(stderr, "%s:1:1: error: the file contains a NUL byte; Wyn source is text\n", path);
        exit(1);
    }
    return text;
}

static Program *last_program; /* for wyn build: the libraries it names */

/* Front end + emitter; exits 1 on compile errors.  for_tcc: the C is
 * only for the in-memory compiler (see emit_program). */
static char *compile_for(const char *path, const char *text, int len, int for_tcc)
{
    Program *prog = check_program(!strcmp(path, "-") ? "<stdin>" : path, text, len);
    last_program = prog;
    if (diag_error_count()) {
        int n = diag_error_count();
        if (n > 1)
            fprintf(stderr, "%d errors\n", n);
        exit(1);
    }
    return emit_program(prog, own_analyze(prog), for_tcc);
}

static char *compile(const char *path, const char *text, int len)
{
    return compile_for(path, text, len, 0);
}

static char *compile_jit(const char *path, const char *text, int len)
{
    return compile_for(path, text, len, 1);
}

/* Runs a program: from the cache of optimized builds when it has one,
 * else under libtcc (tier.h).  The cache compiles the C meant for cc; with
 * the cache off, the emitter writes the variant for tcc. */
static int run_program(const char *path, const char *text, int len, int argc, char **argv)
{
    TierMode mode = tier_mode();
    char *c = mode == TIER_OFF ? compile_jit(path, text, len) : compile(path, text, len);
    return tier_run(c, mode, argc, argv);
}

/* Directory holding the running wyn executable. */
static const char *self_dir(void)
{
    static char dir[PATH_MAX - 64];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (n <= 0)
        return ".";
    dir[n] = 0;
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    return dir;
}

static int file_exists(const char *p) { return access(p, R_OK) == 0; }

/* Finds libwynrt.a and wyn_rt.h: the build tree or an installed prefix. */
static int find_runtime(char *lib, char *inc, size_t n)
{
    const char *d = self_dir();
    snprintf(lib, n, "%s/build/libwynrt.a", d);
    snprintf(inc, n, "%s/runtime", d);
    if (file_exists(lib))
        return 1;
    snprintf(lib, n, "%s/../lib/libwynrt.a", d);
    snprintf(inc, n, "%s/../include", d);
    return file_exists(lib);
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "wyn: cannot write %s: %s\n", path, strerror(errno));
        return 0;
    }
    fputs(text, f);
    return fclose(f) == 0;
}

static int cmd_build(const char *path, const char *out, const char *opt)
{
    /* the linker replaces its output file: never let that be a device
     * such as /dev/null (as root it would really be replaced) */
    struct stat st;
    if (stat(out, &st) == 0 && !S_ISREG(st.st_mode)) {
        fprintf(stderr, "wyn: refusing to write the executable over %s (not a regular file)\n", out);
        return 1;
    }
    int len;
    char *text = load_source(path, &len);
    char *c = compile(path, text, len);
    char lib[PATH_MAX], inc[PATH_MAX];
    if (!find_runtime(lib, inc, sizeof lib)) {
        fputs("wyn: cannot find libwynrt.a (run make, or make install)\n", stderr);
        return 1;
    }
    char tmpl[] = "/tmp/wyn-build-XXXXXX";
    if (!mkdtemp(tmpl)) {
        perror("wyn: mkdtemp");
        return 1;
    }
    char cpath[PATH_MAX];
    snprintf(cpath, sizeof cpath, "%s/prog.c", tmpl);
    Buf unit = {0};
    buf_puts(&unit, "#include \"wyn_rt.h\"\n");
    buf_puts(&unit, c);
    if (!write_file(cpath, unit.data))
        return 1;
    const char *cc = getenv("CC") ? getenv("CC") : "cc";
    /* cc OPT -fwrapv ... prog.c libwynrt.a -o OUT [libraries] [stdlib libraries] -lffi -ldl -lpthread -lm */
    VEC(char *) av = {0};
    char *fixed[] = { (char *)cc, (char *)opt, "-fwrapv", "-fno-optimize-sibling-calls", "-w", "-I", inc,
                      cpath, lib, "-o", (char *)out };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        vec_push(&av, fixed[i]);
    /* the libraries named by extern blocks are linked too (full path or
     * -l:NAME), when they exist here; the program still opens them at
     * start-up, so a missing one is the same clear runtime error */
    for (int i = 0; last_program && i < last_program->externs.len; i++) {
        const char *name = last_program->externs.items[i]->extern_lib;
        if (!name)
            continue;
        void *h = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
        if (!h)
            h = dlopen(name, RTLD_LAZY);
        if (!h)
            continue;
        dlclose(h);
        /* no symbol is referenced at link time (they are resolved at
         * start-up), so keep the linker from dropping the library */
        vec_push(&av, "-Wl,--no-as-needed");
        vec_push(&av, strchr(name, '/') ? (char *)name : arena_printf("-l:%s", name));
        vec_push(&av, "-Wl,--as-needed");
    }
    /* The standard library's libraries, behind --as-needed: the runtime's
     * lib_*.o files are separate archive members, so only the modules the
     * program calls are pulled from libwynrt.a, and only the libraries
     * those reference end up in the executable (readelf -d shows them). */
    char *libs[] = { "-Wl,--as-needed", "-lpcre2-8", "-lsqlite3", "-lcrypto",
                     "-lffi", "-ldl", "-lpthread", "-lm", NULL };
    for (int i = 0; libs[i]; i++)
        vec_push(&av, libs[i]);
    vec_push(&av, (char *)NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execvp(cc, av.items);
        perror("wyn: cannot run cc");
        _exit(127);
    }
    int status = 1;
    waitpid(pid, &status, 0);
    unlink(cpath);
    rmdir(tmpl);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fputs("wyn: the C compiler failed on generated code (a wyn bug)\n", stderr);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 1;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-v")) {
        printf("wyn %s (runtime contract %d, libtcc)\n", WYN_VERSION, WYN_RT_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "--list-builtins")) {
        builtin_print_all(stdout);
        return 0;
    }
    if (!strcmp(cmd, "-e")) {
        if (argc < 3) {
            fputs("wyn: -e needs a program\n", stderr);
            return 1;
        }
        const char *code = argv[2];
        argv[2] = "<-e>";
        return run_program("<-e>", code, (int)strlen(code), argc - 2, argv + 2);
    }
    if (!strcmp(cmd, "cache")) {
        if (argc != 3 || strcmp(argv[2], "clean")) {
            fputs("wyn: usage: wyn cache clean\n", stderr);
            return 1;
        }
        return tier_clean();
    }
    if (!strcmp(cmd, "fmt"))
        return fmt_command(argc - 2, argv + 2);
    if (!strcmp(cmd, "check")) {
        if (argc < 3) {
            fputs("wyn: check needs a file\n", stderr);
            return 1;
        }
        int len;
        char *text = load_source(argv[2], &len);
        check_program(argv[2], text, len);
        return diag_error_count() ? 1 : 0;
    }
    if (!strcmp(cmd, "--emit-c") || !strcmp(cmd, "emit-c")) {
        if (argc < 3) {
            fputs("wyn: --emit-c needs a file\n", stderr);
            return 1;
        }
        const char *out = NULL;
        for (int i = 3; i + 1 < argc; i++)
            if (!strcmp(argv[i], "-o"))
                out = argv[i + 1];
        int len;
        char *text = load_source(argv[2], &len);
        char *c = compile(argv[2], text, len);
        Buf unit = {0};
        buf_puts(&unit, "#include \"wyn_rt.h\"\n");
        buf_puts(&unit, c);
        if (out)
            return write_file(out, unit.data) ? 0 : 1;
        fputs(unit.data, stdout);
        return 0;
    }
    if (!strcmp(cmd, "build")) {
        const char *file = NULL, *out = NULL, *opt = "-O2";
        for (int i = 2; i < argc; i++) {
            if (!strcmp(argv[i], "-o") && i + 1 < argc)
                out = argv[++i];
            else if (!strncmp(argv[i], "-O", 2))
                opt = argv[i];
            else if (!file)
                file = argv[i];
        }
        if (!file) {
            fputs("wyn: build needs a file\n", stderr);
            return 1;
        }
        if (!out) {
            const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
            char *o = arena_strdup(base);
            char *dot = strrchr(o, '.');
            if (dot && dot != o)
                *dot = 0;
            else
                o = "a.out";
            out = o;
        }
        return cmd_build(file, out, opt);
    }
    int first = 1;
    if (!strcmp(cmd, "run")) {
        if (argc < 3) {
            fputs("wyn: run needs a file\n", stderr);
            return 1;
        }
        first = 2;
    } else if (cmd[0] == '-' && cmd[1] != 0) {
        fprintf(stderr, "wyn: unknown option %s\n%s", cmd, usage);
        return 1;
    }
    int len;
    char *text = load_source(argv[first], &len);
    return run_program(argv[first], text, len, argc - first, argv + first);
}
