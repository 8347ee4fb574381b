"""broken-notes-list-user-id-filter: GET /api/notes?user_id=V lists V's notes.

Planted defect: a `user_id` filter was added to the list for a support tool ("show me
the notes of this customer") and trusted from the query string for every caller. It
takes V's user name, e-mail or internal account number. Reads of a single note, writes
and deletes still check ownership.
Must fail: AUTHZ-07.
"""

from flask import request

from notes_app import app as notes
from notes_app import policy
from notes_app.app import create_app  # noqa: F401  (gunicorn entry point)

_callers_own = policy.list_owner


def list_owner(actor):
    wanted = request.args.get("user_id")
    if wanted:
        for account in notes._store().accounts():
            if wanted in (account.username, account.email, str(account.number)):
                return account.username  # DEFECT: the query string picks whose notes
    return _callers_own(actor)


policy.list_owner = list_owner
