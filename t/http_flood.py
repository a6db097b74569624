#!/usr/bin/env python3
"""Hostile /metrics clients for t/http_dos.sh, bounded in count and time, on 127.0.0.0/8 only.

slowloris PORT SECONDS: 8 source addresses x 9 sockets, each sending a request header one
  line a second; prints how long the longest-lived socket stayed open.
bodydrip PORT SECONDS: the same, but whole headers and then a body a byte a second.
wrongpass PORT SECONDS: 32 threads (from 8 addresses) asking with a wrong password in a loop;
  prints the count.
"""
import socket
import sys
import threading
import time
import base64


def open_socks(port, first):
    """8 source addresses x 9 sockets, each having sent `first`."""
    socks = []
    for a in range(2, 10):
        for _ in range(9):
            s = socket.socket()
            s.bind(("127.0.0.%d" % a, 0))
            s.settimeout(2)
            try:
                s.connect(("127.0.0.1", port))
                s.sendall(first)
                socks.append([s, time.monotonic(), None])
            except OSError:
                s.close()
    return socks


def slowloris(port, seconds):
    drip(open_socks(port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n"), seconds, b"X-Drip: 1\r\n")


def bodydrip(port, seconds):
    """Whole headers at once, then a body announced and sent a byte a second."""
    first = b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n"
    drip(open_socks(port, first), seconds, b"x")


def drip(socks, seconds, byte):
    end = time.monotonic() + seconds
    while time.monotonic() < end and any(e[2] is None for e in socks):
        for e in socks:
            if e[2] is None:
                try:
                    e[0].sendall(byte)
                except OSError:
                    e[2] = time.monotonic()
        time.sleep(1)
    now = time.monotonic()
    longest = max((e[2] or now) - e[1] for e in socks) if socks else 0
    for e in socks:
        e[0].close()
    print("%d %.1f" % (len(socks), longest))


def wrongpass(port, seconds):
    end = time.monotonic() + seconds
    count = [0]
    auth = base64.b64encode(b"prom:wrong").decode()

    def run(src):
        while time.monotonic() < end:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(src, 0)) as s:
                    s.sendall(("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n"
                               "Connection: close\r\n\r\n" % auth).encode())
                    while s.recv(4096):
                        pass
                count[0] += 1
            except OSError:
                time.sleep(0.05)

    threads = [threading.Thread(target=run, args=("127.0.0.%d" % (2 + i % 8),)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(count[0])


if __name__ == "__main__":
    {"slowloris": slowloris, "bodydrip": bodydrip, "wrongpass": wrongpass}[sys.argv[1]](int(sys.argv[2]), float(sys.argv[3]))
