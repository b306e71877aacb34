/*
 * builtins_str.c — rows of the string methods (SPEC §10).  Strings are
 * immutable byte strings; every method returns a new value.
 */
#include "builtins.h"
#include "builtins_hooks.h"
#include "check_int.h"

/* "{} and {}".format(a, b): any number of values of any type. */
static Type *check_format(Node *n, Type *recv, const Builtin *row, Type *expected)
{
    for (int i = 0; i < n->list.len; i++)
        check_expr(&n->list.items[i], NULL);
    check_format_literal(n->a->a, &n->list);
    return ty_str;
}

#define S(name, sig, rt, flags, doc) {BR_STR, NULL, name, sig, rt, BF_KEEPS | BF_PURE | (flags), NULL, NULL, doc}
#define S_HOOK(name, sig, emit, doc) {BR_STR, NULL, name, sig, NULL, BF_KEEPS | BF_PURE, NULL, emit, doc}
const Builtin builtins_str[] = {
    S_HOOK("len", "() -> int", emit_bi_recv_len, "length in bytes"),
    S_HOOK("is_empty", "() -> bool", emit_bi_recv_is_empty, "is the length 0?"),
    S("upper", "() -> string", "rt_str_upper", 0, "ASCII letters in upper case"),
    S("lower", "() -> string", "rt_str_lower", 0, "ASCII letters in lower case"),
    S("trim", "() -> string", "rt_str_trim", 0, "without leading and trailing white space"),
    S("trim_start", "() -> string", "rt_str_trim_start", 0, "without leading white space"),
    S("trim_end", "() -> string", "rt_str_trim_end", 0, "without trailing white space"),
    S("contains", "(sub: string) -> bool", "rt_str_contains", 0, "does sub occur in the string?"),
    S("starts_with", "(prefix: string) -> bool", "rt_str_starts_with", 0, "does the string begin with prefix?"),
    S("ends_with", "(suffix: string) -> bool", "rt_str_ends_with", 0, "does the string end with suffix?"),
    S("index_of", "(sub: string) -> int", "rt_str_index_of", 0, "byte index of the first sub, or -1"),
    S("replace", "(old: string, new: string) -> string", "rt_str_replace", 0, "every old replaced by new"),
    S("reverse", "() -> string", "rt_str_reverse", 0, "the bytes in reverse order"),
    S("slice", "(start: int, end: int) -> string", "rt_str_slice", 0,
      "bytes start..end-1 (negative counts from the end; clamped)"),
    S("repeat", "(n: int) -> string", "rt_str_repeat", 0, "n copies one after the other"),
    S("char_at", "(i: int) -> string", "rt_str_at", BF_LOC, "the byte at i as a string (negative counts from the end)"),
    S("to_int", "() -> int", "rt_str_to_int", BF_LOC, "the decimal integer it spells (else a runtime error)"),
    S("to_float", "() -> float", "rt_str_to_float", BF_LOC, "the number it spells (else a runtime error)"),
    S_HOOK("to_string", "() -> string", emit_bi_to_string, "the string itself"),
    S("split", "(sep: string) -> [string]", "rt_str_split", 0, "the parts between occurrences of sep"),
    S("lines", "() -> [string]", "rt_str_lines", 0, "the lines, without their line ends"),
    S("chars", "() -> [string]", "rt_str_chars", 0, "the characters (UTF-8 sequences) as strings"),
    S("bytes", "() -> [int]", "rt_str_bytes", 0, "the bytes as integers"),
    {BR_STR, NULL, "format", "(values: any...) -> string", NULL, BF_KEEPS | BF_PURE | BF_LOC, check_format,
     emit_bi_str_format, "each {} replaced by the text of the next value"},
    {0},
};
