/*
 * fmt_cmd.c — the `wyn fmt [--check] [files|folders|-]` command: finds the
 * .wyn files, runs the formatter (front/fmt.h) on each, and either prints
 * a diff (--check) or replaces the file atomically (a temporary file in
 * the same folder, then rename), keeping its permissions.
 *
 * Exit status: 0 when every file is (now) formatted; 1 when --check found
 * a file to change, a file does not parse (it is left as it was) or a file
 * cannot be read or written; 70 when the formatter hit an internal error.
 */
#include "fmt_cmd.h"
#include "diag.h"
#include "fmt.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char fmt_usage[] =
    "usage: wyn fmt [--check] FILE.wyn|FOLDER|- ...\n"
    "Rewrites each file in the one canonical Wyn layout (a folder means every\n"
    ".wyn file below it; '-' formats standard input to standard output).\n"
    "  --check   change nothing: print a diff of what would change, exit 1 if any\n";

typedef VEC(char *) PathList;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_wyn_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && !strcmp(name + n - 4, ".wyn");
}

/* Every .wyn file below dir, in name order; hidden entries and symbolic
 * links to folders are skipped. */
static void collect(const char *dir, PathList *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    PathList here = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        vec_push(&here, arena_printf("%s/%s", dir, e->d_name));
    }
    closedir(d);
    qsort(here.items, (size_t)here.len, sizeof *here.items, by_name);
    for (int i = 0; i < here.len; i++) {
        struct stat st;
        if (lstat(here.items[i], &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            collect(here.items[i], out);
        else if (has_wyn_suffix(here.items[i]))
            vec_push(out, here.items[i]);
    }
    free(here.items);
}

/* Reads a whole file (or stdin for "-"); NULL after printing why. */
static char *slurp(const char *path, int *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "wyn fmt: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    Buf b = {0};
    int ok = buf_read_all(&b, f);
    if (f != stdin)
        fclose(f);
    if (!ok) {
        fprintf(stderr, "wyn fmt: cannot read %s\n", path);
        return NULL;
    }
    *len = (int)b.len;
    if (memchr(b.data, 0, (size_t)*len)) {
        fprintf(stderr, "%s:1:1: error: the file contains a NUL byte; Wyn source is text\n", path);
        return NULL;
    }
    return b.data;
}

/* Replaces path's contents: temporary file beside it, then rename. */
static int replace_file(const char *path, const Buf *text)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "wyn fmt: %s is not a regular file\n", path);
        return 0;
    }
    const char *slash = strrchr(path, '/');
    char *tmp = slash ? arena_printf("%.*s/.%s.fmt-XXXXXX", (int)(slash - path), path, slash + 1)
                      : arena_printf(".%s.fmt-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "wyn fmt: cannot write beside %s: %s\n", path, strerror(errno));
        return 0;
    }
    size_t done = 0;
    while (done < text->len) {
        ssize_t w = write(fd, text->data + done, text->len - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int ok = done == text->len && fchmod(fd, st.st_mode & 07777) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "wyn fmt: cannot replace %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return 0;
    }
    return 1;
}

/* Formats one file; returns the exit status it contributes. */
static int format_one(const char *path, int check)
{
    int len;
    char *text = slurp(path, &len);
    if (!text)
        return 1;
    const char *shown = strcmp(path, "-") ? path : "<stdin>";
    diag_reset_errors();
    int file = diag_add_file(shown, text, len);
    Buf out = {0};
    FmtStatus st = fmt_file(file, &out);
    if (st == FMT_SYNTAX)
        return 1;
    if (st == FMT_INTERNAL)
        return 70;
    int changed = out.len != (size_t)len || memcmp(out.data, text, out.len) != 0;
    int rc = 0;
    if (check) {
        fmt_print_diff(stdout, shown, text, (size_t)len, out.data, out.len);
        rc = changed;
    } else if (!strcmp(path, "-")) {
        fwrite(out.data, 1, out.len, stdout);
    } else if (changed && !replace_file(path, &out)) {
        rc = 1;
    }
    buf_free(&out);
    return rc;
}

int fmt_command(int argc, char **argv)
{
    int check = 0;
    PathList files = {0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--check")) {
            check = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(fmt_usage, stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "wyn fmt: unknown option %s\n%s", a, fmt_usage);
            return 1;
        } else {
            struct stat st;
            if (strcmp(a, "-") && stat(a, &st) != 0) {
                fprintf(stderr, "wyn fmt: cannot open %s: %s\n", a, strerror(errno));
                return 1;
            }
            if (strcmp(a, "-") && S_ISDIR(st.st_mode))
                collect(a, &files);
            else
                vec_push(&files, (char *)a);
        }
    }
    if (argc == 0) {
        fputs(fmt_usage, stderr);
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < files.len; i++) {
        int r = format_one(files.items[i], check);
        if (r > rc)
            rc = r;
    }
    free(files.items);
    return rc;
}
