/* jit.c — in-memory compilation with libtcc (see jit.h). */
#include "jit.h"
#include "rt_symbols.h"
#include "wyn_rt.h"
#include <libtcc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Under AddressSanitizer (tests/leaks.sh), LeakSanitizer must see the
 * generated program's globals as roots: they live in our own mapping, which
 * it does not scan by itself. */
#if defined(__SANITIZE_ADDRESS__)
#define WYN_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WYN_LSAN 1
#endif
#endif
#ifdef WYN_LSAN
#include <sanitizer/lsan_interface.h>
#endif

static void on_tcc_error(void *opaque, const char *msg)
{
    (void)opaque;
    if (strstr(msg, "warning:"))
        return; /* generated code may trip tcc's pickier warnings: harmless */
    /* generated code must always compile: this is our bug, not the user's */
    fprintf(stderr, "wyn: internal error: generated C was rejected by tcc: %s\n", msg);
}

int jit_run(char *c_source, int argc, char **argv)
{
    TCCState *s = tcc_new();
    if (!s) {
        fputs("wyn: cannot start libtcc\n", stderr);
        return 1;
    }
    tcc_set_error_func(s, NULL, on_tcc_error);
    tcc_set_options(s, "-nostdlib -nostdinc");
    tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
    tcc_define_symbol(s, "WYN_JIT", "1");
    for (const WynSymbol *sym = wyn_rt_symbols; sym->name; sym++)
        if (sym->addr)
            tcc_add_symbol(s, sym->name, sym->addr);
    size_t hl = strlen(wyn_rt_header), sl = strlen(c_source);
    char *unit = malloc(hl + sl + 2);
    if (!unit) {
        free(c_source);
        return 1;
    }
    memcpy(unit, wyn_rt_header, hl);
    memcpy(unit + hl, c_source, sl + 1);
    free(c_source);
    if (tcc_compile_string(s, unit) < 0) {
        free(unit);
        tcc_delete(s);
        return 1;
    }
    free(unit);
    /* relocate into memory we own, so code stays valid for the whole run
     * (coroutines and callbacks may outlive any tcc state) */
    int size = tcc_relocate(s, NULL);
    if (size < 0) {
        tcc_delete(s);
        return 1;
    }
    void *mem = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED || tcc_relocate(s, mem) < 0) {
        fputs("wyn: cannot place generated code in memory\n", stderr);
        tcc_delete(s);
        return 1;
    }
#ifdef WYN_LSAN
    __lsan_register_root_region(mem, (size_t)size);
#endif
    const WynProgram *prog = tcc_get_symbol(s, "wyn_program");
    tcc_delete(s);
    if (!prog) {
        fputs("wyn: internal error: no program entry\n", stderr);
        return 1;
    }
    return rt_main(prog, argc, argv);
}
