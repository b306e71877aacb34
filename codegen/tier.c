/*
 * tier.c — the optimized tier and its cache (see tier.h for the model).
 *
 * Layout of the cache folder:
 *   KEY.so            the generated C compiled by cc -O2 -shared
 *   KEY.sum           SHA-256 (hex) of KEY.so, checked before loading
 *   .tmp-KEY-PID-N.*  work files of a compile in progress
 * An entry's modification time is its last use (touched on every load):
 * pruning removes the least recently used entries first.
 */
#define _GNU_SOURCE
#include "tier.h"
#include "jit.h"
#include "rt_symbols.h"
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A script must run this long before its optimized build starts, so short
 * scripts never pay for (or leave behind) a cc process.  WYN_CACHE_DELAY_MS
 * changes it (the test suite sets it high: its programs then run under tcc
 * without starting compiles). */
#define TIER_DEFAULT_DELAY_MS 100
/* Default bound of the cache folder, in MB (WYN_CACHE_MAX_MB). */
#define TIER_DEFAULT_MAX_MB 200
/* Work files older than this are left over from killed runs: removed. */
#define TIER_STALE_TMP_SECONDS 3600
/* Bumped when the entry format or the way entries are built changes. */
#define TIER_FORMAT "wyn-tier-1"

/* The cc flags of the optimized tier: those of `wyn build -O2`, plus what
 * a shared object needs.  WYN_JIT leaves out main(), as under tcc. */
static const char *const tier_cc_flags[] = {
    "-O2", "-fwrapv", "-fno-optimize-sibling-calls", "-w", "-shared", "-fPIC", "-DWYN_JIT=1", NULL,
};

#define KEY_HEX 64
/* Room for the cache folder (at most DIR_MAX) plus a file name in it. */
#define DIR_MAX (PATH_MAX - 512)
#define FILE_MAX PATH_MAX

typedef struct TierCache {
    char dir[DIR_MAX];
    char cc[PATH_MAX];      /* resolved path of the C compiler, "" if none */
    char key[KEY_HEX + 1];
    int log;                /* WYN_CACHE_LOG */
    long delay_ms;          /* WYN_CACHE_DELAY_MS */
} TierCache;

static void tier_log(const TierCache *tc, const char *fmt, const char *arg)
{
    if (!tc->log)
        return;
    fputs("wyn: tier: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
}

TierMode tier_mode(void)
{
    const char *v = getenv("WYN_CACHE");
    if (!v || !*v || !strcmp(v, "on"))
        return TIER_ON;
    if (!strcmp(v, "off"))
        return TIER_OFF;
    if (!strcmp(v, "sync"))
        return TIER_SYNC;
    fprintf(stderr, "wyn: WYN_CACHE must be on, off or sync, not '%s'\n", v);
    exit(2);
}

/* ------------------------------------------------------------- hashing */

static void hex_of(const unsigned char *md, unsigned n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[2 * n] = 0;
}

/* SHA-256 of the parts (each followed by a NUL, so "ab"+"c" != "a"+"bc"). */
static int sha256_parts(const char *const *parts, const size_t *lens, int n, char out[KEY_HEX + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (int i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(ctx, parts[i], lens[i]) && EVP_DigestUpdate(ctx, "", 1);
    ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    if (ok)
        hex_of(md, mdlen, out);
    return ok;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(data, cap *= 2);
            if (!bigger) {
                free(data);
                data = NULL;
            }
            data = bigger;
        }
    }
    fclose(f);
    if (data)
        *len = n;
    return data;
}

static int sha256_file(const char *path, char out[KEY_HEX + 1])
{
    size_t len;
    char *data = read_file(path, &len);
    if (!data)
        return 0;
    const char *parts[] = { data };
    int ok = sha256_parts(parts, &len, 1, out);
    free(data);
    return ok;
}

/* ------------------------------------------------------ the cache folder */

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int ok = mkdir(path, 0700) == 0 || errno == EEXIST;
        *p = '/';
        if (!ok)
            return 0;
    }
    return mkdir(path, 0700) == 0 || errno == EEXIST;
}

/* $XDG_CACHE_HOME/wyn, else $HOME/.cache/wyn (created); 0 if neither. */
static int cache_dir(char *out, size_t n)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0] == '/')
        snprintf(out, n, "%s/wyn", xdg);
    else if (home && home[0] == '/')
        snprintf(out, n, "%s/.cache/wyn", home);
    else
        return 0;
    return mkdir_p(out);
}

/* The C compiler as an absolute path ($CC or cc, searched in PATH). */
static int resolve_cc(char *out)
{
    const char *cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
    if (strchr(cc, '/'))
        return realpath(cc, out) != NULL;
    const char *path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
    char cand[PATH_MAX];
    while (*path) {
        size_t len = strcspn(path, ":");
        snprintf(cand, sizeof cand, "%.*s/%s", (int)len, path, cc);
        if (access(cand, X_OK) == 0 && realpath(cand, out))
            return 1;
        path += len + (path[len] == ':');
    }
    return 0;
}

static void entry_path(const TierCache *tc, const char *ext, char *out, size_t n)
{
    snprintf(out, n, "%s/%s.%s", tc->dir, tc->key, ext);
}

/* Prepares tc for source; 0 when there is no usable cache folder. */
static int cache_open(TierCache *tc, const char *source)
{
    memset(tc, 0, sizeof *tc);
    tc->log = getenv("WYN_CACHE_LOG") && strcmp(getenv("WYN_CACHE_LOG"), "0");
    const char *delay = getenv("WYN_CACHE_DELAY_MS");
    tc->delay_ms = delay && *delay ? atol(delay) : TIER_DEFAULT_DELAY_MS;
    if (!cache_dir(tc->dir, sizeof tc->dir))
        return 0;
    struct stat st = {0};
    char ccid[PATH_MAX + 64] = "none";
    if (resolve_cc(tc->cc) && stat(tc->cc, &st) == 0)
        snprintf(ccid, sizeof ccid, "%s %lld %llu", tc->cc, (long long)st.st_size,
                 (unsigned long long)st.st_ino);
    else
        tc->cc[0] = 0;
    char flags[256] = "";
    for (int i = 0; tier_cc_flags[i]; i++) {
        strcat(flags, tier_cc_flags[i]);
        strcat(flags, " ");
    }
    char version[32];
    snprintf(version, sizeof version, "%d", WYN_RT_VERSION);
    const char *parts[] = { TIER_FORMAT, version, wyn_rt_header, ccid, flags, source };
    size_t lens[6];
    for (int i = 0; i < 6; i++)
        lens[i] = strlen(parts[i]);
    return sha256_parts(parts, lens, 6, tc->key);
}

static void remove_entry(const TierCache *tc)
{
    char p[PATH_MAX];
    entry_path(tc, "so", p, sizeof p);
    unlink(p);
    entry_path(tc, "sum", p, sizeof p);
    unlink(p);
}

/* Loads the entry of tc->key when it is whole and intact; a corrupt one is
 * removed (and will be rebuilt). */
static const WynProgram *load_entry(const TierCache *tc)
{
    char so[PATH_MAX], sum[PATH_MAX];
    entry_path(tc, "so", so, sizeof so);
    entry_path(tc, "sum", sum, sizeof sum);
    if (access(so, R_OK) != 0)
        return NULL;
    size_t len = 0;
    char *want = read_file(sum, &len);
    char got[KEY_HEX + 1];
    int intact = want && len >= KEY_HEX && sha256_file(so, got) && !memcmp(want, got, KEY_HEX);
    free(want);
    void *h = intact ? dlopen(so, RTLD_NOW | RTLD_LOCAL) : NULL;
    const WynProgram *prog = h ? dlsym(h, "wyn_program") : NULL;
    if (!prog) {
        tier_log(tc, "corrupt cache entry %s removed", tc->key);
        remove_entry(tc);
        return NULL;
    }
    utimensat(AT_FDCWD, so, NULL, 0); /* last use, for pruning */
    utimensat(AT_FDCWD, sum, NULL, 0);
    return prog;
}

/* --------------------------------------------------------------- pruning */

typedef struct Entry {
    char name[KEY_HEX + 8];
    struct timespec used; /* last use, to the nanosecond: runs come fast */
    long long bytes;
} Entry;

static int by_last_use(const void *a, const void *b)
{
    const struct timespec *x = &((const Entry *)a)->used, *y = &((const Entry *)b)->used;
    if (x->tv_sec != y->tv_sec)
        return (x->tv_sec > y->tv_sec) - (x->tv_sec < y->tv_sec);
    return (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

/* Whether the process that named a work file .tmp-KEY-PID-N.ext still
 * runs (a killed run leaves its files behind). */
static int owner_alive(const char *name)
{
    const char *p = name + 5 + KEY_HEX;
    if (strlen(name) < 5 + KEY_HEX + 2 || *p != '-')
        return 0;
    long pid = strtol(p + 1, NULL, 10);
    return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* Removes stale work files, then least recently used entries until the
 * folder is within WYN_CACHE_MAX_MB. */
static void prune(const TierCache *tc)
{
    const char *max_env = getenv("WYN_CACHE_MAX_MB");
    long long max = (long long)((max_env && *max_env ? atof(max_env) : TIER_DEFAULT_MAX_MB) * 1024 * 1024);
    DIR *d = opendir(tc->dir);
    if (!d)
        return;
    Entry *entries = NULL;
    size_t n = 0, cap = 0;
    long long total = 0;
    time_t now = time(NULL);
    char p[PATH_MAX];
    struct dirent *de;
    while ((de = readdir(d))) {
        struct stat st;
        snprintf(p, sizeof p, "%.*s/%.255s", DIR_MAX, tc->dir, de->d_name);
        if (de->d_name[0] == '.' && strncmp(de->d_name, ".tmp-", 5))
            continue;
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (!strncmp(de->d_name, ".tmp-", 5)) {
            if (now - st.st_mtime > TIER_STALE_TMP_SECONDS || !owner_alive(de->d_name))
                unlink(p);
            continue;
        }
        size_t nl = strlen(de->d_name);
        if (nl == KEY_HEX + 4 && !strcmp(de->d_name + KEY_HEX, ".sum")) {
            /* counted, and removed with its .so; alone (its run was killed
             * between the two renames) once it is a minute old */
            char so[FILE_MAX];
            snprintf(so, sizeof so, "%.*s/%.*s.so", DIR_MAX, tc->dir, KEY_HEX, de->d_name);
            if (access(so, F_OK) != 0 && now - st.st_mtime > 60)
                unlink(p);
            else
                total += st.st_size;
            continue;
        }
        total += st.st_size;
        if (nl != KEY_HEX + 3 || strcmp(de->d_name + KEY_HEX, ".so"))
            continue;
        if (n == cap) {
            Entry *more = realloc(entries, (cap = cap ? 2 * cap : 64) * sizeof *entries);
            if (!more)
                break;
            entries = more;
        }
        memcpy(entries[n].name, de->d_name, KEY_HEX);
        entries[n].name[KEY_HEX] = 0;
        entries[n].used = st.st_mtim;
        entries[n].bytes = st.st_size;
        n++;
    }
    closedir(d);
    qsort(entries, n, sizeof *entries, by_last_use);
    for (size_t i = 0; i < n && total > max; i++) {
        TierCache victim = *tc;
        memcpy(victim.key, entries[i].name, KEY_HEX + 1);
        remove_entry(&victim);
        total -= entries[i].bytes;
        tier_log(tc, "cache over its bound: removed %s", entries[i].name);
    }
    free(entries);
}

/* ------------------------------------------------------------- compiling */

static int write_all(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return 0;
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w <= 0) {
            close(fd);
            return 0;
        }
        done += (size_t)w;
    }
    return close(fd) == 0;
}

/* Runs cc on work.c -> work.so.  The child dies with the thread that waits
 * for it (PR_SET_PDEATHSIG), so a compile never outlives the script. */
static int run_cc(const TierCache *tc, const char *c_path, const char *so_path)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = tc->cc;
    for (int i = 0; tier_cc_flags[i]; i++)
        argv[n++] = tier_cc_flags[i];
    /* the C comes on stdin, so the object names no work file and two runs
     * that race to build one entry write the same bytes */
    argv[n++] = "-x";
    argv[n++] = "c";
    argv[n++] = "-";
    argv[n++] = "-o";
    argv[n++] = so_path;
    argv[n] = NULL;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        int src = open(c_path, O_RDONLY);
        int null = open("/dev/null", O_RDWR);
        if (src < 0 || null < 0)
            _exit(1);
        dup2(src, 0);
        dup2(null, 1);
        dup2(null, 2);
        execv(tc->cc, (char *const *)argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Compiles unit (header + generated C) into the entry of tc->key. */
static int build_entry(const TierCache *tc, const char *unit)
{
    static int counter; /* distinct work names within one process */
    if (!tc->cc[0])
        return 0;
    char base[FILE_MAX - 8], c_path[FILE_MAX], so_tmp[FILE_MAX], sum_tmp[FILE_MAX];
    snprintf(base, sizeof base, "%.*s/.tmp-%s-%d-%d", DIR_MAX, tc->dir, tc->key, (int)getpid(),
             __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
    snprintf(c_path, sizeof c_path, "%.*s.c", FILE_MAX - 16, base);
    snprintf(so_tmp, sizeof so_tmp, "%.*s.so", FILE_MAX - 16, base);
    snprintf(sum_tmp, sizeof sum_tmp, "%.*s.sum", FILE_MAX - 16, base);
    char sum[KEY_HEX + 2];
    int ok = write_all(c_path, unit) && run_cc(tc, c_path, so_tmp) && sha256_file(so_tmp, sum);
    unlink(c_path);
    if (ok) {
        strcat(sum, "\n");
        char so[PATH_MAX], sumf[PATH_MAX];
        entry_path(tc, "so", so, sizeof so);
        entry_path(tc, "sum", sumf, sizeof sumf);
        /* the .sum first: a reader that finds the .so finds its sum */
        ok = write_all(sum_tmp, sum) && rename(sum_tmp, sumf) == 0 && rename(so_tmp, so) == 0;
    }
    unlink(so_tmp);
    unlink(sum_tmp);
    tier_log(tc, ok ? "stored optimized code %s" : "optimized build of %s failed", tc->key);
    if (ok)
        prune(tc);
    return ok;
}

typedef struct Background {
    TierCache tc;
    char *unit;
} Background;

static void *background_build(void *arg)
{
    Background *bg = arg;
    struct timespec delay = { bg->tc.delay_ms / 1000, (bg->tc.delay_ms % 1000) * 1000000L };
    while (nanosleep(&delay, &delay) != 0 && errno == EINTR)
        ;
    build_entry(&bg->tc, bg->unit);
    free(bg->unit);
    free(bg);
    return NULL;
}

static char *unit_of(const char *source)
{
    size_t hl = strlen(wyn_rt_header), sl = strlen(source);
    char *unit = malloc(hl + sl + 1);
    if (unit) {
        memcpy(unit, wyn_rt_header, hl);
        memcpy(unit + hl, source, sl + 1);
    }
    return unit;
}

/* Starts the delayed background build; the thread is detached and dies
 * with the process, taking its cc with it. */
static void start_background(const TierCache *tc, const char *source)
{
    Background *bg = malloc(sizeof *bg);
    if (!bg || !(bg->unit = unit_of(source))) {
        free(bg);
        return;
    }
    bg->tc = *tc;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, background_build, bg) != 0) {
        free(bg->unit);
        free(bg);
    }
    pthread_attr_destroy(&attr);
}

/* ------------------------------------------------------------ entry points */

int tier_run(char *c_source, TierMode mode, int argc, char **argv)
{
    TierCache tc;
    if (mode == TIER_OFF || !cache_open(&tc, c_source))
        return jit_run(c_source, argc, argv);
    const WynProgram *prog = load_entry(&tc);
    if (!prog && mode == TIER_SYNC) {
        char *unit = unit_of(c_source);
        if (unit && build_entry(&tc, unit))
            prog = load_entry(&tc);
        free(unit);
    }
    if (prog) {
        tier_log(&tc, "running optimized code %s", tc.key);
        free(c_source);
        return rt_main(prog, argc, argv);
    }
    if (tc.cc[0]) {
        if (tc.log)
            fprintf(stderr, "wyn: tier: running under tcc; optimized build of %s if the run lasts %ld ms\n",
                    tc.key, tc.delay_ms);
        start_background(&tc, c_source);
    }
    return jit_run(c_source, argc, argv);
}

int tier_clean(void)
{
    TierCache tc = {0};
    if (!cache_dir(tc.dir, sizeof tc.dir)) {
        fputs("wyn: no cache folder (neither XDG_CACHE_HOME nor HOME is set)\n", stderr);
        return 1;
    }
    DIR *d = opendir(tc.dir);
    if (!d) {
        fprintf(stderr, "wyn: cannot open %s: %s\n", tc.dir, strerror(errno));
        return 1;
    }
    int removed = 0;
    struct dirent *de;
    char p[PATH_MAX];
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%.*s/%.255s", DIR_MAX, tc.dir, de->d_name);
        if (unlink(p) == 0)
            removed++;
    }
    closedir(d);
    printf("removed %d file%s from %s\n", removed, removed == 1 ? "" : "s", tc.dir);
    return 0;
}
