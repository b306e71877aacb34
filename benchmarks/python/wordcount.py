"""Language benchmark, Python peer: count the words of a text file (single
spaces between words) in a dict.  Prints "DISTINCT COUNT_OF_KEY", then
nanoseconds for reading, splitting and counting.  Usage: wordcount.py FILE KEY"""
import sys
import time

path, key = sys.argv[1], sys.argv[2]
t0 = time.perf_counter_ns()
with open(path, encoding="utf-8") as f:
    text = f.read()
counts = {}
for w in text.split(" "):
    counts[w] = counts.get(w, 0) + 1
el = time.perf_counter_ns() - t0
print(len(counts), counts.get(key, 0))
print(el)
