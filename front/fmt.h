/*
 * fmt.h — `wyn fmt`: the one canonical layout of Wyn source.
 *
 * The formatter works on the token stream (lexer.h, with comments kept),
 * not on the syntax tree: it only decides the whitespace between tokens.
 * Line breaks the author wrote are kept (they may end statements), blank
 * lines are squeezed to one, indentation is recomputed (4 spaces per open
 * bracket line, plus one for a continued statement), spacing inside a line
 * follows fixed rules, and a line longer than FMT_WIDTH has its outermost
 * call or list broken one element per line.  Before returning, the result
 * is lexed again and must give exactly the same tokens, statement ends and
 * comments as the input; anything else is a formatter bug, reported as an
 * internal error, never written.
 */
#ifndef WYN_FMT_H
#define WYN_FMT_H
#include "common.h"
#include <stdio.h>

enum { FMT_WIDTH = 100 };

typedef enum FmtStatus {
    FMT_OK,        /* *out holds the canonical text */
    FMT_SYNTAX,    /* the file does not parse; errors already reported */
    FMT_INTERNAL,  /* the layout would change the tokens (a bug; reported) */
} FmtStatus;

/* Formats source file `file` (registered with diag_add_file) into *out. */
FmtStatus fmt_file(int file, Buf *out);

/* Prints a unified diff (---/+++/@@ hunks with 3 lines of context) that
 * turns `before` into `after`; prints nothing when they are equal. */
void fmt_print_diff(FILE *f, const char *path, const char *before, size_t before_len,
                    const char *after, size_t after_len);

#endif
