/*
 * fmt_diff.c — the unified diff that `wyn fmt --check` prints (see fmt.h).
 *
 * Lines common to both ends are trimmed first; the rest is aligned by a
 * longest-common-subsequence table.  When that table would be huge (more
 * than MAX_CELLS), the middle is shown as removed and re-added in full:
 * still a correct diff, only a longer one.
 */
#include "fmt.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { CONTEXT = 3, MAX_CELLS = 16 * 1024 * 1024 };

typedef struct Lines {
    const char **s;
    int *len;     /* without the newline */
    int n;
} Lines;

typedef struct Op {
    char tag;     /* ' ', '-' or '+' */
    int a, b;     /* line indexes in before / after (for ' ' both) */
} Op;

static Lines split_lines(const char *t, size_t n)
{
    Lines l = {0};
    int cap = 16;
    l.s = malloc(sizeof *l.s * (size_t)cap);
    l.len = malloc(sizeof *l.len * (size_t)cap);
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && t[j] != '\n')
            j++;
        if (l.n == cap) {
            cap *= 2;
            l.s = xrealloc(l.s, sizeof *l.s * (size_t)cap);
            l.len = xrealloc(l.len, sizeof *l.len * (size_t)cap);
        }
        l.s[l.n] = t + i;
        l.len[l.n++] = (int)(j - i);
        i = j + 1;
    }
    return l;
}

static int same(const Lines *a, int i, const Lines *b, int j)
{
    return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], (size_t)a->len[i]) == 0;
}

/* The edit script turning a into b. */
static Op *script(const Lines *a, const Lines *b, int *nops)
{
    Op *ops = malloc(sizeof *ops * (size_t)(a->n + b->n + 1));
    int n = 0, pre = 0, suf = 0;
    while (pre < a->n && pre < b->n && same(a, pre, b, pre))
        pre++;
    while (suf < a->n - pre && suf < b->n - pre && same(a, a->n - 1 - suf, b, b->n - 1 - suf))
        suf++;
    for (int i = 0; i < pre; i++)
        ops[n++] = (Op){ ' ', i, i };
    int ma = a->n - pre - suf, mb = b->n - pre - suf;
    if ((int64_t)(ma + 1) * (mb + 1) <= MAX_CELLS) {
        /* lcs[i][j]: common lines of a[pre+i..] and b[pre+j..] */
        int w = mb + 1;
        int *lcs = calloc((size_t)(ma + 1) * (size_t)w, sizeof *lcs);
        for (int i = ma - 1; i >= 0; i--)
            for (int j = mb - 1; j >= 0; j--)
                lcs[i * w + j] = same(a, pre + i, b, pre + j) ? lcs[(i + 1) * w + j + 1] + 1
                               : lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] ? lcs[(i + 1) * w + j]
                               : lcs[i * w + j + 1];
        int i = 0, j = 0;
        while (i < ma || j < mb) {
            if (i < ma && j < mb && same(a, pre + i, b, pre + j)) {
                ops[n++] = (Op){ ' ', pre + i++, pre + j++ };
            } else if (j == mb || (i < ma && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
                ops[n++] = (Op){ '-', pre + i++, 0 };
            } else {
                ops[n++] = (Op){ '+', 0, pre + j++ };
            }
        }
        free(lcs);
    } else {
        for (int i = 0; i < ma; i++)
            ops[n++] = (Op){ '-', pre + i, 0 };
        for (int j = 0; j < mb; j++)
            ops[n++] = (Op){ '+', 0, pre + j };
    }
    for (int i = 0; i < suf; i++)
        ops[n++] = (Op){ ' ', a->n - suf + i, b->n - suf + i };
    *nops = n;
    return ops;
}

/* Line numbers where op k sits in before and after (1-based, as in @@). */
static void position(const Op *ops, int k, int *la, int *lb)
{
    int a = 0, b = 0;
    for (int i = 0; i < k; i++) {
        a += ops[i].tag != '+';
        b += ops[i].tag != '-';
    }
    *la = a + 1;
    *lb = b + 1;
}

static void print_hunk(FILE *f, const Op *ops, int from, int to, const Lines *a, const Lines *b)
{
    int la, lb, na = 0, nb = 0;
    position(ops, from, &la, &lb);
    for (int k = from; k < to; k++) {
        na += ops[k].tag != '+';
        nb += ops[k].tag != '-';
    }
    fprintf(f, "@@ -%d,%d +%d,%d @@\n", na ? la : la - 1, na, nb ? lb : lb - 1, nb);
    for (int k = from; k < to; k++) {
        const Op *o = &ops[k];
        if (o->tag == '+')
            fprintf(f, "+%.*s\n", b->len[o->b], b->s[o->b]);
        else
            fprintf(f, "%c%.*s\n", o->tag, a->len[o->a], a->s[o->a]);
    }
}

void fmt_print_diff(FILE *f, const char *path, const char *before, size_t before_len,
                    const char *after, size_t after_len)
{
    if (before_len == after_len && memcmp(before, after, before_len) == 0)
        return;
    Lines a = split_lines(before, before_len), b = split_lines(after, after_len);
    int n;
    Op *ops = script(&a, &b, &n);
    fprintf(f, "--- %s\n+++ %s (formatted)\n", path, path);
    int k = 0, printed = 0;
    while (k < n) {
        while (k < n && ops[k].tag == ' ')
            k++;
        if (k == n)
            break;
        int from = k - CONTEXT < 0 ? 0 : k - CONTEXT, end = k;
        /* extend while the next change is within 2*CONTEXT lines */
        for (;;) {
            while (end < n && ops[end].tag != ' ')
                end++;
            int gap = end;
            while (gap < n && ops[gap].tag == ' ' && gap - end < 2 * CONTEXT + 1)
                gap++;
            if (gap < n && ops[gap].tag != ' ')
                end = gap;
            else
                break;
        }
        int to = end + CONTEXT > n ? n : end + CONTEXT;
        print_hunk(f, ops, from, to, &a, &b);
        printed = 1;
        k = to;
    }
    if (!printed) /* only a difference in the final newline */
        fputs("@@ the end of the file: a final newline @@\n", f);
    free(ops);
    free(a.s);
    free(a.len);
    free(b.s);
    free(b.len);
}
