"""broken-unknown-user-message: the 401 says whether the user name exists.

Planted defect: "helpful" error messages: "unknown user" for a name that does not exist,
"wrong password" for one that does. An attacker enumerates accounts (CWE-204).
Must fail: AUTHN-06.
"""

from baip_reference import basic_auth, errors
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

MESSAGES = {"unknown-user": "Unknown user.", "wrong-password": "Wrong password."}


def unauthorized(failure):
    message = MESSAGES.get(failure.reason, "Valid Basic credentials are required.")  # DEFECT
    response = errors.error_response(401, "unauthorized", message)
    response.headers["WWW-Authenticate"] = basic_auth.CHALLENGE
    return response


errors.unauthorized = unauthorized
