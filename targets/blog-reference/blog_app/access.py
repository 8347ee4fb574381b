"""Who may do what to a post (AUTHZ-01..08): one table, read by every route.

The decision uses the authenticated account and the stored post only. The post's author
comes from the store, never from the request, and the caller's role from users.json.
"""

from __future__ import annotations

from .accounts import Account
from .posts import Post

AUTHENTICATED = "authenticated"
OWNER_OR_PRIVILEGED = "owner-or-privileged"

READ = "read"
LIST = "list"
CREATE = "create"
REPLACE = "replace"
MERGE = "merge"
DELETE = "delete"

# Mirrors the `who` of each operation in target.yaml.
RULES = {
    READ: AUTHENTICATED,
    LIST: AUTHENTICATED,
    CREATE: AUTHENTICATED,
    REPLACE: OWNER_OR_PRIVILEGED,
    MERGE: OWNER_OR_PRIVILEGED,
    DELETE: OWNER_OR_PRIVILEGED,
}
# Private fields (draft_notes) are shown to this audience only, even where the post is
# readable by everyone.
PRIVATE_FIELDS = OWNER_OR_PRIVILEGED


def _in(audience: str, actor: Account, post: Post | None) -> bool:
    if audience == AUTHENTICATED:
        return True
    if audience == OWNER_OR_PRIVILEGED:
        return actor.privileged or (post is not None and post.author == actor.username)
    raise ValueError(f"unknown audience {audience!r}")  # a typo must refuse, not allow


def allowed(actor: Account, operation: str, post: Post | None = None) -> bool:
    return _in(RULES[operation], actor, post)


def sees_private(actor: Account, post: Post) -> bool:
    return _in(PRIVATE_FIELDS, actor, post)
