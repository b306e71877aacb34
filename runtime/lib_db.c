/*
 * lib_db.c — the Db module on SQLite 3.
 *
 * A database is an int handle (lib_handle_*, kind "Db") to a Db record:
 * the connection, a mutex, and a small cache of prepared statements keyed
 * by their SQL text, so a loop running the same INSERT with new bound
 * parameters prepares it once (SQLITE_PREPARE_PERSISTENT).  The mutex
 * makes one connection safe to share between tasks on different workers;
 * SQLite itself is opened with SQLITE_OPEN_NOMUTEX since we serialise.
 *
 * Text in, text out: parameters are bound as text (SQLite's column
 * affinity turns '5' into 5 for an INTEGER column), and results are read
 * as text (NULL reads as "").  Db.query joins the rows with "\n" and the
 * columns with "|", like the sqlite3 shell; Db.rows gives [[string]].
 * Db.exec and Db.query run every statement of their SQL in turn; the
 * forms with parameters take exactly one statement.
 *
 * Errors are runtime errors "Db.F: SQLite's message" (sqlite3_errmsg);
 * the try_ forms hand the same text back.  A wrong or closed handle is
 * always a runtime error ("Db.F: not an open Db handle").
 *
 * Sentinels: Db.query_one gives "" when the query returns no row.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "lib_internal.h"
#include "rt_internal.h"
#include "rt_values.h"

/* Prepared statements kept per connection: enough for the statements of
 * a typical script's loops. */
#define STMT_CACHE 16
/* How long a statement waits for another connection's lock (ms). */
#define BUSY_TIMEOUT_MS 5000

typedef struct Stmt {
    WynStr *sql;           /* +1; NULL: empty */
    sqlite3_stmt *st;
} Stmt;

typedef struct Db {
    sqlite3 *db;
    pthread_mutex_t lock;
    Stmt cache[STMT_CACHE];
    int next_evict;
} Db;

static void db_destroy(void *obj)
{
    Db *d = obj;
    for (int i = 0; i < STMT_CACHE; i++) {
        sqlite3_finalize(d->cache[i].st);
        rt_release_str(d->cache[i].sql);
    }
    sqlite3_close_v2(d->db);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

static const LibHandleKind db_kind = { "Db", db_destroy };

/* --------------------------------------------------------------- open */

static wyn_int db_open(WynStr *path, WynStr **err, wyn_loc loc)
{
    char *p = lib_cstr(path, "Db.open", "the path", loc);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
    free(p);
    if (rc != SQLITE_OK) {
        *err = lib_errmsg("Db.open: cannot open %s: %s", path->data,
                          db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return 0;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    Db *d = rt_alloc(sizeof *d);
    d->db = db;
    pthread_mutex_init(&d->lock, NULL);
    return lib_handle_new(&db_kind, d);
}

wyn_int rt_db_open(WynStr *path, wyn_loc loc)
{
    WynStr *err = NULL;
    wyn_int h = db_open(path, &err, loc);
    if (!h)
        rt_panic_str(loc, err);
    return h;
}

wyn_int rt_db_try_open(WynStr *path, WynStr **err)
{
    return db_open(path, err, 0);
}

void rt_db_close(wyn_int db, wyn_loc loc)
{
    lib_handle_close(db, &db_kind, "Db.close", loc);
}

/* ---------------------------------------------------------- statements */

/* A call in progress: the record (locked) and what went wrong. */
typedef struct Call {
    wyn_int h;
    Db *d;
    const char *fn;
    WynStr *err;           /* +0 message once something failed */
} Call;

static Call call_begin(wyn_int h, const char *fn, wyn_loc loc)
{
    Call c = { h, lib_handle_get(h, &db_kind, fn, loc), fn, NULL };
    pthread_mutex_lock(&c.d->lock);
    return c;
}

/* Ends the call; a failure becomes the runtime error when loc != -1. */
static void call_end(Call *c, wyn_loc loc, int raise)
{
    pthread_mutex_unlock(&c->d->lock);
    lib_handle_put(c->h);
    if (c->err && raise)
        rt_panic_str(loc, c->err);
}

static void call_sqlite_error(Call *c)
{
    c->err = lib_errmsg("%s: %s", c->fn, sqlite3_errmsg(c->d->db));
}

/* The cached statement for exactly sql, or NULL. */
static sqlite3_stmt *cache_find(Db *d, WynStr *sql)
{
    for (int i = 0; i < STMT_CACHE; i++)
        if (d->cache[i].sql && rt_str_eq(d->cache[i].sql, sql))
            return d->cache[i].st;
    return NULL;
}

static void cache_put(Db *d, WynStr *sql, sqlite3_stmt *st)
{
    Stmt *s = &d->cache[d->next_evict];
    d->next_evict = (d->next_evict + 1) % STMT_CACHE;
    sqlite3_finalize(s->st);
    rt_release_str(s->sql);
    s->sql = rt_str_new_keep(sql->data, sql->len);
    s->st = st;
}

static int blank(const char *p, const char *end)
{
    for (; p < end; p++)
        if (!(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ';'))
            return 0;
    return 1;
}

/* Receives each result row. */
typedef void (*RowFn)(void *ctx, sqlite3_stmt *st);

static int bind_params(Call *c, sqlite3_stmt *st, WynArr *params)
{
    int want = sqlite3_bind_parameter_count(st);
    wyn_int got = params ? params->len : 0;
    if (params && want != got) {
        c->err = lib_errmsg("%s: the statement has %d parameter%s, %lld given", c->fn, want,
                            want == 1 ? "" : "s", got);
        return 0;
    }
    for (wyn_int i = 0; i < got; i++) {
        WynStr *v = ((WynStr **)params->data)[i];
        if (sqlite3_bind_text(st, (int)i + 1, v->data, (int)v->len, SQLITE_TRANSIENT) != SQLITE_OK) {
            call_sqlite_error(c);
            return 0;
        }
    }
    return 1;
}

/* Steps st to the end, handing rows to row; 0 on error (c->err set). */
static int step_all(Call *c, sqlite3_stmt *st, RowFn row, void *ctx)
{
    for (;;) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            return 1;
        if (rc != SQLITE_ROW) {
            call_sqlite_error(c);
            return 0;
        }
        if (row)
            row(ctx, st);
    }
}

/* Runs sql: every statement in turn, or (params != NULL) exactly one
 * statement with params bound.  0 on error (c->err set). */
static int run(Call *c, WynStr *sql, WynArr *params, RowFn row, void *ctx)
{
    sqlite3_stmt *st = cache_find(c->d, sql);
    if (st) {
        int ok = bind_params(c, st, params) && step_all(c, st, row, ctx);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return ok;
    }
    const char *p = sql->data, *end = sql->data + sql->len;
    int first = 1;
    while (!blank(p, end)) {
        const char *tail;
        if (sqlite3_prepare_v3(c->d->db, p, (int)(end - p), SQLITE_PREPARE_PERSISTENT, &st,
                               &tail) != SQLITE_OK) {
            call_sqlite_error(c);
            return 0;
        }
        if (!st) {          /* a comment or empty statement */
            p = tail;
            continue;
        }
        int only = first && blank(tail, end);
        if (params && !only) {
            sqlite3_finalize(st);
            c->err = lib_errmsg("%s: with parameters the SQL must be one statement", c->fn);
            return 0;
        }
        int ok = bind_params(c, st, params) && step_all(c, st, row, ctx);
        if (ok && only) {   /* a single statement: keep it for next time */
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            cache_put(c->d, sql, st);
        } else {
            sqlite3_finalize(st);
        }
        if (!ok)
            return 0;
        first = 0;
        p = tail;
    }
    return 1;
}

/* --------------------------------------------------------------- rows */

static void text_row(void *ctx, sqlite3_stmt *st)
{
    WynSB *sb = ctx;
    if (sb->len)
        rt_sb_append_cstr(sb, "\n");
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        if (i)
            rt_sb_append_cstr(sb, "|");
        const unsigned char *t = sqlite3_column_text(st, i);
        rt_sb_append_bytes(sb, (const char *)t, t ? sqlite3_column_bytes(st, i) : 0);
    }
}

static void array_row(void *ctx, sqlite3_stmt *st)
{
    WynArr *rows = ctx;
    int n = sqlite3_column_count(st);
    WynArr *r = rt_arr_new_keep(sizeof(WynStr *), n, &rt_str_ops);
    for (int i = 0; i < n; i++) {
        const unsigned char *t = sqlite3_column_text(st, i);
        lib_str_push(r, (const char *)(t ? t : (const unsigned char *)""),
                     t ? (size_t)sqlite3_column_bytes(st, i) : 0);
    }
    *(WynArr **)rt_arr_push_slot(rows) = r;
}

typedef struct First {
    WynStr *value;         /* +1 once the first row was seen */
} First;

static void first_cell(void *ctx, sqlite3_stmt *st)
{
    First *f = ctx;
    if (f->value || sqlite3_column_count(st) == 0)
        return;
    const unsigned char *t = sqlite3_column_text(st, 0);
    f->value = rt_str_new_keep(t ? (const char *)t : "", t ? sqlite3_column_bytes(st, 0) : 0);
}

/* ------------------------------------------------------------ exports */

static int exec(wyn_int db, WynStr *sql, WynArr *params, const char *fn, WynStr **err, wyn_loc loc)
{
    Call c = call_begin(db, fn, loc);
    int ok = run(&c, sql, params, NULL, NULL);
    call_end(&c, loc, !err);
    if (!ok && err)
        *err = c.err;
    return ok;
}

void rt_db_exec(wyn_int db, WynStr *sql, wyn_loc loc)
{
    exec(db, sql, NULL, "Db.exec", NULL, loc);
}

void rt_db_exec_p(wyn_int db, WynStr *sql, WynArr *params, wyn_loc loc)
{
    exec(db, sql, params, "Db.exec_p", NULL, loc);
}

wyn_bool rt_db_try_exec(wyn_int db, WynStr *sql, WynStr **err, wyn_loc loc)
{
    return exec(db, sql, NULL, "Db.try_exec", err, loc);
}

static WynStr *query(wyn_int db, WynStr *sql, const char *fn, WynStr **err, wyn_loc loc)
{
    WynSB *sb = rt_sb_new();
    Call c = call_begin(db, fn, loc);
    int ok = run(&c, sql, NULL, text_row, sb);
    if (!ok)
        rt_sb_free(sb);
    call_end(&c, loc, !err);
    if (!ok) {
        *err = c.err;
        return NULL;
    }
    WynStr *s = rt_sb_to_string(sb);
    rt_sb_free(sb);
    return s;
}

WynStr *rt_db_query(wyn_int db, WynStr *sql, wyn_loc loc)
{
    return query(db, sql, "Db.query", NULL, loc);
}

WynStr *rt_db_try_query(wyn_int db, WynStr *sql, WynStr **err, wyn_loc loc)
{
    return query(db, sql, "Db.try_query", err, loc);
}

WynStr *rt_db_query_one(wyn_int db, WynStr *sql, wyn_loc loc)
{
    First f = { NULL };
    Call c = call_begin(db, "Db.query_one", loc);
    run(&c, sql, NULL, first_cell, &f);
    call_end(&c, loc, 1);
    return f.value ? rt_autorelease(f.value) : rt_str_empty();
}

WynArr *rt_db_rows(wyn_int db, WynStr *sql, WynArr *params, wyn_loc loc)
{
    WynArr *rows = rt_arr_new_ops(sizeof(WynArr *), 0, &rt_arr_ops);
    Call c = call_begin(db, "Db.rows", loc);
    run(&c, sql, params, array_row, rows);
    call_end(&c, loc, 1);
    return rows;
}

wyn_int rt_db_last_insert_id(wyn_int db, wyn_loc loc)
{
    Call c = call_begin(db, "Db.last_insert_id", loc);
    wyn_int id = sqlite3_last_insert_rowid(c.d->db);
    call_end(&c, loc, 1);
    return id;
}

wyn_bool rt_db_table_exists(wyn_int db, WynStr *name, wyn_loc loc)
{
    WynStr *q = rt_str_cstr("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    WynStr *nm = name;
    WynArr *params = rt_arr_from_ops(sizeof(WynStr *), &nm, 1, &rt_str_ops);
    First f = { NULL };
    Call c = call_begin(db, "Db.table_exists", loc);
    run(&c, q, params, first_cell, &f);
    call_end(&c, loc, 1);
    wyn_bool found = f.value != NULL;
    rt_release_str(f.value);
    return found;
}

WynStr *rt_db_escape(WynStr *s)
{
    return rt_str_replace(s, rt_str_cstr("'"), rt_str_cstr("''"));
}
