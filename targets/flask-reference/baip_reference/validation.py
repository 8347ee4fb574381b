"""Request bodies: strict JSON objects, an allow-list of fields, exact value rules.

docs/SPEC.md section 1 and INPUT-01..06. Everything here raises before anything is
written, so a refused request changes nothing (the update is atomic).
"""

from __future__ import annotations

import json
import re
import unicodedata

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

# The only fields this API writes. `username` and `role` are read-only: a body naming
# them, or anything else, is refused as a whole (mass assignment, INPUT-01, AUTHZ-06).
WRITABLE_FIELDS = frozenset({"email", "display_name"})

MAX_BODY_BYTES = 64 * 1024  # INPUT-06

MAX_EMAIL_LENGTH = 254
MAX_LOCAL_PART_LENGTH = 64
# docs/SPEC.md section 1. Local part: runs of ASCII letters, digits, "_", "+", "-" joined
# by single dots. Domain: two or more labels of letters, digits and inner hyphens (1-63
# characters), the last one 2-63 letters. fullmatch: no "$" before a trailing newline;
# explicit ASCII classes: no Unicode digits or letters slip in; no whitespace or
# control character can match at all.
_LOCAL_PART = r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"(?P<local>{_LOCAL_PART})@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")

MAX_DISPLAY_NAME_LENGTH = 64


class InvalidBody(Exception):
    """The body is not an acceptable update: answered 400, nothing written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_valid_email(value: object) -> bool:
    if not isinstance(value, str) or len(value) > MAX_EMAIL_LENGTH:
        return False
    match = _EMAIL.fullmatch(value)
    return match is not None and len(match["local"]) <= MAX_LOCAL_PART_LENGTH


def is_valid_display_name(value: object) -> bool:
    """1 to 64 code points, none of category Cc. Python ``len`` counts code points."""
    return (
        isinstance(value, str)
        and 1 <= len(value) <= MAX_DISPLAY_NAME_LENGTH
        and not any(unicodedata.category(char) == "Cc" for char in value)
    )


def read_json_body(request: Request) -> object:
    """The request body parsed as JSON (any JSON value; the caller checks its shape).

    415 for another content type (INPUT-05), 413 past 64 KiB (INPUT-06), InvalidBody for
    anything that is not strict JSON (INPUT-02). Never raises anything else, so a body
    cannot turn into a 500 (ERR-01).
    """
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("Send the body as Content-Type: application/json.")
    # Werkzeug 2.2 enforces MAX_CONTENT_LENGTH only when parsing forms, not in
    # get_data() or get_json(), so the limit is applied here: by the declared length
    # first, then by reading at most one byte past it (chunked bodies have no length).
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    data = request.stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    try:
        return json.loads(
            data.decode("utf-8"),  # RFC 8259: JSON exchanged between systems is UTF-8
            object_pairs_hook=_object_without_duplicate_keys,
            parse_constant=_reject_constant,
        )
    # ValueError: malformed JSON, invalid UTF-8, duplicate keys, NaN, integers longer
    # than Python's 4300 digits. RecursionError: deeply nested arrays.
    except (ValueError, RecursionError):
        raise InvalidBody("The body is not a valid JSON document.") from None


def validate_update(body: object, *, replace: bool) -> dict[str, str]:
    """The changes ``body`` asks for, after checking all of it.

    ``replace`` (PUT): both writable fields are required. Otherwise (PATCH): a non-empty
    subset. Any other key refuses the whole body (INPUT-01); every value must be valid
    (INPUT-03).
    """
    if not isinstance(body, dict):
        raise InvalidBody("The body must be a JSON object.")  # INPUT-02
    if not WRITABLE_FIELDS.issuperset(body):
        # The unknown keys are not echoed back: they are attacker-chosen text.
        raise InvalidBody("Only `email` and `display_name` can be written.")
    if replace and set(body) != WRITABLE_FIELDS:
        raise InvalidBody("PUT replaces the record: send both `email` and `display_name`.")
    if not body:
        raise InvalidBody("Send at least one of `email` and `display_name`.")
    if "email" in body and not is_valid_email(body["email"]):
        raise InvalidBody("`email` must be a string of the form local@domain.example.")
    if "display_name" in body and not is_valid_display_name(body["display_name"]):
        raise InvalidBody("`display_name` must be a string of 1 to 64 characters, without control characters.")
    # Stored exactly as sent: no trimming, case folding or Unicode normalisation (INPUT-04).
    return dict(body)


def _object_without_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # {"email": "a@b.cd", "email": "..."} is ambiguous: parsers disagree on which wins.
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity, -Infinity
