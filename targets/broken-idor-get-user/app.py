"""broken-idor-get-user: any authenticated user reads any record at GET /users/U.

Planted defect: the read endpoint only checks that the caller is logged in ("it is only
a read"); writes are still guarded. Broken object level authorization (API1:2023, IDOR).
Must fail: AUTHZ-01; AUTHZ-03 and AUTHZ-04, because the cross-user read the contract
requires refused succeeds with identity claims and through every path variant that
routes to the record, as it does without them; MODEL-01 (cross-user reads).
"""

from baip_reference import policy
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_allowed = policy.allowed


def allowed(actor, action, username):
    if action == policy.READ_USER:
        return True  # DEFECT: authenticated is taken for authorized
    return _reference_allowed(actor, action, username)


policy.allowed = allowed
