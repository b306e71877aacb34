#!/usr/bin/env python3
"""Misbehaving HTTP clients for tests/io/fault_test.sh.

    fault_clients.py PORT [COUNT] [SECONDS]

Opens COUNT (default 1000) connections to 127.0.0.1:PORT from 16 threads,
each misbehaving in one of several ways (vanish right away, vanish
mid-request or mid-body, reset mid-request, send garbage, oversized
headers, a header flood, a request then vanish without reading), bounded
by SECONDS (default 20) in total. Then checks that normal requests are
still served, one connection at a time and with keep-alive. Prints a
summary; exits 0 when the normal requests all succeeded.
Only ever talks to 127.0.0.1.
"""
import os
import random
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"


def connect(port, timeout=2.0):
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.settimeout(timeout)
    return s


def drain(s, limit=1 << 20):
    data = b""
    try:
        while len(data) < limit:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, OSError):
        pass
    return data


def vanish_at_once(port, rnd):
    connect(port).close()


def vanish_mid_request(port, rnd):
    s = connect(port)
    req = b"GET /path?q=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: fault\r\n\r\n"
    s.sendall(req[: rnd.randrange(1, len(req) - 1)])
    s.close()


def vanish_mid_body(port, rnd):
    s = connect(port)
    s.sendall(b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + b"x" * rnd.randrange(0, 5000))
    s.close()


def reset_mid_request(port, rnd):
    s = connect(port)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * rnd.randrange(0, 3000))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def garbage(port, rnd):
    s = connect(port)
    junk = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 400)))
    s.sendall(junk + b"\r\n\r\n")
    reply = drain(s)
    s.close()
    return reply[:9] == b"HTTP/1.1 " or reply == b""


def oversized_headers(port, rnd):
    s = connect(port)
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 40000 + b"\r\n\r\n")
    except OSError:
        pass  # the server may answer 431 and close before we finish
    reply = drain(s)
    s.close()
    return reply.startswith(b"HTTP/1.1 431") or reply == b""


def header_flood(port, rnd):
    s = connect(port)
    try:
        s.sendall(b"GET / HTTP/1.1\r\n" + b"A: b\r\n" * 500 + b"\r\n")
    except OSError:
        pass
    reply = drain(s)
    s.close()
    return reply.startswith(b"HTTP/1.1 431") or reply == b""


def request_then_vanish(port, rnd):
    s = connect(port)
    s.sendall(b"GET /bye HTTP/1.1\r\nHost: x\r\n\r\n" * rnd.randrange(1, 4))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def idle_then_vanish(port, rnd):
    s = connect(port)
    time.sleep(rnd.random() * 0.05)
    s.close()


KINDS = [vanish_at_once, vanish_mid_request, vanish_mid_body, reset_mid_request, garbage,
         oversized_headers, header_flood, request_then_vanish, idle_then_vanish]


def normal_requests(port):
    """20 fresh connections plus 50 keep-alive requests on one; returns failures."""
    failures = 0
    for i in range(20):
        try:
            s = connect(port, 5.0)
            s.sendall(b"GET /ok%d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % i)
            reply = drain(s)
            s.close()
            if not (reply.startswith(b"HTTP/1.1 200 ") and reply.endswith(b"\r\n\r\nok")):
                failures += 1
        except OSError:
            failures += 1
    try:
        s = connect(port, 5.0)
        for i in range(50):
            s.sendall(b"GET /ka HTTP/1.1\r\nHost: x\r\n\r\n")
            buf = b""
            while not buf.endswith(b"\r\n\r\nok"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
            if not buf.startswith(b"HTTP/1.1 200 "):
                failures += 1
        s.close()
    except OSError:
        failures += 50
    return failures


def main():
    port = int(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    budget = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
    deadline = time.monotonic() + budget
    lock = threading.Lock()
    stats = {"done": 0, "errors": 0, "odd": 0, "skipped": 0}
    next_i = [0]

    def worker(seed):
        rnd = random.Random(seed)
        while True:
            with lock:
                i = next_i[0]
                next_i[0] += 1
            if i >= count:
                return
            if time.monotonic() > deadline:
                with lock:
                    stats["skipped"] += 1
                continue
            kind = KINDS[i % len(KINDS)]
            try:
                ok = kind(port, rnd)
                with lock:
                    stats["done"] += 1
                    if ok is False:
                        stats["odd"] += 1
            except OSError:
                with lock:
                    stats["errors"] += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failures = normal_requests(port)
    print("fault clients: %d done, %d client-side errors, %d unexpected replies, %d skipped (time); "
          "normal requests failed: %d" % (stats["done"], stats["errors"], stats["odd"], stats["skipped"], failures))
    sys.exit(0 if failures == 0 and stats["skipped"] == 0 else 1)


if __name__ == "__main__":
    main()
