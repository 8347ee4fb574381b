"""broken-413-handler-crash: a body over 64 KiB gets a 500 instead of a 413.

Planted defect: a custom 413 handler reports the limit from an attribute that Werkzeug's
exception does not have; the handler itself raises, and Flask answers 500.
Must fail: INPUT-06, ERR-01.
"""

from baip_reference import app as reference
from baip_reference import errors


def payload_too_large(error):
    limit = error.description.limit  # DEFECT: AttributeError, str has no `limit`
    return errors.error_response(413, "payload_too_large", f"The body is over {limit} bytes.")


def create_app():
    app = reference.create_app()
    app.register_error_handler(413, payload_too_large)
    return app
