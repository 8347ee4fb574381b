"""The Flask application: the blog API of target.yaml.

Each route does, in this order: authenticate (401); find the post (404); authorize
(403); read and check the body (415, 413, 400); write; answer. Nothing is written before
the last step, so every refusal leaves the store as it was.

Entry point for gunicorn: ``blog_app.web:create_app()``.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import Forbidden, HTTPException, NotFound
from werkzeug.routing import BaseConverter, Map

from . import access, accounts, credentials, fields
from .accounts import Account
from .posts import Post, PostStore

USERS_FILE = "/run/conformance/users.json"

log = logging.getLogger(__name__)
blog = Blueprint("blog", __name__)


class PostIdConverter(BaseConverter):
    """Canonical decimal ids only: "01", "+1", "1.0" or "١" name no post (AUTHZ-04).

    Werkzeug's int converter takes leading zeros and any Unicode digit, and Python's
    int() raises on more than 4300 digits; the length cap keeps ids far from that.
    """

    regex = r"[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class ExactPathMap(Map):
    """A URL map that never merges slashes: "/posts//1" matches nothing.

    Werkzeug's default redirects it to "/posts/1". The flag must reach the constructor:
    the matcher copies it there, so setting ``url_map.merge_slashes`` later changes the
    rules but not the matcher. Werkzeug strips leading slashes before matching, so
    "//posts/1" is "/posts/1" (same route, same decision). Trailing slashes are strict
    already: "/posts/1/" is 404.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["merge_slashes"] = False
        super().__init__(*args, **kwargs)


class BlogFlask(Flask):
    url_map_class = ExactPathMap


def create_app(users: dict[str, Account] | None = None) -> Flask:
    app = BlogFlask(__name__)
    app.url_map.converters["post_id"] = PostIdConverter
    app.config["MAX_CONTENT_LENGTH"] = fields.MAX_BODY
    if users is None:
        users = accounts.load(os.environ.get("BLOG_USERS_FILE", USERS_FILE))
    app.extensions["blog"] = {"accounts": users, "posts": PostStore()}
    app.register_blueprint(blog)
    app.register_error_handler(credentials.Unauthenticated, _unauthorized)
    app.register_error_handler(fields.Invalid, _invalid)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _internal_error)
    app.after_request(_security_headers)
    app.after_request(_drain_request_body)
    return app


def store() -> PostStore:
    return current_app.extensions["blog"]["posts"]


def signed_in(view: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(view)
    def wrapper(**route_values: object) -> Response:
        users = current_app.extensions["blog"]["accounts"]
        actor = credentials.authenticate(users, request.headers.get("Authorization"))
        return view(actor, **route_values)

    return wrapper


def _route(method: str, rule: str) -> Callable:
    # No automatic OPTIONS: it would answer 200 without credentials.
    return blog.route(rule, methods=[method], provide_automatic_options=False)


@_route("POST", "/posts")
@signed_in
def create_post(actor: Account) -> Response:
    authorize(actor, access.CREATE, None)
    post = store().create(new_post_values(actor, fields.read_json(request)))
    response = _post_response(actor, post)
    response.status_code = 201
    response.headers["Location"] = f"/posts/{post.id}"
    return response


def new_post_values(actor: Account, body: object) -> dict[str, object]:
    values = fields.validate(body, complete=True)
    # `author` is not writable (fields.WRITABLE): a body naming one was refused above,
    # so the caller is always the author (AUTHZ-08).
    values["author"] = actor.username
    return values


@_route("GET", "/posts/<post_id:post_id>")
@signed_in
def read_post(actor: Account, post_id: int) -> Response:
    post = find_post(post_id)
    authorize(actor, access.READ, post)
    return _post_response(actor, post)


@_route("GET", "/posts")
@signed_in
def list_posts(actor: Account) -> Response:
    # Query parameters are not read at all: no ?author=, ?all= or ?role= can widen
    # what a caller sees (AUTHZ-07).
    authorize(actor, access.LIST, None)
    shown = {
        str(post.id): post.record(private=access.sees_private(actor, post))
        for post in store().all()
        if access.allowed(actor, access.READ, post)
    }
    return jsonify(posts=shown)


@_route("PUT", "/posts/<post_id:post_id>")
@signed_in
def replace_post(actor: Account, post_id: int) -> Response:
    return _update(actor, access.REPLACE, post_id, complete=True)


@_route("PATCH", "/posts/<post_id:post_id>")
@signed_in
def merge_post(actor: Account, post_id: int) -> Response:
    return _update(actor, access.MERGE, post_id, complete=False)


@_route("DELETE", "/posts/<post_id:post_id>")
@signed_in
def delete_post(actor: Account, post_id: int) -> Response:
    post = find_post(post_id)
    authorize(actor, access.DELETE, post)
    if not store().delete(post.id):
        raise NotFound("No such post.")  # deleted by a concurrent request
    return Response(status=204)


def find_post(post_id: int) -> Post:
    # Every authenticated user may read every post, so a 404 before the access check
    # discloses nothing a read would not.
    post = store().get(post_id)
    if post is None:
        raise NotFound("No such post.")
    return post


def authorize(actor: Account, operation: str, post: Post | None) -> None:
    if not access.allowed(actor, operation, post):
        raise Forbidden("Only the author or an editor may do this.")


def _update(actor: Account, operation: str, post_id: int, *, complete: bool) -> Response:
    post = find_post(post_id)
    authorize(actor, operation, post)
    changes = fields.validate(fields.read_json(request), complete=complete)
    updated = store().update(post.id, changes)
    if updated is None:
        raise NotFound("No such post.")
    return _post_response(actor, updated)


def _post_response(actor: Account, post: Post) -> Response:
    return jsonify(post=post.record(private=access.sees_private(actor, post)))


def _error(status: int, code: str, message: str) -> Response:
    response = jsonify(error=code, message=message)
    response.status_code = status
    return response


def _unauthorized(failure: credentials.Unauthenticated) -> Response:
    # One response for every cause (AUTHN-06); the cause is for the log only, and the
    # user name is not logged because people type passwords into it.
    log.info("401 (%s) %s %s", failure.reason, request.method, request.path)
    response = _error(401, "unauthorized", "Basic credentials required.")
    response.headers["WWW-Authenticate"] = credentials.CHALLENGE
    return response


def _invalid(error: fields.Invalid) -> Response:
    return _error(400, "invalid_body", error.message)


def _http_error(error: HTTPException) -> Response:
    response = _error(error.code or 500, (error.name or "error").lower().replace(" ", "_"),
                      error.description or "")
    for name, value in error.get_headers():  # Allow on a 405
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _internal_error(error: Exception) -> Response:
    # Flask has logged the traceback; the client learns nothing about internals (ERR-02).
    return _error(500, "internal_error", "Something went wrong.")


def _security_headers(response: Response) -> Response:
    # Errors and 401s pass through here too, so every answer carries both.
    response.headers["Strict-Transport-Security"] = "max-age=31536000"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# A body left unread when the answer is sent (a 401/403/413 given before or instead of
# reading it) makes the server's close reset the connection, and the client may lose
# the answer. Reading it away first, up to a bound, lets the answer arrive.
DRAIN_LIMIT = 4 * 1024 * 1024


def _drain_request_body(response: Response) -> Response:
    left = DRAIN_LIMIT
    while left > 0:
        chunk = request.stream.read(min(left, 65536))
        if not chunk:
            break
        left -= len(chunk)
    return response
