/*
 * diag.h — source files and compile-time diagnostics.
 *
 * Every compile error goes through diag_error, which prints
 *   file.wyn:LINE:COL: error: message
 *       <the source line>
 *       ^
 * to stderr.  The front end keeps going after an error where it can, so
 * several errors may be reported; the driver exits 1 if any were.
 * diag_internal reports a bug of the compiler itself and exits 70.
 */
#ifndef WYN_DIAG_H
#define WYN_DIAG_H

typedef struct SourceFile {
    const char *path;    /* as given by the user; used in messages */
    const char *text;    /* NUL-terminated contents */
    int len;
} SourceFile;

/* Registers a source file and returns its index (the file part of a loc). */
int diag_add_file(const char *path, const char *text, int len);
const SourceFile *diag_file(int index);
int diag_file_count(void);

void diag_error(int file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int diag_error_count(void);
/* Starts the count (and the cap on reported errors) afresh: for commands
 * that handle several independent files, such as wyn fmt. */
void diag_reset_errors(void);
/* A note that belongs to the error just reported ("captured here"):
 * printed like an error with "note:", not counted. */
void diag_note(int file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A case the compiler does not handle (a bug, not bad input): prints
 *   file.wyn:LINE:COL: internal error: MESSAGE
 * and a "please report" line, then exits 70 (EX_SOFTWARE).  The message
 * names the construct and the function that met it.  The checker and the
 * code generator call this instead of guessing a type or emitting 0.
 * `file` may be -1 when no source position is known. */
_Noreturn void diag_internal(int file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
