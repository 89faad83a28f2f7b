#!/usr/bin/python3
"""A private webhook receiver for costledger's tests (Python's http.server only).

Each request becomes one file, DIR/request-NNNNNN.json (written to a temporary name and renamed),
with its method, path, headers, body (text) and the status it was answered with. The first
--fail-first requests are answered with --fail-status (500 unless told; with --retry-after,
a Retry-After header too); the rest with 200 and {"ok": true}. --delay-ms holds every answer
back that long (for timeout tests).

Usage: webhook_sink.py --port P --dir DIR [--fail-first N] [--fail-status S]
                       [--retry-after SECONDS] [--delay-ms MS]
Prints "ready <port>" once it listens; stops on SIGTERM or SIGINT.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=500)
    parser.add_argument("--retry-after")
    parser.add_argument("--delay-ms", type=int, default=0)
    args = parser.parse_args()

    lock = threading.Lock()
    state = {"count": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *more):
            sys.stderr.write("webhook_sink: " + (format % more) + "\n")

        def answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                state["count"] += 1
                n = state["count"]
            failing = n <= args.fail_first
            status = args.fail_status if failing else 200
            record = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "status": status,
            }
            name = os.path.join(args.dir, "request-%06d.json" % n)
            with open(name + ".tmp", "w", encoding="utf-8") as out:
                json.dump(record, out, ensure_ascii=False, indent=1)
            os.replace(name + ".tmp", name)
            if args.delay_ms:
                time.sleep(args.delay_ms / 1000.0)
            answer = (b'{"ok": false, "error": "failing as told"}' if failing
                      else b'{"ok": true}')
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                if failing and args.retry_after:
                    self.send_header("Retry-After", args.retry_after)
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        do_POST = answer
        do_GET = answer
        do_PUT = answer

    try:
        server = ThreadingHTTPServer((args.host, args.port), Handler)
    except OSError as e:
        print("cannot listen on %s:%d: %s" % (args.host, args.port, e), flush=True)
        sys.exit(3)
    server.daemon_threads = True

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready %d" % args.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
