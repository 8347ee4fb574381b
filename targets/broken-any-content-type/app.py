"""broken-any-content-type: bodies are parsed as JSON whatever their Content-Type.

Planted defect: the equivalent of Flask's request.get_json(force=True): text/plain and
form-encoded bodies are parsed as JSON. Besides ignoring the media type, this lets a
cross-site HTML form (which can only send those types, without a CORS preflight) post
JSON to the API.
Must fail: INPUT-05.
"""

import json

from werkzeug.exceptions import RequestEntityTooLarge

from baip_reference import validation
from baip_reference.app import create_app  # noqa: F401  (gunicorn entry point)


def read_json_body(request):
    # DEFECT: no Content-Type check
    data = request.stream.read(validation.MAX_BODY_BYTES + 1)
    if len(data) > validation.MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        raise validation.InvalidBody("The body is not a valid JSON document.") from None


validation.read_json_body = read_json_body
