/*
 * ptr.c — the Ptr helpers of SPEC §12: raw C memory for foreign calls.
 * Reads and writes go through memcpy, so any byte offset is fine.
 */
#include <stdlib.h>
#include <string.h>
#include "rt_internal.h"

static void *at(void *p, wyn_int off, const char *what)
{
    if (!p)
        rt_fatal(0, what);
    return (char *)p + off;
}

void *rt_ptr_alloc(wyn_int n)
{
    void *p = calloc(1, n > 0 ? (size_t)n : 1);
    if (!p)
        rt_fatal(0, "out of memory");
    return p;
}

void rt_ptr_free(void *p)
{
    free(p);
}

wyn_int rt_ptr_read_int(void *p, wyn_int off)
{
    wyn_int v;
    memcpy(&v, at(p, off, "Ptr.read_int on a null pointer"), sizeof v);
    return v;
}

void rt_ptr_write_int(void *p, wyn_int off, wyn_int v)
{
    memcpy(at(p, off, "Ptr.write_int on a null pointer"), &v, sizeof v);
}

double rt_ptr_read_float(void *p, wyn_int off)
{
    double v;
    memcpy(&v, at(p, off, "Ptr.read_float on a null pointer"), sizeof v);
    return v;
}

void rt_ptr_write_float(void *p, wyn_int off, double v)
{
    memcpy(at(p, off, "Ptr.write_float on a null pointer"), &v, sizeof v);
}

WynStr *rt_ptr_string(void *p)
{
    return rt_str_cstr((const char *)p);
}
