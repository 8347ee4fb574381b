"""The Flask application: the API of docs/SPEC.md section 1.

Every route does the same four steps, in this order, and the order matters:

1. authenticate (401 with a challenge), from the Authorization header alone;
2. authorize (403), from the authenticated user and the routed record name alone;
3. read and validate the body (415, 413, 400), all of it before writing anything;
4. apply the update atomically and answer with the record.

A refusal at any step leaves the store untouched. Error responses are JSON without
internals (``errors``), and every response carries HSTS and ``Cache-Control: no-store``
(``add_security_headers``).

Run it with gunicorn (see ``gunicorn_conf``): ``python3 -m gunicorn
--config python:baip_reference.gunicorn_conf 'baip_reference.app:create_app()'``.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from . import basic_auth, errors, latency, policy, validation
from .users import User, UserStore

DEFAULT_USERS_FILE = "/run/conformance/users.json"  # docs/SPEC.md section 2

log = logging.getLogger(__name__)
api = Blueprint("api", __name__)


def create_app(users: UserStore | None = None) -> Flask:
    """The application, its store seeded from ``users`` or from users.json."""
    app = Flask(__name__)
    # Werkzeug merges "//users//bob" into "/users/bob" with a 308 redirect by default;
    # a path variant must simply not match (AUTHZ-04), so no redirects are made up.
    # Trailing slashes are strict by default: "/users/bob/" is 404.
    app.url_map.merge_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = validation.MAX_BODY_BYTES  # for form parsing, if any
    if users is None:
        users = UserStore.from_file(os.environ.get("BAIP_USERS_FILE", DEFAULT_USERS_FILE))
    app.extensions["baip_reference.store"] = users
    app.register_blueprint(api)
    errors.register(app)
    app.after_request(add_security_headers)
    app.after_request(discard_unread_body)
    # Off unless BAIP_DELAY_MS is set: the benchmark's stand-in for a slower service
    # (a database, a network hop), see latency.py. Outermost, so nothing escapes it.
    app.wsgi_app = latency.delayed(app.wsgi_app, latency.delay_seconds())  # type: ignore[method-assign]
    return app


def add_security_headers(response: Response) -> Response:
    """On every response, errors and 401 included (after_request runs for those too)."""
    # TLS-05: browsers must only ever come back over HTTPS (RFC 6797), for a year.
    response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # CACHE-01: responses to authenticated requests hold personal data; no cache,
    # shared or private, may store them (RFC 9111 section 5.2.2.5).
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Up to this much of a body the application did not read (refused before reading it,
# or past the 64 KiB limit) is read and thrown away before answering; see below.
MAX_DISCARDED_BODY_BYTES = 4 * 1024 * 1024


def discard_unread_body(response: Response) -> Response:
    """Read the rest of the request body before answering 401, 403, 413, 415, ...

    A server that closes a connection with unread request bytes in its receive buffer
    makes the kernel send a TCP reset, and the client may lose the response it was
    about to read: a 413 would show up as a broken connection (INPUT-06). Reading the
    remainder first (nginx calls this a lingering close) lets the answer arrive; the
    bound keeps a huge upload from costing more than a few megabytes of reading.
    """
    stream = request.stream  # bounded by Content-Length, or the end of a chunked body
    remaining = MAX_DISCARDED_BODY_BYTES
    while remaining > 0 and (chunk := stream.read(min(remaining, 65536))):
        remaining -= len(chunk)
    return response


def store() -> UserStore:
    return current_app.extensions["baip_reference.store"]


def authenticated(view: Callable[..., Response]) -> Callable[..., Response]:
    """Run ``view(actor, ...)`` with the authenticated user, or answer 401."""

    @functools.wraps(view)
    def wrapper(**kwargs: str) -> Response:
        actor = basic_auth.authenticate(store(), request.headers.get("Authorization"))
        return view(actor, **kwargs)

    return wrapper


# provide_automatic_options=False: no unauthenticated 200 for OPTIONS; other methods
# (DELETE, POST, ...) get 405 from the router.
@api.get("/profile", provide_automatic_options=False)
@authenticated
def read_profile(actor: User) -> Response:
    names = request.args.getlist("username")
    if len(names) != 1:
        # "?username=bob&username=alice": refuse rather than guess which one counts.
        raise BadRequest("Give exactly one `username` query parameter.")
    return _read(actor, policy.READ_PROFILE, names[0])


@api.get("/users/<username>", provide_automatic_options=False)
@authenticated
def read_user(actor: User, username: str) -> Response:
    return _read(actor, policy.READ_USER, username)


@api.put("/users/<username>", provide_automatic_options=False)
@authenticated
def replace_user(actor: User, username: str) -> Response:
    return _write(actor, policy.REPLACE_USER, username, replace=True)


@api.patch("/users/<username>", provide_automatic_options=False)
@authenticated
def merge_user(actor: User, username: str) -> Response:
    return _write(actor, policy.MERGE_USER, username, replace=False)


def _authorize(actor: User, action: str, username: str) -> None:
    # Before looking the record up: a non-admin gets the same 403 for an existing and
    # an unknown name, so refusals do not reveal which users exist.
    if not policy.allowed(actor, action, username):
        raise Forbidden("You may not access this record.")


def _read(actor: User, action: str, username: str) -> Response:
    _authorize(actor, action, username)
    user = store().get(username)
    if user is None:
        raise NotFound("No such user.")  # only admins get here for another name
    return jsonify(user.public_record())


def _write(actor: User, action: str, username: str, *, replace: bool) -> Response:
    _authorize(actor, action, username)
    if store().get(username) is None:
        raise NotFound("No such user.")
    body = validation.read_json_body(request)
    changes = validation.validate_update(body, replace=replace)
    updated = store().update(username, changes)
    return jsonify(updated.public_record())
