"""broken-two-write-defects: a non-owner's PATCH is applied, and a non-owner's PUT lies.

Planted defects (two, on purpose, against the same requirement; the suite must report
both, one finding must not hide the other): updates were moved to a write queue, and
the views answer optimistically with the record as it will look once the queue has
applied the change.
1. PATCH: the queue worker applies patches without an ownership check ("the view
   checked it"), and the view does not check it either: any logged-in user patches any
   record (200, record changed).
2. PUT: the queue worker does check ownership and drops a non-owner's replacement
   silently, but the view has already answered 200 with the values sent: a success that
   changed nothing, and a client that believes it.
Must fail: AUTHZ-02 (twice: a cross-user PATCH changes the record, a cross-user PUT is
not refused); AUTHZ-03 and AUTHZ-04, because both cross-user writes succeed with
identity claims and through every path variant that routes to the record, as they do
without them; MODEL-01 (cross-user writes).
"""

from flask import jsonify, request
from werkzeug.exceptions import NotFound

from baip_reference import app as reference
from baip_reference import policy, validation


def write(actor, username, *, replace):
    store = reference.store()
    user = store.get(username)
    if user is None:
        raise NotFound("No such user.")
    changes = validation.validate_update(validation.read_json_body(request), replace=replace)
    if not replace:
        user = store.update(username, changes)  # DEFECT 1: no policy.allowed(...) for PATCH
    elif policy.allowed(actor, policy.REPLACE_USER, username):
        user = store.update(username, changes)
    # DEFECT 2: a refused PUT falls through to the same 200 as an applied one
    return jsonify({**user.public_record(), **changes})


@reference.authenticated
def replace_user(actor, username):
    return write(actor, username, replace=True)


@reference.authenticated
def merge_user(actor, username):
    return write(actor, username, replace=False)


def create_app():
    app = reference.create_app()
    app.view_functions["api.replace_user"] = replace_user
    app.view_functions["api.merge_user"] = merge_user
    return app
