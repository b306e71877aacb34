/*
 * json_fuzz.c — libFuzzer target for the JSON parser (runtime/io_json.c).
 *
 *   bash tests/fuzz/io_fuzz.sh [SECONDS] json
 *
 * builds it with clang -fsanitize=fuzzer,address,undefined against the
 * whole runtime (the real memory.c) and runs it with LeakSanitizer on.
 * Each input is parsed with io_json_parse_owned (rt_json_parse_checked
 * without the keep-until-exit: errors return 0 instead of exiting); a value
 * that parses is walked with the getters and printed with
 * rt_json_to_string, and that text must parse again and print the same
 * (round trip).
 *
 * Memory: everything an input makes is released through the runtime's own
 * ownership rules — the autorelease pool is drained back to a mark taken
 * before the input (keys arrays, printed strings) and both trees are freed
 * with io_json_free — after which rt_mem_live_objects() must be back where
 * it was (a counted object left alive aborts with "live objects"), and
 * LeakSanitizer reports any uncounted block (nodes, member arrays) that
 * was lost.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wyn_rt.h"
#include "rt_values.h"
#include "io_internal.h"

static int one(const uint8_t *data, size_t size);

#include "fuzz_live.h"

/* Visits up to *budget nodes with the getters (none of them may panic on
 * the calls made here: kinds are checked first). */
static void walk(wyn_int v, int *budget)
{
    if (--*budget < 0)
        return;
    int kind = (int)rt_json_kind(v);
    wyn_int n = rt_json_len(v);
    switch (kind) {
    case 0:
        break;
    case 1:
        (void)rt_json_as_bool(v, 0);
        break;
    case 2:
        (void)rt_json_as_int(v, 0);
        (void)rt_json_as_float(v, 0);
        break;
    case 3: {
        WynStr *s = rt_json_as_string(v, 0);
        if (!s || s->data[s->len] != 0)
            abort();
        break;
    }
    case 4:
        if (n > 0 && rt_json_at(v, -1, 0) != rt_json_at(v, n - 1, 0))
            abort();
        for (wyn_int i = 0; i < n && *budget > 0; i++)
            walk(rt_json_at(v, i, 0), budget);
        break;
    case 5: {
        WynArr *keys = rt_json_keys(v, 0);
        if (keys->len != n)
            abort();
        for (wyn_int i = 0; i < keys->len && *budget > 0; i++) {
            WynStr *k = ((WynStr **)keys->data)[i];
            wyn_int m = rt_json_get(v, k, 0);
            int mk = (int)rt_json_kind(m);
            if (mk < 0)
                abort();
            if (mk == 2)
                (void)rt_json_get_int(v, k, 0), (void)rt_json_get_float(v, k, 0);
            else if (mk == 3)
                (void)rt_json_get_string(v, k, 0);
            else if (mk == 1)
                (void)rt_json_get_bool(v, k, 0);
            walk(m, budget);
        }
        break;
    }
    default:
        abort();
    }
}

static int one(const uint8_t *data, size_t size)
{
    char err[128];
    wyn_int v = io_json_parse_owned((const char *)data, size, err, sizeof err);
    if (!v) {
        if (strncmp(err, "invalid JSON at offset ", 23) != 0)
            abort();
        return 0;
    }
    int budget = 256;
    walk(v, &budget);
    WynStr *s1 = rt_json_to_string(v);
    wyn_int v2 = io_json_parse_owned(s1->data, (size_t)s1->len, err, sizeof err);
    if (!v2) {
        fprintf(stderr, "round trip failed: %s\n%s\n", err, s1->data);
        abort();
    }
    WynStr *s2 = rt_json_to_string(v2);
    if (!rt_str_eq(s1, s2)) {
        fprintf(stderr, "not idempotent:\n%s\n%s\n", s1->data, s2->data);
        abort();
    }
    io_json_free(v2);
    io_json_free(v);
    return 0;
}
