/* test_coro_switch.c — the context switch itself (runtime/coro_*.S), on
 * whatever architecture this is built for: make test runs it natively and
 * tests/shell/test_aarch64.sh runs it on AArch64 under qemu.
 *
 * Raw part (rt_coro_switch on run stacks from rt_stack_map, no scheduler):
 *   1. every callee-saved register survives a switch in both directions,
 *      checked by an assembly helper that loads known bit patterns into
 *      them, switches away while another coroutine loads different ones,
 *      and reads them back after the switch returns.  AArch64: x19-x29 and
 *      d8-d15; x86-64: rbx, rbp, r12-r15.  Would fail if the switch forgot
 *      any of them (the compiler cannot paper over it: the values live
 *      only in the registers).  A fresh coroutine starts with a 16-byte
 *      aligned stack and can call varargs/FP libc code.  The FP rounding
 *      mode (MXCSR + x87 control word / FPCR) is per coroutine.
 *   2. 1 000 000 switches between two coroutines, each keeping integer and
 *      floating-point state live across every switch.
 *   3. deep recursion (1 000 000 frames) inside a coroutine that switches
 *      away at the bottom while another coroutine recurses on its own
 *      stack, then both unwind.
 * Scheduler part: two tasks yield to each other 250 000 times each with
 * floating-point values live across the yields (~1 000 000 switches), for
 * WYN_THREADS 1, 2 and 4.
 *
 * Under ASan/TSan (make sanitize) only the scheduler part runs: the raw
 * switches bypass the fiber annotations that sched.c makes. */
#include "rt_test.h"
#include "rt_sched_internal.h"
#include <fenv.h>
#include <stdint.h>

/* ------------------------------------------------------------------
 * t_fill_switch(save, load, in, out): load the callee-saved registers from
 * in[], rt_coro_switch(save, load), store the same registers to out[] once
 * the switch returns, restore the caller's values and return.  An ordinary
 * ABI-conforming function for its C caller. */
void t_fill_switch(void **save, void *load, const uint64_t *in, uint64_t *out);

#if defined(__aarch64__)
#define NREG 19   /* x19-x28, x29 (the frame pointer), d8-d15 */
static const char *const reg_names[NREG] = {
    "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
    "x29", "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15" };
__asm__(
    "    .text\n"
    "    .p2align 2\n"
    "    .globl t_fill_switch\n"
    "    .type t_fill_switch, %function\n"
    "t_fill_switch:\n"
    "    stp x29, x30, [sp, #-176]!\n"
    "    stp x19, x20, [sp, #16]\n"
    "    stp x21, x22, [sp, #32]\n"
    "    stp x23, x24, [sp, #48]\n"
    "    stp x25, x26, [sp, #64]\n"
    "    stp x27, x28, [sp, #80]\n"
    "    stp d8,  d9,  [sp, #96]\n"
    "    stp d10, d11, [sp, #112]\n"
    "    stp d12, d13, [sp, #128]\n"
    "    stp d14, d15, [sp, #144]\n"
    "    str x3, [sp, #160]\n"          /* out: x3 is not preserved */
    "    ldp x19, x20, [x2, #0]\n"
    "    ldp x21, x22, [x2, #16]\n"
    "    ldp x23, x24, [x2, #32]\n"
    "    ldp x25, x26, [x2, #48]\n"
    "    ldp x27, x28, [x2, #64]\n"
    "    ldr x29, [x2, #80]\n"         /* x29 saved above; any value will do */
    "    ldp d8,  d9,  [x2, #88]\n"
    "    ldp d10, d11, [x2, #104]\n"
    "    ldp d12, d13, [x2, #120]\n"
    "    ldp d14, d15, [x2, #136]\n"
    "    bl rt_coro_switch\n"
    "    ldr x3, [sp, #160]\n"
    "    stp x19, x20, [x3, #0]\n"
    "    stp x21, x22, [x3, #16]\n"
    "    stp x23, x24, [x3, #32]\n"
    "    stp x25, x26, [x3, #48]\n"
    "    stp x27, x28, [x3, #64]\n"
    "    str x29, [x3, #80]\n"
    "    stp d8,  d9,  [x3, #88]\n"
    "    stp d10, d11, [x3, #104]\n"
    "    stp d12, d13, [x3, #120]\n"
    "    stp d14, d15, [x3, #136]\n"
    "    ldp x19, x20, [sp, #16]\n"
    "    ldp x21, x22, [sp, #32]\n"
    "    ldp x23, x24, [sp, #48]\n"
    "    ldp x25, x26, [sp, #64]\n"
    "    ldp x27, x28, [sp, #80]\n"
    "    ldp d8,  d9,  [sp, #96]\n"
    "    ldp d10, d11, [sp, #112]\n"
    "    ldp d12, d13, [sp, #128]\n"
    "    ldp d14, d15, [sp, #144]\n"
    "    ldp x29, x30, [sp], #176\n"
    "    ret\n"
    "    .size t_fill_switch, .-t_fill_switch\n");
#elif defined(__x86_64__)
#define NREG 6    /* rbx, rbp, r12-r15 (SysV: every xmm is caller-saved) */
static const char *const reg_names[NREG] = {
    "rbx", "rbp", "r12", "r13", "r14", "r15" };
__asm__(
    "    .text\n"
    "    .p2align 4\n"
    "    .globl t_fill_switch\n"
    "    .type t_fill_switch, @function\n"
    "t_fill_switch:\n"               /* rdi save, rsi load, rdx in, rcx out */
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    pushq %rcx\n"                  /* 7 pushes: rsp % 16 == 0 at the call */
    "    movq 0(%rdx), %rbx\n"
    "    movq 8(%rdx), %rbp\n"
    "    movq 16(%rdx), %r12\n"
    "    movq 24(%rdx), %r13\n"
    "    movq 32(%rdx), %r14\n"
    "    movq 40(%rdx), %r15\n"
    "    call rt_coro_switch\n"
    "    popq %rcx\n"
    "    movq %rbx, 0(%rcx)\n"
    "    movq %rbp, 8(%rcx)\n"
    "    movq %r12, 16(%rcx)\n"
    "    movq %r13, 24(%rcx)\n"
    "    movq %r14, 32(%rcx)\n"
    "    movq %r15, 40(%rcx)\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    ret\n"
    "    .size t_fill_switch, .-t_fill_switch\n");
#else
#error "test_coro_switch.c: no register helper for this architecture"
#endif

#if !defined(RT_ASAN) && !defined(RT_TSAN)
/* ------------------------------------------------------------------ raw */
typedef struct {
    RunStack rs;
    Coro co;
} RawCoro;

static void *g_main_sp;

static void raw_init(RawCoro *c, size_t size, void (*fn)(Coro *))
{
    memset(c, 0, sizeof *c);
    if (rt_stack_map(&c->rs, size, 64 << 10) != 0) {
        fprintf(stderr, "rt_stack_map failed\n");
        exit(2);
    }
    rt_stack_init_frame(&c->rs, &c->co, fn);
}

static void raw_free(RawCoro *c) { rt_stack_unmap(&c->rs); }

/* Distinct bit patterns per coroutine and per round; the FP slots get
 * patterns that are valid doubles and NaN payloads alike (d registers are
 * loaded and stored as raw bits). */
static void pattern(uint64_t *p, unsigned who, unsigned round)
{
    for (int i = 0; i < NREG; i++)
        p[i] = 0x9E3779B97F4A7C15ull * (who * 64 + round * 8 + (unsigned)i + 1)
               ^ ((uint64_t)who << 56 | (uint64_t)i << 48);
}

static void check_regs(const char *what, const uint64_t *want, const uint64_t *got)
{
    for (int i = 0; i < NREG; i++)
        if (want[i] != got[i]) {
            fprintf(stderr, "%s: %s = %#llx after the switch, want %#llx\n", what,
                    reg_names[i], (unsigned long long)got[i],
                    (unsigned long long)want[i]);
            rt_test_failures++;
        }
}

/* -- 1. callee-saved registers */
static RawCoro ca, cb;
static uint64_t pa1[NREG], pa2[NREG], pb1[NREG], pm[NREG];
static uint64_t oa1[NREG], oa2[NREG], ob1[NREG], om[NREG];
static int g_aligned = 1;
static char g_printed[64];
static int g_round_a = -1, g_round_b = -1;

__attribute__((noinline)) static void note_alignment(void)
{
    /* The frame address is the value sp had in this function; it is
     * 16-byte aligned iff the coroutine's first frame was (the compiler
     * keeps the ABI alignment it assumes on entry). */
    if ((uintptr_t)__builtin_frame_address(0) & 15)
        g_aligned = 0;
}

static void regs_a(Coro *co)
{
    note_alignment();
    /* varargs + double formatting: needs an ABI-aligned stack on x86-64 */
    snprintf(g_printed, sizeof g_printed, "%.3f %d", 2.5, 7);
    fesetround(FE_TOWARDZERO);
    t_fill_switch(&ca.co.sp, cb.co.sp, pa1, oa1);   /* boots B */
    t_fill_switch(&ca.co.sp, cb.co.sp, pa2, oa2);   /* resumes B */
    g_round_a = fegetround();                       /* B set FE_UPWARD */
    rt_coro_switch(&ca.co.sp, g_main_sp);
    abort();
}

static void regs_b(Coro *co)
{
    note_alignment();
    g_round_b = fegetround();   /* the creator's mode, not A's */
    fesetround(FE_UPWARD);
    t_fill_switch(&cb.co.sp, ca.co.sp, pb1, ob1);   /* back into A */
    rt_coro_switch(&cb.co.sp, ca.co.sp);
    abort();
}

static void t_raw_regs(void)
{
    raw_init(&ca, 1 << 20, regs_a);
    raw_init(&cb, 1 << 20, regs_b);
    pattern(pa1, 1, 0);
    pattern(pa2, 1, 1);
    pattern(pb1, 2, 0);
    pattern(pm, 3, 0);
    /* main -> A -> B -> A -> B -> A -> main: each t_fill_switch returns
     * after the other side loaded its own patterns */
    t_fill_switch(&g_main_sp, ca.co.sp, pm, om);
    check_regs("main", pm, om);
    check_regs("A (1st switch)", pa1, oa1);
    check_regs("A (2nd switch)", pa2, oa2);
    check_regs("B (1st switch, returned by a plain switch)", pb1, ob1);
    CHECK(g_aligned);
    CHECK(strcmp(g_printed, "2.500 7") == 0);
    CHECK_EQ(g_round_a, FE_TOWARDZERO);
    CHECK_EQ(g_round_b, FE_TONEAREST);
    CHECK_EQ(fegetround(), FE_TONEAREST);
    raw_free(&ca);
    raw_free(&cb);
}

/* -- 2. a million switches */
#define PP_ROUNDS 500000            /* 2 switches a round */
static RawCoro cp, cq;
static int g_turn;
static long g_pp_errors;
static double g_pp_acc[2];
static long g_pp_sum[2];

static void ping(Coro *co)
{
    double acc = 0, mul = 1.0;
    long sum = 0;
    for (long i = 0; i < PP_ROUNDS; i++) {
        if (g_turn != 0)
            g_pp_errors++;
        g_turn = 1;
        acc += 0.5;
        mul *= 1.0000001;
        sum += i;
        rt_coro_switch(&cp.co.sp, cq.co.sp);
    }
    rt_coro_switch(&cp.co.sp, cq.co.sp);    /* pong's loop ends */
    g_pp_acc[0] = acc + (mul > 1.05 && mul < 1.06 ? 0 : 1e9);
    g_pp_sum[0] = sum;
    rt_coro_switch(&cp.co.sp, g_main_sp);
    abort();
}

static void pong(Coro *co)
{
    double acc = 0;
    long sum = 0;
    for (long i = 0; i < PP_ROUNDS; i++) {
        if (g_turn != 1)
            g_pp_errors++;
        g_turn = 0;
        acc += 0.25;
        sum += 2 * i;
        rt_coro_switch(&cq.co.sp, cp.co.sp);
    }
    g_pp_acc[1] = acc;
    g_pp_sum[1] = sum;
    rt_coro_switch(&cq.co.sp, cp.co.sp);    /* ping then goes back to main */
    abort();
}

static void t_raw_pingpong(void)
{
    raw_init(&cp, 1 << 20, ping);
    raw_init(&cq, 1 << 20, pong);
    double t0 = rt_test_now();
    rt_coro_switch(&g_main_sp, cp.co.sp);
    double dt = rt_test_now() - t0;
    CHECK_EQ(g_pp_errors, 0);
    CHECK(g_pp_acc[0] == PP_ROUNDS * 0.5);
    CHECK(g_pp_acc[1] == PP_ROUNDS * 0.25);
    CHECK_EQ(g_pp_sum[0], (long)PP_ROUNDS * (PP_ROUNDS - 1) / 2);
    CHECK_EQ(g_pp_sum[1], (long)PP_ROUNDS * (PP_ROUNDS - 1));
    printf("  %d raw switches: %.1f ns each\n", 2 * PP_ROUNDS + 3,
           dt * 1e9 / (2 * PP_ROUNDS + 3));
    raw_free(&cp);
    raw_free(&cq);
}

/* -- 3. deep recursion across a switch */
#define DEEP 1000000
#define DEEP_OTHER 100000
static RawCoro cd, ce;
static long g_deep_res[2];

/* Not a tail call, not turned into a loop: the volatile read after the
 * call keeps the frame alive; the bottom frame switches away. */
__attribute__((noinline, noclone)) static long deep(long n, Coro *self, Coro *other)
{
    volatile long here = n;
    if (n == 0) {
        rt_coro_switch(&self->sp, other->sp);
        return 0;
    }
    long r = deep(n - 1, self, other);
    return r + here;
}

static void deep_d(Coro *co)
{
    g_deep_res[0] = deep(DEEP, &cd.co, &ce.co);     /* switches to E at the bottom */
    rt_coro_switch(&cd.co.sp, ce.co.sp);            /* let E unwind */
    abort();
}

static void deep_e(Coro *co)
{
    /* at E's bottom, go back to D, which unwinds its million frames */
    g_deep_res[1] = deep(DEEP_OTHER, &ce.co, &cd.co);
    rt_coro_switch(&ce.co.sp, g_main_sp);
    abort();
}

static void t_raw_deep(void)
{
    raw_init(&cd, (size_t)256 << 20, deep_d);   /* MAP_NORESERVE: pages on use */
    raw_init(&ce, (size_t)64 << 20, deep_e);
    rt_coro_switch(&g_main_sp, cd.co.sp);
    CHECK_EQ(g_deep_res[0], (long)DEEP * (DEEP + 1) / 2);
    CHECK_EQ(g_deep_res[1], (long)DEEP_OTHER * (DEEP_OTHER + 1) / 2);
    raw_free(&cd);
    raw_free(&ce);
}
#endif /* !sanitizers */

/* ------------------------------------------------------------ scheduler */
#define YIELDS 250000
static void yielder(void *args, void *res)
{
    wyn_int seed = *(wyn_int *)args;
    int n = rt_test_n(YIELDS);
    double a = (double)seed, b = 0.125 * (double)seed, c = 1.0;
    wyn_int s = 0;
    for (int i = 0; i < n; i++) {
        a += 1.0;
        b += 0.25;
        c *= 1.000001;
        s += seed;
        rt_task_yield();
    }
    /* c: the same operations in the same order as here, without yields */
    double c2 = 1.0;
    for (int i = 0; i < n; i++)
        c2 *= 1.000001;
    *(wyn_int *)res = (a == (double)seed + n && b == 0.125 * (double)seed + 0.25 * n &&
                       c == c2 && s == seed * n) ? 1 : 0;
}

static wyn_int t_sched_yield(void)
{
    wyn_int s1 = 3, s2 = 5;
    wyn_int f1 = rt_spawn(yielder, &s1, sizeof s1, sizeof(wyn_int), 1);
    wyn_int f2 = rt_spawn(yielder, &s2, sizeof s2, sizeof(wyn_int), 2);
    CHECK_EQ(*(const wyn_int *)rt_await(f1, 3), 1);
    CHECK_EQ(*(const wyn_int *)rt_await(f2, 4), 1);
    return 0;
}

int main(void)
{
#if !defined(RT_ASAN) && !defined(RT_TSAN)
    t_raw_regs();
    t_raw_pingpong();
    if (!(getenv("RT_TEST_NO_DEEP") && *getenv("RT_TEST_NO_DEEP")))
        t_raw_deep();
#endif
    FOR_EACH_THREADS({
        CHECK_EQ(rt_test_run(t_sched_yield), 0);
    });
    TEST_DONE("test_coro_switch");
}
