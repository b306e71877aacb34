/*
 * lib_csv.c — the Csv module: an RFC 4180 parser and writer.
 *
 * Csv.parse reads the whole text into a document (an int handle, kind
 * "Csv") holding every record as a [string]; row 0 is the first line, so
 * with a header line Csv.header(doc, c) is Csv.get(doc, 0, c).  Fields are
 * separated by `,`, records by LF or CRLF; a field in double quotes may
 * hold commas, newlines and doubled quotes (`""` is one `"`).  Empty lines
 * are skipped (as Go's encoding/csv does); a final newline ends the last
 * record without starting another.  Rows may have different lengths.
 *
 * Malformed quoting is a runtime error naming the line and column, the
 * three cases Go's reader also rejects: a quote inside an unquoted field
 * (`a"b`), anything but a comma or newline after a closing quote (`"a"b`),
 * and a quoted field still open at the end of the text.
 *
 * Csv.write quotes a field when it holds a comma, quote, CR or LF, and
 * ends every record with "\n".
 */
#include <stdlib.h>
#include <string.h>
#include "lib_internal.h"
#include "rt_internal.h"
#include "rt_values.h"

typedef struct CsvDoc {
    WynArr *rows;             /* +1 [[string]] */
} CsvDoc;

static void csv_destroy(void *obj)
{
    CsvDoc *d = obj;
    rt_release_arr(d->rows);
    free(d);
}

static const LibHandleKind csv_kind = { "Csv", csv_destroy };

/* Parser position, for messages. */
typedef struct Cursor {
    const char *p, *end, *line_start;
    wyn_int line;
} Cursor;

WYN_NORETURN static void malformed(Cursor *c, WynArr *rows, WynSB *field, const char *what,
                                   wyn_loc loc)
{
    wyn_int col = c->p - c->line_start + 1;
    rt_release_arr(rows);
    rt_sb_free(field);
    lib_fail(loc, "Csv.parse: malformed CSV at line %lld, column %lld: %s", c->line, col, what);
}

static void newline(Cursor *c)
{
    c->line++;
    c->line_start = c->p;
}

/* Reads one quoted field's contents into f; c->p is after the opening
 * quote and ends after the closing one. */
static void quoted(Cursor *c, WynSB *f, WynArr *rows, wyn_loc loc)
{
    Cursor open = *c;
    open.p--;
    for (;;) {
        if (c->p == c->end)
            malformed(&open, rows, f, "quoted field is never closed", loc);
        char ch = *c->p++;
        if (ch == '"') {
            if (c->p < c->end && *c->p == '"') {
                rt_sb_append_bytes(f, "\"", 1);
                c->p++;
                continue;
            }
            return;
        }
        rt_sb_append_bytes(f, &ch, 1);
        if (ch == '\n')
            newline(c);
    }
}

static WynArr *parse(WynStr *text, wyn_loc loc)
{
    Cursor c = { text->data, text->data + text->len, text->data, 1 };
    WynArr *rows = rt_arr_new_keep(sizeof(WynArr *), 0, &rt_arr_ops);
    WynSB *f = rt_sb_new();
    while (c.p < c.end) {
        if (*c.p == '\n' || (*c.p == '\r' && c.p + 1 < c.end && c.p[1] == '\n')) {
            c.p += *c.p == '\r' ? 2 : 1;          /* empty line: skipped */
            newline(&c);
            continue;
        }
        WynArr *row = rt_arr_new_keep(sizeof(WynStr *), 0, &rt_str_ops);
        *(WynArr **)rt_arr_push_slot(rows) = row;
        for (;;) {                               /* one field per turn */
            f->len = 0;
            if (c.p < c.end && *c.p == '"') {
                c.p++;
                quoted(&c, f, rows, loc);
                if (c.p < c.end && *c.p != ',' && *c.p != '\n' &&
                    !(*c.p == '\r' && c.p + 1 < c.end && c.p[1] == '\n'))
                    malformed(&c, rows, f, "text after a closing quote", loc);
            } else {
                const char *start = c.p;
                while (c.p < c.end && *c.p != ',' && *c.p != '\n' &&
                       !(*c.p == '\r' && c.p + 1 < c.end && c.p[1] == '\n')) {
                    if (*c.p == '"')
                        malformed(&c, rows, f, "quote inside an unquoted field", loc);
                    c.p++;
                }
                rt_sb_append_bytes(f, start, c.p - start);
            }
            lib_str_push(row, f->data ? f->data : "", (size_t)f->len);
            if (c.p < c.end && *c.p == ',') {
                c.p++;
                continue;
            }
            break;
        }
        if (c.p < c.end) {                       /* the record's newline */
            c.p += *c.p == '\r' ? 2 : 1;
            newline(&c);
        }
    }
    rt_sb_free(f);
    return rows;
}

wyn_int rt_csv_parse(WynStr *text, wyn_loc loc)
{
    CsvDoc *d = rt_malloc_raw(sizeof *d);
    d->rows = parse(text, loc);
    return lib_handle_new(&csv_kind, d);
}

/* Row r of the document (bounds-checked), its use registered. */
static WynArr *row_at(wyn_int doc, wyn_int r, const char *fn, wyn_loc loc)
{
    CsvDoc *d = lib_handle_get(doc, &csv_kind, fn, loc);
    if (r < 0 || r >= d->rows->len) {
        wyn_int n = d->rows->len;
        lib_handle_put(doc);
        lib_fail(loc, "%s: row %lld out of range (the document has %lld row%s)", fn, r, n,
                 n == 1 ? "" : "s");
    }
    return ((WynArr **)d->rows->data)[r];
}

static WynStr *field_at(wyn_int doc, wyn_int r, wyn_int col, const char *fn, wyn_loc loc)
{
    WynArr *row = row_at(doc, r, fn, loc);
    if (col < 0 || col >= row->len) {
        wyn_int n = row->len;
        lib_handle_put(doc);
        lib_fail(loc, "%s: column %lld out of range (row %lld has %lld field%s)", fn, col, r, n,
                 n == 1 ? "" : "s");
    }
    WynStr *s = ((WynStr **)row->data)[col];
    rt_retain(s);          /* the document may be closed by another task */
    lib_handle_put(doc);
    return rt_autorelease(s);
}

WynStr *rt_csv_get(wyn_int doc, wyn_int row, wyn_int col, wyn_loc loc)
{
    return field_at(doc, row, col, "Csv.get", loc);
}

WynStr *rt_csv_header(wyn_int doc, wyn_int col, wyn_loc loc)
{
    return field_at(doc, 0, col, "Csv.header", loc);
}

wyn_int rt_csv_row_count(wyn_int doc, wyn_loc loc)
{
    CsvDoc *d = lib_handle_get(doc, &csv_kind, "Csv.row_count", loc);
    wyn_int n = d->rows->len;
    lib_handle_put(doc);
    return n;
}

WynArr *rt_csv_rows(wyn_int doc, wyn_loc loc)
{
    CsvDoc *d = lib_handle_get(doc, &csv_kind, "Csv.rows", loc);
    /* fresh rows: a script editing its copy must not edit the document */
    WynArr *copy = rt_arr_new_ops(sizeof(WynArr *), d->rows->len, &rt_arr_ops);
    for (wyn_int r = 0; r < d->rows->len; r++) {
        WynArr *row = rt_arr_copy(((WynArr **)d->rows->data)[r]);
        rt_retain(row);
        *(WynArr **)rt_arr_push_slot(copy) = row;
    }
    lib_handle_put(doc);
    return copy;
}

void rt_csv_close(wyn_int doc, wyn_loc loc)
{
    lib_handle_close(doc, &csv_kind, "Csv.close", loc);
}

static int needs_quotes(WynStr *s)
{
    for (wyn_int i = 0; i < s->len; i++)
        if (s->data[i] == ',' || s->data[i] == '"' || s->data[i] == '\n' || s->data[i] == '\r')
            return 1;
    return 0;
}

WynStr *rt_csv_format(WynArr *rows)
{
    WynSB *sb = rt_sb_new();
    for (wyn_int r = 0; r < rows->len; r++) {
        WynArr *row = ((WynArr **)rows->data)[r];
        for (wyn_int i = 0; i < row->len; i++) {
            WynStr *s = ((WynStr **)row->data)[i];
            if (i)
                rt_sb_append_bytes(sb, ",", 1);
            if (!needs_quotes(s)) {
                rt_sb_append(sb, s);
                continue;
            }
            rt_sb_append_bytes(sb, "\"", 1);
            for (wyn_int k = 0; k < s->len; k++) {
                if (s->data[k] == '"')
                    rt_sb_append_bytes(sb, "\"", 1);
                rt_sb_append_bytes(sb, s->data + k, 1);
            }
            rt_sb_append_bytes(sb, "\"", 1);
        }
        rt_sb_append_bytes(sb, "\n", 1);
    }
    WynStr *out = rt_sb_to_string(sb);
    rt_sb_free(sb);
    return out;
}

void rt_csv_write(WynStr *path, WynArr *rows, wyn_loc loc)
{
    rt_file_write(path, rt_csv_format(rows), loc);
}
