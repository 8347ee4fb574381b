"""The routes. Each one authenticates, finds and checks the target, reads the body, writes.

That order is the point: 401 before anything else, then 404 for a note the caller does
not own (the same answer as for a note that does not exist, so ids reveal nothing),
then 415 / 413 / 400 for the body, and only then a change. A refusal at any step
writes nothing.

    POST   /api/signup          anyone: {username, password, email} -> 201
    GET    /api/me              the caller's account
    PATCH  /api/me              {display_name}
    POST   /api/notes           {text, priority, pinned} -> 201 {"note": {...}}
    GET    /api/notes?id=N      the caller's note N
    GET    /api/notes           {"notes": [...]}: the caller's notes, whatever the query
    PUT    /api/notes?id=N      replace the caller's note N: all three fields
    DELETE /api/notes?id=N      204

users.json, which the harness mounts for every target, is deliberately not read:
accounts exist only through sign-up.

Run with gunicorn: ``python3 -m gunicorn --config python:notes_app.gunicorn_conf
'notes_app.app:create_app()'``.
"""

from __future__ import annotations

import re

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, ClientDisconnected, NotFound
from werkzeug.routing import Map

from . import bodies, credentials, errors, policy
from .store import Account, Note, Store

_STORE = "notes_app.store"
# Ids are what the counter produced: canonical ASCII decimals. "01", "+1", " 1" or
# Arabic-Indic digits, which int() would all accept, name no note.
_NOTE_ID = re.compile(r"[1-9][0-9]{0,17}")
# How much of a body nobody read (a refused request, an oversized upload) is consumed
# before answering; see _drain_body.
MAX_DRAIN_BYTES = 2 * 1024 * 1024


class _ExactMap(Map):
    """A URL map that never merges slashes: "//api//me" is a 404, not a 308 to /api/me.

    Set at construction: Werkzeug 2.2 builds its matcher in ``Map.__init__``, so
    assigning ``url_map.merge_slashes = False`` afterwards changes nothing.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("merge_slashes", False)
        super().__init__(*args, **kwargs)


class _NotesFlask(Flask):
    url_map_class = _ExactMap


def create_app(store: Store | None = None) -> Flask:
    app = _NotesFlask(__name__, static_folder=None)  # no /static route to guard
    app.extensions[_STORE] = store if store is not None else Store()
    for rule, view, methods in _ROUTES:
        # No automatic OPTIONS: it would answer 200 without credentials.
        app.add_url_rule(rule, view_func=view, methods=methods, provide_automatic_options=False)
    errors.install(app)
    app.after_request(_security_headers)
    app.after_request(_drain_body)
    return app


def _store() -> Store:
    return current_app.extensions[_STORE]


def _caller() -> Account:
    return credentials.authenticate(_store(), request.headers.get("Authorization"))


def _security_headers(response: Response) -> Response:
    # On every response, errors and 401s included (after_request sees those too).
    response.headers["Strict-Transport-Security"] = "max-age=31536000"
    # Answers carry personal notes: no cache, private or shared, may keep them.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _drain_body(response: Response) -> Response:
    """Consume what is left of the request body before the answer goes out.

    When gunicorn closes a connection whose receive buffer still holds unread bytes,
    the kernel answers with a TCP reset, and the client can lose the 401 or 413 it was
    about to read. Reading the remainder (bounded) lets the answer arrive intact.
    """
    left = MAX_DRAIN_BYTES
    try:
        while left > 0:
            chunk = request.stream.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)
    except (ClientDisconnected, OSError):
        pass  # the client is gone: nobody is waiting for the answer anyway
    return response


def _created(payload: dict, location: str | None = None) -> Response:
    response = jsonify(payload)
    response.status_code = 201
    if location:
        response.headers["Location"] = location
    return response


# -- sign-up and the caller's own account ---------------------------------------------


def signup() -> Response:
    # Credentials sent along are ignored: signing up needs none and grants nothing more.
    fields = bodies.validate_signup(bodies.read_json(request))
    key = credentials.login_key(fields["email"])  # type: ignore[arg-type]
    account = _store().register(fields, key)  # type: ignore[arg-type]
    return _created(account.public(), "/api/me")


def read_me() -> Response:
    return jsonify(_caller().public())


def patch_me() -> Response:
    actor = _caller()
    changes = bodies.validate_account_patch(bodies.read_json(request))
    return jsonify(_store().update_account(actor.username, changes).public())


# -- notes ----------------------------------------------------------------------------


def _id_in_query() -> str | None:
    """The one `id` query parameter, None if absent; 400 if given twice or more."""
    given = request.args.getlist("id")
    if len(given) > 1:
        raise BadRequest("Give at most one `id` query parameter.")
    return given[0] if given else None


def _note_for(actor: Account, operation: str) -> Note:
    """The note named by ?id=, if ``actor`` may perform ``operation`` on it; else 404."""
    raw = _id_in_query()
    if raw is None:
        raise BadRequest("Name the note with ?id=N.")
    note = _store().note(int(raw)) if _NOTE_ID.fullmatch(raw) else None
    if note is None or not policy.may(actor, operation, note):
        raise NotFound("No such note.")
    return note


def notes_get() -> Response:
    actor = _caller()
    if _id_in_query() is None:
        # Any other query parameter (?user_id=, ?owner=, ?all=1) is simply not read.
        owner = policy.list_owner(actor)
        listed = sorted(_store().notes_of(owner), key=lambda note: note.id)
        return jsonify(notes=[note.public() for note in listed])
    return jsonify(note=_note_for(actor, policy.READ).public())


def notes_post() -> Response:
    actor = _caller()
    if _id_in_query() is not None:
        # Ids are assigned here; a create that names one is a mistaken (or crafted)
        # update, so it is refused rather than quietly creating a new note.
        raise BadRequest("Notes get their id from the server: drop ?id= to create one.")
    fields = bodies.validate_note(bodies.read_json(request))
    note = _store().add_note(actor.username, fields)
    return _created({"note": note.public()}, f"/api/notes?id={note.id}")


def notes_put() -> Response:
    actor = _caller()
    note = _note_for(actor, policy.REPLACE)
    fields = bodies.validate_note(bodies.read_json(request))
    updated = _store().replace_note(note.id, fields)
    if updated is None:  # deleted by a concurrent request since it was found
        raise NotFound("No such note.")
    return jsonify(note=updated.public())


def notes_delete() -> Response:
    actor = _caller()
    note = _note_for(actor, policy.DELETE)
    if not _store().delete_note(note.id):
        raise NotFound("No such note.")
    return Response(status=204)


_ROUTES = [
    ("/api/signup", signup, ["POST"]),
    ("/api/me", read_me, ["GET"]),
    ("/api/me", patch_me, ["PATCH"]),
    ("/api/notes", notes_get, ["GET"]),
    ("/api/notes", notes_post, ["POST"]),
    ("/api/notes", notes_put, ["PUT"]),
    ("/api/notes", notes_delete, ["DELETE"]),
]
