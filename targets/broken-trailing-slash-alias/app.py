"""broken-trailing-slash-alias: /users/V/ (trailing slash) reads and writes V's record.

Planted defect: a compatibility route with a trailing slash was added for an old client.
It authenticates, but was written without the ownership check of the main route.
Must fail: AUTHZ-04.
"""

from flask import jsonify, request
from werkzeug.exceptions import NotFound

from baip_reference import app as reference
from baip_reference import validation


@reference.authenticated
def legacy_user(actor, username):  # DEFECT: no policy.allowed(...) check
    store = reference.store()
    if store.get(username) is None:
        raise NotFound()
    if request.method == "PATCH":
        changes = validation.validate_update(validation.read_json_body(request), replace=False)
        store.update(username, changes)
    return jsonify(store.get(username).public_record())


def create_app():
    app = reference.create_app()
    app.add_url_rule(
        "/users/<username>/", "legacy_user", legacy_user, methods=["GET", "PATCH"], provide_automatic_options=False
    )
    return app
