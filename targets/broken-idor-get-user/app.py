"""broken-idor-get-user: any authenticated user reads any record at GET /users/U.

Planted defect: the read endpoint only checks that the caller is logged in ("it is only
a read"); writes are still guarded. Broken object level authorization (API1:2023, IDOR).
Must fail: AUTHZ-01, MODEL-01, and AUTHZ-04: every path variant that routes to V's
record reaches the same unguarded read.
"""

from baip_reference import policy
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_allowed = policy.allowed


def allowed(actor, action, username):
    if action == policy.READ_USER:
        return True  # DEFECT: authenticated is taken for authorized
    return _reference_allowed(actor, action, username)


policy.allowed = allowed
