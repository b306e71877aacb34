/*
 * wyn_rt.h — the one contract between generated code and the Wyn runtime.
 *
 * Generated C includes this header and nothing else: it is embedded in the
 * wyn binary and prepended to every program compiled by libtcc, and it is
 * installed next to libwynrt.a for `wyn --emit-c` / `wyn build`.  The same
 * header is included by the runtime's own .c files (after their system
 * headers), so every declaration here must be valid for tcc 0.9.27 and gcc.
 *
 * Rules that keep tcc-generated code and the gcc-built runtime compatible
 * (see ../shared/notes/libtcc.md):
 *   - no system headers, no TLS, no atomics in anything generated code sees;
 *   - no struct mixing integer and floating fields, 16 bytes or smaller,
 *     crosses this boundary by value (pass pointers instead);
 *   - every function the runtime exports to generated code starts with
 *     `rt_` and is declared in this file: the build scans this header to
 *     produce the symbol table handed to tcc_add_symbol.
 *
 * Source locations: a `wyn_loc` packs a file index (into the table given in
 * WynProgram.files) and a line: (file << 20) | line.  Every runtime call that
 * can fail or block takes one, so errors name the .wyn line.
 *
 * Memory: strings, arrays, maps and boxes are reference counted; see
 * "ownership" below and runtime/README.md, "Memory".
 *
 * Version: bump WYN_RT_VERSION when a layout or signature changes.
 */
#ifndef WYN_RT_H
#define WYN_RT_H

#define WYN_RT_VERSION 3

typedef long long wyn_int;
typedef unsigned long long wyn_uint;
typedef _Bool wyn_bool;
typedef int wyn_loc;

#define WYN_LOC(file, line) (((file) << 20) | (line))
#define WYN_LOC_FILE(loc) ((loc) >> 20)
#define WYN_LOC_LINE(loc) ((loc) & 0xFFFFF)

typedef struct WynStr WynStr;
typedef struct WynArr WynArr;
typedef struct WynMap WynMap;

#ifndef NULL
#define NULL ((void *)0)
#endif

#if defined(__GNUC__) && !defined(__TINYC__)
#define WYN_NORETURN __attribute__((noreturn))
#else
#define WYN_NORETURN
#endif

/* ---------------------------------------------------------------- program */

typedef struct WynProgram {
    const char *const *files; /* .wyn paths, indexed by WYN_LOC_FILE */
    int nfiles;
    wyn_int (*entry)(void);   /* the script body / main; returns exit status */
    /* Start address and declaration line of every generated function, so
     * that a stack overflow can name the function that overflowed. */
    const void *const *fn_addrs;
    const int *fn_locs;
    int nfns;
} WynProgram;

/* Starts the runtime (scheduler, workers, signal handlers), runs
 * prog->entry as the main task, waits for fire-and-forget tasks, flushes
 * output and returns the exit status.  argv holds the script's own
 * arguments (System.args), argv[0] is the script path. */
int rt_main(const WynProgram *prog, int argc, char **argv);
WYN_NORETURN void rt_exit(wyn_int code);

/* ----------------------------------------------------------------- faults */

/* All print "file:line: error: message" (plus the spawn chain inside a
 * task) to stderr after flushing stdout, then exit(1). */
WYN_NORETURN void rt_panic(wyn_loc loc, const char *msg);
WYN_NORETURN void rt_panic_str(wyn_loc loc, WynStr *msg);
WYN_NORETURN void rt_div_zero(wyn_loc loc);
WYN_NORETURN void rt_index_oob(wyn_loc loc, wyn_int index, wyn_int len);
WYN_NORETURN void rt_missing_key(wyn_loc loc);
WYN_NORETURN void rt_unwrap_fail(wyn_loc loc, const char *what);

/* ---------------------------------------------------------------- memory */

void *rt_alloc(wyn_int size);          /* zeroed; panics when out of memory */
void *rt_realloc(void *p, wyn_int size);

/* ------------------------------------------------------------- ownership
 *
 * Reference counting (runtime/README.md, "Memory").  Strings, arrays, maps
 * and boxes (boxed enum payloads, closure environments) start with a
 * `wyn_int rc`: rc > 0 is a count, changed atomically because an object may
 * be seen by several threads once it crossed spawn or a channel; rc < 0 is
 * immortal (literals, static tables); retain/release ignore those.
 *
 * The protocol between generated code and the runtime:
 *   - an rt_* function that returns a new object to generated code hands
 *     its one reference to the current autorelease pool ("+0": valid until
 *     the pool is drained back past the point where it was made);
 *   - arguments are borrowed: the runtime retains what it keeps (an array
 *     element pushed through rt_arr_push_slot is the exception: the caller
 *     stores an already retained value into the slot);
 *   - rt_pool_mark()/rt_pool_drain(mark) bracket every loop iteration and
 *     every task body; a drain releases what was registered since the mark.
 *
 * Element operations tell a container how to retain (dup) and release
 * (drop) the elements it copies or discards; NULL ops means plain bytes. */
typedef void (*WynElemFn)(void *elem);
typedef struct WynElemOps {
    WynElemFn dup;
    WynElemFn drop;
} WynElemOps;
extern const WynElemOps rt_str_ops;   /* elements are WynStr * */
extern const WynElemOps rt_arr_ops;   /* elements are WynArr * */
extern const WynElemOps rt_map_ops;   /* elements are WynMap * */
extern const WynElemOps rt_box_ops;   /* elements are box payload pointers */

void rt_retain(void *obj);            /* string, array or map; NULL ok */
void rt_release_str(WynStr *s);       /* NULL ok */
void rt_release_arr(WynArr *a);
void rt_release_map(WynMap *m);
/* A box: size zeroed payload bytes behind a hidden header that holds the
 * count and drop (run on the payload before it is freed; may be NULL).
 * Box pointers point at the payload. */
void *rt_box_new(wyn_int size, WynElemFn drop);
void rt_retain_box(void *payload);
void rt_release_box(void *payload);
/* A cell (a variable that closures share by reference): a box the caller
 * owns (+1).  rt_cell_fresh gives *cell a new zeroed cell unless the
 * caller holds the only reference (then the old one is reused). */
void *rt_cell_new(wyn_int size, WynElemFn drop);
void rt_cell_fresh(void **cell, wyn_int size, WynElemFn drop);

/* Hand the caller's reference to the current pool; returns the object. */
WynStr *rt_autorelease(WynStr *s);
WynArr *rt_autorelease_arr(WynArr *a);
WynMap *rt_autorelease_map(WynMap *m);
void *rt_autorelease_box(void *payload);
wyn_int rt_pool_mark(void);
void rt_pool_drain(wyn_int mark);
/* The running task's pool.  Loops take it once (it stays the same for the
 * whole call: a function runs in one coroutine) and test its length
 * inline, so an iteration that pooled nothing costs no call. */
typedef struct WynPool {
    unsigned long *items;   /* tagged object addresses (memory.c) */
    wyn_int len, cap;
} WynPool;
WynPool *rt_pool_current(void);
void rt_pool_drain_in(WynPool *p, wyn_int mark);
#define WYN_POOL_MARK(k) WynPool *_pp##k = rt_pool_current(); wyn_int _pm##k = _pp##k->len
#define WYN_POOL_DRAIN(k) do { if (_pp##k->len > _pm##k) rt_pool_drain_in(_pp##k, _pm##k); } while (0)

/* Convenience for generated code: retain and return (for stores). */
static inline WynStr *wyn_own_str(WynStr *s) { rt_retain(s); return s; }
static inline WynArr *wyn_own_arr(WynArr *a) { rt_retain(a); return a; }
static inline WynMap *wyn_own_map(WynMap *m) { rt_retain(m); return m; }
static inline void *wyn_own_box(void *p) { rt_retain_box(p); return p; }
/* *slot = v for an owning slot: retain the new value, then release the old
 * (in that order, so that `x = x` is safe). */
#define WYN_SET_FN(name, T, release)                 \
    static inline void name(T **slot, T *v)           \
    {                                                 \
        T *old = *slot;                               \
        rt_retain(v);                                 \
        *slot = v;                                    \
        release(old);                                 \
    }
WYN_SET_FN(wyn_set_str, WynStr, rt_release_str)
WYN_SET_FN(wyn_set_arr, WynArr, rt_release_arr)
WYN_SET_FN(wyn_set_map, WynMap, rt_release_map)
void *memcpy(void *dst, const void *src, unsigned long n);
void *memmove(void *dst, const void *src, unsigned long n);
void *memset(void *dst, int c, unsigned long n);
int memcmp(const void *a, const void *b, unsigned long n);

/* ---------------------------------------------------------------- strings */

struct WynStr {
    wyn_int rc;
    wyn_int len;        /* bytes, excluding the terminating NUL */
    char data[];        /* always NUL-terminated */
};

/* Literals are emitted by the code generator as static objects of this
 * shape with rc = -1, cast to WynStr *. */
#define WYN_STR_LIT_TYPE(n) struct { wyn_int rc; wyn_int len; char data[n]; }

WynStr *rt_str_new(const char *bytes, wyn_int len);
WynStr *rt_str_cstr(const char *s);               /* NULL gives "" */
WynStr *rt_str_empty(void);
WynStr *rt_str_concat(WynStr *a, WynStr *b);
WynStr *rt_str_concat_n(WynStr **parts, wyn_int n);
WynStr *rt_str_repeat(WynStr *s, wyn_int n);
wyn_bool rt_str_eq(WynStr *a, WynStr *b);
wyn_int rt_str_cmp(WynStr *a, WynStr *b);          /* <0, 0, >0, bytewise */
WynStr *rt_str_at(WynStr *s, wyn_int i, wyn_loc loc); /* one byte as string; negative counts from end */
WynStr *rt_str_slice(WynStr *s, wyn_int lo, wyn_int hi); /* clamped, negatives from end */
WynStr *rt_str_upper(WynStr *s);
WynStr *rt_str_lower(WynStr *s);
WynStr *rt_str_trim(WynStr *s);
WynStr *rt_str_trim_start(WynStr *s);
WynStr *rt_str_trim_end(WynStr *s);
wyn_bool rt_str_contains(WynStr *s, WynStr *sub);
wyn_bool rt_str_starts_with(WynStr *s, WynStr *p);
wyn_bool rt_str_ends_with(WynStr *s, WynStr *p);
wyn_int rt_str_index_of(WynStr *s, WynStr *sub);   /* -1 if absent */
WynStr *rt_str_replace(WynStr *s, WynStr *from, WynStr *to);
WynArr *rt_str_split(WynStr *s, WynStr *sep); /* [string]; "" splits into code points */
WynArr *rt_str_lines(WynStr *s);
WynArr *rt_str_chars(WynStr *s);              /* [string], one per code point */
WynArr *rt_str_bytes(WynStr *s);              /* [int] */
WynStr *rt_str_reverse(WynStr *s);                   /* by code point */
wyn_int rt_str_to_int(WynStr *s, wyn_loc loc);       /* "invalid number" on bad text */
double rt_str_to_float(WynStr *s, wyn_loc loc);
WynStr *rt_str_from_int(wyn_int v);
WynStr *rt_str_from_float(double v);                 /* SPEC §14 float text */
WynStr *rt_str_from_bool(wyn_bool v);
wyn_int rt_str_hash(WynStr *s);

/* ------------------------------------------------------------ format specs */

/* A value handed to format() or to ${value:spec} (runtime/str_format.c).
 * kind says which member is set and which specs fit (runtime/fmt_spec.h):
 * ints and floats are formatted as numbers; a bool, a string, and any other
 * value (WYN_FMT_OTHER, already turned into its SPEC §14 text in v.s) as
 * text.  Passed by pointer: it mixes integer and floating members. */
enum { WYN_FMT_INT, WYN_FMT_FLOAT, WYN_FMT_BOOL, WYN_FMT_STR, WYN_FMT_OTHER };
typedef struct WynFmtArg {
    int kind;
    union { wyn_int i; double f; wyn_bool b; WynStr *s; } v;
} WynFmtArg;
/* "{}" and "{:spec}" take the next of args, "{{" and "}}" are braces, any
 * other brace is text.  A spec that does not fit its argument, an unclosed
 * "{:" and too few args are runtime errors at loc. */
WynStr *rt_str_format(WynStr *fmt, const WynFmtArg *args, wyn_int n, wyn_loc loc);
/* ${value:spec}: the text of *arg under spec (the text after ':'). */
WynStr *rt_str_format_spec(const WynFmtArg *arg, WynStr *spec, wyn_loc loc);

/* ---------------------------------------------------------- string builder */

/* Counted like strings (rc at offset 0, so rt_retain works on it). */
typedef struct WynSB {
    wyn_int rc;
    wyn_int len, cap;
    char *data;
} WynSB;

/* rt_sb_new returns a builder owned by the caller (+1): rt_sb_free (or
 * rt_release_sb) drops that reference; hand it to the pool with
 * rt_autorelease_sb for a +0 value (StringBuilder.new). */
WynSB *rt_sb_new(void);
void rt_release_sb(WynSB *sb);                       /* NULL ok */
WynSB *rt_autorelease_sb(WynSB *sb);
void rt_sb_append(WynSB *sb, WynStr *s);
void rt_sb_append_bytes(WynSB *sb, const char *p, wyn_int n);
void rt_sb_append_cstr(WynSB *sb, const char *s);
void rt_sb_append_int(WynSB *sb, wyn_int v);
void rt_sb_append_float(WynSB *sb, double v);
void rt_sb_append_bool(WynSB *sb, wyn_bool v);
void rt_sb_append_quoted(WynSB *sb, WynStr *s);       /* "text" with \" \\ \n \t escaped */
wyn_int rt_sb_len(WynSB *sb);
WynStr *rt_sb_to_string(WynSB *sb);                  /* copy; builder stays usable */
void rt_sb_free(WynSB *sb);                          /* = rt_release_sb */
void rt_sb_append_line(WynSB *sb, WynStr *s);        /* s then "\n" */
void rt_sb_clear(WynSB *sb);                         /* empty again, capacity kept */

/* ----------------------------------------------------------------- output */

/* stdout is buffered by the runtime and written line-atomically: a builder
 * handed to rt_print_sb never interleaves with another task's output. */
void rt_print_sb(WynSB *sb);
void rt_print_str(WynStr *s);      /* s followed by "\n" */
void rt_flush(void);
WynStr *rt_input(WynStr *prompt); /* one line without "\n"; NULL at EOF */

/* ----------------------------------------------------------------- arrays */

struct WynArr {
    wyn_int rc;
    wyn_int len, cap;
    wyn_int esize;      /* bytes per element */
    char *data;
    const WynElemOps *ops; /* how elements are retained/released; NULL: plain */
};

/* Element comparison callbacks used by generic array operations.  The
 * runtime provides them for the primitive types; the code generator emits
 * them for composite element types. */
typedef wyn_bool (*WynEqFn)(const void *a, const void *b);
typedef int (*WynCmpFn)(const void *a, const void *b);
wyn_bool rt_eq_int(const void *a, const void *b);
wyn_bool rt_eq_float(const void *a, const void *b);
wyn_bool rt_eq_bool(const void *a, const void *b);
wyn_bool rt_eq_str(const void *a, const void *b);
int rt_cmp_int(const void *a, const void *b);
int rt_cmp_float(const void *a, const void *b);
int rt_cmp_bool(const void *a, const void *b);
int rt_cmp_str(const void *a, const void *b);

WynArr *rt_arr_new(wyn_int esize, wyn_int cap);   /* plain elements */
WynArr *rt_arr_new_ops(wyn_int esize, wyn_int cap, const WynElemOps *ops);
/* A literal: copies n elements and retains them (dup). */
WynArr *rt_arr_from(wyn_int esize, const void *elems, wyn_int n);
WynArr *rt_arr_from_ops(wyn_int esize, const void *elems, wyn_int n,
                        const WynElemOps *ops);
void *rt_arr_push_slot(WynArr *a);           /* grows by one, returns new slot */
/* pop and remove move the element out: the caller gets the array's
 * reference.  insert retains elem (dup).  first/last/min/max copy an
 * element out without retaining it. */
void rt_arr_pop(WynArr *a, void *out, wyn_loc loc);
void rt_arr_insert(WynArr *a, wyn_int i, const void *elem, wyn_loc loc);
void rt_arr_remove(WynArr *a, wyn_int i, void *out, wyn_loc loc);
WynArr *rt_arr_slice(WynArr *a, wyn_int lo, wyn_int hi); /* clamped copy */
WynArr *rt_arr_copy(WynArr *a);
WynArr *rt_arr_reverse(WynArr *a);             /* new array */
void rt_arr_clear(WynArr *a);
wyn_int rt_arr_index_of(WynArr *a, const void *elem, WynEqFn eq);
wyn_bool rt_arr_eq(WynArr *a, WynArr *b, WynEqFn eq);
void rt_arr_sort(WynArr *a, WynCmpFn cmp);     /* stable, in place */
/* stable sort of a by the parallel array keys (same length) */
void rt_arr_sort_by_keys(WynArr *a, WynArr *keys, WynCmpFn cmp);
WynArr *rt_arr_unique(WynArr *a, WynEqFn eq);
WynArr *rt_arr_flatten(WynArr *a);             /* [[T]] -> [T] */
WynArr *rt_arr_concat(WynArr *a, WynArr *b);
WynStr *rt_arr_join(WynArr *strs, WynStr *sep); /* [string] */
wyn_int rt_arr_sum_int(WynArr *a);
double rt_arr_sum_float(WynArr *a);
void rt_arr_min(WynArr *a, void *out, WynCmpFn cmp, wyn_loc loc); /* empty: panic */
void rt_arr_max(WynArr *a, void *out, WynCmpFn cmp, wyn_loc loc);
void rt_arr_first(WynArr *a, void *out, wyn_loc loc);
void rt_arr_last(WynArr *a, void *out, wyn_loc loc);

/* Bounds check used on every a[i]: returns the normalised index. */
static inline wyn_int wyn_idx(wyn_int len, wyn_int i, wyn_loc loc)
{
    wyn_int j = i < 0 ? i + len : i;
    if ((wyn_uint)j >= (wyn_uint)len)
        rt_index_oob(loc, i, len);
    return j;
}

/* Address of element i (bounds-checked); used where the array is not a
 * plain variable. */
static inline void *wyn_at(WynArr *a, wyn_int i, wyn_loc loc)
{
    return a->data + a->esize * wyn_idx(a->len, i, loc);
}

/* ------------------------------------------------------------------- maps */

/* Insertion-ordered hash map.  Keys are wyn_int or WynStr * (8 bytes);
 * values are esize bytes.  Positions are stable indexes into the entry
 * array, used for iteration: for (p = rt_map_next(m, 0); p >= 0;
 * p = rt_map_next(m, p + 1)). */
/* String keys are retained on insert and released on removal; values
 * are released with vops (NULL: plain bytes) when removed or dropped. */
WynMap *rt_map_new(wyn_bool str_keys, wyn_int vsize);
WynMap *rt_map_new_ops(wyn_bool str_keys, wyn_int vsize, const WynElemOps *vops);
void *rt_map_find_i(WynMap *m, wyn_int key);        /* value slot or NULL */
void *rt_map_find_s(WynMap *m, WynStr *key);
void *rt_map_get_i(WynMap *m, wyn_int key, wyn_loc loc); /* "missing key" */
void *rt_map_get_s(WynMap *m, WynStr *key, wyn_loc loc);
void *rt_map_slot_i(WynMap *m, wyn_int key);        /* inserts zeroed if absent */
void *rt_map_slot_s(WynMap *m, WynStr *key);
wyn_bool rt_map_remove_i(WynMap *m, wyn_int key);
wyn_bool rt_map_remove_s(WynMap *m, WynStr *key);
wyn_int rt_map_len(WynMap *m);
wyn_int rt_map_next(WynMap *m, wyn_int pos);        /* next live position or -1 */
void *rt_map_key_at(WynMap *m, wyn_int pos);        /* points at the 8-byte key */
void *rt_map_val_at(WynMap *m, wyn_int pos);
WynArr *rt_map_keys(WynMap *m);
WynArr *rt_map_values(WynMap *m);
WynMap *rt_map_copy(WynMap *m);

/* ----------------------------------------------------------- closures */

/* A function value: fn is called as R fn(void *env, args...). */
typedef struct WynFn {
    void *fn;
    void *env;
} WynFn;

/* ------------------------------------------------------------- numbers */

double rt_float_round(double v);
double rt_int_pow_f(double a, double b);
wyn_int rt_int_pow(wyn_int a, wyn_int n);
wyn_int rt_float_to_int(double v);              /* truncates; saturates */
double sqrt(double);
double pow(double, double);
double fabs(double);
double floor(double);
double ceil(double);
double round(double);
double sin(double);
double cos(double);
double tan(double);
double log(double);
double exp(double);
double fmod(double, double);

/* ---------------------------------------------------------------- time */

double rt_time_now(void);        /* seconds since the epoch */
wyn_int rt_time_millis(void);    /* wall clock, ms since the epoch */
wyn_int rt_time_nanos(void);     /* monotonic */
void rt_sleep_ms(wyn_int ms, wyn_loc loc); /* parks the task on the timer heap */

/* --------------------------------------------------------- concurrency */

/* Futures and channels are opaque object addresses held in a wyn_int;
 * the language lets them be passed where an int is declared, and then
 * they become checked registry handles (rt_chan_to_int and friends below;
 * runtime/README.md, "Handles").  0 is never a valid handle. */

/* A task body: reads its arguments from args, writes its result to result. */
typedef void (*WynTaskFn)(void *args, void *result);

/* Copies args_size bytes of args into the new task.  The result buffer has
 * result_size bytes and lives as long as the future. */
wyn_int rt_spawn(WynTaskFn fn, const void *args, wyn_int args_size,
                 wyn_int result_size, wyn_loc loc);
/* As rt_spawn; result_drop (may be NULL) releases what the result buffer
 * holds when the future is freed (rt_future_release of a finished task). */
wyn_int rt_spawn_ex(WynTaskFn fn, const void *args, wyn_int args_size,
                    wyn_int result_size, WynElemFn result_drop, wyn_loc loc);
/* Fire-and-forget: no future; the task is freed when it ends.  rt_main
 * waits for these before the process exits. */
void rt_spawn_detached(WynTaskFn fn, const void *args, wyn_int args_size,
                       wyn_loc loc);
/* Parks until the future's task has finished (or runs a not-yet-started
 * task inline) and returns its result buffer.  Memoized. */
const void *rt_await(wyn_int fut, wyn_loc loc);
/* As rt_await, but gives up at the monotonic deadline (rt_time_nanos()
 * units) and returns NULL. */
const void *rt_await_until(wyn_int fut, wyn_int deadline_ns, wyn_loc loc);
/* Index (into an array of futures) of the first one to finish. */
wyn_int rt_await_any(WynArr *futs, wyn_loc loc);
wyn_bool rt_future_done(wyn_int fut);
/* Addition (concurrency runtime): promises that fut will never be used
 * again (e.g. after `await spawn f(x)`, or when the last copy of a future
 * goes out of scope), so a finished task's memory can be reused at once.
 * Optional: futures that are never released simply stay memoized. */
void rt_future_release(wyn_int fut);
void rt_task_cancel(wyn_int fut);
wyn_bool rt_task_is_cancelled(void);
void rt_task_yield(void);

/* Channels carry esize-byte values.  cap >= 1 is buffered; anything else is
 * a "capacity" runtime error.  Unbuffered channels hand values over
 * directly. Receiving from a closed, empty channel gives zero bytes. */
wyn_int rt_chan_new(wyn_int cap, wyn_int esize, wyn_loc loc);
wyn_int rt_chan_new_unbuffered(wyn_int esize);
void rt_chan_send(wyn_int ch, const void *val, wyn_int esize, wyn_loc loc);
void rt_chan_recv(wyn_int ch, void *out, wyn_int esize, wyn_loc loc);
wyn_bool rt_chan_try_recv(wyn_int ch, void *out, wyn_int esize);
void rt_chan_close(wyn_int ch, wyn_loc loc);

/* select over receive arms.  Returns the index of the arm that received
 * (out filled), WYN_SELECT_DEFAULT when has_default and nothing is ready,
 * WYN_SELECT_TIMEOUT when timeout_ms >= 0 expired.  Ties: lowest index. */
typedef struct WynSelCase {
    wyn_int chan;
    void *out;
    wyn_int esize;
} WynSelCase;
#define WYN_SELECT_DEFAULT (-1)
#define WYN_SELECT_TIMEOUT (-2)
int rt_select(WynSelCase *cases, int n, wyn_int timeout_ms,
              wyn_bool has_default, wyn_loc loc);

/* Shared atomic int cells (Task.value / Shared.new).  The handle is a
 * checked registry int: a forged, stale or other kind of handle is a
 * runtime error at loc. */
wyn_int rt_shared_new(wyn_int init);
wyn_int rt_shared_get(wyn_int h, wyn_loc loc);
void rt_shared_set(wyn_int h, wyn_int v, wyn_loc loc);
wyn_int rt_shared_add(wyn_int h, wyn_int n, wyn_loc loc);   /* returns the old value */
wyn_int rt_shared_sub(wyn_int h, wyn_int n, wyn_loc loc);

/* Typed futures and channels (Future<T>, Channel<T>) are raw object
 * addresses and cost nothing extra.  Where one flows into an int (SPEC
 * §11, "handles are ints"), the code generator converts it to a checked
 * registry handle with rt_*_to_int (the same int every time for the same
 * object); where an int is used as a channel or future (Task.recv(h),
 * Task.cancel(h), select), rt_*_of_int checks the handle's kind and type
 * and gives the raw address back.  `elem`/`result` name the type as the
 * checker prints it ("int", "string", "[Point]"); NULL (close, cancel)
 * skips the type check.  `what` names the operation in errors:
 * "Task.recv: channel carries string, used as int". */
wyn_int rt_chan_to_int(wyn_int ch, const char *elem);
wyn_int rt_chan_of_int(wyn_int h, const char *elem, const char *what, wyn_loc loc);
wyn_int rt_future_to_int(wyn_int fut, const char *result);
wyn_int rt_future_of_int(wyn_int h, const char *result, const char *what, wyn_loc loc);

/* ----------------------------------------------------------- files, system */

/* Failures are runtime errors naming the path and the reason (strerror),
 * e.g. "cannot read /x/y: No such file or directory". */
WynStr *rt_file_read(WynStr *path, wyn_loc loc);
WynStr *rt_file_try_read(WynStr *path, WynStr **err); /* NULL + *err on failure */
void rt_file_write(WynStr *path, WynStr *text, wyn_loc loc);
void rt_file_append(WynStr *path, WynStr *text, wyn_loc loc);
wyn_bool rt_file_exists(WynStr *path);
void rt_file_remove(WynStr *path, wyn_loc loc);
WynArr *rt_file_read_lines(WynStr *path, wyn_loc loc); /* [string] */
WynArr *rt_file_list(WynStr *dir, wyn_loc loc);        /* sorted names, no . and .. */
void rt_file_mkdir(WynStr *path, wyn_loc loc);         /* existing dir is fine */
WynArr *rt_sys_args(void);                 /* the script's arguments, [string] */
WynStr *rt_sys_env(WynStr *name);          /* NULL when unset */
WynStr *rt_sys_exec(WynStr *cmd, wyn_loc loc); /* sh -c; its stdout */
WynStr *rt_sys_cwd(void);

/* ------------------------------------------------------------ TCP, HTTP */

/* Listeners, connections and servers are int handles.  Inside a task these
 * park the coroutine until the socket is ready (epoll); failures are
 * runtime errors naming the address. */
wyn_int rt_net_listen(WynStr *host, wyn_int port, wyn_loc loc); /* port 0: any */
wyn_int rt_net_port(wyn_int listener);
wyn_int rt_net_accept(wyn_int listener, wyn_loc loc);
wyn_int rt_net_connect(WynStr *host, wyn_int port, wyn_loc loc);
wyn_int rt_net_try_connect(WynStr *host, wyn_int port, WynStr **err); /* 0 + *err */
WynStr *rt_net_read(wyn_int conn, wyn_int max, wyn_loc loc); /* "" at end of stream */
void rt_net_write(wyn_int conn, WynStr *data, wyn_loc loc);
void rt_net_close(wyn_int handle);          /* connection or listener */

/* Same layout as the language's built-in structs Request and Response. */
typedef struct WynHttpRequest {
    WynStr *method, *path, *query;
    WynMap *headers;    /* {string: string}, names lower-cased */
    WynStr *body;
    wyn_int conn;       /* the connection to respond on */
} WynHttpRequest;
typedef struct WynHttpResponse {
    wyn_int status;
    WynMap *headers;
    WynStr *body;
} WynHttpResponse;
wyn_int rt_http_listen(wyn_int port, wyn_loc loc);
wyn_int rt_http_port(wyn_int server);
/* Next well-formed request (malformed ones get a 400 and are skipped). */
void rt_http_accept(wyn_int server, WynHttpRequest *out, wyn_loc loc);
void rt_http_respond(wyn_int conn, wyn_int status, WynMap *headers, WynStr *body, wyn_loc loc);
void rt_http_get(WynStr *url, WynHttpResponse *out, wyn_loc loc);
void rt_http_post(WynStr *url, WynStr *body, WynHttpResponse *out, wyn_loc loc);

/* ------------------------------------------------------------------ JSON */

/* Parsed JSON values are int handles to immutable trees. */
wyn_int rt_json_parse(WynStr *text, wyn_loc loc); /* error names the offset */
wyn_int rt_json_get(wyn_int v, WynStr *key, wyn_loc loc);   /* object member */
wyn_int rt_json_at(wyn_int v, wyn_int i, wyn_loc loc);      /* array element */
WynStr *rt_json_get_string(wyn_int v, WynStr *key, wyn_loc loc);
wyn_int rt_json_get_int(wyn_int v, WynStr *key, wyn_loc loc);
double rt_json_get_float(wyn_int v, WynStr *key, wyn_loc loc);
wyn_bool rt_json_get_bool(wyn_int v, WynStr *key, wyn_loc loc);
WynArr *rt_json_keys(wyn_int v, wyn_loc loc);
wyn_int rt_json_len(wyn_int v);               /* array/object size, else 0 */
WynStr *rt_json_to_string(wyn_int v);         /* compact JSON text */
void rt_sb_append_json_str(WynSB *sb, WynStr *s); /* "..." with JSON escapes */

/* ------------------------------------------------------ standard library
 *
 * runtime/lib_*.c, one file per module or library (docs/stdlib.md has the
 * behaviour of each call).  Failures are runtime errors whose message
 * starts with the call ("Regex.find: invalid pattern ..."); the try_
 * forms return NULL / 0 / false and set *err instead.  Handles (File.open,
 * Db, Csv) are checked: a wrong or closed one is a runtime error naming
 * the call.  Options: a NULL string or array is none; int options are a
 * wyn_bool result with the value in *out.
 * Each file is its own archive member of libwynrt.a, so that `wyn build`
 * links PCRE2 (lib_regex.c), SQLite (lib_db.c) and libcrypto
 * (lib_crypto.c) only into programs that call them. */

/* Regex (PCRE2) */
wyn_bool rt_regex_match(WynStr *s, WynStr *pattern, wyn_loc loc);
wyn_int rt_regex_find(WynStr *s, WynStr *pattern, wyn_loc loc);   /* byte index or -1 */
WynArr *rt_regex_find_all(WynStr *s, WynStr *pattern, wyn_loc loc);
WynStr *rt_regex_replace(WynStr *s, WynStr *pattern, WynStr *with, wyn_loc loc);
WynArr *rt_regex_split(WynStr *s, WynStr *pattern, wyn_loc loc);
WynArr *rt_regex_captures(WynStr *s, WynStr *pattern, wyn_loc loc); /* NULL: no match */

/* Db (SQLite 3); params: [string] bound to ?, NULL for none */
wyn_int rt_db_open(WynStr *path, wyn_loc loc);
wyn_int rt_db_try_open(WynStr *path, WynStr **err);               /* 0 + *err */
void rt_db_exec(wyn_int db, WynStr *sql, wyn_loc loc);
void rt_db_exec_p(wyn_int db, WynStr *sql, WynArr *params, wyn_loc loc);
wyn_bool rt_db_try_exec(wyn_int db, WynStr *sql, WynStr **err, wyn_loc loc);
WynStr *rt_db_query(wyn_int db, WynStr *sql, wyn_loc loc);
WynStr *rt_db_try_query(wyn_int db, WynStr *sql, WynStr **err, wyn_loc loc);
WynStr *rt_db_query_one(wyn_int db, WynStr *sql, wyn_loc loc);   /* "" when no row */
WynArr *rt_db_rows(wyn_int db, WynStr *sql, WynArr *params, wyn_loc loc); /* [[string]] */
wyn_int rt_db_last_insert_id(wyn_int db, wyn_loc loc);
wyn_bool rt_db_table_exists(wyn_int db, WynStr *name, wyn_loc loc);
WynStr *rt_db_escape(WynStr *s);
void rt_db_close(wyn_int db, wyn_loc loc);

/* Crypto (libcrypto), Encoding, Url, Uuid, Random */
WynStr *rt_crypto_sha256(WynStr *s);
WynStr *rt_crypto_md5(WynStr *s);
WynStr *rt_crypto_hmac_sha256(WynStr *key, WynStr *data);
WynStr *rt_crypto_random_bytes(wyn_int n, wyn_loc loc);          /* hex */
WynStr *rt_enc_base64_encode(WynStr *s);
WynStr *rt_enc_base64_decode(WynStr *s, wyn_loc loc);
WynStr *rt_enc_hex_encode(WynStr *s);
WynStr *rt_enc_hex_decode(WynStr *s, wyn_loc loc);
WynStr *rt_url_encode(WynStr *s);
WynStr *rt_url_decode(WynStr *s, wyn_loc loc);
WynStr *rt_uuid_v4(wyn_loc loc);
void rt_random_seed(wyn_int n);
wyn_int rt_random_int(wyn_int lo, wyn_int hi, wyn_loc loc);      /* lo..hi inclusive */
double rt_random_float(void);                                    /* [0, 1) */
wyn_int rt_random_index(wyn_int len, wyn_loc loc);               /* Random.choice */
void rt_random_shuffle(WynArr *a);                               /* in place */

/* Csv documents */
wyn_int rt_csv_parse(WynStr *text, wyn_loc loc);
WynStr *rt_csv_get(wyn_int doc, wyn_int row, wyn_int col, wyn_loc loc);
WynStr *rt_csv_header(wyn_int doc, wyn_int col, wyn_loc loc);
wyn_int rt_csv_row_count(wyn_int doc, wyn_loc loc);
WynArr *rt_csv_rows(wyn_int doc, wyn_loc loc);                   /* [[string]] */
void rt_csv_close(wyn_int doc, wyn_loc loc);
WynStr *rt_csv_format(WynArr *rows);                             /* [[string]] -> text */
void rt_csv_write(WynStr *path, WynArr *rows, wyn_loc loc);

/* Path (text only) */
WynStr *rt_path_basename(WynStr *s);
WynStr *rt_path_dirname(WynStr *s);
WynStr *rt_path_extension(WynStr *s);
WynStr *rt_path_stem(WynStr *s);
WynStr *rt_path_join(WynArr *parts);                             /* [string] */
WynStr *rt_path_absolute(WynStr *s);

/* File additions: paths and open files */
wyn_bool rt_file_is_file(WynStr *path);
wyn_bool rt_file_is_dir(WynStr *path);
wyn_int rt_file_size(WynStr *path, wyn_loc loc);
wyn_int rt_file_modified_time(WynStr *path, wyn_loc loc);
void rt_file_rename(WynStr *from, WynStr *to, wyn_loc loc);
void rt_file_move(WynStr *from, WynStr *to, wyn_loc loc);
void rt_file_copy(WynStr *from, WynStr *to, wyn_loc loc);
WynArr *rt_file_glob(WynStr *pattern, wyn_loc loc);
WynStr *rt_file_temp_file(wyn_loc loc);
void rt_file_remove_dir_all(WynStr *path, wyn_loc loc);
wyn_int rt_file_open(WynStr *path, WynStr *mode, wyn_loc loc);  /* "r" "w" "a" */
WynStr *rt_file_read_line(wyn_int f, wyn_loc loc);               /* NULL at the end */
wyn_bool rt_file_eof(wyn_int f, wyn_loc loc);
void rt_file_write_line(wyn_int f, WynStr *s, wyn_loc loc);
void rt_file_close(wyn_int f, wyn_loc loc);

/* DateTime and Time.format: local time (TZ); to_iso is UTC */
wyn_int rt_dt_now(void);                                         /* unix seconds */
wyn_int rt_dt_micros(void);                                      /* monotonic */
wyn_int rt_dt_year(wyn_int secs);
wyn_int rt_dt_month(wyn_int secs);
wyn_int rt_dt_day(wyn_int secs);
wyn_int rt_dt_hour(wyn_int secs);
wyn_int rt_dt_minute(wyn_int secs);
wyn_int rt_dt_second(wyn_int secs);
wyn_int rt_dt_weekday(wyn_int secs);                             /* 0 = Sunday */
wyn_int rt_dt_diff(wyn_int a, wyn_int b);
WynStr *rt_dt_to_iso(wyn_int secs);
wyn_bool rt_dt_parse_iso(WynStr *s, wyn_int *out, WynStr **err);
WynStr *rt_dt_format(wyn_int secs, WynStr *pattern, wyn_loc loc); /* strftime */
WynStr *rt_dt_format_duration(wyn_int ms);
WynStr *rt_time_format(wyn_int secs);

/* Math additions */
wyn_int rt_math_sign_int(wyn_int x);
double rt_math_sign_float(double x);
wyn_int rt_math_clamp_int(wyn_int x, wyn_int lo, wyn_int hi, wyn_loc loc);
double rt_math_clamp_float(double x, double lo, double hi, wyn_loc loc);
wyn_bool rt_math_checked_add(wyn_int a, wyn_int b, wyn_int *out);
wyn_bool rt_math_checked_sub(wyn_int a, wyn_int b, wyn_int *out);
wyn_bool rt_math_checked_mul(wyn_int a, wyn_int b, wyn_int *out);

/* Os, Env, Terminal, Log, Process */
wyn_int rt_os_pid(void);
WynStr *rt_os_platform(void);
WynStr *rt_os_arch(void);
WynStr *rt_os_hostname(void);
WynStr *rt_os_home_dir(void);
void rt_env_set(WynStr *name, WynStr *value, wyn_loc loc);
WynMap *rt_env_all(void);                                        /* {string: string} */
wyn_int rt_term_cols(void);
wyn_int rt_term_rows(void);
wyn_bool rt_term_is_tty(void);
WynStr *rt_term_color(WynStr *s, WynStr *name, wyn_loc loc);
void rt_log_set_level(WynStr *name, wyn_loc loc);
void rt_log_debug(WynStr *msg);
void rt_log_info(WynStr *msg);
void rt_log_warn(WynStr *msg);
void rt_log_error(WynStr *msg);
/* Same layout as a struct { status: int, stdout: string, stderr: string } */
typedef struct WynProcResult {
    wyn_int status;
    WynStr *out, *err;
} WynProcResult;
wyn_int rt_process_exec_status(WynStr *cmd, wyn_loc loc);        /* sh -c */
void rt_process_run(WynArr *argv, WynProcResult *out, wyn_loc loc); /* no shell */

/* ------------------------------------------------------- foreign calls */

/* Implemented in ffi/.  Libraries are opened and symbols resolved before
 * the program's code runs; failures are runtime errors naming them. */
/* loc: the extern declaration, named in the error */
void *rt_ffi_lib(const char *name, wyn_loc loc); /* NULL: the process (libc, libm) */
void *rt_ffi_sym(void *lib, const char *libname, const char *sym, wyn_loc loc);
/* A C function pointer that calls the Wyn function value *f (copied; the
 * pointer stays valid for the whole run, from any thread).  sig is the C
 * signature, result first then parameters, one letter each: v void,
 * i int32, u uint32, l int64, d double, f float, b bool, s const char *,
 * p pointer.  The Wyn function is called as R fn(void *env, args...) with
 * Wyn types: wyn_int for i/u/l, double for d/f, wyn_bool, WynStr * for s
 * (a copy of the C string), void * for p; its result converts back. */
void *rt_ffi_callback(const WynFn *f, const char *sig);
void *rt_ptr_alloc(wyn_int n);          /* zeroed */
void rt_ptr_free(void *p);
wyn_int rt_ptr_read_int(void *p, wyn_int off);
void rt_ptr_write_int(void *p, wyn_int off, wyn_int v);
double rt_ptr_read_float(void *p, wyn_int off);
void rt_ptr_write_float(void *p, wyn_int off, double v);
WynStr *rt_ptr_string(void *p);         /* NULL gives "" */

#endif /* WYN_RT_H */
