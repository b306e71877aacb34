/*
 * builtins.h — the one table of built-in functions, methods and module
 * functions (SPEC §10, §11, §13).
 *
 * A row says everything about a built-in: who it belongs to (a receiver
 * kind, a built-in module or handle type, or nothing for a global
 * function), its name, its signature, the runtime function that does the
 * work, a few flags, and a one-line doc.  The rows live in builtins_*.c,
 * grouped by receiver or module.
 *
 *   checking  the checker finds the row (builtin_find), stores it in the
 *             call node (`Node.builtin`) and types the call from the
 *             signature text, or through the row's `check` hook for the
 *             generic cases (map, filter, reduce, ...);
 *   emitting  the code generator calls `rt(receiver, args [, loc])` for a
 *             row with a runtime symbol and no `emit` hook, else the hook;
 *   hints     "did you mean" comes from the rows of the same receiver;
 *   docs      builtin_print_all lists every row (`wyn --list-builtins`).
 *
 * The `emit` hooks are functions of the code generator (declared in
 * builtins_hooks.h); the front end only stores them and never calls them.
 */
#ifndef WYN_BUILTINS_H
#define WYN_BUILTINS_H
#include <stdio.h>
#include "common.h"
#include "types.h"

/* Who a row belongs to (bits: a row may serve several receiver kinds). */
enum BuiltinOwner {
    BR_GLOBAL = 1 << 0,  /* print(x), len(x): no receiver */
    BR_MODULE = 1 << 1,  /* File.read(p): `module` names the module */
    BR_NATIVE = 1 << 2,  /* conn.read(): `module` names the handle type */
    BR_INT = 1 << 3,
    BR_FLOAT = 1 << 4,
    BR_BOOL = 1 << 5,
    BR_STR = 1 << 6,
    BR_ARR = 1 << 7,
    BR_MAP = 1 << 8,
    BR_OPT = 1 << 9,
    BR_RES = 1 << 10,
    BR_CHAN = 1 << 11,
    BR_SB = 1 << 12,
    BR_OTHER = 1 << 13,  /* any other value (struct, enum, tuple, ...) */
};
#define BR_NUM (BR_INT | BR_FLOAT)

enum BuiltinFlag {
    BF_LOC = 1 << 0,       /* the runtime function takes the call's location last */
    BF_PARKS = 1 << 1,     /* may suspend the running task */
    BF_KEEPS = 1 << 2,     /* never releases elements of an array a loop walks,
                              never runs user code (see builtin_keeps_elements) */
    BF_PURE = 1 << 3,      /* no effect besides its result */
    BF_NORETURN = 1 << 4,  /* exit, panic: a statement that ends the function */
    BF_NAMED = 1 << 5,     /* takes named arguments (its check hook handles them) */
};

typedef struct Builtin Builtin;
/* Types a call the signature text cannot describe; `recv` is the pruned
 * receiver type (NULL for global and module functions). */
typedef Type *(*BuiltinCheck)(Node *call, Type *recv, const Builtin *row, Type *expected);
/* Writes the C expression of the call. */
typedef void (*BuiltinEmit)(Buf *b, Node *call);

struct Builtin {
    unsigned owner;        /* BR_* bits */
    const char *module;    /* BR_MODULE / BR_NATIVE: "File", "Conn"; else NULL */
    const char *name;
    /* "(sep: str) -> [str]".  Types: int float bool str void ptr any,
     * [T], T?, {K: V}, Result<T, E>, StringBuilder, a handle or library
     * struct name (Conn, Listener, HttpServer, Json, Request, Response);
     * Self is the receiver, T its element (the Ok of a Result), K and V a
     * map's key and value, E a Result's error.  `name?:` is optional.
     * With a check hook the text is documentation only. */
    const char *sig;
    const char *rt;        /* runtime symbol for the plain call, or NULL */
    unsigned flags;        /* BF_* */
    BuiltinCheck check;    /* NULL: typed from sig */
    BuiltinEmit emit;      /* NULL: rt(receiver, args [, loc]) */
    const char *doc;
};

/* The receiver bit of a (pruned) type; 0 for a type without methods
 * (an inference variable, an error). */
unsigned builtin_owner_of(Type *t);
/* The row for `name` on `owner` (one bit; `module` for modules and handle
 * types, whose aliases Os/DateTime are accepted), or NULL. */
const Builtin *builtin_find(unsigned owner, const char *module, const char *name);
/* The other form of the same built-in (the row after `row`, e.g.
 * reduce(init, f) after reduce(f, init)), or NULL.  A check hook may
 * switch a call to it. */
const Builtin *builtin_find_next(const Builtin *row);
/* The nearest row name of the same owner, as " (did you mean 'x'?)", or "". */
const char *builtin_hint(unsigned owner, const char *module, const char *name);
/* Is `name` a built-in module (Task, File, Math, ...)? */
int builtin_is_module(const char *name);
/* Is `row` the row `name` of `owner`? (for the few idioms that look for one) */
int builtin_is(const Builtin *row, unsigned owner, const char *name);
/* "str.split", "File.read", "print": the name users write. */
const char *builtin_display(const Builtin *row);
/* Does the call leave the elements of a walked array alone and run no
 * user code?  (lets `for x in xs` borrow x; see codegen/README.md) */
int builtin_keeps_elements(const Builtin *row);
/* One line per row: `receiver.name(signature) — doc`. */
void builtin_print_all(FILE *out);

/* Types a call from the row: hook or signature.  `recv` as for BuiltinCheck. */
Type *builtin_check_call(Node *call, const Builtin *row, Type *recv, Type *expected);
/* For check hooks: the result type the row's signature text says. */
Type *builtin_sig_result(Node *call, const Builtin *row, Type *recv);
/* For check hooks: the argument count must be in lo..hi (reported against
 * the row's display name); extra arguments are still checked. */
int builtin_argc(Node *call, const Builtin *row, int lo, int hi);

/* The check hook of channel() and Task.channel() (builtins_global.c). */
Type *builtin_check_channel(Node *call, Type *recv, const Builtin *row, Type *expected);

/* The rows, one array per group (builtins_*.c), each ended by a row with
 * a NULL name. */
extern const Builtin builtins_global[], builtins_modules[], builtins_io[], builtins_str[],
    builtins_num[], builtins_arr[], builtins_map[], builtins_opt[];

#endif
