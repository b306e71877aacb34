/* Startup peer: an ordinary C hello world, run as `tcc -run hello.c`. */
#include <stdio.h>

int main(void)
{
    puts("Hello, World!");
    return 0;
}
