"""(c) Memory per parked task, Python asyncio peer: N tasks all waiting on
one asyncio.Queue; then main puts 0..N-1 and sums the results.
Prints the checked sum, then nanoseconds.  Usage: parked.py [N]"""
import asyncio
import sys
import time

started = 0


async def waiter(q):
    global started
    started += 1
    return await q.get()


async def main(n):
    t0 = time.perf_counter_ns()
    q = asyncio.Queue()
    futs = [asyncio.create_task(waiter(q)) for _ in range(n)]
    while started < n:
        await asyncio.sleep(0.001)
    for i in range(n):
        q.put_nowait(i)
    total = 0
    for f in futs:
        total += await f
    el = time.perf_counter_ns() - t0
    print(total)
    print(el)


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100000))
