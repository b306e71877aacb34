"""(g) N tasks each sleeping 100 ms, then awaited, Python asyncio peer.
Prints the checked sum, then nanoseconds.  Usage: sleep.py [N]"""
import asyncio
import sys
import time


async def nap(i):
    await asyncio.sleep(0.1)
    return i


async def main(n):
    t0 = time.perf_counter_ns()
    futs = [asyncio.create_task(nap(i)) for i in range(n)]
    total = 0
    for f in futs:
        total += await f
    el = time.perf_counter_ns() - t0
    print(total)
    print(el)


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000))
