/*
 * builtins_hooks.h — the code generator's emit hooks that rows of the
 * table of built-ins (builtins.h) name.  Each writes the C expression of
 * one call (the node's `builtin` row says which form); the front end
 * stores them in its rows and never calls them.
 */
#ifndef WYN_BUILTINS_HOOKS_H
#define WYN_BUILTINS_HOOKS_H
#include "ast.h"
#include "common.h"

/* codegen/emit_builtins.c: global functions, Task, Math, StringBuilder; hooks shared by several receivers */
void emit_bi_print(Buf *b, Node *call);
void emit_bi_to_string(Buf *b, Node *call);
void emit_bi_recv(Buf *b, Node *call);
void emit_bi_recv_len(Buf *b, Node *call);
void emit_bi_recv_is_empty(Buf *b, Node *call);
void emit_bi_len(Buf *b, Node *call);
void emit_bi_str(Buf *b, Node *call);
void emit_bi_convert(Buf *b, Node *call);
void emit_bi_range(Buf *b, Node *call);
void emit_bi_zip(Buf *b, Node *call);
void emit_bi_input(Buf *b, Node *call);
void emit_bi_panic(Buf *b, Node *call);
void emit_bi_assert(Buf *b, Node *call);
void emit_bi_await_all(Buf *b, Node *call);
void emit_bi_await_any(Buf *b, Node *call);
void emit_bi_ok(Buf *b, Node *call);
void emit_bi_err(Buf *b, Node *call);
void emit_bi_shared_new(Buf *b, Node *call);
void emit_bi_sb_new(Buf *b, Node *call);
void emit_bi_math_abs(Buf *b, Node *call);
void emit_bi_math_min(Buf *b, Node *call);
void emit_bi_math_max(Buf *b, Node *call);

/* codegen/emit_methods.c: numbers, strings, maps, options, Results, channels, StringBuilder */
void emit_bi_to_float(Buf *b, Node *call);
void emit_bi_to_int(Buf *b, Node *call);
void emit_bi_num_abs(Buf *b, Node *call);
void emit_bi_num_min(Buf *b, Node *call);
void emit_bi_num_max(Buf *b, Node *call);
void emit_bi_float_trunc(Buf *b, Node *call);
void emit_bi_float_is_nan(Buf *b, Node *call);
void emit_bi_float_is_inf(Buf *b, Node *call);
void emit_bi_str_format(Buf *b, Node *call);
void emit_bi_map_is_empty(Buf *b, Node *call);
void emit_bi_map_has(Buf *b, Node *call);
void emit_bi_map_remove(Buf *b, Node *call);
void emit_bi_map_get(Buf *b, Node *call);
void emit_bi_map_get_or(Buf *b, Node *call);
void emit_bi_map_set(Buf *b, Node *call);
void emit_bi_opt_is_set(Buf *b, Node *call);
void emit_bi_opt_is_unset(Buf *b, Node *call);
void emit_bi_opt_unwrap(Buf *b, Node *call);
void emit_bi_opt_expect(Buf *b, Node *call);
void emit_bi_opt_unwrap_or(Buf *b, Node *call);
void emit_bi_res_unwrap_err(Buf *b, Node *call);
void emit_bi_chan_send(Buf *b, Node *call);
void emit_bi_chan_recv(Buf *b, Node *call);
void emit_bi_chan_try_recv(Buf *b, Node *call);
void emit_bi_task_send(Buf *b, Node *call);
void emit_bi_task_recv(Buf *b, Node *call);
void emit_bi_task_try_recv(Buf *b, Node *call);
void emit_bi_task_close(Buf *b, Node *call);
void emit_bi_task_cancel(Buf *b, Node *call);
void emit_bi_chan_new(Buf *b, Node *call);
void emit_bi_sb_append(Buf *b, Node *call);

/* codegen/emit_arr.c: arrays */
void emit_bi_arr_push(Buf *b, Node *call);
void emit_bi_arr_take_last(Buf *b, Node *call);
void emit_bi_arr_peek(Buf *b, Node *call);
void emit_bi_arr_remove(Buf *b, Node *call);
void emit_bi_arr_insert(Buf *b, Node *call);
void emit_bi_arr_contains(Buf *b, Node *call);
void emit_bi_arr_index_of(Buf *b, Node *call);
void emit_bi_arr_slice(Buf *b, Node *call);
void emit_bi_arr_unique(Buf *b, Node *call);
void emit_bi_arr_sort(Buf *b, Node *call);
void emit_bi_arr_sorted(Buf *b, Node *call);
void emit_bi_arr_sum(Buf *b, Node *call);
void emit_bi_arr_average(Buf *b, Node *call);
void emit_bi_arr_extreme(Buf *b, Node *call);
void emit_bi_arr_join(Buf *b, Node *call);
void emit_bi_arr_map(Buf *b, Node *call);
void emit_bi_arr_filter(Buf *b, Node *call);
void emit_bi_arr_any(Buf *b, Node *call);
void emit_bi_arr_all(Buf *b, Node *call);
void emit_bi_arr_find(Buf *b, Node *call);
void emit_bi_arr_sort_by(Buf *b, Node *call);
void emit_bi_arr_each(Buf *b, Node *call);
void emit_bi_arr_count(Buf *b, Node *call);
void emit_bi_arr_max_by(Buf *b, Node *call);
void emit_bi_arr_min_by(Buf *b, Node *call);
void emit_bi_arr_group_by(Buf *b, Node *call);
void emit_bi_arr_reduce(Buf *b, Node *call);
void emit_bi_arr_reduce_init_first(Buf *b, Node *call);

/* codegen/emit_io.c: File, System, Net, Http, Json */
void emit_bi_file_try_read(Buf *b, Node *call);
void emit_bi_net_try_connect(Buf *b, Node *call);
void emit_bi_sys_env(Buf *b, Node *call);
void emit_bi_http_accept(Buf *b, Node *call);
void emit_bi_http_respond(Buf *b, Node *call);
void emit_bi_http_get(Buf *b, Node *call);
void emit_bi_http_post(Buf *b, Node *call);
void emit_bi_json_stringify(Buf *b, Node *call);
void emit_bi_conn_read(Buf *b, Node *call);

#endif
