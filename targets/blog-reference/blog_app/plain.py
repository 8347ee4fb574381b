"""The whole application of the plain-HTTP port (8080): 400 for everything.

It is a separate WSGI callable with no store and no accounts, and it looks at nothing in
the request, so a request sent in clear can neither read nor change a post (TLS-01,
TLS-02). It refuses rather than redirects: the credentials already crossed the network
in clear, and a redirect would make clients silently resend them (TLS-06).
"""

from __future__ import annotations

import json

_BODY = json.dumps({"error": "https_required", "message": "Use HTTPS on port 8443."}).encode()
_HEADERS = [
    ("Content-Type", "application/json"),
    ("Content-Length", str(len(_BODY))),
    ("Cache-Control", "no-store"),
]


def app(environ, start_response):
    start_response("400 Bad Request", _HEADERS)
    return [_BODY]
