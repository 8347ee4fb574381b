"""broken-trusts-x-user-header: X-User and other proxy identity headers switch the caller.

Planted defect: written to run behind an authenticating proxy ("we support oauth2-proxy,
Authelia and Apache"), the service takes the identity from the first proxy identity
header present (X-User, X-Forwarded-User, Remote-User, ...), after checking the caller's
own Basic credentials. Nothing strips those headers from client requests, so any user
becomes any other user, admins included.
Must fail: AUTHZ-03.
"""

from flask import request

from baip_reference import basic_auth
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_authenticate = basic_auth.authenticate
PROXY_IDENTITY_HEADERS = (
    "X-User",
    "X-Forwarded-User",
    "X-Remote-User",
    "Remote-User",
    "X-Authenticated-User",
    "X-Auth-Request-User",
)


def authenticate(store, authorization):
    user = _reference_authenticate(store, authorization)
    for header in PROXY_IDENTITY_HEADERS:
        claimed = request.headers.get(header)
        if claimed:
            return store.get(claimed) or user  # DEFECT: a client-supplied header names the identity
    return user


basic_auth.authenticate = authenticate
