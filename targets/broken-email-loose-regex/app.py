"""broken-email-loose-regex: "a b@c@d.example" and 300-character addresses are accepted.

Planted defect: the e-mail check is the common `re.match(r".+@.+\..+", value)`: re.match
anchors only the start, "." matches spaces and "@", and there is no length limit.
Must fail: INPUT-03.
"""

import re

from baip_reference import validation
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)


def is_valid_email(value):
    return isinstance(value, str) and re.match(r".+@.+\..+", value) is not None  # DEFECT


validation.is_valid_email = is_valid_email
