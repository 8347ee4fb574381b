"""broken-admin-role-typo: admins cannot read or update other users' records.

Planted defect: the privileged role is spelled "administrator" in the check while the
store says "admin", so admins are treated as ordinary users. Fails closed, but the
service does not do what it must: the positive control fails.
Must fail: AUTHZ-05; INPUT-01..06, since an admin's invalid update of another user's
record gets 403 where the contract asks for 400/413/415; MODEL-01 (admin updates).
"""

from baip_reference import policy
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)


def is_privileged(user):
    return user.role == "administrator"  # DEFECT


policy.is_privileged = is_privileged
