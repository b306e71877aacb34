/* fuzz_live.h — the libFuzzer entry shared by the runtime fuzz targets:
 * runs the target's one(data, size) between a pool mark and drain, and
 * aborts (a finding) when the input left a counted object alive.  Include
 * once, after defining `static int one(const uint8_t *, size_t)`. */
#ifndef FUZZ_LIVE_H
#define FUZZ_LIVE_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "wyn_rt.h"
#include "rt_values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wyn_int live = rt_mem_live_objects();
    wyn_int mark = rt_pool_mark();
    int r = one(data, size);
    rt_pool_drain(mark);
    wyn_int now = rt_mem_live_objects();
    if (now != live) {
        fprintf(stderr, "live objects: %lld before the input, %lld after\n",
                (long long)live, (long long)now);
        abort();
    }
    return r;
}

#endif
