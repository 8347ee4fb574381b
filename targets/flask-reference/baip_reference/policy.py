"""Authorization: authentication says who the caller is, this says what they may do.

docs/SPEC.md section 1 ("who may"). The decision takes the authenticated user, the action
and the record's user name taken from the routed path or query, and nothing else: no
header, query parameter or body field can claim an identity, a role or another method
(AUTHZ-03).
"""

from __future__ import annotations

from .users import User

READ_PROFILE = "read-profile"  # GET /profile?username=U: U itself only, admins too
READ_USER = "read-user"  # GET /users/U: U itself or an admin
REPLACE_USER = "replace-user"  # PUT /users/U: U itself or an admin
MERGE_USER = "merge-user"  # PATCH /users/U: U itself or an admin
ACTIONS = frozenset({READ_PROFILE, READ_USER, REPLACE_USER, MERGE_USER})

PRIVILEGED_ROLES = frozenset({"admin"})


def is_privileged(user: User) -> bool:
    """Whether the user's stored role (never one claimed by the request) is privileged."""
    return user.role in PRIVILEGED_ROLES


def allowed(actor: User, action: str, username: str) -> bool:
    """Whether ``actor`` may perform ``action`` on the record of ``username``.

    ``username`` is compared exactly, as routed: a case, encoding or slash variant of
    another user's name never equals the actor's name (AUTHZ-04).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")  # fail closed on a typo
    if actor.username == username:
        return True
    if action == READ_PROFILE:
        return False  # self-only endpoint, even for admins (AUTHZ-01)
    return is_privileged(actor)  # AUTHZ-01, AUTHZ-02; AUTHZ-05 for admins
