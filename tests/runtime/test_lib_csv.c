/* test_lib_csv.c — Csv (lib_csv.c): RFC 4180 quoting (commas, doubled
 * quotes, newlines inside quotes), CRLF, empty lines and fields, ragged
 * rows, rows() copies, format/write round trip, and the errors: the
 * three kinds of malformed quotes, out-of-range rows and columns, closed
 * handles. */
#include <unistd.h>
#include "lib_test.h"

static void bare_quote(void) { rt_csv_parse(S("a,b\nc,d\"e\n"), WYN_LOC(0, 3)); }
static void after_quote(void) { rt_csv_parse(S("\"a\"b,c\n"), WYN_LOC(0, 4)); }
static void unclosed(void) { rt_csv_parse(S("a\n\"open,\nmore"), WYN_LOC(0, 5)); }
static void bad_row(void) { rt_csv_get(rt_csv_parse(S("a\n"), 1), 1, 0, WYN_LOC(0, 6)); }
static void bad_col(void) { rt_csv_get(rt_csv_parse(S("a,b\n"), 1), 0, 2, WYN_LOC(0, 7)); }
static void closed(void)
{
    wyn_int d = rt_csv_parse(S("a\n"), 1);
    rt_csv_close(d, 1);
    rt_csv_row_count(d, WYN_LOC(0, 8));
}

int main(void)
{
    lib_test_init();
    wyn_int d = rt_csv_parse(S("name,note\r\n\"Smith, J\",\"said \"\"hi\"\"\"\r\n\nx,\"two\nlines\"\n,\n"), 1);
    CHECK_EQ(rt_csv_row_count(d, 1), 4);
    CHECK(streq(rt_csv_header(d, 1, 1), "note"));
    CHECK(streq(rt_csv_get(d, 1, 0, 1), "Smith, J"));
    CHECK(streq(rt_csv_get(d, 1, 1, 1), "said \"hi\""));
    CHECK(streq(rt_csv_get(d, 2, 1, 1), "two\nlines"));
    CHECK(streq(rt_csv_get(d, 3, 0, 1), "") && streq(rt_csv_get(d, 3, 1, 1), ""));
    WynArr *rows = rt_csv_rows(d, 1);
    CHECK_EQ(rows->len, 4);
    WynArr *r1 = ((WynArr **)rows->data)[1];
    *(WynStr **)rt_arr_push_slot(r1) = rt_str_cstr("extra");
    rt_retain(at(r1, 2));
    CHECK_EQ(((WynArr **)rt_csv_rows(d, 1)->data)[1]->len, 2);   /* the document is unchanged */

    /* no final newline, ragged rows */
    wyn_int e = rt_csv_parse(S("a,b,c\nd"), 1);
    CHECK_EQ(rt_csv_row_count(e, 1), 2);
    CHECK(streq(rt_csv_get(e, 1, 0, 1), "d"));
    CHECK_EQ(rt_csv_row_count(rt_csv_parse(S(""), 1), 1), 0);

    /* format quotes what needs it; parsing it back gives the same rows */
    WynStr *text = rt_csv_format(rt_csv_rows(d, 1));
    CHECK(streq(text, "name,note\n\"Smith, J\",\"said \"\"hi\"\"\"\nx,\"two\nlines\"\n,\n"));
    char path[64];
    snprintf(path, sizeof path, "/tmp/wyn-test-csv-%d.csv", (int)getpid());
    rt_csv_write(S(path), rt_csv_rows(d, 1), 1);
    CHECK(rt_str_eq(rt_file_read(S(path), 1), text));
    unlink(path);
    rt_csv_close(d, 1);

    CHECK_FAILS(bare_quote, "test.wyn:3: error: Csv.parse: malformed CSV at line 2, column 4: quote inside an unquoted field");
    CHECK_FAILS(after_quote, "test.wyn:4: error: Csv.parse: malformed CSV at line 1, column 4: text after a closing quote");
    CHECK_FAILS(unclosed, "test.wyn:5: error: Csv.parse: malformed CSV at line 2, column 1: quoted field is never closed");
    CHECK_FAILS(bad_row, "test.wyn:6: error: Csv.get: row 1 out of range (the document has 1 row)");
    CHECK_FAILS(bad_col, "test.wyn:7: error: Csv.get: column 2 out of range (row 0 has 2 fields)");
    CHECK_FAILS(closed, "test.wyn:8: error: Csv.row_count: not an open Csv handle");
    TEST_DONE("test_lib_csv");
}
