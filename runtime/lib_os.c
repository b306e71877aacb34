/*
 * lib_os.c — the Os, Env and Terminal modules: facts about the process
 * and its machine, the environment, and the terminal on stdout.
 *
 * Os.platform() is the kernel's name in lower case ("linux"), Os.arch()
 * the machine as uname reports it ("x86_64", "aarch64").  Os.home_dir()
 * is $HOME, else the password database's entry, else "".
 * Env.get is System.env (none when unset); Env.set with an empty name or
 * one containing "=" is a runtime error.  Env.all() is a {string: string}
 * snapshot in the order of the process's environment.  Changing the
 * environment while another thread reads it is unsafe in C libraries;
 * Env.set is meant for set-up code, before tasks run (as in Go and
 * Python, whose setenv has the same caveat).
 * Terminal.cols()/rows() ask the terminal on stdout (TIOCGWINSZ), then
 * $COLUMNS/$LINES, else 80x24.  Terminal.color(s, name) wraps s in the
 * ANSI sequence for name (black red green yellow blue magenta cyan white
 * gray bold dim italic underline) and a reset; any other name is a
 * runtime error listing the known ones.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "lib_internal.h"
#include "rt_values.h"

extern char **environ;

wyn_int rt_os_pid(void) { return (wyn_int)getpid(); }

WynStr *rt_os_platform(void)
{
    struct utsname u;
    if (uname(&u) < 0)
        return rt_str_cstr("linux");
    for (char *p = u.sysname; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return rt_str_cstr(u.sysname);
}

WynStr *rt_os_arch(void)
{
    struct utsname u;
    return rt_str_cstr(uname(&u) < 0 ? "" : u.machine);
}

WynStr *rt_os_hostname(void)
{
    char h[256];
    if (gethostname(h, sizeof h) < 0)
        return rt_str_empty();
    h[sizeof h - 1] = 0;
    return rt_str_cstr(h);
}

WynStr *rt_os_home_dir(void)
{
    const char *h = getenv("HOME");
    if (h && *h)
        return rt_str_cstr(h);
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 && res)
        return rt_str_cstr(res->pw_dir);
    return rt_str_empty();
}

void rt_env_set(WynStr *name, WynStr *value, wyn_loc loc)
{
    if (name->len == 0 || memchr(name->data, '=', (size_t)name->len))
        lib_fail(loc, "Env.set: invalid variable name \"%s\"", name->data);
    char *n = lib_cstr(name, "Env.set", "the name", loc);
    char *v = lib_cstr(value, "Env.set", "the value", loc);
    int r = setenv(n, v, 1);
    free(n);
    free(v);
    if (r < 0)
        lib_fail(loc, "Env.set: cannot set %s", name->data);
}

WynMap *rt_env_all(void)
{
    WynMap *m = rt_map_new_ops(1, sizeof(WynStr *), &rt_str_ops);
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        WynStr *k = rt_str_new(*e, eq - *e);
        WynStr **slot = rt_map_slot_s(m, k);
        rt_release_str(*slot);   /* a duplicate name: the later one wins */
        *slot = rt_str_cstr_keep(eq + 1);
    }
    return m;
}

/* The terminal's size on stdout, or 0 fields. */
static struct winsize term_size(void)
{
    struct winsize w;
    memset(&w, 0, sizeof w);
    if (ioctl(1, TIOCGWINSZ, &w) < 0)
        memset(&w, 0, sizeof w);
    return w;
}

static wyn_int env_int(const char *name, wyn_int fallback)
{
    const char *v = getenv(name);
    char *end;
    long n = v ? strtol(v, &end, 10) : 0;
    return v && *v && !*end && n > 0 ? n : fallback;
}

wyn_int rt_term_cols(void)
{
    struct winsize w = term_size();
    return w.ws_col ? w.ws_col : env_int("COLUMNS", 80);
}

wyn_int rt_term_rows(void)
{
    struct winsize w = term_size();
    return w.ws_row ? w.ws_row : env_int("LINES", 24);
}

wyn_bool rt_term_is_tty(void) { return isatty(1) == 1; }

static const struct { const char *name, *code; } colors[] = {
    {"black", "30"}, {"red", "31"}, {"green", "32"}, {"yellow", "33"}, {"blue", "34"},
    {"magenta", "35"}, {"cyan", "36"}, {"white", "37"}, {"gray", "90"}, {"grey", "90"},
    {"bold", "1"}, {"dim", "2"}, {"italic", "3"}, {"underline", "4"},
};

WynStr *rt_term_color(WynStr *s, WynStr *name, wyn_loc loc)
{
    for (size_t i = 0; i < sizeof colors / sizeof *colors; i++)
        if (!strcmp(name->data, colors[i].name) && strlen(colors[i].name) == (size_t)name->len) {
            WynSB *sb = rt_sb_new();
            rt_sb_append_cstr(sb, "\x1b[");
            rt_sb_append_cstr(sb, colors[i].code);
            rt_sb_append_cstr(sb, "m");
            rt_sb_append(sb, s);
            rt_sb_append_cstr(sb, "\x1b[0m");
            WynStr *out = rt_sb_to_string(sb);
            rt_sb_free(sb);
            return out;
        }
    lib_fail(loc, "Terminal.color: unknown color \"%s\" (black red green yellow blue magenta "
             "cyan white gray bold dim italic underline)", name->data);
}
