"""What an authenticated caller may do: everything to its own things, nothing to others'.

There are no roles. Each decision takes the authenticated account and the stored
record, never anything the request claims (no header, query parameter or body field
names an owner), so the answer cannot be talked into another identity's data.
"""

from __future__ import annotations

from .store import Account, Note

READ = "read"
REPLACE = "replace"
DELETE = "delete"
_OPERATIONS = frozenset({READ, REPLACE, DELETE})


def may(actor: Account, operation: str, note: Note) -> bool:
    """Whether ``actor`` may perform ``operation`` on ``note``: its owner only."""
    if operation not in _OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}")  # a typo fails closed
    return note.owner == actor.username


def list_owner(actor: Account) -> str:
    """Whose notes GET /api/notes shows: the caller's, whatever the query string says."""
    return actor.username
