"""broken-trusts-x-user-header: X-User / X-Forwarded-User switch the caller's identity.

Planted defect: written to run behind an authenticating proxy, the service takes the
identity from X-User or X-Forwarded-User when present, after checking the caller's own
Basic credentials. Any user becomes any other user, admins included.
Must fail: AUTHZ-03.
"""

from flask import request

from baip_reference import basic_auth
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_authenticate = basic_auth.authenticate


def authenticate(store, authorization):
    user = _reference_authenticate(store, authorization)
    claimed = request.headers.get("X-User") or request.headers.get("X-Forwarded-User")
    if claimed:
        return store.get(claimed) or user  # DEFECT: a header names the identity
    return user


basic_auth.authenticate = authenticate
