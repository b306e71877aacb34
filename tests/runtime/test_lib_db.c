/* test_lib_db.c — Db on SQLite (lib_db.c): :memory: and file databases,
 * several statements in one exec, bound parameters and the statement
 * cache, query text, query_one, rows, last_insert_id, table_exists,
 * escape, the try_ forms, and the runtime errors (bad SQL, parameter
 * count, closed and made-up handles). */
#include <unistd.h>
#include "lib_test.h"

static wyn_int db;

static void bad_sql(void) { rt_db_exec(db, S("CREAT TABLE x(a)"), WYN_LOC(0, 3)); }
static void bad_query(void) { rt_db_query(db, S("SELECT nope FROM t"), WYN_LOC(0, 4)); }
static void wrong_count(void) { rt_db_exec_p(db, S("INSERT INTO t(name, n) VALUES (?, ?)"), lib_str_array(), WYN_LOC(0, 5)); }
static void fake_handle(void) { rt_db_query(42, S("SELECT 1"), WYN_LOC(0, 6)); }
static void closed_handle(void)
{
    wyn_int d = rt_db_open(S(":memory:"), 1);
    rt_db_close(d, 1);
    rt_db_exec(d, S("SELECT 1"), WYN_LOC(0, 7));
}
static void bad_path(void) { rt_db_open(S("/no/such/dir/x.db"), WYN_LOC(0, 8)); }
static void unique_violation(void)
{
    rt_db_exec(db, S("CREATE TABLE u(k UNIQUE); INSERT INTO u VALUES (1); INSERT INTO u VALUES (1)"),
               WYN_LOC(0, 9));
}

static WynArr *params2(const char *a, const char *b)
{
    WynArr *p = lib_str_array();
    lib_str_push(p, a, strlen(a));
    lib_str_push(p, b, strlen(b));
    return p;
}

int main(void)
{
    lib_test_init();
    db = rt_db_open(S(":memory:"), 1);
    CHECK(db != 0);
    rt_db_exec(db, S("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER);"
                     "INSERT INTO t(name, n) VALUES ('ann', 1);"), 1);
    CHECK_EQ(rt_db_last_insert_id(db, 1), 1);
    for (int i = 0; i < 100; i++) {   /* one prepared statement, reused */
        char n[16];
        snprintf(n, sizeof n, "%d", i);
        rt_db_exec_p(db, S("INSERT INTO t(name, n) VALUES (?, ?)"), params2("o'brien", n), 1);
    }
    CHECK_EQ(rt_db_last_insert_id(db, 1), 101);
    CHECK(streq(rt_db_query_one(db, S("SELECT count(*) FROM t"), 1), "101"));
    CHECK(streq(rt_db_query_one(db, S("SELECT sum(n) FROM t WHERE name = 'o''brien'"), 1), "4950"));
    CHECK(streq(rt_db_query_one(db, S("SELECT name FROM t WHERE id = 999"), 1), ""));
    CHECK(streq(rt_db_query(db, S("SELECT id, name, NULL FROM t WHERE id <= 2 ORDER BY id"), 1),
                "1|ann|\n2|o'brien|"));
    CHECK(streq(rt_db_query(db, S("SELECT 1 WHERE 0"), 1), ""));
    WynArr *rows = rt_db_rows(db, S("SELECT name, n FROM t WHERE n >= ? ORDER BY n"),
                              ({ WynArr *p = lib_str_array(); lib_str_push(p, "98", 2); p; }), 1);
    CHECK_EQ(rows->len, 2);
    WynArr *r0 = ((WynArr **)rows->data)[0];
    CHECK(r0->len == 2 && streq(at(r0, 0), "o'brien") && streq(at(r0, 1), "98"));
    CHECK_EQ(rt_db_rows(db, S("SELECT 1.5, 'x'"), NULL, 1)->len, 1);
    CHECK(rt_db_table_exists(db, S("t"), 1));
    CHECK(!rt_db_table_exists(db, S("nope"), 1));
    CHECK(streq(rt_db_escape(S("it's")), "it''s"));

    WynStr *err = NULL;
    CHECK(!rt_db_try_exec(db, S("DROP TABLE missing"), &err, 1));
    CHECK(err && strstr(err->data, "Db.try_exec: no such table: missing"));
    CHECK(rt_db_try_exec(db, S("CREATE TABLE IF NOT EXISTS t(a)"), &err, 1));
    err = NULL;
    CHECK(rt_db_try_query(db, S("SELEC 1"), &err, 1) == NULL);
    CHECK(err && strstr(err->data, "syntax error"));
    CHECK(streq(rt_db_try_query(db, S("SELECT 2"), &err, 1), "2"));
    err = NULL;
    CHECK(rt_db_try_open(S("/no/such/dir/x.db"), &err) == 0 && err);

    /* a file database keeps its rows after close */
    char path[64];
    snprintf(path, sizeof path, "/tmp/wyn-test-db-%d.db", (int)getpid());
    wyn_int f = rt_db_open(S(path), 1);
    rt_db_exec(f, S("CREATE TABLE k(v); INSERT INTO k VALUES ('kept')"), 1);
    rt_db_close(f, 1);
    f = rt_db_open(S(path), 1);
    CHECK(f != db);
    CHECK(streq(rt_db_query_one(f, S("SELECT v FROM k"), 1), "kept"));
    rt_db_close(f, 1);
    unlink(path);

    CHECK_FAILS(bad_sql, "test.wyn:3: error: Db.exec: near \"CREAT\": syntax error");
    CHECK_FAILS(bad_query, "test.wyn:4: error: Db.query: no such column: nope");
    CHECK_FAILS(wrong_count, "test.wyn:5: error: Db.exec_p: the statement has 2 parameters, 0 given");
    CHECK_FAILS(fake_handle, "test.wyn:6: error: Db.query: not an open Db handle (42)");
    CHECK_FAILS(closed_handle, "test.wyn:7: error: Db.exec: not an open Db handle");
    CHECK_FAILS(bad_path, "test.wyn:8: error: Db.open: cannot open /no/such/dir/x.db: unable to open database file");
    CHECK_FAILS(unique_violation, "test.wyn:9: error: Db.exec: UNIQUE constraint failed: u.k");
    rt_db_close(db, 1);
    TEST_DONE("test_lib_db");
}
