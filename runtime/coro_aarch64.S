/*
 * coro_aarch64.S — the coroutine context switch (AArch64, AAPCS64, Linux).
 *
 * Owned by the concurrency runtime (see rt_sched_internal.h, sched.c).  The
 * same contract as coro_x86_64.S; only the register file differs.  The
 * GNUmakefile assembles the one for the target (`$(CC) -dumpmachine`); each
 * is also empty except on its own architecture, for scripts that assemble
 * every runtime .S file (tests/sanitize.sh, tests/fuzz).
 *
 *   void rt_coro_switch(void **save_sp, void *load_sp);
 *       Stores the callee-saved state of AAPCS64 in a 176-byte frame below
 *       sp, stores sp in *save_sp, loads load_sp and restores the same
 *       frame from there.  Callee-saved means: x19-x28, the frame pointer
 *       x29, the link register x30 (our return address: `ret` after the
 *       reload goes back into the other coroutine), and the low 64 bits of
 *       v8-v15, i.e. d8-d15 (AAPCS64 5.1.2: only those bits; the upper
 *       halves and v0-v7, v16-v31 are caller-saved, so the C compiler has
 *       already dealt with them because the switch is an ordinary call for
 *       both sides).  Plus FPCR, the FP control register (rounding mode,
 *       flush-to-zero, default NaN): the AArch64 counterpart of the MXCSR /
 *       x87 control word that the x86-64 switch keeps per coroutine, so a
 *       coroutine that changes its rounding mode does not change another's
 *       (../shared/notes/libtcc.md Q5).
 *
 *       Not saved, and why:
 *         x0-x17     caller-saved (argument / scratch / IP0 IP1).
 *         x18        the platform register; on Linux user space it is an
 *                    ordinary temporary, not callee-saved.
 *         FPSR       status (sticky exception flags), not control: AAPCS64
 *                    does not preserve it across calls either.
 *         TPIDR_EL0  the thread pointer belongs to the worker thread, and a
 *                    coroutine never leaves its worker (sched.c, Ownership).
 *         NZCV       flags are never live across a call.
 *
 *   Frame layout (offsets from the saved sp; 176 bytes keeps sp 16-byte
 *   aligned, which AArch64 checks in hardware for sp-relative accesses):
 *
 *       0  x19  x20        96  d8   d9
 *      16  x21  x22       112  d10  d11
 *      32  x23  x24       128  d12  d13
 *      48  x25  x26       144  d14  d15
 *      64  x27  x28       160  FPCR  (8 bytes of padding at 168)
 *      80  x29  x30
 *
 *   rt_coro_boot: first activation of a fresh coroutine.  The initial frame
 *       built by rt_stack_init_frame (stack.c) is the layout above placed
 *       right under the 16-byte aligned top of the run stack, with
 *       x19 = arg (the Coro), x20 = fn, x29 = 0 (ends the frame-record chain
 *       for debuggers and backtraces), x30 = &rt_coro_boot, FPCR = the
 *       creator's, everything else 0.  The switch's `ret` then lands here
 *       with sp == top, 16-byte aligned, so fn gets an ABI-aligned stack.
 *       fn never returns (it switches away for good).
 */
#if defined(__aarch64__)

#define FRAME 176

/* Branch Target Identification / return-address signing.  When the
 * compiler builds everything with -mbranch-protection, every object must
 * say so in a GNU property note or the linker silently turns the feature
 * off for the whole program (so link only this file, not the empty
 * coro_x86_64.o, on AArch64); functions that can be reached by an indirect
 * branch then need a `bti c` landing pad (hint #34 is a NOP on cores
 * without BTI).  Nothing here signs x30: the saved x30 is the plain return
 * address our caller's `bl` produced, and `ret` is not a BTI-checked
 * branch, so rt_coro_boot needs no landing pad. */
#if defined(__ARM_FEATURE_BTI_DEFAULT) && __ARM_FEATURE_BTI_DEFAULT
#define BTI_C hint #34
#define PROP_BTI 1
#else
#define BTI_C
#define PROP_BTI 0
#endif
#if defined(__ARM_FEATURE_PAC_DEFAULT) && __ARM_FEATURE_PAC_DEFAULT
#define PROP_PAC 2
#else
#define PROP_PAC 0
#endif

    .text
    .p2align 4
    .globl  rt_coro_switch
    .hidden rt_coro_switch
    .type   rt_coro_switch, %function
rt_coro_switch:
    .cfi_startproc
    BTI_C
    /* Save: one pre-indexed store opens the frame, then pairs.  The CFI
     * notes let a debugger unwind through a coroutine parked here; after
     * the sp swap below they describe the other coroutine's frame, which
     * has the same layout, so they stay true. */
    stp     x19, x20, [sp, #-FRAME]!
    .cfi_def_cfa_offset FRAME
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    .cfi_offset x29, -(FRAME - 80)
    .cfi_offset x30, -(FRAME - 88)
    stp     d8,  d9,  [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]
    mrs     x9, fpcr
    str     x9, [sp, #160]
    /* sp cannot be the source of a store (register 31 there means xzr),
     * hence the detour through x10.  x9-x15 are scratch. */
    mov     x10, sp
    str     x10, [x0]
    mov     sp, x1
    /* Write FPCR only when it differs: an FPCR write may synchronize the
     * FP pipeline on some cores, and the two almost never differ. */
    ldr     x9, [sp, #160]
    mrs     x10, fpcr
    cmp     x9, x10
    b.eq    1f
    msr     fpcr, x9
1:  ldp     d8,  d9,  [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     x19, x20, [sp], #FRAME
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    ret
    .cfi_endproc
    .size   rt_coro_switch, .-rt_coro_switch

    .p2align 4
    .globl  rt_coro_boot
    .hidden rt_coro_boot
    .type   rt_coro_boot, %function
rt_coro_boot:
    .cfi_startproc
    /* No caller: unwinders stop here. */
    .cfi_undefined x30
    mov     x0, x19
    blr     x20
    brk     #0x3c           /* fn returned: trap (x86-64: ud2) */
    .cfi_endproc
    .size   rt_coro_boot, .-rt_coro_boot

#if PROP_BTI || PROP_PAC
    /* GNU_PROPERTY_AARCH64_FEATURE_1_AND (see the BTI note above). */
    .pushsection .note.gnu.property, "a"
    .balign 8
    .long   4               /* name size */
    .long   16              /* descriptor size */
    .long   5               /* NT_GNU_PROPERTY_TYPE_0 */
    .asciz  "GNU"
    .long   0xc0000000      /* GNU_PROPERTY_AARCH64_FEATURE_1_AND */
    .long   4               /* data size */
    .long   PROP_BTI | PROP_PAC
    .long   0               /* pad to 8 */
    .popsection
#endif

#endif /* __aarch64__ */

/* Outside the #if on purpose: even the empty object on other architectures
 * must say that it needs no executable stack, or the linker assumes it
 * does. */
    .section .note.GNU-stack,"",%progbits
