"""broken-optional-auth-profile: without credentials, /profile shows anyone's record.

Planted defect: /profile was made "public when logged out" for a profile page: with no
Authorization header it answers the record named by ?username instead of 401. With
credentials it behaves like the reference.
Must fail: AUTHN-02.
"""

from flask import jsonify, request
from werkzeug.exceptions import NotFound

from baip_reference import app as reference


def read_profile():
    if "Authorization" not in request.headers:  # DEFECT: anonymous reads allowed
        user = reference.store().get(request.args.get("username", ""))
        if user is None:
            raise NotFound()
        return jsonify(user.public_record())
    return reference.read_profile()


def create_app():
    app = reference.create_app()
    app.view_functions["api.read_profile"] = read_profile
    return app
