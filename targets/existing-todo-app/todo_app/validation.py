"""Request bodies: JSON objects with known keys and checked values, or a 4xx.

Every check runs before anything is written, so a refused request changes nothing.
"""

import json
import unicodedata

from flask import current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

TITLE_MAX = 100
NOTES_MAX = 2000
TODO_FIELDS = frozenset({"title", "notes"})
# SQLite integers are 64-bit signed: a larger id would overflow in the driver (a 500).
MAX_ID = 2**63 - 1


def json_body():
    """The request's JSON body (any JSON value: callers check its shape)."""
    if not request.is_json:
        raise UnsupportedMediaType("Send a JSON body with Content-Type: application/json.")
    # Werkzeug 2.2 applies MAX_CONTENT_LENGTH to form parsing only, not to get_json(),
    # so the limit is enforced here: on the declared length, then on what was read
    # (a chunked body declares none).
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge()
    try:
        return json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constants,
        )
    # ValueError covers bad JSON, bad UTF-8, duplicate keys, NaN and integers over
    # Python's 4300-digit limit; RecursionError, arrays nested thousands deep.
    except (ValueError, RecursionError):
        raise BadRequest("The body is not valid JSON.") from None


def todo_fields(body, *, creating):
    """The title and notes to write, from a create (title required) or a partial update."""
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    if not TODO_FIELDS.issuperset(body):
        # The unknown keys are not echoed: they are whatever the client made up.
        raise BadRequest("Only `title` and `notes` can be written.")
    if creating and "title" not in body:
        raise BadRequest("`title` is required.")
    if not body:
        raise BadRequest("Send `title`, `notes` or both.")
    if "title" in body and not _is_title(body["title"]):
        raise BadRequest(f"`title` must be 1 to {TITLE_MAX} characters, without control characters.")
    if "notes" in body and not _is_notes(body["notes"]):
        raise BadRequest(f"`notes` must be a string of at most {NOTES_MAX} characters.")
    return dict(body)


def body_id(body):
    """The to-do id of an ``{"id": n}`` body (the endpoints that take the id in the body)."""
    if not isinstance(body, dict) or set(body) != {"id"}:
        raise BadRequest('The body must be {"id": <to-do id>}.')
    todo_id = body["id"]
    # bool is an int in Python: true would mean to-do 1.
    if type(todo_id) is not int or not 1 <= todo_id <= MAX_ID:
        raise BadRequest("`id` must be a positive integer.")
    return todo_id


def _is_title(value):
    # Cs: a lone surrogate ("\ud800" in JSON) is no character and cannot be stored as UTF-8.
    return (
        isinstance(value, str)
        and 1 <= len(value) <= TITLE_MAX
        and not any(unicodedata.category(c) in ("Cc", "Cs") for c in value)
    )


def _is_notes(value):
    # Free text: line feeds and tabs, but no other control characters.
    return (
        isinstance(value, str)
        and len(value) <= NOTES_MAX
        and not any(c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cs") for c in value)
    )


def _no_duplicate_keys(pairs):
    # {"title": "a", "title": "b"}: parsers disagree on which one wins.
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")
