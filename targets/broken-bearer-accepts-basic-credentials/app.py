"""broken-bearer-accepts-basic-credentials: any scheme word followed by base64 of valid credentials logs in.

Planted defect: a mobile client sent its Basic credentials as `Bearer <base64>` after a
library upgrade; instead of fixing the client, the server was "made tolerant" by taking
whatever follows the first space as the token. The scheme name is never looked at, so
`Bearer`, `Token`, `Digest` or any word followed by base64 of a valid "user:password"
authenticates as that user. Malformed tokens and wrong passwords still get 401.
Must fail: AUTHN-05.
"""

from baip_reference import basic_auth
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_parse = basic_auth.parse_authorization


def parse_authorization(value):
    _scheme, _, token = value.partition(" ")
    return _reference_parse(f"Basic {token}")  # DEFECT: the scheme word is ignored


basic_auth.parse_authorization = parse_authorization
