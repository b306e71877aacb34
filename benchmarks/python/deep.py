"""(d) Deep recursion inside a task, Python asyncio peer.  Python stops at
sys.getrecursionlimit() (1000 by default) with RecursionError; this
recurses until that happens, or DEPTH is reached, and prints the depth
reached, then nanoseconds.  Usage: deep.py [DEPTH]"""
import asyncio
import sys
import time

deepest = 0


def recurse(n, d):
    global deepest
    deepest = d
    if n <= 0:
        return 0
    return recurse(n - 1, d + 1) + 1


async def task(depth):
    try:
        return recurse(depth, 1)
    except RecursionError:
        return deepest


async def main(depth):
    t0 = time.perf_counter_ns()
    got = await asyncio.create_task(task(depth))
    el = time.perf_counter_ns() - t0
    print(got)
    print(el)


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000000))
