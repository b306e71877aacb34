/*
 * num.c — number helpers: the text of ints and floats (SPEC §14, shared by
 * string conversion and the string builder) and the numeric operations the
 * code generator calls instead of open-coding them (round, pow, float->int).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt_values.h"

/* Integral doubles below this print exactly as %.15g would without an
 * exponent, so they can skip snprintf. */
#define FLOAT_INT_FAST_LIMIT 1e15

int rt_fmt_int(char *buf, wyn_int v)
{
    char tmp[24];
    int n = 0;
    /* negate in unsigned arithmetic so INT64_MIN works */
    wyn_uint u = v < 0 ? 0 - (wyn_uint)v : (wyn_uint)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    int len = 0;
    if (v < 0)
        buf[len++] = '-';
    while (n > 0)
        buf[len++] = tmp[--n];
    return len;
}

static int has_float_marker(const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.' || c == 'e' || c == 'n' || c == 'i')
            return 1;
    }
    return 0;
}

/* Shortest of %.15g, %.16g, %.17g that reads back as v (%.17g always
 * does). */
static int fmt_shortest_g(char *buf, double v)
{
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, RT_NUM_BUF, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
    return n;
}

int rt_fmt_float(char *buf, double v)
{
    if (isnan(v)) {
        memcpy(buf, "nan", 3);
        return 3;
    }
    if (isinf(v)) {
        memcpy(buf, v < 0 ? "-inf" : "inf", v < 0 ? 4 : 3);
        return v < 0 ? 4 : 3;
    }
    int n;
    if (v == 0 && signbit(v)) {
        buf[0] = '-';
        buf[1] = '0';
        n = 2;
    } else if (fabs(v) < FLOAT_INT_FAST_LIMIT && v == (double)(wyn_int)v) {
        n = rt_fmt_int(buf, (wyn_int)v);
    } else {
        n = fmt_shortest_g(buf, v);
    }
    if (!has_float_marker(buf, n)) {
        buf[n++] = '.';
        buf[n++] = '0';
    }
    return n;
}

double rt_float_round(double v)
{
    return round(v); /* C's round already goes half away from zero */
}

double rt_int_pow_f(double a, double b)
{
    return pow(a, b);
}

/* Exponentiation by squaring with wrapping (unsigned) multiplication. */
wyn_int rt_int_pow(wyn_int a, wyn_int n)
{
    if (n < 0) {
        if (a == 1)
            return 1;
        if (a == -1)
            return (n & 1) ? -1 : 1;
        return 0;
    }
    wyn_uint result = 1, base = (wyn_uint)a;
    wyn_uint e = (wyn_uint)n;
    while (e) {
        if (e & 1)
            result *= base;
        base *= base;
        e >>= 1;
    }
    return (wyn_int)result;
}

wyn_int rt_float_to_int(double v)
{
    if (isnan(v))
        return 0;
    if (v >= 9223372036854775808.0)
        return INT64_MAX;
    if (v <= -9223372036854775808.0)
        return INT64_MIN;
    return (wyn_int)v;
}
