"""Language benchmark, Python peer: build a string from N short pieces
(list of parts, then join).  Prints the length, then nanoseconds.
Usage: strbuild.py [N]"""
import sys
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
t0 = time.perf_counter_ns()
parts = []
for i in range(n):
    parts.append(f"w{i % 100} ")
s = "".join(parts)
el = time.perf_counter_ns() - t0
print(len(s))
print(el)
