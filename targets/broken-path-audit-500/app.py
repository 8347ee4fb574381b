"""broken-path-audit-500: a user name outside [a-z0-9_-] in the path crashes the request.

Planted defect: an audit hook logs the user name of every /users/<name> request after
extracting it with USERNAME.fullmatch(name).group(0); for "/users/ALICE" or any name
the pattern does not match, fullmatch returns None and the hook raises: 500. No access
is granted, but the error is a server error (and runs before authentication).
Must fail: ERR-01.
"""

import logging
import re

from flask import request

from baip_reference import app as reference

USERNAME = re.compile(r"[a-z][a-z0-9_-]{2,31}")
audit = logging.getLogger("audit")


def audit_user_path():
    if request.view_args and "username" in request.view_args:
        audit.info("access to %s", USERNAME.fullmatch(request.view_args["username"]).group(0))  # DEFECT


def create_app():
    app = reference.create_app()
    app.before_request(audit_user_path)
    return app
