"""(e) Fire-and-forget, Python asyncio peer: N create_task calls whose
tasks each add 1 to a counter; main waits until the counter reaches N.
Every pending asyncio task costs about 1 KB, so the runner uses this with
a smaller N than the Wyn and Go programs (see RESULTS.md).
Prints the counter, then nanoseconds.  Usage: fire.py [N]"""
import asyncio
import sys
import time

counter = 0


async def bump():
    global counter
    counter += 1


async def main(n):
    t0 = time.perf_counter_ns()
    keep = set()
    for _ in range(n):
        t = asyncio.create_task(bump())
        keep.add(t)
        t.add_done_callback(keep.discard)
    while counter < n:
        await asyncio.sleep(0.001)
    el = time.perf_counter_ns() - t0
    print(counter)
    print(el)


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000000))
