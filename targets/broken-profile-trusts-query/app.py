"""broken-profile-trusts-query: /profile?username=V shows V's record to anyone logged in.

Planted defect: the profile endpoint looks up whoever the query names and only checks
that the caller is authenticated, the ownership check the seed article shows was lost in
a refactoring.
Must fail: AUTHZ-01; AUTHZ-03 and AUTHZ-04, because the cross-user read the contract
requires refused succeeds with identity claims and through every path variant that
routes to the record, as it does without them; MODEL-01 (cross-user reads).
"""

from baip_reference import policy
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_allowed = policy.allowed


def allowed(actor, action, username):
    if action == policy.READ_PROFILE:
        return True  # DEFECT
    return _reference_allowed(actor, action, username)


policy.allowed = allowed
