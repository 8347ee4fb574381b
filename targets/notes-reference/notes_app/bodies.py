"""Request bodies: one strict JSON object, an allow-list of keys, exact value rules.

Each validator checks the whole body before returning, and returns only what it
checked; the caller writes afterwards, so a refused body changes nothing. Values are
kept exactly as sent: no trimming, no case change, no Unicode normalisation.
"""

from __future__ import annotations

import json
import re
import unicodedata

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

MAX_BODY_BYTES = 64 * 1024

SIGNUP_FIELDS = frozenset({"username", "password", "email"})
ACCOUNT_WRITABLE = frozenset({"display_name"})
NOTE_FIELDS = frozenset({"text", "priority", "pinned"})

USERNAME = re.compile(r"[a-z][a-z0-9_-]{2,31}")
MAX_PASSWORD_CHARS = 1024
MAX_DISPLAY_NAME_CHARS = 64
MAX_TEXT_CHARS = 500
PRIORITIES = range(1, 4)

# E-mail, docs/SPEC.md section 1: checked piece by piece rather than by one pattern.
_LOCAL_RUN = re.compile(r"[A-Za-z0-9_+-]+")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?")
_TOP_LABEL = re.compile(r"[A-Za-z]{2,63}")


class Invalid(Exception):
    """A body this API does not accept: 400, nothing written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_json(request: Request) -> object:
    """The body as a JSON value: 415 if not declared JSON, 413 past 64 KiB, else Invalid."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("Send a JSON body with Content-Type: application/json.")
    declared = request.content_length
    if declared is not None and declared > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    # Werkzeug 2.2 does not bound get_data(); read one byte past the limit so that a
    # chunked body (no Content-Length) is caught too.
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    try:
        return json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_no_repeated_keys,
            parse_constant=_no_constants,
        )
    except (ValueError, RecursionError):  # bad JSON or UTF-8, NaN, repeats, deep nesting
        raise Invalid("The body is not valid JSON.") from None


def _no_repeated_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # Parsers disagree on which of two equal keys wins; refuse the ambiguity.
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("repeated key")
    return obj


def _no_constants(name: str) -> object:
    raise ValueError(name)


def _object_with_keys(body: object, allowed: frozenset[str], *, required: bool) -> dict:
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object.")
    names = ", ".join(sorted(allowed))
    # Unknown keys refuse the whole body rather than being dropped: a dropped `role`
    # would look accepted to the client. They are not echoed back.
    if not body.keys() <= allowed:
        raise Invalid(f"Only these keys are accepted: {names}.")
    if required and body.keys() != allowed:
        raise Invalid(f"All of these keys are required: {names}.")
    if not body:
        raise Invalid(f"Send at least one of: {names}.")
    return body


# -- values -------------------------------------------------------------------------


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def is_email(value: object) -> bool:
    if not isinstance(value, str) or len(value) > 254:
        return False
    local, at, domain = value.partition("@")
    if not at or not 1 <= len(local) <= 64:
        return False
    if not all(_LOCAL_RUN.fullmatch(run) for run in local.split(".")):
        return False
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and all(len(label) <= 63 and _LABEL.fullmatch(label) for label in labels[:-1])
        and _TOP_LABEL.fullmatch(labels[-1]) is not None
    )


def is_display_name(value: object) -> bool:
    # len() counts code points, which is what the limit is about (not bytes).
    return (
        isinstance(value, str)
        and 1 <= len(value) <= MAX_DISPLAY_NAME_CHARS
        and not _has_control(value)
    )


def is_password(value: object) -> bool:
    return (
        isinstance(value, str) and 1 <= len(value) <= MAX_PASSWORD_CHARS and not _has_control(value)
    )


# -- bodies -------------------------------------------------------------------------


def validate_signup(body: object) -> dict[str, object]:
    fields = _object_with_keys(body, SIGNUP_FIELDS, required=True)
    if not (isinstance(fields["username"], str) and USERNAME.fullmatch(fields["username"])):
        raise Invalid("`username`: 3 to 32 of a-z, 0-9, _ and -, starting with a letter.")
    if not is_password(fields["password"]):
        raise Invalid("`password`: 1 to 1024 characters, no control characters.")
    if not is_email(fields["email"]):
        raise Invalid("`email` must be an address of the form local@domain.example.")
    return dict(fields)


def validate_account_patch(body: object) -> dict[str, object]:
    fields = _object_with_keys(body, ACCOUNT_WRITABLE, required=False)
    if not is_display_name(fields["display_name"]):
        raise Invalid("`display_name`: 1 to 64 characters, no control characters.")
    return dict(fields)


def validate_note(body: object) -> dict[str, object]:
    """A whole note (create and replace both take all three fields)."""
    fields = _object_with_keys(body, NOTE_FIELDS, required=True)
    text, priority, pinned = fields["text"], fields["priority"], fields["pinned"]
    # Free text keeps its line breaks and tabs; any other control character is refused.
    if not (
        isinstance(text, str)
        and 1 <= len(text) <= MAX_TEXT_CHARS
        and not _has_control(text.replace("\n", "").replace("\t", ""))
    ):
        raise Invalid("`text` must be 1 to 500 characters, no control characters but line feed and tab.")
    # type() rather than isinstance(): True is an int in Python, and must not pass.
    if type(priority) is not int or priority not in PRIORITIES:
        raise Invalid("`priority` must be the integer 1, 2 or 3.")
    if type(pinned) is not bool:
        raise Invalid("`pinned` must be true or false.")
    return dict(fields)
