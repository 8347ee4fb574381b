"""broken-role-writable: any user can make itself an admin with {"role": "admin"}.

Planted defect: `role` was added to the writable fields for the admin console, and the
check that only admins may send it was forgotten. Mass assignment of a privileged
property (API3:2023 BOPLA, CWE-915).
Must fail: AUTHZ-06, INPUT-01.
"""

from baip_reference import validation
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)
from baip_reference.users import ROLES

_reference_validate_update = validation.validate_update


def validate_update(body, *, replace):
    if isinstance(body, dict) and "role" in body:  # DEFECT: nobody checks who sends it
        body = dict(body)
        role = body.pop("role")
        if not isinstance(role, str) or role not in ROLES:
            raise validation.InvalidBody("`role` must be user or admin.")
        changes = _reference_validate_update(body, replace=replace) if body else {}
        return {**changes, "role": role}
    return _reference_validate_update(body, replace=replace)


validation.validate_update = validate_update
