"""compliant-waitress-redirect: other servers, and a plain-HTTP port that redirects.

The reference application served by different servers than gunicorn:

- HTTPS on 8443 by Werkzeug's threaded WSGI server, with an SSL context built here
  (TLS 1.2 minimum, set explicitly), the handshake done in each connection's thread;
- plain HTTP on 8080 by waitress, answering every request with a 308 redirect to
  https://PUBLIC_HOST/same-path, without running the application: nothing sent in clear
  is processed, so TLS-01 and TLS-02 hold.

It passes every MUST. It fails the SHOULD TLS-06 on purpose, as the common "redirect
HTTP to HTTPS" setup does: requests that carry credentials are redirected too, when
they should be refused, since their credentials already crossed the network in clear.
"""

import os
import signal
import ssl
import sys
import threading
from urllib.parse import quote

import waitress.server
from werkzeug.serving import ThreadedWSGIServer

from baip_reference.app import create_app

CERT = "/run/conformance/tls/cert.pem"
KEY = "/run/conformance/tls/key.pem"
# The Location host is configured, never taken from the request's Host header (which
# would make this an open redirect).
PUBLIC_HOST = os.environ.get("PUBLIC_HOST", "localhost")
HANDSHAKE_TIMEOUT = 10


def redirect_to_https(environ, start_response):
    """Plain HTTP: a redirect for every request, the request itself untouched."""
    path = quote(environ.get("PATH_INFO", "/"), safe="/;=,@")
    query = environ.get("QUERY_STRING", "")
    location = f"https://{PUBLIC_HOST}{path}" + (f"?{query}" if query else "")
    body = b"Use HTTPS.\n"
    start_response(
        "308 Permanent Redirect",
        [
            ("Location", location),
            ("Content-Type", "text/plain"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),  # CACHE-01 covers plain-HTTP answers too
        ],
    )
    return [body]


class TLSServer(ThreadedWSGIServer):
    """Werkzeug's threaded server, TLS handshake in the connection's thread.

    Werkzeug wraps the listening socket when given an ssl_context, so the handshake
    runs inside accept() on the serving thread: one client that connects and stays
    silent stops everyone. Wrapping each accepted connection in its own thread avoids it.
    """

    def __init__(self, host, port, app, context):
        super().__init__(host, port, app)
        self.tls_context = context
        self.ssl_context = context  # Werkzeug reads it to set wsgi.url_scheme = https

    def finish_request(self, request, client_address):
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            connection = self.tls_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return  # not TLS, or a failed handshake: close without an answer (TLS-03)
        try:
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            connection.close()


def tls_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2  # TLS-04
    context.load_cert_chain(CERT, KEY)
    return context


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    plain = waitress.server.create_server(
        redirect_to_https, host="0.0.0.0", port=8080, threads=2, max_request_body_size=64 * 1024
    )
    threading.Thread(target=plain.run, name="plain-http", daemon=True).start()
    server = TLSServer("0.0.0.0", 8443, create_app(), tls_context())
    print("serving https://0.0.0.0:8443 (Werkzeug), redirects on http://0.0.0.0:8080 (waitress)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
