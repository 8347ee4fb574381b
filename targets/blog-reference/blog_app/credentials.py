"""HTTP Basic authentication (RFC 7617; AUTHN-01..06).

``Authorization`` is the only input: no other header, query parameter or body field can
name the caller (AUTHZ-03). Every failure is the same exception; its reason goes to the
log, and the client always gets the same 401.
"""

from __future__ import annotations

import base64
import binascii
import unicodedata
from collections.abc import Mapping

from .accounts import DECOY, Account

REALM = "blog"
CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8"'
# Generous for any real user name and password, small enough that nobody makes the
# service decode megabytes (AUTHN-05: oversized headers are malformed).
MAX_HEADER = 4096


class Unauthenticated(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode(header: str) -> tuple[str, str] | None:
    """(user-id, password) from an Authorization value, or None when it is not Basic.

    The WSGI server passes header bytes as latin-1 text, so a raw non-ASCII byte is a
    character above U+007F here, which is not base64 and so is malformed.
    """
    if len(header) > MAX_HEADER:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.casefold() != "basic":  # RFC 9110 11.1: scheme names are case-insensitive
        return None
    token = token.strip(" ")
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
        text = raw.decode("utf-8")
    except (UnicodeError, binascii.Error):
        return None
    # validate=True still lets surplus "=" and non-zero padding bits through; what every
    # client sends is the canonical encoding, so anything else is malformed.
    if base64.b64encode(raw).decode("ascii") != token:
        return None
    # The user-id cannot hold a colon but the password can: the first colon splits.
    user, colon, password = text.partition(":")
    if not colon or any(unicodedata.category(c) == "Cc" for c in text):
        return None
    return user, password


def authenticate(accounts: Mapping[str, Account], header: str | None) -> Account:
    if header is None:
        raise Unauthenticated("no credentials")
    pair = decode(header)
    if pair is None:
        raise Unauthenticated("malformed header")
    user, password = pair
    # Exact lookup: "Alice" and " alice" are other, unknown names (AUTHN-04).
    account = accounts.get(user)
    # The decoy keeps an unknown name as slow as a known one (AUTHN-06, CWE-204).
    if not (account or DECOY).password_is(password) or account is None:
        raise Unauthenticated("unknown user" if account is None else "wrong password")
    return account
