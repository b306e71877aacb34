/*
 * common.h — small utilities shared by the front end and the code
 * generator: a bump arena for AST and type nodes, growable arrays, string
 * helpers.  Nothing here knows about Wyn itself.
 */
#ifndef WYN_COMMON_H
#define WYN_COMMON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Everything the compiler allocates lives until the process ends (the
 * compiler runs once per process), so one arena serves all of it. */
void *arena_alloc(size_t size);
char *arena_strndup(const char *s, size_t n);
char *arena_strdup(const char *s);
char *arena_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable array of T: struct { T *items; int len, cap; }. */
#define VEC(T) struct { T *items; int len, cap; }
#define vec_push(v, x) do { \
        if ((v)->len == (v)->cap) { \
            (v)->cap = (v)->cap ? (v)->cap * 2 : 8; \
            (v)->items = xrealloc((v)->items, (size_t)(v)->cap * sizeof *(v)->items); \
        } \
        (v)->items[(v)->len++] = (x); \
    } while (0)

void *xrealloc(void *p, size_t size);

/* A growable text buffer: the emitter writes C into these. */
typedef struct Buf {
    char *data;
    size_t len, cap;
} Buf;
void buf_put(Buf *b, const char *s, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(Buf *b);
/* Appends everything left in f (a FILE *, passed as void * to keep stdio
 * out of this header); 0 on a read error.  b->data is never NULL after. */
int buf_read_all(Buf *b, void *f);

#endif
