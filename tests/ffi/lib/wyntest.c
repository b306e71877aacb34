/*
 * wyntest.c — a tiny C library for the FFI tests that libc cannot cover:
 * _Bool results and parameters, float callbacks, callbacks from other
 * threads, callbacks with many arguments, structs by pointer, and functions
 * with more arguments than registers.  Built into a temporary .so by
 * tests/shell/test_ffi_lib.sh (cc -shared -fPIC ... -lpthread).
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- bool ---------------------------------------------------------------- */
_Bool wt_is_even(long long x) { return x % 2 == 0; }
_Bool wt_not(_Bool b) { return !b; }
int wt_bool_to_int(_Bool b) { return b ? 1 : 0; }
_Bool wt_all3(_Bool a, _Bool b, _Bool c) { return a && b && c; }

/* ---- scalar edge values -------------------------------------------------- */
unsigned wt_u32_max(void) { return 4294967295u; }
int wt_i32_min(void) { return INT32_MIN; }
unsigned wt_u32_echo(unsigned x) { return x; }
int wt_i32_echo(int x) { return x; }
int64_t wt_i64_min(void) { return INT64_MIN; }
float wt_f32_third(void) { return 1.0f / 3.0f; }
float wt_f32_scale(float x, float k) { return x * k; }
double wt_mix(int a, float b, double c, _Bool d, long long e) { return a + b + c + (d ? 1000 : 0) + e; }

/* More arguments than registers: 8 integers and 10 doubles. */
long long wt_sum8(long long a, long long b, long long c, long long d,
                  long long e, long long f, long long g, long long h)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h;
}
double wt_sum10d(double a, double b, double c, double d, double e,
                 double f, double g, double h, double i, double j)
{
    return a + b + c + d + e + f + g + h + i + 10 * j;
}

/* ---- strings ------------------------------------------------------------- */
const char *wt_greet(const char *who)
{
    static __thread char buf[256];
    snprintf(buf, sizeof buf, "hello, %s!", who);
    return buf;
}
const char *wt_null_string(void) { return NULL; }
long long wt_count_utf8(const char *s)  /* code points */
{
    long long n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}
/* Calls f with each space-separated word of s. */
void wt_each_word(const char *s, void (*f)(const char *))
{
    char word[256];
    while (*s) {
        while (*s == ' ')
            s++;
        size_t n = 0;
        while (s[n] && s[n] != ' ' && n < sizeof word - 1)
            n++;
        if (!n)
            break;
        memcpy(word, s, n);
        word[n] = 0;
        f(word);
        s += n;
    }
}
/* Returns what f makes of s, twice, joined by '|'. */
const char *wt_twice(const char *(*f)(const char *), const char *s)
{
    static char buf[512];
    char first[256];
    snprintf(first, sizeof first, "%s", f(s));
    snprintf(buf, sizeof buf, "%s|%s", first, f(first));
    return buf;
}

/* ---- callbacks ----------------------------------------------------------- */
long long wt_call_n(long long (*f)(long long), long long n)
{
    long long sum = 0;
    for (long long i = 0; i < n; i++)
        sum += f(i);
    return sum;
}
double wt_integrate(double (*f)(double), double a, double b, int steps)
{
    double h = (b - a) / steps, s = 0;
    for (int i = 0; i < steps; i++)
        s += f(a + (i + 0.5) * h) * h;
    return s;
}
float wt_apply_f32(float (*f)(float), float x) { return f(x); }
int wt_count_if(const long long *xs, int n, _Bool (*pred)(long long))
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += pred(xs[i]);
    return c;
}
void wt_call_void(void (*f)(void), int times)
{
    for (int i = 0; i < times; i++)
        f();
}
unsigned wt_call_u32(unsigned (*f)(unsigned), unsigned x) { return f(x); }
double wt_call_mixed(double (*f)(int, float, _Bool, const char *, double))
{
    return f(-7, 0.5f, 1, "ünï", 2.25);
}
long long wt_call7(long long (*f)(long long, long long, long long, long long,
                                  long long, long long, long long))
{
    return f(1, 2, 3, 4, 5, 6, 7);
}
double wt_call10d(double (*f)(double, double, double, double, double,
                              double, double, double, double, double))
{
    return f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
}
void *wt_call_ptr(void *(*f)(void *), void *p) { return f(p); }

/* ---- callbacks from other threads -------------------------------------- */
typedef struct {
    long long (*f)(long long);
    long long from, n, sum;
} Job;

static void *run_job(void *arg)
{
    Job *j = arg;
    for (long long i = 0; i < j->n; i++)
        j->sum += j->f(j->from + i);
    return NULL;
}
/* One new thread calls f(x) once; returns the result. */
long long wt_call_in_thread(long long (*f)(long long), long long x)
{
    Job j = {f, x, 1, 0};
    pthread_t t;
    if (pthread_create(&t, NULL, run_job, &j))
        return -1;
    pthread_join(t, NULL);
    return j.sum;
}
/* nthreads threads at once, each calling f `per` times. */
long long wt_threads(long long (*f)(long long), int nthreads, long long per)
{
    Job jobs[64];
    pthread_t ts[64];
    if (nthreads > 64)
        nthreads = 64;
    for (int i = 0; i < nthreads; i++) {
        jobs[i] = (Job){f, i * per, per, 0};
        pthread_create(&ts[i], NULL, run_job, &jobs[i]);
    }
    long long total = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(ts[i], NULL);
        total += jobs[i].sum;
    }
    return total;
}
/* A thread that outlives the call: started now, joined by wt_join_later. */
static pthread_t later;
static Job later_job;
int wt_start_later(long long (*f)(long long), long long x)
{
    later_job = (Job){f, x, 1, 0};
    return pthread_create(&later, NULL, run_job, &later_job);
}
long long wt_join_later(void)
{
    pthread_join(later, NULL);
    return later_job.sum;
}

/* ---- structs by pointer -------------------------------------------------- */
typedef struct {
    long long x, y;
    double w;
    int tag;
    _Bool flag;
} Point;

Point *wt_point_new(long long x, long long y, double w)
{
    static Point pool[16];
    static int next;
    Point *p = &pool[next++ % 16];
    *p = (Point){x, y, w, 7, 1};
    return p;
}
void wt_point_init(Point *p, long long x, long long y, double w)
{
    *p = (Point){x, y, w, 9, 0};
}
double wt_point_norm(const Point *p) { return sqrt((double)(p->x * p->x + p->y * p->y)) * p->w; }
long long wt_point_size(void) { return sizeof(Point); }
void wt_point_scale(Point *p, long long k) { p->x *= k; p->y *= k; p->w *= k; }
