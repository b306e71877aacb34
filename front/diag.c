/* diag.c — the source file table, the one formatter of compile errors and
 * the report of internal errors. */
#include "diag.h"
#include "common.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_REPORTED_ERRORS = 20 };

static VEC(SourceFile) files;
static int error_count;

int diag_add_file(const char *path, const char *text, int len)
{
    SourceFile f = { path, text, len };
    vec_push(&files, f);
    return files.len - 1;
}

const SourceFile *diag_file(int index)
{
    return index >= 0 && index < files.len ? &files.items[index] : NULL;
}

int diag_file_count(void) { return files.len; }

int diag_error_count(void) { return error_count; }

void diag_reset_errors(void) { error_count = 0; }

/* Prints source line `line` of f and a caret under column `col`, expanding
 * tabs the same way in both so that the caret lines up. */
static void show_line(const SourceFile *f, int line, int col)
{
    const char *p = f->text;
    for (int l = 1; l < line && *p; p++)
        if (*p == '\n')
            l++;
    const char *end = strchr(p, '\n');
    int n = end ? (int)(end - p) : (int)strlen(p);
    if (n > 0 && p[n - 1] == '\r')
        n--;
    fprintf(stderr, "    %.*s\n    ", n, p);
    for (int i = 0; i < col - 1 && i < n; i++)
        fputc(p[i] == '\t' ? '\t' : ' ', stderr);
    fputs("^\n", stderr);
}

/* One diagnostic: "PATH:LINE:COL: KIND: message", the line, a caret. */
static void report(const char *kind, int file, int line, int col, const char *fmt, va_list ap)
{
    const SourceFile *f = diag_file(file);
    if (f)
        fprintf(stderr, "%s:%d:%d: %s: ", f->path, line, col, kind);
    else
        fprintf(stderr, "wyn: %s: ", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    if (f && line > 0)
        show_line(f, line, col);
}

void diag_error(int file, int line, int col, const char *fmt, ...)
{
    error_count++;
    if (error_count > MAX_REPORTED_ERRORS)
        return;
    va_list ap;
    va_start(ap, fmt);
    report("error", file, line, col, fmt, ap);
    va_end(ap);
    if (error_count == MAX_REPORTED_ERRORS)
        fputs("wyn: too many errors, stopping\n", stderr);
}

void diag_internal(int file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report("internal error", file, line, col, fmt, ap);
    va_end(ap);
    fputs("wyn: this is a bug in the compiler; please report it with the program above\n", stderr);
    exit(70);
}

void diag_note(int file, int line, int col, const char *fmt, ...)
{
    if (error_count > MAX_REPORTED_ERRORS)
        return;
    va_list ap;
    va_start(ap, fmt);
    report("note", file, line, col, fmt, ap);
    va_end(ap);
}
