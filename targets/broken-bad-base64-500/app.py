"""broken-bad-base64-500: a malformed Authorization header crashes the request (500).

Planted defect: the header is decoded without handling errors; invalid base64, non-UTF-8
credentials or a missing colon raise, and the exception becomes a 500 instead of a 401.
Must fail: AUTHN-05, ERR-01.
"""

import base64

from baip_reference import basic_auth
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)


def parse_authorization(value):
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "basic":
        return None
    # DEFECT: binascii.Error, UnicodeDecodeError and ValueError (no colon) escape.
    username, password = base64.b64decode(token, validate=True).decode("utf-8").split(":", 1)
    return basic_auth.Credentials(username, password)


basic_auth.parse_authorization = parse_authorization
