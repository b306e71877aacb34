/*
 * coro_x86_64.S — the coroutine context switch (x86-64 System V).
 *
 * Owned by the concurrency runtime (see rt_sched_internal.h, sched.c).
 *
 *   void rt_coro_switch(void **save_sp, void *load_sp);
 *       Pushes the callee-saved registers (rbp rbx r12-r15) and the FP
 *       control state (x87 control word, MXCSR: each coroutine keeps its own
 *       rounding mode, see ../shared/notes/libtcc.md Q5), stores the stack
 *       pointer in *save_sp, loads load_sp and pops the same layout.
 *       Caller-saved registers are the C compiler's business: the switch is
 *       an ordinary function call for both sides.
 *
 *   rt_coro_boot: first activation of a fresh coroutine.  The initial frame
 *       built by rt_coro_init_frame (stack.c) holds, from the 16-byte
 *       aligned top downwards: &rt_coro_boot, rbp = 0, rbx, r12 = arg,
 *       r13 = fn, r14, r15, then 16 bytes of FCW/MXCSR.  `ret` lands here
 *       with rsp % 16 == 0, so the call below gives fn an ABI-aligned frame.
 *       fn never returns (it switches away for good).
 *
 * coro_aarch64.S is the same contract for AArch64.  The GNUmakefile
 * assembles the one for the target (`$(CC) -dumpmachine`); each is also
 * empty except on its own architecture, for scripts that assemble every
 * runtime .S file (tests/sanitize.sh, tests/fuzz).
 */
#if defined(__x86_64__)
    .text
    .globl  rt_coro_switch
    .hidden rt_coro_switch
    .type   rt_coro_switch, @function
rt_coro_switch:
    .cfi_startproc
    pushq   %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    subq    $16, %rsp
    stmxcsr 8(%rsp)
    fnstcw  (%rsp)
    /* Keep the values just saved in registers (eax, ecx: free, the switch
     * returns void) for the comparison below: stmxcsr costs ~7 ns on the
     * AMD EPYC we measure on, so it is done once per switch, not twice. */
    movl    8(%rsp), %eax
    movzwl  (%rsp), %ecx
    movq    %rsp, (%rdi)
    movq    %rsi, %rsp
    /* Reload the FP control state only when it differs (ldmxcsr/fldcw
     * cost several ns; they almost never differ). */
    cmpl    8(%rsp), %eax
    je      1f
    ldmxcsr 8(%rsp)
1:  cmpw    (%rsp), %cx
    je      2f
    fldcw   (%rsp)
2:  addq    $16, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    ret
    .cfi_endproc
    .size   rt_coro_switch, .-rt_coro_switch

    .globl  rt_coro_boot
    .hidden rt_coro_boot
    .type   rt_coro_boot, @function
rt_coro_boot:
    .cfi_startproc
    .cfi_undefined rip
    movq    %r12, %rdi
    callq   *%r13
    ud2
    .cfi_endproc
    .size   rt_coro_boot, .-rt_coro_boot
#endif /* __x86_64__ */

/* Outside the #if: even the empty object on other architectures must say
 * that it needs no executable stack, or the linker assumes it does. */
    .section .note.GNU-stack,"",%progbits
