/*
 * handle.h — the handle registry (handle.c): the one place where an int
 * handle becomes an object pointer.  For runtime files and library
 * modules (channels, futures, shared cells, Db, Csv, File.open, ...);
 * generated code only sees the rt_*_to_int / rt_*_of_int wrappers declared
 * in wyn_rt.h.  runtime/README.md, "Handles", explains the design.
 *
 * A handle is an int64 (gen << 32) | index: the index of a registry slot
 * and the generation that slot had when the handle was made.  Generations
 * start at 1, so every int below 2^32 (and every negative one) is forged;
 * releasing a slot bumps its generation, so an old int is stale for ever
 * (until 2^31 reuses of the same slot).
 */
#ifndef WYN_HANDLE_H
#define WYN_HANDLE_H
#include <stdint.h>
#include "wyn_rt.h"

/* A kind of handle: one static object per kind, compared by address.
 * `name` is the noun used in messages ("channel", "future", "database"). */
typedef struct RtHandleKind {
    const char *name;
} RtHandleKind;

extern const RtHandleKind rt_hk_future, rt_hk_channel, rt_hk_shared;

/* A new handle for obj.  `type` names what the object carries or gives
 * (the element type of a channel, the result type of a future: "int",
 * "string", "[Point]"; NULL when the kind has no type).  The string must
 * live as long as the handle (generated code passes literals).  Never
 * returns 0; runs out only at 2^26 live handles ("too many handles"). */
wyn_int rt_handle_new(const RtHandleKind *kind, const char *type, void *obj);

/* The object behind h, checked: h must be a live handle of `kind` and, when
 * both `type` and the handle's type are non-NULL, of that type.  Any
 * mismatch is the runtime error "WHAT: ..." at loc (what: "Task.recv",
 * "Db.query"; see the messages in handle.c).  Lock-free. */
void *rt_handle_get(wyn_int h, const RtHandleKind *kind, const char *type,
                    const char *what, wyn_loc loc);

/* Like rt_handle_get but never fails: 1 and kind, type and obj filled when h
 * is a live handle, 0 otherwise (for calls that accept several kinds, like
 * Net.close). */
int rt_handle_peek(wyn_int h, const RtHandleKind **kind, const char **type,
                   void **obj);

/* Ends h: later uses are "stale handle" errors.  Releasing a handle that
 * is not live is ignored (closing twice is the caller's error to report,
 * through rt_handle_get before it releases). */
void rt_handle_release(wyn_int h);

/* The one handle of obj: made on first use, the same int afterwards (so
 * that converting a typed future twice gives equal ints).  For objects
 * that do not store their handle themselves; rt_handle_forget(obj) releases
 * it (if any) when obj dies.  Both take the registry's write lock. */
wyn_int rt_handle_intern(const RtHandleKind *kind, const char *type, void *obj);
void rt_handle_forget(void *obj);

/* Live handles right now (tests). */
wyn_int rt_handle_live(void);

#endif
