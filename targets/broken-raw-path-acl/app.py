"""broken-raw-path-acl: a percent-encoded user name bypasses the ownership check.

Planted defect: authorization was moved into a WSGI middleware that matches the raw
request URI against ^/users/([a-z0-9_-]+)$ and lets through whatever does not match,
"because the router will 404 it anyway". The router decodes percent-escapes first:
/users/%62ob does not match the pattern, skips the check, and routes to bob's record,
whose view no longer checks anything.
Must fail: AUTHZ-04.
"""

import re
from urllib.parse import parse_qs

from baip_reference import app as reference
from baip_reference import basic_auth, policy

USERS_PATH = re.compile(r"/users/([a-z0-9_-]+)")
FORBIDDEN = b'{"error":"forbidden","message":"You may not access this record."}\n'

def allowed(actor, action, username):
    return True  # the views trust the middleware below

policy.allowed = allowed

class PathAcl:
    def __init__(self, wsgi_app, store):
        self.wsgi_app = wsgi_app
        self.store = store

    def __call__(self, environ, start_response):
        raw_path = environ.get("RAW_URI", environ.get("PATH_INFO", "")).split("?", 1)[0]
        if raw_path == "/profile":
            names = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).get("username", [])
            owner, self_only = (names[0] if len(names) == 1 else None), True
        elif match := USERS_PATH.fullmatch(raw_path):  # DEFECT: the raw path, not the routed one
            owner, self_only = match[1], False
        else:
            return self.wsgi_app(environ, start_response)  # "the router will 404 it"
        try:
            actor = basic_auth.authenticate(self.store, environ.get("HTTP_AUTHORIZATION"))
        except basic_auth.AuthenticationFailed:
            return self.wsgi_app(environ, start_response)  # the view answers 401
        if actor.username != owner and (self_only or not policy.is_privileged(actor)):
            start_response(
                "403 FORBIDDEN",
                [
                    ("Content-Type", "application/json"),
                    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [FORBIDDEN]
        return self.wsgi_app(environ, start_response)

def create_app():
    app = reference.create_app()
    app.wsgi_app = PathAcl(app.wsgi_app, app.extensions["baip_reference.store"])
    return app

