"""broken-latin1-credentials: non-ASCII passwords never authenticate.

Planted defect: the decoded credentials are read as ISO-8859-1 (the pre-RFC 7617
default) instead of UTF-8, so "wörd" sent as UTF-8 arrives as "wÃ¶rd" and never matches.
The challenge even says charset="UTF-8".
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
        text = base64.b64decode(token.strip(" "), validate=True).decode("latin-1")  # DEFECT
    except ValueError:
        return None
    username, colon, password = text.partition(":")
    return basic_auth.Credentials(username, password) if colon else None


basic_auth.parse_authorization = parse_authorization
