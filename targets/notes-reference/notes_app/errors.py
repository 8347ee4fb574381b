"""Every error as a small JSON object; never a traceback, never a debugger page.

Each failure a request can cause has a 4xx here. Anything else is a bug: Flask logs
the traceback to stderr and the client gets a bare 500.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import Conflict, HTTPException

from . import bodies, credentials, store

log = logging.getLogger(__name__)


def install(app: Flask) -> None:
    app.register_error_handler(credentials.LoginFailed, _unauthorized)
    app.register_error_handler(bodies.Invalid, _invalid)
    app.register_error_handler(store.Conflict, _taken)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(500, _internal)


def _json_error(status: int, code: str, message: str) -> Response:
    response = jsonify(error=code, message=message)
    response.status_code = status
    return response


def _unauthorized(failure: credentials.LoginFailed) -> Response:
    # One answer for every reason: which one it was would tell an attacker whether an
    # e-mail is registered. The reason is logged; the user-id is not (people type
    # passwords into it).
    log.info("login failed (%s) on %s %s", failure.why, request.method, request.path)
    response = _json_error(401, "unauthorized", "Log in with HTTP Basic: e-mail and password.")
    response.headers["WWW-Authenticate"] = credentials.CHALLENGE
    return response


def _invalid(error: bodies.Invalid) -> Response:
    return _json_error(400, "invalid_body", error.message)


def _taken(_: store.Conflict) -> Response:
    return _http(Conflict("That user name or e-mail address is already registered."))


def _http(error: HTTPException) -> Response:
    status = error.code or 500
    code = (error.name or "error").lower().replace(" ", "_")
    response = _json_error(status, code, error.description or "")
    for name, value in error.get_headers():  # Allow on a 405, for one
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _internal(_: Exception) -> Response:
    return _json_error(500, "internal_error", "Something went wrong on our side.")
