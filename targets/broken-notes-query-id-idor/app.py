"""broken-notes-query-id-idor: GET /api/notes?id=N shows anyone's note N.

Planted defect: reading a note "by link" was meant to be a sharing feature, so the
ownership check was dropped for reads, and only for reads. Ids are small sequential
integers, so every identity can walk through every other identity's notes; writes and
deletes are still owner-only.
Must fail: AUTHZ-01, MODEL-01.
"""

from notes_app import policy
from notes_app.app import create_app  # noqa: F401  (gunicorn entry point)

_owner_only = policy.may


def may(actor, operation, note):
    if operation == policy.READ:
        return True  # DEFECT: any authenticated caller reads any note
    return _owner_only(actor, operation, note)


policy.may = may
