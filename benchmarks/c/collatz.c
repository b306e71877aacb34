/* The start below N with the longest Collatz chain, and its length: the
 * C peer of benchmarks/wyn/collatz.wyn (the optimized tier's target).  long
 * is 64-bit, like Wyn's int; N comes from the command line. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 3000000;
    long best = 1, best_len = 0;
    for (long start = 1; start < n; start++) {
        long x = start, len = 0;
        while (x != 1) {
            if (x % 2 == 0)
                x = x / 2;
            else
                x = 3 * x + 1;
            len += 1;
        }
        if (len > best_len) {
            best_len = len;
            best = start;
        }
    }
    printf("%ld %ld\n", best, best_len);
    return 0;
}
