"""Who is asking: HTTP Basic (RFC 7617), with the account's e-mail as the user-id.

Parsing never raises. Anything but ``Basic <base64 of UTF-8 "user-id:password">`` counts
as no credentials, and every failure (missing, malformed, unknown e-mail, wrong
password) becomes the same ``LoginFailed``, answered with one identical 401.

Case folding is deliberate and narrow: e-mail addresses are accepted in any ASCII case
(``Alice@Example.org`` logs in as ``alice@example.org``), because people type them that
way and sign-up already refuses two addresses that differ only in case. Only A-Z are
folded: ``str.lower`` on arbitrary Unicode maps the Kelvin sign to "k" and similar
look-alikes onto ASCII letters, and no registered address contains anything but ASCII.
Whitespace is never trimmed.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata

from . import digests
from .store import Account, Store

REALM = "notes"
CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8"'

# Far above any real header (an e-mail of 254 characters and a long password), well
# below what gunicorn lets through (gunicorn_conf), so that the app, not gunicorn,
# answers an oversized header, with the usual headers.
MAX_HEADER_CHARS = 8192

# Scheme, one or more spaces, a token68 in the base64 alphabet, optional trailing
# spaces. ASCII classes only: WSGI hands non-ASCII header bytes over as latin-1 text.
_BASIC = re.compile(r"([A-Za-z]+) +([A-Za-z0-9+/]+=*) *")


class LoginFailed(Exception):
    """No valid credentials. ``why`` goes to the server log, never to the client."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def parse(header: str) -> tuple[str, str] | None:
    """(user-id, password) from an Authorization value, or None if it is not Basic."""
    if len(header) > MAX_HEADER_CHARS:
        return None
    match = _BASIC.fullmatch(header)
    if match is None or match[1].lower() != "basic":  # the scheme is case-insensitive
        return None
    try:
        text = base64.b64decode(match[2], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    # The first colon ends the user-id; later ones belong to the password.
    user_id, colon, password = text.partition(":")
    if not colon or any(unicodedata.category(ch) == "Cc" for ch in text):
        return None
    return user_id, password


def login_key(email: str) -> str | None:
    """The key an account is found by: its e-mail with A-Z lowered. None if not ASCII."""
    if not email.isascii():
        return None
    return email.lower()


def authenticate(store: Store, header: str | None) -> Account:
    """The account the Authorization header proves, else LoginFailed.

    Nothing else in the request (other headers, query, body) is consulted: the
    credentials alone say who the caller is.
    """
    if header is None:
        raise LoginFailed("missing")
    parsed = parse(header)
    if parsed is None:
        raise LoginFailed("malformed")
    user_id, password = parsed
    key = login_key(user_id)
    account = None if key is None else store.account_for_login(key)
    if account is None:
        digests.check(digests.DECOY, password)  # same work as a wrong password
        raise LoginFailed("unknown")
    if not digests.check(account.verifier, password):
        raise LoginFailed("password")
    return account
