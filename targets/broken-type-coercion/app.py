"""broken-type-coercion: non-string values are turned into strings and stored.

Planted defect: values are passed through str() "to be safe" before validation, so
{"display_name": 7} stores "7", {"display_name": null} stores "None" and
{"display_name": ["x"]} stores "['x']". The contract requires wrong types to be refused.
Must fail: INPUT-03.
"""

from baip_reference import validation
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_validate_update = validation.validate_update


def validate_update(body, *, replace):
    if isinstance(body, dict):
        body = {key: str(value) for key, value in body.items()}  # DEFECT
    return _reference_validate_update(body, replace=replace)


validation.validate_update = validate_update
