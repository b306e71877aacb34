/* fib(35) as hand-written C: the peer of benchmarks/wyn/fib.wyn under
 * `tcc -run` (for the JIT) and `gcc -O2` (for `wyn build -O2`).  long is
 * 64-bit, like Wyn's int; n comes from the command line (default 35) so
 * that no compiler can fold the call. */
#include <stdio.h>
#include <stdlib.h>

static long fib(long n)
{
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 35;
    printf("%ld\n", fib(n));
    return 0;
}
