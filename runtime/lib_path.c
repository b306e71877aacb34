/*
 * lib_path.c — the Path module (also reachable as File.basename,
 * File.dirname, File.extension, File.path_join): path text only, no file
 * system access except the working directory for Path.absolute.
 *
 * Behaviour, chosen to match Python's pathlib / Go's path/filepath:
 *   basename("/a/b.txt") = "b.txt", basename("/a/b/") = "b", basename("/") = "/"
 *   dirname("/a/b.txt") = "/a", dirname("b.txt") = ".", dirname("/a") = "/"
 *   extension("f.tar.gz") = "gz" (no dot), extension(".bashrc") = "",
 *   extension("f") = ""
 *   stem("f.tar.gz") = "f.tar", stem(".bashrc") = ".bashrc"
 *   join("a", "b", "c") = "a/b/c"; an absolute part restarts the path
 *   (join("a", "/b") = "/b", as in Python); empty parts are skipped
 *   absolute("x/../y") = CWD + "/y": made absolute, then "." and ".."
 *   resolved in the text (symbolic links are not followed)
 */
#include <string.h>
#include "lib_internal.h"
#include "rt_values.h"

/* Length of s without trailing slashes, keeping a lone root "/". */
static wyn_int trimmed_len(WynStr *s)
{
    wyn_int n = s->len;
    while (n > 1 && s->data[n - 1] == '/')
        n--;
    return n;
}

/* Start of the last component within s[0, n). */
static wyn_int base_start(WynStr *s, wyn_int n)
{
    wyn_int i = n;
    while (i > 0 && s->data[i - 1] != '/')
        i--;
    return i == n && n == 1 ? 0 : i;   /* "/" is its own basename */
}

WynStr *rt_path_basename(WynStr *s)
{
    wyn_int n = trimmed_len(s);
    return rt_str_slice(s, base_start(s, n), n);
}

WynStr *rt_path_dirname(WynStr *s)
{
    wyn_int n = trimmed_len(s);
    wyn_int i = n;
    while (i > 0 && s->data[i - 1] != '/')
        i--;
    if (i == 0)
        return rt_str_cstr(n == 1 && s->data[0] == '/' ? "/" : ".");
    while (i > 1 && s->data[i - 1] == '/')
        i--;
    return rt_str_slice(s, 0, i);
}

/* Index of the extension's dot in the basename s[b, n), or -1. */
static wyn_int ext_dot(WynStr *s, wyn_int b, wyn_int n)
{
    for (wyn_int i = n - 1; i > b; i--)
        if (s->data[i] == '.')
            return i;
    return -1;                       /* none, or only a leading dot */
}

WynStr *rt_path_extension(WynStr *s)
{
    wyn_int n = trimmed_len(s), b = base_start(s, n), d = ext_dot(s, b, n);
    return d < 0 ? rt_str_empty() : rt_str_slice(s, d + 1, n);
}

WynStr *rt_path_stem(WynStr *s)
{
    wyn_int n = trimmed_len(s), b = base_start(s, n), d = ext_dot(s, b, n);
    return rt_str_slice(s, b, d < 0 ? n : d);
}

WynStr *rt_path_join(WynArr *parts)
{
    WynSB *sb = rt_sb_new();
    for (wyn_int i = 0; i < parts->len; i++) {
        WynStr *p = ((WynStr **)parts->data)[i];
        if (p->len == 0)
            continue;
        if (p->data[0] == '/')
            sb->len = 0;
        else if (sb->len && sb->data[sb->len - 1] != '/')
            rt_sb_append_bytes(sb, "/", 1);
        rt_sb_append(sb, p);
    }
    WynStr *out = rt_sb_to_string(sb);
    rt_sb_free(sb);
    return out;
}

WynStr *rt_path_absolute(WynStr *s)
{
    WynSB *in = rt_sb_new();
    if (s->len == 0 || s->data[0] != '/') {
        rt_sb_append(in, rt_sys_cwd());
        rt_sb_append_bytes(in, "/", 1);
    }
    rt_sb_append(in, s);
    /* out gets "/" + components; ".." drops back to the previous "/" */
    WynSB *out = rt_sb_new();
    const char *p = in->data, *end = in->data + in->len;
    while (p < end) {
        while (p < end && *p == '/')
            p++;
        const char *q = p;
        while (q < end && *q != '/')
            q++;
        wyn_int n = q - p;
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (out->len > 0 && out->data[out->len - 1] != '/')
                out->len--;
            if (out->len > 0)
                out->len--;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            rt_sb_append_bytes(out, "/", 1);
            rt_sb_append_bytes(out, p, n);
        }
        p = q;
    }
    if (out->len == 0)
        rt_sb_append_bytes(out, "/", 1);
    WynStr *r = rt_sb_to_string(out);
    rt_sb_free(in);
    rt_sb_free(out);
    return r;
}
