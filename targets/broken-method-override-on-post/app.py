"""broken-method-override-on-post: POST with X-HTTP-Method-Override updates any record.

Planted defect: a corporate proxy in front of one client drops PATCH and PUT, so a POST
route was added to /users/<name> that honours `X-HTTP-Method-Override` (and
`X-Method-Override`), as many frameworks do. Its author reused the authentication
decorator, then called the validation and the store directly, believing the ownership
check sat in a middleware in front of every write: it lives in the PUT and PATCH views,
so on the override path any logged-in user replaces or patches any record.
Without an override header, POST stays 405 as in the reference.
Must fail: AUTHZ-03 (an override header on a POST turns a refusal into a state change).
"""

from flask import jsonify, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from baip_reference import app as reference
from baip_reference import validation

OVERRIDE_HEADERS = ("X-HTTP-Method-Override", "X-Method-Override")
# What the router answers for POST in the reference (Allow header of its 405).
ROUTED_METHODS = ["GET", "HEAD", "PATCH", "PUT"]


def overridden_method():
    for header in OVERRIDE_HEADERS:
        if header in request.headers:
            return request.headers[header].strip().upper()
    return None


def post_user(username):
    method = overridden_method()
    if method not in ("PUT", "PATCH"):
        raise MethodNotAllowed(valid_methods=ROUTED_METHODS)
    return write_overridden(username=username, replace=method == "PUT")


@reference.authenticated
def write_overridden(actor, username, *, replace):
    # DEFECT: authenticated, never authorized: no policy.allowed(actor, ..., username)
    store = reference.store()
    if store.get(username) is None:
        raise NotFound("No such user.")
    changes = validation.validate_update(validation.read_json_body(request), replace=replace)
    return jsonify(store.update(username, changes).public_record())


def create_app():
    app = reference.create_app()
    app.add_url_rule(
        "/users/<username>", "override_user", post_user, methods=["POST"], provide_automatic_options=False
    )
    return app
