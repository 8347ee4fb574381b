"""The plain-HTTP listener (port 8080): it refuses every request, unread.

It exists so that the suite can check that plain HTTP gets nowhere (TLS-01, TLS-02,
TLS-06). It is a separate WSGI application with no access to the store: it looks at no
path, no method, no header and no body, so a request sent in clear can neither read nor
change anything, not even when it carries valid credentials.

Why 403 and not a redirect to https://: a request that reaches this port has already
sent its credentials and body in clear. Redirecting would make the client repeat them
over TLS and hide the mistake; refusing makes it visible (ASVS 5.0 4.1.2, TLS-06).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

BODY = json.dumps(
    {
        "error": "https_required",
        "message": "This API is served over HTTPS only. Credentials sent over plain HTTP "
        "must be considered exposed: change the password.",
    }
).encode()

HEADERS = [
    ("Content-Type", "application/json"),
    ("Content-Length", str(len(BODY))),
    ("Cache-Control", "no-store"),
]


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    start_response("403 Forbidden", HEADERS)
    return [BODY]
