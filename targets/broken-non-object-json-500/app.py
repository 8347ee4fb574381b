"""broken-non-object-json-500: a JSON body that is not an object crashes the request.

Planted defect: the unknown-key check runs before the "is it an object" check, so
`body.keys()` on a list, string, number, boolean or null raises and the request ends
in a 500.
Must fail: INPUT-02, ERR-01.
"""

from baip_reference import validation
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_validate_update = validation.validate_update


def validate_update(body, *, replace):
    if set(body.keys()) - validation.WRITABLE_FIELDS:  # DEFECT: AttributeError on non-objects
        raise validation.InvalidBody("Only `email` and `display_name` can be written.")
    return _reference_validate_update(body, replace=replace)


validation.validate_update = validate_update
