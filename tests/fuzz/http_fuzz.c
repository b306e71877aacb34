/*
 * http_fuzz.c — libFuzzer target for the HTTP/1.1 request parser
 * (io_http_parse in runtime/io_http.c).
 *
 *   bash tests/fuzz/io_fuzz.sh SECONDS http
 *
 * Each input is parsed from an exactly sized heap copy (so ASan flags any
 * read past the end); when it parses, the consumed length must be within
 * the input and the pieces must be sane (header names lower-cased, no
 * line breaks in values).  Every prefix of an input that parses must ask
 * for more bytes or fail, never "succeed" differently; "need more" with a
 * byte count (need) must ask for more than the input has.
 *
 * Memory: the real runtime allocator (memory.c) with LeakSanitizer on.  A
 * parsed request's fields are +1 (io_internal.h) and are released with
 * io_http_req_release; anything autoreleased is drained back to a mark
 * taken before the input.  rt_mem_live_objects() must then be where it
 * was before the input ("live objects" abort otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wyn_rt.h"
#include "rt_values.h"
#include "io_internal.h"

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
        /* header names are non-empty and lower-cased; values hold no
         * line breaks */
        WynMap *h = hp.req.headers;
        for (wyn_int pos = rt_map_next(h, 0); pos >= 0; pos = rt_map_next(h, pos + 1)) {
            WynStr *name = *(WynStr **)rt_map_key_at(h, pos);
            WynStr *val = *(WynStr **)rt_map_val_at(h, pos);
            if (!name || !val || name->len == 0)
                abort();
            for (wyn_int i = 0; i < name->len; i++)
                if (name->data[i] >= 'A' && name->data[i] <= 'Z')
                    abort();
            if (memchr(val->data, '\n', (size_t)val->len) || memchr(val->data, '\r', (size_t)val->len))
                abort();
        }
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
        if (hp.keep_alive < 0 || hp.keep_alive > 2 || (hp.head != 0 && hp.head != 1))
            abort();
        io_http_req_release(&hp.req);
    } else if (r == 0) {
        /* "need" is the whole request's size when the body is incomplete:
         * always more than what is there */
        if (hp.need && (hp.need <= size || hp.need > (size_t)IO_MAX_HEADER + IO_MAX_BODY))
            abort();
    } else if (r < 0) {
        if (r != -400 && r != -413 && r != -431 && r != -501 && r != -505)
            abort();
    }
    free(b);
    return 0;
}

#include "fuzz_live.h"
