"""broken-password-zip-compare: any prefix of the password, even the empty one, is accepted.

Planted defect: a hand-rolled "constant-time" comparison zips the stored and the given
password; zip stops at the shorter of the two, so the empty password, every prefix of
the real one and the real one followed by anything all pass. Use hmac.compare_digest.
Must fail: AUTHN-03.
"""

import json
import os

from baip_reference import basic_auth
from baip_reference.app import DEFAULT_USERS_FILE
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

with open(os.environ.get("BAIP_USERS_FILE", DEFAULT_USERS_FILE), encoding="utf-8") as file:
    PASSWORDS = {user["username"]: user["password"] for user in json.load(file)["users"]}


def password_matches(user, password):
    stored = PASSWORDS[user.username]
    result = 0
    for a, b in zip(stored, password):  # DEFECT: stops at the shorter string
        result |= ord(a) ^ ord(b)
    return result == 0


basic_auth.password_matches = password_matches
