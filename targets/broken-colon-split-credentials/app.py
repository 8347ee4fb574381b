"""broken-colon-split-credentials: passwords containing ':' never authenticate.

Planted defect: the Basic credentials are split with ``decoded.split(":")`` and unpacked
into two names; a password with a colon yields three or more parts, the unpacking fails,
and the request is treated as malformed. RFC 7617 allows ':' in passwords (only the
user-id cannot hold one): split at the first colon.
Must fail: AUTHN-01 (everything that needs those users logged in is then inconclusive).
"""

import base64

from baip_reference import basic_auth
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)


def parse_authorization(value):
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, password = base64.b64decode(token, validate=True).decode("utf-8").split(":")  # DEFECT
    except ValueError:
        return None
    return basic_auth.Credentials(username, password)


basic_auth.parse_authorization = parse_authorization
