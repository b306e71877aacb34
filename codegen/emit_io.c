/*
 * emit_io.c — emit hooks of the I/O library (SPEC §13, rows in
 * front/builtins_io.c).  Most of File, System, Net, Http and Json is one
 * runtime call each, emitted from the row alone; the hooks here wrap the
 * results that need it (options, Results, the Request/Response structs)
 * and write Json.stringify's per-type JSON writers.
 */
#include "emit_int.h"
#include <string.h>

/* The call's arguments, comma separated. */
static void emit_args(Buf *b, Node *n)
{
    for (int i = 0; i < n->list.len; i++) {
        if (i)
            buf_puts(b, ", ");
        emit_expr(b, n->list.items[i]);
    }
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

void emit_bi_file_try_read(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ WynStr *_fe%d = 0; WynStr *_fr%d = rt_file_try_read(", k, k);
    emit_expr(b, n->list.items[0]);
    buf_printf(b, ", &_fe%d); %s _ft%d = {0}; if (_fr%d) { _ft%d.ok = 1; _ft%d.val = _fr%d; } else _ft%d.err = _fe%d; _ft%d; })",
               k, ctype(n->type), k, k, k, k, k, k, k, k);
}

void emit_bi_net_try_connect(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ WynStr *_ce%d = 0; wyn_int _cc%d = rt_net_try_connect(", k, k);
    emit_args(b, n);
    buf_printf(b, ", &_ce%d); %s _ct%d = {0}; if (_cc%d) { _ct%d.ok = 1; _ct%d.val = _cc%d; } else _ct%d.err = _ce%d; _ct%d; })",
               k, ctype(n->type), k, k, k, k, k, k, k, k);
}

void emit_bi_sys_env(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ WynStr *_ev%d = rt_sys_env(", k);
    emit_expr(b, n->list.items[0]);
    buf_printf(b, "); %s _eo%d = {0}; if (_ev%d) { _eo%d.some = 1; _eo%d.val = _ev%d; } _eo%d; })",
               ctype(n->type), k, k, k, k, k, k);
}

void emit_bi_http_accept(Buf *b, Node *n)
{
    int k = new_tmp();
    buf_printf(b, "({ %s _hq%d; rt_http_accept(", ctype(n->type), k);
    emit_expr(b, n->list.items[0]);
    buf_printf(b, ", (WynHttpRequest *)&_hq%d, %d); _hq%d; })", k, loc_of(n), k);
}

/* Http.respond(req, status, body), Http.respond_with(req, status, headers, body) */
void emit_bi_http_respond(Buf *b, Node *n)
{
    int with = n->list.len == 4;
    buf_puts(b, "rt_http_respond((");
    emit_expr(b, n->list.items[0]);
    buf_puts(b, ").f_conn, ");
    emit_expr(b, n->list.items[1]);
    buf_puts(b, ", ");
    if (with) emit_expr(b, n->list.items[2]); else buf_puts(b, "0");
    buf_puts(b, ", ");
    emit_expr(b, n->list.items[with ? 3 : 2]);
    buf_printf(b, ", %d)", loc_of(n));
}

static void emit_http_request(Buf *b, Node *n, const char *rt)
{
    int k = new_tmp();
    buf_printf(b, "({ %s _hr%d; %s(", ctype(n->type), k, rt);
    emit_args(b, n);
    buf_printf(b, ", (WynHttpResponse *)&_hr%d, %d); _hr%d; })", k, loc_of(n), k);
}

void emit_bi_http_get(Buf *b, Node *n) { emit_http_request(b, n, "rt_http_get"); }
void emit_bi_http_post(Buf *b, Node *n) { emit_http_request(b, n, "rt_http_post"); }

void emit_bi_json_stringify(Buf *b, Node *n)
{
    int k = new_tmp();
    Node *v = n->list.items[0];
    buf_printf(b, "({ WynSB *_js%d = rt_sb_new(); %s(_js%d, ", k, json_fn(v->type), k);
    emit_expr(b, v);
    buf_printf(b, "); WynStr *_jr%d = rt_sb_to_string(_js%d); rt_sb_free(_js%d); _jr%d; })", k, k, k, k);
}

/* conn.read(max = 64 KiB) */
void emit_bi_conn_read(Buf *b, Node *n)
{
    buf_puts(b, "rt_net_read(");
    emit_expr(b, n->a->a);
    buf_puts(b, ", ");
    if (n->list.len) emit_expr(b, n->list.items[0]); else buf_puts(b, "65536");
    buf_printf(b, ", %d)", loc_of(n));
}
