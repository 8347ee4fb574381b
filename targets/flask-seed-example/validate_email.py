"""Stand-in for the `validate_email` module the seed article imports.

The article does `from validate_email import validate_email`, from the PyPI package
"validate_email". No Debian package provides that module (Debian has
python3-email-validator, a different API), and this project installs nothing from PyPI,
so without this file the import fails and the example does not start at all.

The stand-in keeps the package's call signature and answers with a loose syntax check
(one "@", no whitespace, a dot in the domain); it never looks up MX records. It does not
matter for the verdict: every authenticated request fails earlier, on the undefined name
`auth`, before the e-mail address is looked at.
"""

import re

_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def validate_email(email, check_mx=False, verify=False, debug=False, smtp_timeout=10):
    return isinstance(email, str) and _ADDRESS.fullmatch(email) is not None
