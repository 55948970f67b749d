"""A webhook receiver for the alert tests: http.server on 127.0.0.1:PORT that appends every
POST as one JSON line ({"headers": {...}, "body": "..."}) to LOG, answering 500 to the first
FAIL_FIRST requests (to exercise the sender's retries) and 204 afterwards.

usage: webhook_receiver.py PORT LOG [FAIL_FIRST]
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, LOG = int(sys.argv[1]), sys.argv[2]
FAIL_FIRST = int(sys.argv[3]) if len(sys.argv) > 3 else 0
lock = threading.Lock()
seen = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            seen += 1
            failing = seen <= FAIL_FIRST
            with open(LOG, "a", encoding="utf-8") as f:
                f.write(json.dumps({
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body.decode("utf-8"),
                    "answered": 500 if failing else 204,
                }) + "\n")
        self.send_response(500 if failing else 204)
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
