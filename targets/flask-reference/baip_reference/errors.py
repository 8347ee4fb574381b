"""Error responses: JSON, uniform, and never a stack trace (ERR-01, ERR-02, CWE-209).

Every error a request can cause maps to a 4xx here; anything else is a bug, answered
with a generic 500 while the traceback goes to the server log only.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from . import basic_auth, validation

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    app.register_error_handler(basic_auth.AuthenticationFailed, unauthorized)
    app.register_error_handler(validation.InvalidBody, invalid_body)
    # Every other HTTP error (400, 403, 404, 405, 413, 415, ...): Werkzeug's HTML page
    # replaced by JSON. Registered by class, so codes without their own handler land here.
    app.register_error_handler(HTTPException, http_error)
    # Unhandled exceptions reach Flask's 500 handler after Flask has logged them.
    app.register_error_handler(500, internal_error)


def error_response(status: int, error: str, message: str) -> Response:
    response = jsonify(error=error, message=message)
    response.status_code = status
    return response


def unauthorized(failure: basic_auth.AuthenticationFailed) -> Response:
    # The reason is logged, never sent: the client sees one identical 401 whether the
    # header was missing, malformed, for an unknown user or with a wrong password
    # (AUTHN-06). The user name is not logged either: people type passwords into it.
    log.info("authentication failed (%s): %s %s", failure.reason, request.method, request.path)
    response = error_response(401, "unauthorized", "Valid Basic credentials are required.")
    # AUTHN-02: a 401 must carry the challenge (RFC 9110 section 11.6.1).
    response.headers["WWW-Authenticate"] = basic_auth.CHALLENGE
    return response


def invalid_body(error: validation.InvalidBody) -> Response:
    return error_response(400, "invalid_body", error.message)


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    name = (error.name or "error").lower().replace(" ", "_")
    response = error_response(status, name, error.description or "")
    # Keep the headers the error defines, such as Allow on a 405.
    for header, value in error.get_headers():
        if header.lower() != "content-type":
            response.headers[header] = value
    return response


def internal_error(error: HTTPException) -> Response:
    return error_response(500, "internal_error", "The server could not handle this request.")
