"""compliant-404-422: the reference answering differently wherever the contract allows.

A conforming target need not answer like the reference. This one:

- refuses with 404 instead of 403: a record the caller may not see does not exist for
  it (docs/SPEC.md section 1: 403 and 404 both count as a refusal);
- rejects invalid bodies with 422 instead of 400 (INPUT-01..03 accept either);
- writes every error as RFC 9457 problem details (application/problem+json), with other
  wording, and uses another realm in the challenge;
- has no plain-HTTP listener at all (target.yaml declares none).

The suite must find no failure in it.
"""

from flask import jsonify

from baip_reference import app as reference
from baip_reference import basic_auth, errors

basic_auth.CHALLENGE = 'Basic realm="Compliant variant (404/422)", charset="UTF-8"'


def problem(status, error, message):
    """RFC 9457 problem details in place of the reference's {"error", "message"}."""
    response = jsonify(type="about:blank", title=error.replace("_", " ").capitalize(), status=status, detail=message)
    response.status_code = status
    response.content_type = "application/problem+json"
    return response


def unauthorized(failure):
    response = problem(401, "unauthorized", "Authentication required.")
    response.headers["WWW-Authenticate"] = basic_auth.CHALLENGE
    return response


def invalid_body(error):
    return problem(422, "unprocessable_content", error.message)


def refused(error):
    return problem(404, "not_found", "No such record.")


errors.error_response = problem
errors.unauthorized = unauthorized
errors.invalid_body = invalid_body


def create_app():
    app = reference.create_app()
    app.register_error_handler(403, refused)
    return app
