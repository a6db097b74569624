#!/usr/bin/env python3
"""A misbehaving remote-write receiver for t/faults.sh.

Usage: fake_receiver.py PORT MODE COUNTFILE
MODE: ok (204), 500, 429, 400, hang (read, never answer), slow (answer after 3 s),
flap (500 and 204 in turn). Each request's body length is appended to COUNTFILE.
"""
import http.server
import socketserver
import sys
import time

PORT, MODE, COUNT = int(sys.argv[1]), sys.argv[2], sys.argv[3]
calls = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        calls[0] += 1
        with open(COUNT, "a") as f:
            f.write(f"{len(body)}\n")
        if MODE == "hang":
            time.sleep(3600)
        if MODE == "slow":
            time.sleep(3)
        code = {"500": 500, "429": 429, "400": 400}.get(MODE, 204)
        if MODE == "flap":
            code = 500 if calls[0] % 2 else 204
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


Server(("127.0.0.1", PORT), Handler).serve_forever()
