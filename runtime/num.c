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

/* Decimals of up to 15 significant digits in this range print in plain
 * (not exponent) notation under %.15g, which fmt_short_decimal relies on. */
#define SHORT_DECIMAL_MIN 1e-4
#define SHORT_DECIMAL_MAX 1e15
#define SHORT_DECIMAL_MAX_SCALE 17

/* Fast path for the common floats that are short decimals (0.1, 3.14,
 * 2.5e-3): finds the smallest k such that some integer m < 1e15 has
 * m / 10^k == |v|.  Division of two exactly representable numbers is
 * correctly rounded, so then the decimal m * 10^-k reads back as v; having
 * at most 15 digits, it is exactly what %.15g prints (DBL_DIG is 15), so
 * the result matches the slow path without calling snprintf or strtod.
 * Returns 0 when v is not such a decimal. */
static int fmt_short_decimal(char *buf, double v)
{
    static const double pow10[SHORT_DECIMAL_MAX_SCALE + 1] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
        1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
    };
    double a = fabs(v);
    if (!(a >= SHORT_DECIMAL_MIN && a < SHORT_DECIMAL_MAX))
        return 0;
    for (int k = 1; k <= SHORT_DECIMAL_MAX_SCALE; k++) {
        double scaled = a * pow10[k];
        if (scaled >= SHORT_DECIMAL_MAX)
            return 0;
        double m = floor(scaled + 0.5);
        if (m / pow10[k] != a)
            continue;
        uint64_t digits = (uint64_t)m, unit = (uint64_t)pow10[k];
        int n = 0;
        if (v < 0)
            buf[n++] = '-';
        n += rt_fmt_int(buf + n, (wyn_int)(digits / unit));
        buf[n++] = '.';
        uint64_t frac = digits % unit;
        for (int i = k - 1; i >= 0; i--, frac /= 10)
            buf[n + i] = (char)('0' + frac % 10);
        n += k;
        while (buf[n - 1] == '0') /* %g drops trailing zeros */
            n--;
        if (buf[n - 1] == '.')
            n--;
        return n;
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
    } else if (!(n = fmt_short_decimal(buf, v))) {
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
