"""broken-stale-write-grant: after a write to V, the next request on V skips authorization.

Planted defect: a "read-your-writes" shortcut. When a write to a record is authorized,
the decision is remembered for that record, to spare the re-check on the read that
usually follows. It is keyed by the record instead of by (caller, record), and consumed
by whoever comes next: after alice (or an admin) writes V, the next request on V by
anyone is allowed. Each requirement checked alone always reads back right after a
write, so only an interleaving of users shows it.
Must fail: MODEL-01.
"""

import threading

from baip_reference import policy
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_allowed = policy.allowed
_recently_authorized = set()
_lock = threading.Lock()


def allowed(actor, action, username):
    with _lock:
        if username in _recently_authorized:  # DEFECT: not keyed by the caller
            _recently_authorized.discard(username)
            return True
    decision = _reference_allowed(actor, action, username)
    if decision and action in (policy.REPLACE_USER, policy.MERGE_USER):
        with _lock:
            _recently_authorized.add(username)
    return decision


policy.allowed = allowed
