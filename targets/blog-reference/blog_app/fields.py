"""Request bodies: JSON objects holding exactly the writable fields (INPUT-01..06).

Everything is checked before anything is written. Values are stored as sent: no
trimming, no normalisation, no coercion of "3" to 3 or 3.0 to 3.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

MAX_BODY = 64 * 1024
STATUSES = ("draft", "published")


class Invalid(Exception):
    """A refused body, answered 400; the message never echoes the client's keys."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _text(limit: int, *, low: int = 0, allowed_controls: str = "") -> Callable[[object], bool]:
    def check(value: object) -> bool:
        return (
            isinstance(value, str)
            and low <= len(value) <= limit  # len() counts code points
            and not any(
                unicodedata.category(c) == "Cc" and c not in allowed_controls for c in value
            )
        )

    return check


def _rating(value: object) -> bool:
    # bool is a subclass of int in Python: true must not pass for 1.
    return type(value) is int and 1 <= value <= 5


def _status(value: object) -> bool:
    return isinstance(value, str) and value in STATUSES


WRITABLE: dict[str, tuple[Callable[[object], bool], str]] = {
    "title": (_text(120, low=1), "1 to 120 characters, no control characters"),
    # Prose keeps its line breaks and tabs; other control characters are refused.
    "body": (_text(5000, allowed_controls="\n\t"), "at most 5000 characters"),
    "rating": (_rating, "an integer from 1 to 5"),
    "status": (_status, "one of " + ", ".join(STATUSES)),
    "draft_notes": (_text(1000, allowed_controls="\n\t"), "at most 1000 characters"),
}


def read_json(request: Request) -> object:
    """The parsed body: 415 unless JSON, 413 past 64 KiB, Invalid unless strict JSON."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("Send Content-Type: application/json.")
    # Werkzeug 2.2 does not apply MAX_CONTENT_LENGTH to raw reads: check the declared
    # length, then read one byte past the limit (a chunked body declares none).
    if (request.content_length or 0) > MAX_BODY:
        raise RequestEntityTooLarge()
    data = request.stream.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise RequestEntityTooLarge()
    try:
        return json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constant,
        )
    # ValueError covers bad JSON, bad UTF-8, duplicate keys, NaN and over-long
    # integers; RecursionError deep nesting.
    except (ValueError, RecursionError):
        raise Invalid("The body is not valid JSON.") from None


def validate(body: object, *, complete: bool) -> dict[str, object]:
    """The fields ``body`` sets. ``complete`` (POST, PUT): all of them are required."""
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object.")
    if not body.keys() <= WRITABLE.keys():
        raise Invalid("Only " + ", ".join(WRITABLE) + " can be written.")
    if complete and body.keys() != WRITABLE.keys():
        raise Invalid("Send every field: " + ", ".join(WRITABLE) + ".")
    if not body:
        raise Invalid("Send at least one field.")
    for name, value in body.items():
        check, rule = WRITABLE[name]
        if not check(value):
            raise Invalid(f"`{name}` must be {rule}.")
    return dict(body)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # With {"rating": 1, "rating": 9} parsers disagree on which wins: refuse both.
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constant(name: str) -> object:
    raise ValueError(name)  # NaN and Infinity are not JSON
