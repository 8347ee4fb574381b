"""broken-username-case-folding: "ALICE" and " alice " log in as alice.

Planted defect: the user name is trimmed and lower-cased before the lookup ("be lenient
with what users type"), so variants of a real name authenticate as that user. A user
name is an identifier: compare it exactly.
Must fail: AUTHN-04.
"""

from baip_reference import basic_auth
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)


def find_user(store, username):
    return store.get(username.strip().lower())  # DEFECT


basic_auth.find_user = find_user
