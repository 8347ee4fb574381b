"""broken-admin-bulk-edit-leak: an admin's update is also applied to every user it updated before.

Planted defect: a "bulk edit" helper for the admin console keeps, per admin, the set of
users selected for editing, in a module-level dict. Each admin update of another user
adds that user to the selection and applies the change to the whole selection, and the
selection is never cleared. So after an admin edits bob, editing carol rewrites bob too.
Every single request answers correctly and the record it names reads back right; only
a sequence that reads another record back afterwards shows the damage.
Must fail: MODEL-01.
"""

import threading

from flask import jsonify, request
from werkzeug.exceptions import NotFound

from baip_reference import app as reference
from baip_reference import policy, validation

_selection = {}  # admin user name -> user names edited through the console, in order
_lock = threading.Lock()


def write(actor, username, *, action, replace):
    reference._authorize(actor, action, username)
    store = reference.store()
    if store.get(username) is None:
        raise NotFound("No such user.")
    changes = validation.validate_update(validation.read_json_body(request), replace=replace)
    targets = [username]
    if policy.is_privileged(actor) and username != actor.username:
        with _lock:
            selected = _selection.setdefault(actor.username, [])
            if username not in selected:
                selected.append(username)
            targets = list(selected)  # DEFECT: the selection is never cleared
    for name in targets:
        store.update(name, changes)
    return jsonify(store.get(username).public_record())


@reference.authenticated
def replace_user(actor, username):
    return write(actor, username, action=policy.REPLACE_USER, replace=True)


@reference.authenticated
def merge_user(actor, username):
    return write(actor, username, action=policy.MERGE_USER, replace=False)


def create_app():
    app = reference.create_app()
    app.view_functions["api.replace_user"] = replace_user
    app.view_functions["api.merge_user"] = merge_user
    return app
