"""(f) Channel ping-pong, Python asyncio peer.  asyncio has no unbuffered
channel; two asyncio.Queue(maxsize=1) are the closest.  N round trips.
Prints the final value (N), then nanoseconds.  Usage: pingpong.py [N]"""
import asyncio
import sys
import time


async def ponger(ping, pong, n):
    for _ in range(n):
        v = await ping.get()
        await pong.put(v + 1)


async def main(n):
    ping, pong = asyncio.Queue(1), asyncio.Queue(1)
    t0 = time.perf_counter_ns()
    t = asyncio.create_task(ponger(ping, pong, n))
    v = 0
    for _ in range(n):
        await ping.put(v)
        v = await pong.get()
    await t
    el = time.perf_counter_ns() - t0
    print(v)
    print(el)


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100000))
