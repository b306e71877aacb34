/*
 * http_fuzz.c — libFuzzer target for the HTTP/1.1 request parser
 * (io_http_parse in runtime/io_http.c).
 *
 *   bash tests/fuzz/io_fuzz.sh SECONDS http
 *
 * Each input is parsed from an exactly sized heap copy (so ASan flags any
 * read past the end); when it parses, the consumed length must be within
 * the input and the pieces must be sane.  Every prefix of an input that
 * parses must ask for more bytes or fail, never "succeed" differently.
 * Uses the same tracking allocator as json_fuzz.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wyn_rt.h"
#include "io_internal.h"
#include "fuzz_alloc.h"

static int one(const uint8_t *data, size_t size)
{
    char *b = malloc(size ? size : 1);
    memcpy(b, data, size);
    HttpParsed hp;
    long r = io_http_parse(b, size, &hp);
    if (r > 0) {
        if ((size_t)r > size)
            abort();
        if (!hp.req.method || !hp.req.path || !hp.req.query || !hp.req.body || !hp.req.headers)
            abort();
        if (hp.req.path->len == 0 || hp.req.body->len > IO_MAX_BODY)
            abort();
        /* a strict prefix never parses as a complete request of its own
         * unless it ends exactly where this one does */
        for (size_t k = (size_t)r > 64 ? (size_t)r - 64 : 0; k < (size_t)r; k++) {
            char *p = malloc(k ? k : 1);
            memcpy(p, data, k);
            HttpParsed hq;
            long q = io_http_parse(p, k, &hq);
            free(p);
            if (q > 0)
                abort();
        }
    } else if (r < 0) {
        if (r != -400 && r != -413 && r != -431 && r != -501 && r != -505)
            abort();
    }
    free(b);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int r = one(data, size);
    fuzz_release_all();
    return r;
}
