"""broken-role-from-query: ?role=admin makes any user an admin for that request.

Planted defect: a leftover "preview as role" switch for the admin UI: the role of the
authenticated user is overridden by the `role` query parameter. Function level
authorization decided by the request instead of the stored role (API5:2023).
Must fail: AUTHZ-03.
"""

import dataclasses

from flask import request

from baip_reference import basic_auth
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_authenticate = basic_auth.authenticate


def authenticate(store, authorization):
    user = _reference_authenticate(store, authorization)
    role = request.args.get("role")
    if role:
        return dataclasses.replace(user, role=role.lower())  # DEFECT
    return user


basic_auth.authenticate = authenticate
