"""Fault targets of the reliability tests that behave like the reference until they fail:
the reference application (targets/flask-reference, copied in by the Dockerfile) served
by Werkzeug's threaded server in the container's first process, so that a crash or an
out-of-memory kill of this process ends the container, as it would a real service.

Usage: ``python3 fault_app.py MODE`` with MODE one of:

  crash         the process exits (code 70) while handling request number FAULT_AFTER
  oom           while handling request number FAULT_AFTER, allocate memory until the
                kernel kills the process at the container's memory limit
  slow          every FAULT_EVERY-th request sleeps FAULT_SLEEP seconds, then is answered
                correctly

Requests are counted from the first one, readiness probes included.
"""

import os
import ssl
import sys
import threading
import time

from werkzeug.serving import WSGIRequestHandler, make_server

from baip_reference.app import create_app

MODE = sys.argv[1] if len(sys.argv) > 1 else ""
AFTER = int(os.environ.get("FAULT_AFTER", "60"))
EVERY = int(os.environ.get("FAULT_EVERY", "10"))
SLEEP = float(os.environ.get("FAULT_SLEEP", "3"))

_lock = threading.Lock()
_count = 0


def faulty(app):
    def wrapped(environ, start_response):
        global _count
        with _lock:
            _count += 1
            n = _count
        if MODE == "crash" and n >= AFTER:
            print(f"fault target: crashing on request {n} (exit code 70)", flush=True)
            os._exit(70)
        if MODE == "oom" and n >= AFTER:
            print(f"fault target: allocating until killed, on request {n}", flush=True)
            hog = []
            while True:
                hog.append(b"\x01" * (16 * 1024 * 1024))  # written, so really resident
        if MODE == "slow" and n % EVERY == 0:
            time.sleep(SLEEP)
        return app(environ, start_response)

    return wrapped


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass


def main():
    if MODE not in ("crash", "oom", "slow"):
        sys.exit(f"fault_app.py: unknown mode {MODE!r} (crash, oom or slow)")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain("/run/conformance/tls/cert.pem", "/run/conformance/tls/key.pem")
    server = make_server(
        "0.0.0.0",
        8443,
        faulty(create_app()),
        threaded=True,
        request_handler=QuietHandler,
        ssl_context=context,
    )
    print(f"fault target {MODE!r} (after {AFTER}, every {EVERY}): HTTPS on 8443", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
