"""broken-display-name-byte-limit: valid non-ASCII display names are refused.

Planted defect: the 64 limit is applied to UTF-8 bytes (a VARCHAR(64) habit) instead of
code points, so a 40-character name in Greek, Cyrillic or emoji is refused with 400.
Must fail: INPUT-04, and MODEL-01 (its valid updates meet the same values).
"""

import unicodedata

from baip_reference import validation
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)


def is_valid_display_name(value):
    return (
        isinstance(value, str)
        and 1 <= len(value.encode("utf-8")) <= 64  # DEFECT: bytes, not code points
        and not any(unicodedata.category(char) == "Cc" for char in value)
    )


validation.is_valid_display_name = is_valid_display_name
