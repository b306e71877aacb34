/*
 * builtins_io.c — rows of the I/O library (SPEC §13): the modules File,
 * System, Net, Http and Json, and the methods of their handle types
 * Listener, Conn, HttpServer and Json.  All are typed from their
 * signatures; most are one runtime call.
 */
#include "builtins.h"
#include "builtins_hooks.h"

#define IO(mod, name, sig, rt, flags, doc) {BR_MODULE, mod, name, sig, rt, flags, NULL, NULL, doc}
#define IO_HOOK(mod, name, sig, flags, emit, doc) {BR_MODULE, mod, name, sig, NULL, flags, NULL, emit, doc}
#define HANDLE(type, name, sig, rt, flags, doc) {BR_NATIVE, type, name, sig, rt, flags, NULL, NULL, doc}
#define L BF_LOC
#define P BF_PARKS
const Builtin builtins_io[] = {
    IO("File", "read", "(path: string) -> string", "rt_file_read", L, "the whole file (an error if it cannot be read)"),
    IO_HOOK("File", "try_read", "(path: string) -> Result<string, string>", 0, emit_bi_file_try_read,
            "the whole file, or Err with the reason"),
    IO("File", "write", "(path: string, text: string) -> void", "rt_file_write", L, "replaces the file's contents"),
    IO("File", "append", "(path: string, text: string) -> void", "rt_file_append", L, "adds text at the end of the file"),
    IO("File", "exists", "(path: string) -> bool", "rt_file_exists", 0, "is there a file or folder at path?"),
    IO("File", "remove", "(path: string) -> void", "rt_file_remove", L, "deletes a file"),
    IO("File", "mkdir", "(path: string) -> void", "rt_file_mkdir", L, "creates a folder (and its parents)"),
    IO("File", "read_lines", "(path: string) -> [string]", "rt_file_read_lines", L, "the file's lines without newlines"),
    IO("File", "list", "(path: string) -> [string]", "rt_file_list", L, "the names in a folder, sorted"),
    IO("System", "args", "() -> [string]", "rt_sys_args", 0, "the program's command-line arguments"),
    IO_HOOK("System", "env", "(name: string) -> string?", 0, emit_bi_sys_env, "an environment variable, or none"),
    {BR_MODULE, "System", "exit", "(status: int) -> void", "rt_exit", BF_NORETURN, NULL, NULL,
     "ends the program with the status"},
    IO("System", "exec", "(command: string) -> string", "rt_sys_exec", L | P, "runs a shell command; its output"),
    IO("System", "cwd", "() -> string", "rt_sys_cwd", 0, "the current folder"),
    IO("Net", "listen", "(host: string, port: int) -> Listener", "rt_net_listen", L, "a TCP listener (port 0: any)"),
    IO("Net", "accept", "(listener: Listener) -> Conn", "rt_net_accept", L | P, "waits for the next connection"),
    IO("Net", "connect", "(host: string, port: int) -> Conn", "rt_net_connect", L | P, "opens a TCP connection"),
    IO_HOOK("Net", "try_connect", "(host: string, port: int) -> Result<Conn, string>", P, emit_bi_net_try_connect,
            "a TCP connection, or Err with the reason"),
    IO("Net", "read", "(conn: Conn, max: int) -> string", "rt_net_read", L | P, "up to max bytes; \"\" at end"),
    IO("Net", "write", "(conn: Conn, data: string) -> void", "rt_net_write", L | P, "sends all of data"),
    IO("Net", "close", "(handle: any) -> void", "rt_net_close", 0, "closes a connection or listener"),
    IO("Http", "listen", "(port: int) -> HttpServer", "rt_http_listen", L, "an HTTP server on the port (0: any)"),
    IO_HOOK("Http", "accept", "(server: HttpServer) -> Request", L | P, emit_bi_http_accept,
            "waits for the next request"),
    IO_HOOK("Http", "respond", "(request: Request, status: int, body: string) -> void", L | P, emit_bi_http_respond,
            "answers a request"),
    IO_HOOK("Http", "respond_with", "(request: Request, status: int, headers: {string: string}, body: string) -> void",
            L | P, emit_bi_http_respond, "answers a request with extra headers"),
    IO_HOOK("Http", "get", "(url: string) -> Response", L | P, emit_bi_http_get, "an HTTP GET"),
    IO_HOOK("Http", "post", "(url: string, body: string) -> Response", L | P, emit_bi_http_post, "an HTTP POST"),
    IO("Json", "parse", "(text: string) -> Json", "rt_json_parse", L, "parses JSON text (an error if invalid)"),
    IO_HOOK("Json", "stringify", "(value: any) -> string", 0, emit_bi_json_stringify, "the JSON text of a value"),
    HANDLE("Listener", "port", "() -> int", "rt_net_port", 0, "the port it listens on"),
    HANDLE("Listener", "close", "() -> void", "rt_net_close", 0, "stops listening"),
    HANDLE("HttpServer", "port", "() -> int", "rt_http_port", 0, "the port it listens on"),
    HANDLE("HttpServer", "close", "() -> void", "rt_net_close", 0, "stops the server"),
    {BR_NATIVE, "Conn", "read", "(max?: int) -> string", NULL, L | P, NULL, emit_bi_conn_read,
     "up to max bytes (64 KiB by default); \"\" at end"},
    HANDLE("Conn", "write", "(data: string) -> void", "rt_net_write", L | P, "sends all of data"),
    HANDLE("Conn", "close", "() -> void", "rt_net_close", 0, "closes the connection"),
    HANDLE("Json", "get_string", "(key: string) -> string", "rt_json_get_string", L, "the string member key"),
    HANDLE("Json", "get_int", "(key: string) -> int", "rt_json_get_int", L, "the integer member key"),
    HANDLE("Json", "get_float", "(key: string) -> float", "rt_json_get_float", L, "the number member key"),
    HANDLE("Json", "get_bool", "(key: string) -> bool", "rt_json_get_bool", L, "the boolean member key"),
    HANDLE("Json", "get", "(key: string) -> Json", "rt_json_get", L, "the member key"),
    HANDLE("Json", "at", "(index: int) -> Json", "rt_json_at", L, "the array element at index"),
    HANDLE("Json", "keys", "() -> [string]", "rt_json_keys", L, "an object's keys in order"),
    HANDLE("Json", "len", "() -> int", "rt_json_len", 0, "the length of an array or object"),
    HANDLE("Json", "to_string", "() -> string", "rt_json_to_string", 0, "the JSON text"),
    {0},
};
