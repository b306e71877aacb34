/*
 * tier.h — the optimized tier: `wyn file.wyn` starts under libtcc, and the
 * same generated C is also compiled by `cc -O2` into a shared object kept
 * in the user's cache, so later runs of an unchanged script load the
 * optimized code instead of compiling.
 *
 * What this module owns:
 *   - the cache folder ($XDG_CACHE_HOME/wyn, else ~/.cache/wyn), its keys
 *     and its bound;
 *   - loading an entry (verified, so a corrupt one is ignored and rebuilt);
 *   - the background compile, started only when a script has run longer
 *     than TIER_DELAY_MS, killed with the process that started it.
 * It does not own running a program: callers hand a loaded WynProgram to
 * rt_main, exactly as jit_run does for tcc's code.
 *
 * Keys are a SHA-256 of content, never of modification times: the
 * generated C, the runtime contract (the embedded wyn_rt.h and its
 * version), the compiler (resolved path, size and inode of `cc`) and the
 * flags.  An entry is KEY.so plus KEY.sum, the SHA-256 of the .so; both
 * are written to temporary names and renamed into place, so concurrent
 * runs see either a whole entry or none.
 *
 * WYN_CACHE selects the mode: unset or "on" (the default above), "off"
 * (never read or write the cache), "sync" (compile before running, then
 * run the optimized code: used to run the whole test suite on that tier).
 * WYN_CACHE_MAX_MB bounds the folder (default 200; least recently used
 * entries go first).  WYN_CACHE_LOG=1 says on stderr which tier ran.
 */
#ifndef WYN_TIER_H
#define WYN_TIER_H

#include "wyn_rt.h"

typedef enum { TIER_OFF, TIER_ON, TIER_SYNC } TierMode;

/* The mode WYN_CACHE asks for; an unknown value is an error (exit 2). */
TierMode tier_mode(void);

/* Runs the program whose generated C (for cc, not the tcc variant) is
 * c_source (malloc'ed; freed here): from the cache when an entry exists,
 * else under libtcc while a background compile fills the cache.  Returns
 * the program's exit status. */
int tier_run(char *c_source, TierMode mode, int argc, char **argv);

/* `wyn cache clean`: removes every entry; returns an exit status. */
int tier_clean(void);

#endif
