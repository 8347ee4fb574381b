"""broken-notes-signup-accepts-role: sign-up accepts and stores a `role` key.

Planted defect: sign-up was prepared for a future admin console by letting a `role`
through the allow-list check and into the account record it creates ({"role": "admin"}
is answered 201 and kept). Nothing reads the role yet, but the body is no longer refused
as a whole when it carries a key outside the sign-up fields.
Must fail: INPUT-01.
"""

from notes_app import bodies
from notes_app.app import create_app  # noqa: F401  (gunicorn entry point)

_strict = bodies.validate_signup


def validate_signup(body):
    role = body.pop("role", None) if isinstance(body, dict) else None
    fields = _strict(body)
    if role is not None:
        fields["role"] = role  # DEFECT: an unknown key is accepted and stored
    return fields


bodies.validate_signup = validate_signup
