"""broken-patch-skips-ownership: any authenticated user PATCHes any record.

Planted defect: PUT checks "self or admin", the PATCH handler added later does not.
Only one method of the same resource is unguarded (API5:2023 BFLA).
Must fail: AUTHZ-02; AUTHZ-03 and AUTHZ-04, because the cross-user write the contract
requires refused succeeds with identity claims and through every path variant that
routes to the record, as it does without them; MODEL-01 (cross-user writes).
"""

from baip_reference import policy
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_allowed = policy.allowed


def allowed(actor, action, username):
    if action == policy.MERGE_USER:
        return True  # DEFECT
    return _reference_allowed(actor, action, username)


policy.allowed = allowed
