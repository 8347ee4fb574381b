"""broken-missing-challenge: 401 responses carry no WWW-Authenticate header.

Planted defect: the 401 handler returns the JSON error without the Basic challenge
(RFC 9110 section 11.6.1 requires one on every 401), so clients cannot tell which
scheme and charset to use.
Must fail: AUTHN-02.
"""

from baip_reference import errors
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)


def unauthorized(failure):
    return errors.error_response(401, "unauthorized", "Valid Basic credentials are required.")  # DEFECT


errors.unauthorized = unauthorized
