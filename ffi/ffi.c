/*
 * ffi.c — the runtime side of foreign calls (SPEC §12): opening libraries,
 * resolving symbols, and turning Wyn function values into C function
 * pointers with libffi closures.  The Ptr helpers live in ptr.c.
 *
 * Everything a callback needs (its two cifs, their type arrays, the copied
 * WynFn, which keeps a reference to its environment box) is allocated once
 * and never freed, so the C pointer stays valid for the whole run and may
 * be called from any thread: the handler only reads that data and keeps
 * its own state on the caller's stack.
 *
 * Memory: each call drains the strings made for it (string arguments, the
 * Wyn function's temporaries).  A string result stays valid for C until
 * the calling Wyn code's pool is drained (inside a task: its next loop
 * iteration or its end), or, on a foreign thread, until the next callback
 * on that thread returns a string.
 */
#include <dlfcn.h>
#include <ffi.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt_internal.h"
#include "rt_values.h"

/* ------------------------------------------------------------ libraries */

static void *process_handle(void)
{
    static void *self;  /* dlopen(NULL) always yields the same handle */
    void *h = __atomic_load_n(&self, __ATOMIC_ACQUIRE);
    if (!h) {
        h = dlopen(NULL, RTLD_NOW | RTLD_GLOBAL);
        __atomic_store_n(&self, h, __ATOMIC_RELEASE);
    }
    return h;
}

void *rt_ffi_lib(const char *name, wyn_loc loc)
{
    if (!name)
        return process_handle();
    void *h = dlopen(name, RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        const char *err = dlerror();
        char msg[1024];
        snprintf(msg, sizeof msg, "cannot load library %s: %s", name,
                 err ? err : "unknown error");
        rt_fatal(loc, msg);
    }
    return h;
}

/* dlsym that treats a NULL result as "not found". */
static void *lookup(void *h, const char *sym)
{
    if (!h)
        return NULL;
    dlerror();
    return dlsym(h, sym);
}

void *rt_ffi_sym(void *lib, const char *libname, const char *sym, wyn_loc loc)
{
    int is_process = !lib || !libname || lib == process_handle();
    void *p = lookup(is_process ? process_handle() : lib, sym);
    if (!p && is_process) {
        /* The process normally links libm (the wyn binary does), but a
         * program built with `wyn build` may have dropped it (--as-needed):
         * fall back to the system libm and libc explicitly. */
        p = lookup(RTLD_DEFAULT, sym);
        if (!p)
            p = lookup(dlopen("libm.so.6", RTLD_NOW | RTLD_GLOBAL), sym);
        if (!p)
            p = lookup(dlopen("libc.so.6", RTLD_NOW | RTLD_GLOBAL), sym);
    }
    if (!p) {
        char msg[1024];
        snprintf(msg, sizeof msg, "symbol %s not found in %s", sym,
                 is_process ? "the C library" : libname);
        rt_fatal(loc, msg);
    }
    return p;
}

/* ------------------------------------------------------------ callbacks */

typedef struct Callback {
    WynFn fn;             /* copy of the Wyn function value */
    char *sig;            /* copy of the signature: result, then params */
    unsigned nparams;
    int direct;           /* fast path: fn called without ffi_call */
    ffi_cif c_cif;        /* how C calls the closure */
    ffi_cif wyn_cif;      /* how the handler calls fn(env, args...) */
    ffi_type **c_types;   /* nparams */
    ffi_type **wyn_types; /* 1 + nparams (env first) */
    void *code;           /* the C function pointer */
} Callback;

/* A Wyn-side argument or result, one slot per parameter. */
typedef union Slot {
    wyn_int i;
    double d;
    wyn_bool b;
    void *p;
    ffi_arg a;           /* widest integer return slot libffi may write */
} Slot;

WYN_NORETURN static void bad_sig(const char *sig)
{
    char msg[256];
    snprintf(msg, sizeof msg, "bad foreign callback signature \"%s\"", sig);
    rt_fatal(0, msg);
}

/* C type of a signature letter. */
static ffi_type *c_type(char c, const char *sig)
{
    switch (c) {
    case 'v': return &ffi_type_void;
    case 'i': return &ffi_type_sint32;
    case 'u': return &ffi_type_uint32;
    case 'l': return &ffi_type_sint64;
    case 'd': return &ffi_type_double;
    case 'f': return &ffi_type_float;
    case 'b': return &ffi_type_uint8;
    case 's': return &ffi_type_pointer;
    case 'p': return &ffi_type_pointer;
    default: bad_sig(sig);
    }
}

/* Wyn type a signature letter converts to. */
static ffi_type *wyn_type(char c)
{
    switch (c) {
    case 'v': return &ffi_type_void;
    case 'i': case 'u': case 'l': return &ffi_type_sint64;
    case 'd': case 'f': return &ffi_type_double;
    case 'b': return &ffi_type_uint8;
    default: return &ffi_type_pointer;  /* s (WynStr *), p */
    }
}

/* C argument *arg of type c into a Wyn value. */
static void c_to_wyn(char c, void *arg, Slot *out)
{
    switch (c) {
    case 'i': out->i = *(int32_t *)arg; break;
    case 'u': out->i = *(uint32_t *)arg; break;
    case 'l': out->i = *(int64_t *)arg; break;
    case 'd': out->d = *(double *)arg; break;
    case 'f': out->d = *(float *)arg; break;
    case 'b': out->b = *(uint8_t *)arg != 0; break;
    case 's': out->p = rt_str_cstr(*(const char **)arg); break;
    default: out->p = *(void **)arg; break;
    }
}

/* Wyn result into the C closure's return slot (ffi_arg-wide for small
 * integers, as libffi requires). */
static void wyn_to_c(char c, const Slot *rv, void *ret)
{
    switch (c) {
    case 'v': break;
    case 'i': *(ffi_sarg *)ret = (int32_t)rv->i; break;
    case 'u': *(ffi_arg *)ret = (uint32_t)rv->i; break;
    case 'l': *(int64_t *)ret = (int64_t)rv->i; break;
    case 'd': *(double *)ret = rv->d; break;
    case 'f': *(float *)ret = (float)rv->d; break;
    /* libffi widened the uint8 result into the whole ffi_arg slot */
    case 'b': *(ffi_arg *)ret = (uint8_t)rv->a != 0; break;
    case 's': {
        /* kept alive by the handler (see the top of this file) */
        WynStr *s = rv->p;
        *(const char **)ret = s ? s->data : "";
        break;
    }
    default: *(void **)ret = rv->p; break;
    }
}

/* Fast path for calling the Wyn function, x86-64 System V only.  There,
 * integer-class arguments (wyn_int, wyn_bool, pointers) go to rdi, rsi, ...
 * and doubles to xmm0, xmm1, ... independently of how they interleave, and
 * unused argument registers are harmless.  So any signature whose arguments
 * all fit in registers (env + at most 5 integers, at most 8 doubles) can be
 * called through one function type with the integers first, then the
 * doubles; only the result type needs distinguishing.  This is the call
 * ffi_call would make, without its per-call cost (about 45 ns). */
#if defined(__x86_64__) && !defined(_WIN32)
#define DIRECT_INTS 5
#define DIRECT_FLOATS 8
#define DIRECT_PARAMS void *, uint64_t, uint64_t, uint64_t, uint64_t, \
    uint64_t, double, double, double, double, double, double, double, double
#define DIRECT_ARGS env, xi[0], xi[1], xi[2], xi[3], xi[4], \
    xd[0], xd[1], xd[2], xd[3], xd[4], xd[5], xd[6], xd[7]
typedef uint64_t (*DirectInt)(DIRECT_PARAMS);
typedef double (*DirectFloat)(DIRECT_PARAMS);
typedef _Bool (*DirectBool)(DIRECT_PARAMS);
typedef void (*DirectVoid)(DIRECT_PARAMS);

static int can_call_direct(const char *sig)
{
    int ni = 0, nd = 0;
    for (const char *c = sig + 1; *c; c++) {
        if (*c == 'd' || *c == 'f')
            nd++;
        else
            ni++;
    }
    return ni <= DIRECT_INTS && nd <= DIRECT_FLOATS;
}

static void call_direct(const Callback *cb, void **args, Slot *rv)
{
    uint64_t xi[DIRECT_INTS] = {0};
    double xd[DIRECT_FLOATS] = {0};
    int ni = 0, nd = 0;
    for (unsigned k = 0; k < cb->nparams; k++) {
        Slot v;
        char c = cb->sig[k + 1];
        c_to_wyn(c, args[k], &v);
        if (c == 'd' || c == 'f')
            xd[nd++] = v.d;
        else if (c == 'b')
            xi[ni++] = v.b;
        else if (c == 's' || c == 'p')
            xi[ni++] = (uint64_t)(uintptr_t)v.p;
        else
            xi[ni++] = (uint64_t)v.i;
    }
    void *env = cb->fn.env;
    switch (cb->sig[0]) {
    case 'v': ((DirectVoid)cb->fn.fn)(DIRECT_ARGS); break;
    case 'd': case 'f': rv->d = ((DirectFloat)cb->fn.fn)(DIRECT_ARGS); break;
    case 'b': rv->a = ((DirectBool)cb->fn.fn)(DIRECT_ARGS); break;
    case 's': case 'p':
        rv->p = (void *)(uintptr_t)((DirectInt)cb->fn.fn)(DIRECT_ARGS);
        break;
    default: rv->i = (wyn_int)((DirectInt)cb->fn.fn)(DIRECT_ARGS); break;
    }
}
#else
static int can_call_direct(const char *sig) { return 0; }
static void call_direct(const Callback *cb, void **args, Slot *rv) {}
#endif

/* A foreign thread's last string result (released by the next one or at
 * thread exit). */
static pthread_key_t last_str_key;
static pthread_once_t last_str_once = PTHREAD_ONCE_INIT;

static void last_str_free(void *s)
{
    rt_release_str(s);
}

static void last_str_init(void)
{
    pthread_key_create(&last_str_key, last_str_free);
}

/* Keeps a string result valid after the callback's pool is drained. */
static void keep_result(WynStr *s, int in_task)
{
    if (in_task) {
        rt_autorelease(s);   /* the caller's pool, below the callback's mark */
        return;
    }
    pthread_once(&last_str_once, last_str_init);
    WynStr *old = pthread_getspecific(last_str_key);
    pthread_setspecific(last_str_key, s);
    rt_release_str(old);
}

static void handler(ffi_cif *cif, void *ret, void **args, void *user)
{
    const Callback *cb = user;
    int in_task = rt_pool_in_task();
    wyn_int mark = rt_pool_mark();
    Slot rv;
    memset(&rv, 0, sizeof rv);
    if (cb->direct) {
        call_direct(cb, args, &rv);
    } else {
        unsigned n = cb->nparams;
        Slot vals[n ? n : 1];
        void *avals[n + 1];
        void *env = cb->fn.env;
        avals[0] = &env;
        for (unsigned k = 0; k < n; k++) {
            c_to_wyn(cb->sig[k + 1], args[k], &vals[k]);
            avals[k + 1] = &vals[k];
        }
        ffi_call((ffi_cif *)&cb->wyn_cif, FFI_FN(cb->fn.fn), &rv, avals);
    }
    WynStr *res = cb->sig[0] == 's' ? rv.p : NULL;
    rt_retain(res);
    rt_pool_drain(mark);
    if (res && res->rc > 0)
        keep_result(res, in_task);
    wyn_to_c(cb->sig[0], &rv, ret);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        rt_fatal(0, "out of memory");
    return p;
}

static Callback *make_callback(const WynFn *f, const char *sig, size_t len)
{
    Callback *cb = xcalloc(1, sizeof *cb);
    cb->fn = *f;
    rt_retain_box(cb->fn.env);   /* the callback lives for ever */
    cb->sig = xcalloc(len + 1, 1);
    memcpy(cb->sig, sig, len);
    cb->nparams = (unsigned)(len - 1);
    cb->direct = can_call_direct(cb->sig) && !getenv("WYN_FFI_NO_DIRECT");
    cb->c_types = xcalloc(cb->nparams, sizeof(ffi_type *));
    cb->wyn_types = xcalloc(cb->nparams + 1, sizeof(ffi_type *));
    cb->wyn_types[0] = &ffi_type_pointer;
    for (unsigned k = 0; k < cb->nparams; k++) {
        cb->c_types[k] = c_type(sig[k + 1], sig);
        cb->wyn_types[k + 1] = wyn_type(sig[k + 1]);
    }
    ffi_type *cres = c_type(sig[0], sig);
    if (ffi_prep_cif(&cb->c_cif, FFI_DEFAULT_ABI, cb->nparams, cres,
                     cb->c_types) != FFI_OK ||
        ffi_prep_cif(&cb->wyn_cif, FFI_DEFAULT_ABI, cb->nparams + 1,
                     wyn_type(sig[0]), cb->wyn_types) != FFI_OK)
        bad_sig(sig);

    ffi_closure *cl = ffi_closure_alloc(sizeof(ffi_closure), &cb->code);
    if (!cl)
        rt_fatal(0, "cannot allocate a foreign callback (ffi_closure_alloc failed)");
    if (ffi_prep_closure_loc(cl, &cb->c_cif, handler, cb, cb->code) != FFI_OK)
        rt_fatal(0, "cannot prepare a foreign callback (ffi_prep_closure_loc failed)");
    return cb;
}

/* Every callback ever made, keyed by (fn, env, sig).  Generated code asks
 * for a callback at each call of the extern function (qsort in a loop asks
 * every time), so the same function value gets the same closure back
 * instead of a new ~2 us, never-freed closure per call.  Reusing one is
 * exact: a callback holds only fn, the env pointer and sig, all part of the
 * key.  The table also keeps the callbacks visibly reachable (leak checkers
 * don't scan libffi's code pages). */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static Callback **cache;
static size_t cache_cap, cache_len;   /* cap: 0 or a power of two */

static size_t cache_hash(void *fn, void *env, const char *sig)
{
    uint64_t h = (uint64_t)(uintptr_t)fn * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)(uintptr_t)env * 0xC2B2AE3D27D4EB4Full;
    for (const char *c = sig; *c; c++)
        h = (h ^ (unsigned char)*c) * 0x100000001B3ull;
    return (size_t)(h ^ (h >> 29));
}

static void cache_put(Callback *cb)
{
    size_t mask = cache_cap - 1;
    size_t i = cache_hash(cb->fn.fn, cb->fn.env, cb->sig) & mask;
    while (cache[i])
        i = (i + 1) & mask;
    cache[i] = cb;
}

void *rt_ffi_callback(const WynFn *f, const char *sig)
{
    size_t len = sig ? strlen(sig) : 0;
    if (len == 0)
        bad_sig(sig ? sig : "");
    for (size_t k = 1; k < len; k++)
        if (sig[k] == 'v')
            bad_sig(sig);

    pthread_mutex_lock(&cache_lock);
    if (cache_cap) {
        size_t mask = cache_cap - 1;
        for (size_t i = cache_hash(f->fn, f->env, sig) & mask; cache[i];
             i = (i + 1) & mask) {
            Callback *cb = cache[i];
            if (cb->fn.fn == f->fn && cb->fn.env == f->env &&
                strcmp(cb->sig, sig) == 0) {
                pthread_mutex_unlock(&cache_lock);
                return cb->code;
            }
        }
    }
    Callback *cb = make_callback(f, sig, len);
    if (2 * (cache_len + 1) > cache_cap) {
        Callback **old = cache;
        size_t old_cap = cache_cap;
        cache_cap = old_cap ? 2 * old_cap : 64;
        cache = xcalloc(cache_cap, sizeof *cache);
        for (size_t i = 0; i < old_cap; i++)
            if (old[i])
                cache_put(old[i]);
        free(old);
    }
    cache_put(cb);
    cache_len++;
    pthread_mutex_unlock(&cache_lock);
    return cb->code;
}
