#!/usr/bin/env python3
"""A keep-alive HTTP/1.1 server from Python's standard library, for client tests against a server we did not write.

Prints "PORT <n>" on stdout once listening on 127.0.0.1 (ephemeral port), then serves until killed.

  GET /early-hints/<id>   103 Early Hints (with a Link header), then 200 {"id": "<id>"} on the same connection
  GET /continue/<id>      100 Continue, then 200 {"id": "<id>"}
  GET /plain/<id>         200 {"id": "<id>"}
  GET /hints-storm/<id>   20 interim 103 answers, then 200
  GET /trickle/<id>       200 with a chunked JSON body sent 3 bytes per chunk, each flushed after a 1 ms pause
  GET /count              200 {"requests": <requests served so far>, "connections": <connections accepted>}
"""
import json
import sys
import threading
import time
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

    def trickle(self, ident):
        body = ('{"id": "%s", "amount": 0.000000000000000001, "fee": "12345678901234567890.123456789",'
                ' "tags": ["a", "b\\u00e9", "%s"], "nested": {"deep": [1, 2.5e-3, true, null]}}' % (ident, "x" * 40))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        data = body.encode()
        for i in range(0, len(data), 3):
            piece = data[i:i + 3]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.flush()
            time.sleep(0.001)
        self.wfile.write(b"0\r\n\r\n")
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
        elif kind == "trickle":
            return self.trickle(ident)
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
