"""broken-display-name-normalised: display names are trimmed and NFC-normalised on write.

Planted defect: "clean up" before storing: surrounding spaces are stripped and the text
is NFC-normalised, so "e\u0301" comes back as "\u00e9" and " Ann " as "Ann". The
contract requires the value stored and returned exactly, code point for code point.
Must fail: INPUT-04, and MODEL-01 (its valid updates meet the same values).
"""

import unicodedata

from baip_reference import validation
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)

_reference_validate_update = validation.validate_update


def validate_update(body, *, replace):
    changes = _reference_validate_update(body, replace=replace)
    if "display_name" in changes:
        changes["display_name"] = unicodedata.normalize("NFC", changes["display_name"]).strip()  # DEFECT
    return changes


validation.validate_update = validate_update
