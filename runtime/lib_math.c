/*
 * lib_math.c — the Math additions: sign, clamp and overflow-checked
 * arithmetic.  The checked forms return 1 and store the result, or return
 * 0 (the script gets none) when the exact result does not fit in an int.
 * clamp with lo > hi is a runtime error (Python's and Go's clamp helpers
 * disagree about it; an error says so instead of picking one silently).
 * A NaN given to sign or clamp comes back as NaN.
 */
#include "lib_internal.h"

wyn_int rt_math_sign_int(wyn_int x) { return (x > 0) - (x < 0); }

double rt_math_sign_float(double x)
{
    if (x != x)
        return x;
    return (x > 0) - (x < 0);
}

wyn_int rt_math_clamp_int(wyn_int x, wyn_int lo, wyn_int hi, wyn_loc loc)
{
    if (lo > hi)
        lib_fail(loc, "Math.clamp: lo %lld is greater than hi %lld", lo, hi);
    return x < lo ? lo : x > hi ? hi : x;
}

double rt_math_clamp_float(double x, double lo, double hi, wyn_loc loc)
{
    if (lo > hi)
        lib_fail(loc, "Math.clamp: lo %.17g is greater than hi %.17g", lo, hi);
    return x < lo ? lo : x > hi ? hi : x;
}

wyn_bool rt_math_checked_add(wyn_int a, wyn_int b, wyn_int *out)
{
    return !__builtin_add_overflow(a, b, out);
}

wyn_bool rt_math_checked_sub(wyn_int a, wyn_int b, wyn_int *out)
{
    return !__builtin_sub_overflow(a, b, out);
}

wyn_bool rt_math_checked_mul(wyn_int a, wyn_int b, wyn_int *out)
{
    return !__builtin_mul_overflow(a, b, out);
}
