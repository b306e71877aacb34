"""Language benchmark, Python peer: sort N ints made by the same linear
congruential generator as sort.wyn.  Prints the position-weighted checksum,
then nanoseconds for the sort.  Usage: sort.py [N]"""
import sys
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
xs = []
x = 42
for _ in range(n):
    x = (x * 1103515245 + 12345) % 2147483648
    xs.append(x)
t0 = time.perf_counter_ns()
xs.sort()
el = time.perf_counter_ns() - t0
print(sum(v * (i % 100) for i, v in enumerate(xs)))
print(el)
