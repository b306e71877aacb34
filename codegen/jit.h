/*
 * jit.h — the libtcc driver: compiles generated C in memory with
 * -nostdlib -nostdinc, hands over every runtime symbol with
 * tcc_add_symbol, and runs the program through rt_main.
 */
#ifndef WYN_JIT_H
#define WYN_JIT_H

/* Compiles c_source (malloc'ed; freed here) and runs it; returns the
 * program's exit status.  A tcc error
 * about generated code is a compiler bug: it is reported as such, exit 1. */
int jit_run(char *c_source, int argc, char **argv);

#endif
