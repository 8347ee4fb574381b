"""HTTP Basic authentication, RFC 7617 (AUTHN-01..06).

Parsing is strict and never raises: anything that is not exactly
``Basic <base64 of UTF-8 "user-id:password">`` is "no credentials", and the caller answers
401 with a challenge. We do not use ``request.authorization``: Werkzeug 2.2 accepts
non-alphabet base64 characters and gives no way to tell "absent" from "malformed" for
logging.
"""

from __future__ import annotations

import base64
import dataclasses
import unicodedata

from . import passwords
from .users import User, UserStore

REALM = "BAIP reference"
# RFC 7617 section 2.1: announce that credentials are UTF-8 (AUTHN-01).
CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8"'
# A header longer than this is refused like any malformed one (AUTHN-05). The longest
# legitimate value here is about 4 * (32 + 1 + a long password) / 3 characters.
MAX_AUTHORIZATION_LENGTH = 4096


@dataclasses.dataclass(frozen=True)
class Credentials:
    username: str
    password: str = dataclasses.field(repr=False)


class AuthenticationFailed(Exception):
    """No valid credentials. ``reason`` is for the server log only, never the client.

    Reasons: ``missing``, ``malformed``, ``unknown-user``, ``wrong-password``. The client
    gets one identical 401 for all of them (AUTHN-06, CWE-204): telling "unknown user"
    from "wrong password" lets an attacker enumerate accounts.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_authorization(value: str) -> Credentials | None:
    """Credentials from an ``Authorization`` header value, or None if malformed.

    WSGI servers hand header values over as latin-1 decoded text, so non-ASCII bytes on
    the wire show up here as characters above U+007F.
    """
    if len(value) > MAX_AUTHORIZATION_LENGTH:
        return None
    scheme, _, token = value.partition(" ")
    # The scheme name is case-insensitive (RFC 7235 section 2.1); any other scheme
    # (Bearer, Digest, ...) is not credentials for this service.
    if scheme.lower() != "basic":
        return None
    try:
        # validate=True: only the base64 alphabet and correct padding; a non-ASCII
        # character fails the ASCII encoding first.
        decoded = base64.b64decode(token.strip(" ").encode("ascii"), validate=True)
        text = decoded.decode("utf-8")  # RFC 7617 charset="UTF-8"; non-UTF-8 is malformed
    except ValueError:  # binascii.Error, UnicodeEncodeError, UnicodeDecodeError
        return None
    # A user-id cannot contain a colon, a password can: split at the FIRST colon only
    # (RFC 7617 section 2), so "alice:pa:ss" is user "alice" with password "pa:ss".
    username, colon, password = text.partition(":")
    if not colon:
        return None
    # RFC 7617 forbids control characters in both parts.
    if any(unicodedata.category(char) == "Cc" for char in text):
        return None
    return Credentials(username, password)


def find_user(store: UserStore, username: str) -> User | None:
    """Exact lookup: "Alice" or " alice" is not "alice" (AUTHN-04)."""
    return store.get(username)


def password_matches(user: User, password: str) -> bool:
    """Constant-time comparison of the whole password (AUTHN-03)."""
    return passwords.matches(user.password_digest, password)


def authenticate(store: UserStore, authorization: str | None) -> User:
    """The user the ``Authorization`` header proves to be, else AuthenticationFailed.

    Only the credentials decide who the caller is (AUTHZ-03): no header, query parameter
    or body field can name another identity or role.
    """
    if authorization is None:
        raise AuthenticationFailed("missing")
    credentials = parse_authorization(authorization)
    if credentials is None:
        raise AuthenticationFailed("malformed")
    user = find_user(store, credentials.username)
    if user is None:
        # Same work as a wrong password, so timing does not reveal which names exist.
        passwords.matches(passwords.UNKNOWN_USER_DIGEST, credentials.password)
        raise AuthenticationFailed("unknown-user")
    if not password_matches(user, credentials.password):
        raise AuthenticationFailed("wrong-password")
    return user
