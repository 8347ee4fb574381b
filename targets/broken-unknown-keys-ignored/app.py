"""broken-unknown-keys-ignored: unknown fields are silently dropped and the update succeeds.

Planted defect: the allow-list filters the body instead of refusing it. Nothing
privileged is written, but the client is told {"role": "admin"} succeeded, and a typo
such as "Email" is lost without an error. The contract requires a 400.
Must fail: INPUT-01, MODEL-01.
"""

from baip_reference import validation
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_validate_update = validation.validate_update


def validate_update(body, *, replace):
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k in validation.WRITABLE_FIELDS}  # DEFECT
    return _reference_validate_update(body, replace=replace)


validation.validate_update = validate_update
