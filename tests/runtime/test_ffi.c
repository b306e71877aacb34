/*
 * test_ffi.c — the runtime side of foreign calls (ffi/ffi.c, ffi/ptr.c):
 * libraries and symbols, libffi callbacks for every signature letter in
 * both directions (C calling Wyn-convention functions), callbacks from other
 * threads, the Ptr helpers, and the error messages for a missing library or
 * symbol.  The "Wyn functions" here are C functions with the Wyn calling
 * convention R fn(void *env, args...); an env is a box (rt_box_new), as in
 * generated code: a callback keeps a reference to it.
 *
 * Build: gcc -std=gnu11 -O1 -g -Iruntime tests/runtime/test_ffi.c \
 *            build/runtime/<all>.o build/ffi/<all>.o -lffi -lpthread -lm -ldl
 * (tests/run_all.sh does this).
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rt_test.h"
#include "rt_values.h"

/* A zeroed box of type T, owned by the test (never released: callbacks
 * keep their environments for ever anyway). */
#define BOX(T) ((T *)rt_box_new_keep(sizeof(T), NULL))

/* ---------------------------------------------------------------- qsort */

typedef struct { wyn_int sign; wyn_int calls; } CmpEnv;

static wyn_int cmp_ints(void *env, void *a, void *b)
{
    CmpEnv *e = env;
    e->calls++;
    wyn_int x = rt_ptr_read_int(a, 0), y = rt_ptr_read_int(b, 0);
    return e->sign * (x < y ? -1 : x > y);
}

static void test_qsort(void)
{
    CmpEnv *envp = BOX(CmpEnv);
#define env (*envp)
    env.sign = 1;
    WynFn f = {(void *)cmp_ints, envp};
    int (*cmp)(const void *, const void *) = (int (*)(const void *, const void *))rt_ffi_callback(&f, "ipp");
    CHECK(cmp != NULL);

    wyn_int vals[] = {42, 7, 19, 3, 88};
    void *buf = rt_ptr_alloc(8 * 5);
    for (int i = 0; i < 5; i++)
        rt_ptr_write_int(buf, 8 * i, vals[i]);
    qsort(buf, 5, 8, cmp);
    wyn_int want[] = {3, 7, 19, 42, 88};
    for (int i = 0; i < 5; i++)
        CHECK_EQ(rt_ptr_read_int(buf, 8 * i), want[i]);
    CHECK(env.calls > 0);

    /* env is shared, not copied: flipping it changes the order */
    env.sign = -1;
    qsort(buf, 5, 8, cmp);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(rt_ptr_read_int(buf, 8 * i), want[4 - i]);
    rt_ptr_free(buf);

    /* a big sort: many calls */
    enum { N = 100000 };
    wyn_int *big = rt_ptr_alloc(N * 8);
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < N; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        big[i] = (wyn_int)(x % 1000000) - 500000;
    }
    env.sign = 1;
    env.calls = 0;
    qsort(big, N, 8, cmp);
    for (int i = 1; i < N; i++)
        if (big[i - 1] > big[i]) { CHECK(!"big sort out of order"); break; }
    CHECK(env.calls > N);
    rt_ptr_free(big);

    /* The WynFn is copied: changing the caller's struct afterwards has no
     * effect on the callback. */
#undef env
    CmpEnv *env2p = BOX(CmpEnv);
#define env2 (*env2p)
    env2.sign = 1;
    WynFn g = {(void *)cmp_ints, env2p};
    int (*cmp2)(const void *, const void *) = (int (*)(const void *, const void *))rt_ffi_callback(&g, "ipp");
    g.env = NULL;
    g.fn = NULL;
    wyn_int a = 5, b = 9;
    CHECK_EQ(cmp2(&a, &b), -1);
    CHECK_EQ(cmp2(&b, &a), 1);
    CHECK_EQ(cmp2(&a, &a), 0);
    CHECK_EQ(env2.calls, 3);
#undef env2
}

/* ------------------------------------------------ one letter at a time */

static double scale(void *env, double x) { return x * *(double *)env; }

static WynStr *last_str;
static void take_str(void *env, WynStr *s)
{
    rt_release_str(last_str);
    last_str = wyn_own_str(s);   /* arguments are borrowed: keep our own */
    ++*(int *)env;
}

static wyn_int id_int(void *env, wyn_int v) { return v + (env ? 1 : 0); }
static wyn_bool not_bool(void *env, wyn_bool b) { return !b; }
static WynStr *shout(void *env, WynStr *s)
{
    return rt_str_concat(s, rt_str_cstr("!"));
}
static void *ptr_plus(void *env, void *p) { return (char *)p + 8; }
static WynStr *null_str(void *env) { return NULL; }

static void test_letters(void)
{
    double *kp = BOX(double);
#define k (*kp)
    k = 2.5;
    WynFn fd = {(void *)scale, kp};
    double (*d)(double) = (double (*)(double))rt_ffi_callback(&fd, "dd");
    CHECK(d(4.0) == 10.0);
    k = -1.0;
    CHECK(d(3.25) == -3.25);

    /* f: float in and out, converted through double */
    k = 0.5;
    float (*ff)(float) = (float (*)(float))rt_ffi_callback(&fd, "ff");
    CHECK(ff(3.0f) == 1.5f);

    int *countp = BOX(int);
#define count (*countp)
    WynFn fs = {(void *)take_str, countp};
    void (*vs)(const char *) = (void (*)(const char *))rt_ffi_callback(&fs, "vs");
    vs("héllo, wörld ✓");
    CHECK_EQ(count, 1);
    CHECK(last_str && strcmp(last_str->data, "héllo, wörld ✓") == 0);
    CHECK_EQ(last_str->len, (wyn_int)strlen("héllo, wörld ✓"));
    vs(NULL);   /* NULL arrives as "" */
    CHECK_EQ(count, 2);
    CHECK(last_str && last_str->len == 0 && last_str->data[0] == 0);
    /* the Wyn string is a copy, not a view of the C buffer */
    char buf[8] = "abc";
    vs(buf);
    buf[0] = 'X';
    CHECK(strcmp(last_str->data, "abc") == 0);

    /* i: int32, sign extension in and truncation out */
    WynFn fi = {(void *)id_int, NULL};
    int32_t (*i32)(int32_t) = (int32_t (*)(int32_t))rt_ffi_callback(&fi, "ii");
    CHECK_EQ(i32(-7), -7);
    CHECK_EQ(i32(INT32_MIN), INT32_MIN);
    CHECK_EQ(i32(INT32_MAX), INT32_MAX);
    WynFn fi1 = {(void *)id_int, kp};   /* env non-NULL: +1 */
    int32_t (*i32p)(int32_t) = (int32_t (*)(int32_t))rt_ffi_callback(&fi1, "ii");
    CHECK_EQ(i32p(INT32_MAX), INT32_MIN);   /* wraps as C would */
    CHECK_EQ(i32p(-2), -1);

    /* u: uint32 is zero-extended into wyn_int */
    uint32_t (*u32)(uint32_t) = (uint32_t (*)(uint32_t))rt_ffi_callback(&fi, "uu");
    CHECK(u32(0xFFFFFFFFu) == 0xFFFFFFFFu);
    wyn_int (*ul)(uint32_t) = (wyn_int (*)(uint32_t))rt_ffi_callback(&fi, "lu");
    CHECK_EQ(ul(0xFFFFFFFFu), 4294967295LL);
    wyn_int (*il)(int32_t) = (wyn_int (*)(int32_t))rt_ffi_callback(&fi, "li");
    CHECK_EQ(il(-1), -1);

    /* l: int64 */
    int64_t (*l64)(int64_t) = (int64_t (*)(int64_t))rt_ffi_callback(&fi, "ll");
    CHECK(l64(INT64_MIN) == INT64_MIN);
    CHECK(l64(1234567890123LL) == 1234567890123LL);

    /* b: bool */
    WynFn fb = {(void *)not_bool, NULL};
    _Bool (*nb)(_Bool) = (_Bool (*)(_Bool))rt_ffi_callback(&fb, "bb");
    CHECK(nb(0) == 1);
    CHECK(nb(1) == 0);
    /* a bool result read as an int by C sees exactly 0 or 1 */
    int (*nbi)(_Bool) = (int (*)(_Bool))rt_ffi_callback(&fb, "bb");
    CHECK_EQ(nbi(0) & 0xFF, 1);

    /* s: string in and out */
    WynFn fsh = {(void *)shout, NULL};
    const char *(*sh)(const char *) = (const char *(*)(const char *))rt_ffi_callback(&fsh, "ss");
    CHECK(strcmp(sh("ünïcode"), "ünïcode!") == 0);
    CHECK(strcmp(sh(""), "!") == 0);
    WynFn fns = {(void *)null_str, NULL};
    const char *(*ns)(void) = (const char *(*)(void))rt_ffi_callback(&fns, "s");
    CHECK(ns() != NULL && ns()[0] == 0);

    /* p: pointers pass through untouched */
    WynFn fp = {(void *)ptr_plus, NULL};
    void *(*pp)(void *) = (void *(*)(void *))rt_ffi_callback(&fp, "pp");
    char arr[32];
    CHECK(pp(arr) == arr + 8);
    CHECK(pp(NULL) == (void *)8);
#undef k
#undef count
}

/* Many parameters of mixed kinds: the ones past the registers go on the
 * stack, on both sides. */
static void *mixed_env;
static double mixed(void *env, wyn_int a, wyn_int b, wyn_int c, double d,
                    wyn_bool e, WynStr *s, void *p, wyn_int g, wyn_int h,
                    double x1, double x2, double x3, double x4, double x5,
                    double x6, double x7, double x8, double x9, wyn_int last)
{
    CHECK(env == mixed_env);
    CHECK_EQ(a, -3);
    CHECK_EQ(b, 4000000000LL);
    CHECK_EQ(c, -5000000000LL);
    CHECK(d == 1.5);
    CHECK(e == 1);
    CHECK(strcmp(s->data, "str") == 0);
    CHECK(p == (void *)0xdead);
    CHECK_EQ(g, 7);
    CHECK_EQ(h, 8);
    CHECK(last == 99);
    return a + b + c + d + e + g + h + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + last;
}

static void test_many_args(void)
{
    mixed_env = BOX(wyn_int);
    WynFn f = {(void *)mixed, mixed_env};
    typedef float (*M)(int32_t, uint32_t, int64_t, float, _Bool, const char *,
                       void *, int32_t, int64_t, double, double, double, double,
                       double, double, double, double, double, int32_t);
    M m = (M)rt_ffi_callback(&f, "fiulfbspildddddddddi");
    float r = m(-3, 4000000000u, -5000000000LL, 1.5f, 1, "str", (void *)0xdead,
                7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 99);
    double want = -3 + 4000000000.0 - 5000000000.0 + 1.5 + 1 + 7 + 8 + 45 + 99;
    CHECK(r == (float)want);
}

/* Nine doubles (one past the registers) and exactly the register limit
 * (5 integers + 8 doubles): the slow and the fast path of the handler. */
static double sum9(void *env, double a, double b, double c, double d, double e,
                   double f, double g, double h, double i)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i;
}

static double at_limit(void *env, wyn_int a, double x1, wyn_int b, double x2,
                       wyn_int c, double x3, wyn_int d, double x4, wyn_int e,
                       double x5, double x6, double x7, double x8)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 10 * x1 + 20 * x2 + 30 * x3 +
           40 * x4 + 50 * x5 + 60 * x6 + 70 * x7 + 80 * x8;
}

static void test_register_limits(void)
{
    WynFn f = {(void *)sum9, NULL};
    double (*s9)(double, double, double, double, double, double, double,
                 double, double) =
        (double (*)(double, double, double, double, double, double, double,
                    double, double))rt_ffi_callback(&f, "dddddddddd");
    CHECK(s9(1, 1, 1, 1, 1, 1, 1, 1, 1) == 45.0);
    CHECK(s9(0, 0, 0, 0, 0, 0, 0, 0, 1) == 9.0);
    WynFn g = {(void *)at_limit, NULL};
    typedef double (*L)(int64_t, double, int64_t, double, int64_t, double,
                        int64_t, double, int64_t, double, double, double, double);
    L l2 = (L)rt_ffi_callback(&g, "dldldldldldddd");
    CHECK(l2(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) == 15 + 360);
    CHECK(l2(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1) == 5 + 80);
}

/* void result, no parameters */
static void bump(void *env) { ++*(wyn_int *)env; }

static void test_void(void)
{
    wyn_int *n = BOX(wyn_int);
    WynFn f = {(void *)bump, n};
    void (*v)(void) = (void (*)(void))rt_ffi_callback(&f, "v");
    for (int i = 0; i < 1000; i++)
        v();
    CHECK_EQ(*n, 1000);
}

/* -------------------------------------------------------------- threads */

static wyn_int add_to(void *env, wyn_int v)
{
    return __atomic_add_fetch((wyn_int *)env, v, __ATOMIC_RELAXED);
}

typedef struct { wyn_int (*cb)(int32_t); int iters; } ThreadArg;

static void *thread_main(void *p)
{
    ThreadArg *t = p;
    for (int i = 0; i < t->iters; i++)
        t->cb(1);
    return NULL;
}

static void test_threads(void)
{
    wyn_int *totalp = BOX(wyn_int);
#define total (*totalp)
    WynFn f = {(void *)add_to, totalp};
    wyn_int (*cb)(int32_t) = (wyn_int (*)(int32_t))rt_ffi_callback(&f, "li");
    enum { T = 4, ITERS = 50000 };
    pthread_t th[T];
    ThreadArg arg = {cb, ITERS};
    for (int i = 0; i < T; i++)
        CHECK(pthread_create(&th[i], NULL, thread_main, &arg) == 0);
    for (int i = 0; i < T; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ(total, (wyn_int)T * ITERS);
#undef total
}

/* callbacks created concurrently from several threads */

static void *make_callbacks(void *p)
{
    wyn_int *total = p;
    for (int i = 0; i < 200; i++) {
        WynFn f = {(void *)add_to, total};
        wyn_int (*cb)(int32_t) = (wyn_int (*)(int32_t))rt_ffi_callback(&f, "li");
        cb(1);
    }
    return NULL;
}

static void test_concurrent_creation(void)
{
    wyn_int *total = BOX(wyn_int);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, make_callbacks, total);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ(*total, 800);
}

/* The same (fn, env, sig) gives the same closure back; anything else a new
 * one.  Enough distinct ones to grow the table several times, from several
 * threads at once. */
enum { NCB = 1500 };
static wyn_int *cache_cells[NCB];
static void *cache_ptrs[4][NCB];

static void *make_many(void *p)
{
    void **out = p;
    for (int i = 0; i < NCB; i++) {
        WynFn f = {(void *)add_to, cache_cells[i]};
        out[i] = rt_ffi_callback(&f, "li");
        ((wyn_int (*)(int32_t))out[i])(1);
    }
    return NULL;
}

static void test_cache(void)
{
    wyn_int *a = BOX(wyn_int), *b = BOX(wyn_int);
    WynFn fa = {(void *)add_to, a}, fb = {(void *)add_to, b};
    WynFn fc = {(void *)id_int, a};
    for (int i = 0; i < NCB; i++)
        cache_cells[i] = BOX(wyn_int);
    void *pa = rt_ffi_callback(&fa, "li");
    CHECK(rt_ffi_callback(&fa, "li") == pa);
    char sig[] = "li";   /* compared by content, not by address */
    CHECK(rt_ffi_callback(&fa, sig) == pa);
    CHECK(rt_ffi_callback(&fb, "li") != pa);
    CHECK(rt_ffi_callback(&fa, "ll") != pa);
    CHECK(rt_ffi_callback(&fc, "li") != pa);

    pthread_t th[4];
    for (int t = 0; t < 4; t++)
        pthread_create(&th[t], NULL, make_many, cache_ptrs[t]);
    for (int t = 0; t < 4; t++)
        pthread_join(th[t], NULL);
    for (int i = 0; i < NCB; i++) {
        CHECK_EQ(*cache_cells[i], 4);
        for (int t = 1; t < 4; t++)
            if (cache_ptrs[t][i] != cache_ptrs[0][i]) {
                CHECK(!"threads got different closures for one key");
                t = 4;
                i = NCB;
            }
    }
    for (int i = 1; i < NCB; i++)
        CHECK(cache_ptrs[0][i] != cache_ptrs[0][i - 1]);
}

/* ------------------------------------------------------- libs and syms */

static void test_libs(void)
{
    void *libm = rt_ffi_lib("libm.so.6", 0);
    CHECK(libm != NULL);
    double (*sq)(double) = (double (*)(double))rt_ffi_sym(libm, "libm.so.6", "sqrt", 0);
    CHECK(sq(16.0) == 4.0);

    void *self = rt_ffi_lib(NULL, 0);
    CHECK(self != NULL);
    double (*pw)(double, double) = (double (*)(double, double))rt_ffi_sym(self, NULL, "pow", 0);
    CHECK(pw(2.0, 10.0) == 1024.0);
    double (*fl)(double) = (double (*)(double))rt_ffi_sym(self, NULL, "floor", 0);
    CHECK(fl(3.7) == 3.0);
    double (*sq2)(double) = (double (*)(double))rt_ffi_sym(self, NULL, "sqrt", 0);
    CHECK(sq2(2.25) == 1.5);
    size_t (*sl)(const char *) = (size_t (*)(const char *))rt_ffi_sym(self, NULL, "strlen", 0);
    CHECK_EQ(sl("hello"), 5);
    int (*ab)(int) = (int (*)(int))rt_ffi_sym(NULL, NULL, "abs", 0);
    CHECK_EQ(ab(-12), 12);
    /* a runtime symbol of the process itself */
    CHECK(rt_ffi_sym(self, NULL, "qsort", 0) == (void *)qsort);
}

/* Runs fn in a child; returns its exit status and its stderr in err. */
static int in_child(void (*fn)(void), char *err, size_t size)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        fn();
        _exit(0);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t r;
    while (n < size - 1 && (r = read(fds[0], err + n, size - 1 - n)) > 0)
        n += (size_t)r;
    err[n] = 0;
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void load_missing(void) { rt_ffi_lib("libdoesnotexist.so.9", 0); }
static void sym_missing_lib(void)
{
    rt_ffi_sym(rt_ffi_lib("libm.so.6", 0), "libm.so.6", "no_such_fn_xyz", 0);
}
static void sym_missing_process(void)
{
    rt_ffi_sym(rt_ffi_lib(NULL, 0), NULL, "no_such_fn_xyz", 0);
}
static void bad_signature(void)
{
    WynFn f = {(void *)bump, NULL};
    rt_ffi_callback(&f, "iq");
}
static void read_null(void) { rt_ptr_read_int(NULL, 0); }

static void test_errors(void)
{
    char err[2048];
    CHECK_EQ(in_child(load_missing, err, sizeof err), 1);
    CHECK(strstr(err, "error: cannot load library libdoesnotexist.so.9: ") != NULL);
    CHECK_EQ(in_child(sym_missing_lib, err, sizeof err), 1);
    CHECK(strstr(err, "error: symbol no_such_fn_xyz not found in libm.so.6") != NULL);
    CHECK_EQ(in_child(sym_missing_process, err, sizeof err), 1);
    CHECK(strstr(err, "error: symbol no_such_fn_xyz not found in the C library") != NULL);
    CHECK_EQ(in_child(bad_signature, err, sizeof err), 1);
    CHECK(strstr(err, "bad foreign callback signature \"iq\"") != NULL);
    CHECK_EQ(in_child(read_null, err, sizeof err), 1);
    CHECK(strstr(err, "Ptr.read_int on a null pointer") != NULL);
}

/* ------------------------------------------------------------------ Ptr */

static void test_ptr(void)
{
    unsigned char *p = rt_ptr_alloc(64);
    for (int i = 0; i < 64; i++)
        CHECK_EQ(p[i], 0);
    CHECK_EQ(rt_ptr_read_int(p, 8), 0);
    rt_ptr_write_int(p, 8, 123456789);
    CHECK_EQ(rt_ptr_read_int(p, 8), 123456789);
    rt_ptr_write_int(p, 3, -42);   /* unaligned */
    CHECK_EQ(rt_ptr_read_int(p, 3), -42);
    rt_ptr_write_float(p, 16, 2.5);
    CHECK(rt_ptr_read_float(p, 16) == 2.5);
    rt_ptr_write_float(p, 33, -0.125);
    CHECK(rt_ptr_read_float(p, 33) == -0.125);
    double dv;
    memcpy(&dv, p + 16, 8);
    CHECK(dv == 2.5);
    /* negative offsets from a pointer into the block */
    CHECK(rt_ptr_read_float(p + 24, -8) == 2.5);

    memcpy(p + 48, "naïve", sizeof "naïve");
    WynStr *s = rt_ptr_string(p + 48);
    CHECK(strcmp(s->data, "naïve") == 0);
    CHECK_EQ(s->len, (wyn_int)strlen("naïve"));
    p[48] = 'N';
    CHECK(s->data[0] == 'n');   /* a copy */
    WynStr *e = rt_ptr_string(NULL);
    CHECK(e && e->len == 0 && e->data[0] == 0);
    rt_ptr_free(p);

    void *z = rt_ptr_alloc(0);
    CHECK(z != NULL);
    rt_ptr_free(z);
    void *neg = rt_ptr_alloc(-5);
    CHECK(neg != NULL);
    rt_ptr_free(neg);
    rt_ptr_free(NULL);
}

int main(void)
{
    test_qsort();
    test_letters();
    test_many_args();
    test_register_limits();
    test_void();
    test_threads();
    test_concurrent_creation();
    test_cache();
    test_libs();
    test_ptr();
    test_errors();
    if (rt_test_failures) {
        fprintf(stderr, "test_ffi: %d failure(s)\n", rt_test_failures);
        return 1;
    }
    /* Once more with every callback on the general ffi_call path. */
    if (!getenv("WYN_FFI_NO_DIRECT")) {
        printf("test_ffi: ok (direct calls); again with WYN_FFI_NO_DIRECT=1\n");
        fflush(stdout);
        setenv("WYN_FFI_NO_DIRECT", "1", 1);
        char *argv[] = {(char *)"test_ffi", NULL};
        execv("/proc/self/exe", argv);
        perror("execv");
        return 1;
    }
    printf("test_ffi: ok\n");
    return 0;
}
