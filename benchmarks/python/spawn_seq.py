"""(a) Sequential spawn+await, Python asyncio peer: create a task and await
it at once, N times.  Prints the checked sum, then nanoseconds.
Usage: spawn_seq.py [N]"""
import asyncio
import sys
import time


async def work(i):
    return i % 7


async def main(n):
    total = 0
    t0 = time.perf_counter_ns()
    for i in range(n):
        total += await asyncio.create_task(work(i))
    el = time.perf_counter_ns() - t0
    print(total)
    print(el)


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000))
