"""broken-put-partial-accepted: PUT with only one field succeeds, like a PATCH.

Planted defect: PUT and PATCH share one handler and the "both fields required" rule of a
replacement was dropped. A client that meant to replace the record silently keeps a
stale field.
Must fail: INPUT-04.
"""

from baip_reference import validation
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_validate_update = validation.validate_update


def validate_update(body, *, replace):
    return _reference_validate_update(body, replace=False)  # DEFECT: PUT treated as PATCH


validation.validate_update = validate_update
