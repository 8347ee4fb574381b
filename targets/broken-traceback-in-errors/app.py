"""broken-traceback-in-errors: 400 responses include the Python traceback.

Planted defect: a "debug" field with traceback.format_exc() was added to the body of
validation errors while chasing a bug, and stayed. Statuses are right; the bodies
disclose file paths, library versions and code (CWE-209).
Must fail: ERR-02.
"""

import traceback

from flask import jsonify

from baip_reference import errors
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)


def invalid_body(error):
    response = jsonify(error="invalid_body", message=error.message, debug=traceback.format_exc())  # DEFECT
    response.status_code = 400
    return response


errors.invalid_body = invalid_body
