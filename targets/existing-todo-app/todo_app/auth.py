"""HTTP Basic authentication with Flask-HTTPAuth.

The extension's own header parser (Flask-HTTPAuth 4.5, Debian bookworm) is too lenient to
trust: it ignores the scheme word, so ``Bearer <base64 user:password>`` logs in as that
user; its base64 decoding skips characters outside the alphabet; and it hands
credentials that are not UTF-8 to ``verify_password`` as ``None``. ``StrictBasicAuth``
replaces only that parser; everything else (``login_required``, the 401 challenge) is
the extension's.
"""

import base64
import binascii
import unicodedata

from flask import current_app, jsonify, request
from flask_httpauth import HTTPBasicAuth
from werkzeug.datastructures import Authorization
from werkzeug.security import check_password_hash, generate_password_hash

from .models import User, db

# Far above any real user name plus password; longer headers are not worth decoding.
MAX_AUTHORIZATION_LENGTH = 4096


def parse_basic_credentials(header):
    """``(username, password)`` from an Authorization header value, or None if malformed.

    RFC 7617: ``Basic`` (any case), one or more spaces, then base64 of the UTF-8 bytes of
    ``user-id ":" password``. The password may itself contain ":", so the split is at
    the first colon only.
    """
    if len(header) > MAX_AUTHORIZATION_LENGTH:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        # Header values arrive latin-1 decoded: any non-ASCII byte fails here.
        raw = base64.b64decode(token.strip(" ").encode("ascii"), validate=True)
        text = raw.decode("utf-8")
    except (UnicodeError, binascii.Error):
        return None
    username, colon, password = text.partition(":")
    if not colon or not username:
        return None
    if any(unicodedata.category(char) == "Cc" for char in text):
        return None
    return username, password


class StrictBasicAuth(HTTPBasicAuth):
    def get_auth(self):
        header = request.headers.get("Authorization")
        if header is None:
            return None
        credentials = parse_basic_credentials(header)
        if credentials is None:
            return None
        username, password = credentials
        return Authorization("basic", {"username": username, "password": password})


auth = StrictBasicAuth(realm="todo")

_dummy_hashes = {}


def _dummy_hash(method):
    # Checked against when the user name is unknown, so that an unknown name costs as
    # much as a wrong password and timing does not tell which names exist.
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("not a password", method=method)
    return _dummy_hashes[method]


@auth.verify_password
def verify_password(username, password):
    if not username:
        return None
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if user.check_password(password):
        return user
    return None


@auth.error_handler
def auth_error(status):
    # One body for every failed login, whatever the reason (unknown user, wrong password,
    # malformed header): a different message would tell an attacker which names exist.
    return jsonify(error="unauthorized", message="Valid Basic credentials are required."), status
