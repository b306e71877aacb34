/*
 * lib_internal.h — shared by the standard-library files (runtime/lib_*.c)
 * and their tests.  Private to libwynrt: generated code sees only the
 * rt_* functions declared in wyn_rt.h.
 *
 * Errors.  Every library failure is a runtime error through lib_fail,
 * whose message names the call first ("Regex.match: ...", "Db.exec: ..."),
 * so a script's author sees which call failed and why.  The try_ forms
 * build the same text with lib_errmsg and hand it back instead.
 *
 * Handles.  Files opened with File.open, databases and CSV documents are
 * int handles (SPEC §11).  Their bookkeeping goes through the four
 * lib_handle_* functions below and nothing else, so that the registry can
 * be replaced in one place: a handle carries its kind, a wrong, stale or
 * closed handle is a runtime error naming the call, and an object is
 * destroyed only after its last user is done (a task closing a database
 * while another task is inside a query does not free it under the query).
 */
#ifndef WYN_LIB_INTERNAL_H
#define WYN_LIB_INTERNAL_H
#include <stdarg.h>
#include <stddef.h>
#include "wyn_rt.h"

/* printf-style message, as a +0 Wyn string. */
WynStr *lib_errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runtime error "FN: message" at loc. */
WYN_NORETURN void lib_fail(wyn_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A kind of handle: its name in messages ("Db") and how to free one. */
typedef struct LibHandleKind {
    const char *name;
    void (*destroy)(void *obj);
} LibHandleKind;

/* Registers obj; returns its handle (never 0, never a small int). */
wyn_int lib_handle_new(const LibHandleKind *kind, void *obj);
/* The object of handle h, with one use registered; lib_handle_put ends
 * the use.  A handle that is not an open KIND handle is a runtime error
 * "FN: not an open KIND handle". */
void *lib_handle_get(wyn_int h, const LibHandleKind *kind, const char *fn, wyn_loc loc);
void lib_handle_put(wyn_int h);
/* Closes h: later gets fail; the object is destroyed once no use is left.
 * Closing a handle that is not open is the same runtime error as get. */
void lib_handle_close(wyn_int h, const LibHandleKind *kind, const char *fn, wyn_loc loc);

/* A new empty [string] (+0, like every rt_* result). */
WynArr *lib_str_array(void);
/* Appends a +1 copy of bytes[0, len) to a [string]. */
void lib_str_push(WynArr *a, const char *bytes, size_t len);
/* A NUL-terminated copy of s (malloc'd) for C APIs; a NUL inside s is a
 * runtime error "FN: WHAT contains a NUL byte". */
char *lib_cstr(WynStr *s, const char *fn, const char *what, wyn_loc loc);

/* Bytes from the kernel's random source (getrandom); a failure is a
 * runtime error naming fn. */
void lib_random_fill(void *buf, size_t n, const char *fn, wyn_loc loc);

#endif
