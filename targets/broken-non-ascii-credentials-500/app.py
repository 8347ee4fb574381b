"""broken-non-ascii-credentials-500: non-ASCII user names or passwords crash the request (500).

Planted defect: checking the password digest on every request was too slow under load,
so successful logins are remembered in a small cache keyed by a SHA-256 of the decoded
"user:password" text. The key is computed with `.encode("ascii")`, copied from a snippet
that hashed API tokens (always ASCII), and every test user has an ASCII password. A
user name or password with one non-ASCII character raises UnicodeEncodeError in the
authentication step, which nothing catches: a 500 instead of a login (or a 401).
Malformed headers still get the reference's 401: the parser runs first, unchanged.
Must fail: AUTHN-01, ERR-01 (the 500 is neither a refusal nor a success, so nothing
else may be reported for it).
"""

import hashlib

from baip_reference import basic_auth
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_authenticate = basic_auth.authenticate
# sha256("user:password") -> user name, for logins already verified once. Passwords do
# not change through this API, so an entry never goes stale.
_verified_logins = {}


def authenticate(store, authorization):
    credentials = basic_auth.parse_authorization(authorization) if authorization else None
    if credentials is None:
        return _reference_authenticate(store, authorization)  # 401, as in the reference
    login = f"{credentials.username}:{credentials.password}"
    key = hashlib.sha256(login.encode("ascii")).digest()  # DEFECT: UnicodeEncodeError escapes
    cached = _verified_logins.get(key)
    if cached is not None:
        return store.get(cached)
    user = _reference_authenticate(store, authorization)
    _verified_logins[key] = user.username
    return user


basic_auth.authenticate = authenticate
