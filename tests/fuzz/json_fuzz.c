/*
 * json_fuzz.c — libFuzzer target for the JSON parser (runtime/io_json.c).
 *
 *   bash tests/fuzz/io_fuzz.sh [SECONDS] json
 *
 * builds it with clang -fsanitize=fuzzer,address,undefined against the
 * runtime and runs it.  Each input is parsed with
 * rt_json_parse_checked (errors return 0 instead of exiting); a value that
 * parses is printed with rt_json_to_string, and that text must parse again
 * and print the same (round trip).  The runtime never frees values, so
 * fuzz_alloc.h replaces memory.c with a tracking allocator that releases
 * everything an input allocated once the input is done.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wyn_rt.h"
#include "io_internal.h"

#include "fuzz_alloc.h"

static int one(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int r = one(data, size);
    fuzz_release_all();
    return r;
}

static int one(const uint8_t *data, size_t size)
{
    char err[128];
    wyn_int v = rt_json_parse_checked((const char *)data, size, err, sizeof err);
    if (!v) {
        if (strncmp(err, "invalid JSON at offset ", 23) != 0)
            abort();
        return 0;
    }
    (void)rt_json_len(v);
    int kind = (int)rt_json_kind(v);
    if (kind == 5) {
        WynArr *keys = rt_json_keys(v, 0);
        for (wyn_int i = 0; i < keys->len && i < 8; i++)
            (void)rt_json_get(v, ((WynStr **)keys->data)[i], 0);
    } else if (kind == 4 && rt_json_len(v) > 0) {
        (void)rt_json_at(v, -1, 0);
    }
    WynStr *s1 = rt_json_to_string(v);
    wyn_int v2 = rt_json_parse_checked(s1->data, (size_t)s1->len, err, sizeof err);
    if (!v2) {
        fprintf(stderr, "round trip failed: %s\n%s\n", err, s1->data);
        abort();
    }
    WynStr *s2 = rt_json_to_string(v2);
    if (!rt_str_eq(s1, s2)) {
        fprintf(stderr, "not idempotent:\n%s\n%s\n", s1->data, s2->data);
        abort();
    }
    return 0;
}
