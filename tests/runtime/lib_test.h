/*
 * lib_test.h — helpers for the standard library's C tests
 * (tests/runtime/test_lib_*.c): string shorthands and a check that a call
 * ends the process with a runtime error containing a given text.
 */
#ifndef LIB_TEST_H
#define LIB_TEST_H
#include "rt_test.h"
#include "io_test.h"
#include "lib_internal.h"

static inline WynStr *S(const char *s) { return rt_str_cstr(s); }

static inline int streq(WynStr *a, const char *b)
{
    return a && (size_t)a->len == strlen(b) && !memcmp(a->data, b, (size_t)a->len);
}

/* The i-th string of a [string]. */
static inline WynStr *at(WynArr *a, wyn_int i) { return ((WynStr **)a->data)[i]; }

static inline void lib_test_call(void *fn) { ((void (*)(void))fn)(); }

/* fn must end the process with status 1 and want in its stderr. */
#define CHECK_FAILS(fn, want) do { \
    char _err[2048]; \
    int _st = fork_capture(lib_test_call, (void *)(fn), _err, sizeof _err); \
    if (_st != 1 || !strstr(_err, want)) { \
        fprintf(stderr, "%s:%d: %s: status %d, stderr: %s(want: %s)\n", __FILE__, __LINE__, \
                #fn, _st, _err, want); \
        rt_test_failures++; } } while (0)

static inline void lib_test_init(void)
{
    static const char *const files[] = { "test.wyn" };
    static WynProgram prog = { files, 1, NULL, NULL, NULL, 0 };
    rt_set_program(&prog);
}
#endif
