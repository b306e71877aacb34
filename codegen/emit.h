/*
 * emit.h — typed program → one C translation unit, written into memory.
 *
 * The text uses only wyn_rt.h (no system headers).  For the JIT the
 * driver compiles it with WYN_JIT defined and calls rt_main itself; for
 * --emit-c the unit carries its own main().
 */
#ifndef WYN_EMIT_H
#define WYN_EMIT_H
#include "check.h"
#include "own.h"

typedef int wyn_loc_t;

/* Returns the generated C (malloc'd, NUL-terminated).  own: the facts of
 * the ownership analysis (own_analyze) over the same program.  for_tcc: the text
 * is only for libtcc, which evaluates operands and arguments left to
 * right, so no temporaries are needed to fix the order (gcc evaluates
 * arguments right to left). */
char *emit_program(Program *prog, const OwnFacts *own, int for_tcc);

#endif
