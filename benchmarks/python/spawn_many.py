"""(b)/(c) Spawn capacity, Python asyncio peer: create N tasks, then await
them all in order.  Prints the checked sum, then nanoseconds.
Usage: spawn_many.py [N]"""
import asyncio
import sys
import time


async def work(i):
    return i % 7


async def main(n):
    t0 = time.perf_counter_ns()
    futs = [asyncio.create_task(work(i)) for i in range(n)]
    total = 0
    for f in futs:
        total += await f
    el = time.perf_counter_ns() - t0
    print(total)
    print(el)


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100000))
