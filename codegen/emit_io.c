/*
 * emit_io.c — C for the I/O library calls (SPEC §13): File, System, Net,
 * Http and Json, and the methods of their handle types.  Each maps to one
 * runtime function of the "files, system" / "TCP, HTTP" / "JSON" sections
 * of wyn_rt.h; only results that need wrapping (options, Results, the
 * Request/Response structs) take more than a call.
 */
#include "emit_int.h"
#include <string.h>

static void args_then_loc(Buf *b, Node *n, int from, int with_loc)
{
    for (int i = from; i < n->list.len; i++) {
        if (i > from)
            buf_puts(b, ", ");
        emit_expr(b, n->list.items[i]);
    }
    if (with_loc)
        buf_printf(b, "%s%d", n->list.len > from ? ", " : "", loc_of(n));
}

/* A plain call rt_NAME(args [, loc]). */
static void plain(Buf *b, Node *n, const char *rt, int with_loc)
{
    buf_printf(b, "%s(", rt);
    args_then_loc(b, n, 0, with_loc);
    buf_puts(b, ")");
}

/* Json.stringify: a JSON writer per value type. */
static const char *json_fn(Type *t)
{
    t = type_prune(t);
    const char *name = arena_printf("json_%s", type_mangle(t));
    if (helper_done(name))
        return name;
    const char *ct = ctype(t);
    buf_printf(&em.protos, "static void %s(WynSB *sb, %s v);\n", name, ct);
    Buf b = {0};
    buf_printf(&b, "static void %s(WynSB *sb, %s v) {\n", name, ct);
    switch (t->kind) {
    case TY_STR: buf_puts(&b, "    rt_sb_append_json_str(sb, v);\n"); break;
    case TY_INT: buf_puts(&b, "    rt_sb_append_int(sb, v);\n"); break;
    case TY_FLOAT:
        buf_puts(&b, "    if (v != v || v == 1.0/0.0 || v == -1.0/0.0) rt_sb_append_cstr(sb, \"null\"); else rt_sb_append_float(sb, v);\n");
        break;
    case TY_BOOL: buf_puts(&b, "    rt_sb_append_cstr(sb, v ? \"true\" : \"false\");\n"); break;
    case TY_ARRAY:
        buf_printf(&b, "    rt_sb_append_cstr(sb, \"[\");\n    for (wyn_int i = 0; i < v->len; i++) {\n"
                       "        if (i) rt_sb_append_cstr(sb, \",\");\n        %s(sb, ((%s *)v->data)[i]);\n    }\n"
                       "    rt_sb_append_cstr(sb, \"]\");\n", json_fn(t->elem), ctype(t->elem));
        break;
    case TY_MAP: {
        int str_keys = type_prune(t->key)->kind == TY_STR;
        buf_printf(&b, "    rt_sb_append_cstr(sb, \"{\");\n    int first = 1;\n"
                       "    for (wyn_int p = rt_map_next(v, 0); p >= 0; p = rt_map_next(v, p + 1)) {\n"
                       "        if (!first) rt_sb_append_cstr(sb, \",\");\n        first = 0;\n");
        if (str_keys)
            buf_puts(&b, "        rt_sb_append_json_str(sb, *(WynStr **)rt_map_key_at(v, p));\n");
        else
            buf_puts(&b, "        rt_sb_append_cstr(sb, \"\\\"\"); rt_sb_append_int(sb, *(wyn_int *)rt_map_key_at(v, p)); rt_sb_append_cstr(sb, \"\\\"\");\n");
        buf_printf(&b, "        rt_sb_append_cstr(sb, \":\");\n        %s(sb, *(%s *)rt_map_val_at(v, p));\n    }\n"
                       "    rt_sb_append_cstr(sb, \"}\");\n", json_fn(t->elem), ctype(t->elem));
        break;
    }
    case TY_OPT:
        buf_printf(&b, "    if (v.some) %s(sb, v.val); else rt_sb_append_cstr(sb, \"null\");\n", json_fn(t->elem));
        break;
    case TY_STRUCT:
        buf_puts(&b, "    rt_sb_append_cstr(sb, \"{\");\n");
        for (int i = 0; i < t->decl->fields.len; i++) {
            Field *f = &t->decl->fields.items[i];
            buf_printf(&b, "    rt_sb_append_cstr(sb, \"%s\\\"%s\\\":\"); %s(sb, v.f_%s);\n", i ? "," : "", f->name,
                       json_fn(f->type), f->name);
        }
        buf_puts(&b, "    rt_sb_append_cstr(sb, \"}\");\n");
        break;
    case TY_NATIVE:
        buf_puts(&b, "    rt_sb_append(sb, rt_json_to_string(v));\n");
        break;
    default: {
        buf_printf(&b, "    WynSB *t = rt_sb_new(); %s(t, v, 0); rt_sb_append_json_str(sb, rt_sb_to_string(t)); rt_sb_free(t);\n",
                   fmt_fn(t));
    }
    }
    buf_puts(&b, "}\n");
    buf_puts(&em.helpers, b.data);
    buf_free(&b);
    return name;
}

static int emit_file_system(Buf *b, Node *n, const char *q)
{
    static const struct { const char *name, *rt; int loc; } simple[] = {
        {"File.read", "rt_file_read", 1}, {"File.write", "rt_file_write", 1},
        {"File.append", "rt_file_append", 1}, {"File.exists", "rt_file_exists", 0},
        {"File.remove", "rt_file_remove", 1}, {"File.read_lines", "rt_file_read_lines", 1},
        {"File.list", "rt_file_list", 1}, {"File.mkdir", "rt_file_mkdir", 1},
        {"System.args", "rt_sys_args", 0}, {"System.exec", "rt_sys_exec", 1},
        {"System.cwd", "rt_sys_cwd", 0},
        {"Net.listen", "rt_net_listen", 1}, {"Net.accept", "rt_net_accept", 1},
        {"Net.connect", "rt_net_connect", 1}, {"Net.read", "rt_net_read", 1},
        {"Net.write", "rt_net_write", 1}, {"Net.close", "rt_net_close", 0},
        {"Http.listen", "rt_http_listen", 1}, {"Json.parse", "rt_json_parse", 1},
        {"Listener.port", "rt_net_port", 0}, {"HttpServer.port", "rt_http_port", 0},
    };
    for (size_t i = 0; i < sizeof simple / sizeof *simple; i++)
        if (!strcmp(q, simple[i].name)) {
            plain(b, n, simple[i].rt, simple[i].loc);
            return 1;
        }
    int k = new_tmp();
    if (!strcmp(q, "File.try_read")) {
        buf_printf(b, "({ WynStr *_fe%d = 0; WynStr *_fr%d = rt_file_try_read(", k, k);
        emit_expr(b, n->list.items[0]);
        buf_printf(b, ", &_fe%d); %s _ft%d = {0}; if (_fr%d) { _ft%d.ok = 1; _ft%d.val = _fr%d; } else _ft%d.err = _fe%d; _ft%d; })",
                   k, ctype(n->type), k, k, k, k, k, k, k, k);
        return 1;
    }
    if (!strcmp(q, "Net.try_connect")) {
        buf_printf(b, "({ WynStr *_ce%d = 0; wyn_int _cc%d = rt_net_try_connect(", k, k);
        args_then_loc(b, n, 0, 0);
        buf_printf(b, ", &_ce%d); %s _ct%d = {0}; if (_cc%d) { _ct%d.ok = 1; _ct%d.val = _cc%d; } else _ct%d.err = _ce%d; _ct%d; })",
                   k, ctype(n->type), k, k, k, k, k, k, k, k);
        return 1;
    }
    if (!strcmp(q, "System.env")) {
        buf_printf(b, "({ WynStr *_ev%d = rt_sys_env(", k);
        emit_expr(b, n->list.items[0]);
        buf_printf(b, "); %s _eo%d = {0}; if (_ev%d) { _eo%d.some = 1; _eo%d.val = _ev%d; } _eo%d; })",
                   ctype(n->type), k, k, k, k, k, k);
        return 1;
    }
    if (!strcmp(q, "Http.accept")) {
        buf_printf(b, "({ %s _hq%d; rt_http_accept(", ctype(n->type), k);
        emit_expr(b, n->list.items[0]);
        buf_printf(b, ", (WynHttpRequest *)&_hq%d, %d); _hq%d; })", k, loc_of(n), k);
        return 1;
    }
    if (!strcmp(q, "Http.respond") || !strcmp(q, "Http.respond_with")) {
        int with = q[12] == '_';
        buf_puts(b, "rt_http_respond((");
        emit_expr(b, n->list.items[0]);
        buf_puts(b, ").f_conn, ");
        emit_expr(b, n->list.items[1]);
        buf_puts(b, ", ");
        if (with) emit_expr(b, n->list.items[2]); else buf_puts(b, "0");
        buf_puts(b, ", ");
        emit_expr(b, n->list.items[with ? 3 : 2]);
        buf_printf(b, ", %d)", loc_of(n));
        return 1;
    }
    if (!strcmp(q, "Http.get") || !strcmp(q, "Http.post")) {
        buf_printf(b, "({ %s _hr%d; rt_http_%s(", ctype(n->type), k, q + 5);
        args_then_loc(b, n, 0, 0);
        buf_printf(b, ", (WynHttpResponse *)&_hr%d, %d); _hr%d; })", k, loc_of(n), k);
        return 1;
    }
    if (!strcmp(q, "Json.stringify")) {
        Node *v = n->list.items[0];
        buf_printf(b, "({ WynSB *_js%d = rt_sb_new(); %s(_js%d, ", k, json_fn(v->type), k);
        emit_expr(b, v);
        buf_printf(b, "); WynStr *_jr%d = rt_sb_to_string(_js%d); rt_sb_free(_js%d); _jr%d; })", k, k, k, k);
        return 1;
    }
    return 0;
}

/* Methods of Listener, Conn, HttpServer and Json values. */
static int emit_native_method(Buf *b, Node *n, const char *q)
{
    Node *recv = n->a->a;
    static const struct { const char *name, *rt; int loc; } methods[] = {
        {"Listener.port", "rt_net_port", 0}, {"HttpServer.port", "rt_http_port", 0},
        {"Listener.close", "rt_net_close", 0}, {"HttpServer.close", "rt_net_close", 0},
        {"Conn.write", "rt_net_write", 1}, {"Conn.close", "rt_net_close", 0},
        {"Json.get_string", "rt_json_get_string", 1}, {"Json.get_int", "rt_json_get_int", 1},
        {"Json.get_float", "rt_json_get_float", 1}, {"Json.get_bool", "rt_json_get_bool", 1},
        {"Json.get", "rt_json_get", 1}, {"Json.at", "rt_json_at", 1},
        {"Json.keys", "rt_json_keys", 1}, {"Json.len", "rt_json_len", 0},
        {"Json.to_string", "rt_json_to_string", 0},
    };
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        if (!strcmp(q, methods[i].name)) {
            buf_printf(b, "%s(", methods[i].rt);
            emit_expr(b, recv);
            for (int a = 0; a < n->list.len; a++) {
                buf_puts(b, ", ");
                emit_expr(b, n->list.items[a]);
            }
            if (methods[i].loc)
                buf_printf(b, ", %d", loc_of(n));
            buf_puts(b, ")");
            return 1;
        }
    if (!strcmp(q, "Conn.read")) {
        buf_puts(b, "rt_net_read(");
        emit_expr(b, recv);
        buf_puts(b, ", ");
        if (n->list.len) emit_expr(b, n->list.items[0]); else buf_puts(b, "65536");
        buf_printf(b, ", %d)", loc_of(n));
        return 1;
    }
    return 0;
}

int emit_io_call(Buf *b, Node *n, const char *q)
{
    if (!strncmp(q, "File.", 5) || !strncmp(q, "System.", 7) || !strncmp(q, "Net.", 4) ||
        !strncmp(q, "Http.", 5) || !strncmp(q, "Json.", 5)) {
        if (n->a->kind == N_MEMBER && n->a->a->kind == N_IDENT && n->a->a->sym == NULL &&
            emit_file_system(b, n, q))
            return 1;
        if (!strncmp(q, "Json.", 5) && emit_native_method(b, n, q))
            return 1;
        return emit_file_system(b, n, q);
    }
    if (!strncmp(q, "Listener.", 9) || !strncmp(q, "Conn.", 5) || !strncmp(q, "HttpServer.", 11))
        return emit_native_method(b, n, q);
    return 0;
}
