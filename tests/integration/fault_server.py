#!/usr/bin/env python3
"""A keep-alive HTTP/1.1 server from Python's standard library, for client tests against a server we did not write.

Prints "PORT <n>" on stdout once listening on 127.0.0.1 (ephemeral port), then serves until killed.

  GET /early-hints/<id>   103 Early Hints (with a Link header), then 200 {"id": "<id>"} on the same connection
  GET /continue/<id>      100 Continue, then 200 {"id": "<id>"}
  GET /plain/<id>         200 {"id": "<id>"}
  GET /hints-storm/<id>   20 interim 103 answers, then 200
  GET /count              200 {"requests": <requests served so far>, "connections": <connections accepted>}
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
counters = {"requests": 0, "connections": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def setup(self):
        super().setup()
        with lock:
            counters["connections"] += 1

    def log_message(self, *args):  # quiet
        pass

    def answer(self, payload):
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Request-Id", "py-" + str(counters["requests"]))
        self.end_headers()
        self.wfile.write(body)

    def interim(self, status, count=1):
        for _ in range(count):
            self.send_response_only(status)
            if status == 103:
                self.send_header("Link", "</style.css>; rel=preload; as=style")
            self.end_headers()  # flushes the interim answer
        self.wfile.flush()

    def do_GET(self):
        with lock:
            counters["requests"] += 1
        parts = self.path.split("?")[0].strip("/").split("/")
        kind, ident = parts[0], (parts[1] if len(parts) > 1 else "")
        if kind == "early-hints":
            self.interim(103)
        elif kind == "continue":
            self.interim(100)
        elif kind == "hints-storm":
            self.interim(103, 20)
        elif kind == "count":
            with lock:
                return self.answer(dict(counters))
        elif kind != "plain":
            self.send_error(404)
            return
        self.answer({"id": ident})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
