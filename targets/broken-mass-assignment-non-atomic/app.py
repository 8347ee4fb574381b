"""broken-mass-assignment-non-atomic: a refused update is half applied.

Planted defect: the handler stores the allowed fields first and complains about the
unknown ones afterwards. The answer is a correct 400, but `email` or `display_name` sent
next to `role` were written anyway. Only reading the record back shows it.
Must fail: INPUT-01, MODEL-01.
"""

from flask import jsonify, request
from werkzeug.exceptions import Forbidden, NotFound

from baip_reference import app as reference
from baip_reference import policy, validation


def write(actor, username, *, action, replace):
    if not policy.allowed(actor, action, username):
        raise Forbidden()
    store = reference.store()
    if store.get(username) is None:
        raise NotFound()
    body = validation.read_json_body(request)
    if not isinstance(body, dict):
        raise validation.InvalidBody("The body must be a JSON object.")
    known = {key: value for key, value in body.items() if key in validation.WRITABLE_FIELDS}
    if known:
        store.update(username, validation.validate_update(known, replace=replace))
    if set(body) - validation.WRITABLE_FIELDS:  # DEFECT: checked after the write
        raise validation.InvalidBody("Only `email` and `display_name` can be written.")
    if not known:
        raise validation.InvalidBody("Send at least one of `email` and `display_name`.")
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
