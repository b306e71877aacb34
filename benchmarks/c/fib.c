/* fib(35) as hand-written C: the peer of benchmarks/wyn/fib.wyn under
 * `tcc -run` (for the JIT) and `gcc -O2` (for `wyn build -O2`).
 * long is 64-bit, like Wyn's int. */
#include <stdio.h>

static long fib(long n)
{
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

int main(void)
{
    printf("%ld\n", fib(35));
    return 0;
}
