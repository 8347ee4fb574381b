# The seed article's remediation example ("Integrity Failures in Flask with Basic Auth",
# sections 2 and 3), as published, with the fewest changes that let it run under the
# BAIP/1 container interface. Its defects are kept on purpose: see README.md.
#
# Changes from the article, each marked "BAIP:" below:
#   1. USERS also holds the identities of /run/conformance/users.json (the harness makes
#      them up for each run and must be able to log in with them); the published alice
#      and admin entries stay.
#   2. Sections 2 and 3 are one module: section 3's repeated imports and its second
#      `app = Flask(__name__)` are left out, because that line would replace the app and
#      drop the routes of section 2.
#   3. `from validate_email import validate_email` is served by validate_email.py beside
#      this file (no Debian package provides that module; see there).
# TLS is not a code change: gunicorn serves this module on 8443 with the mounted
# certificate (Dockerfile), as the article's "use a WSGI server ... to handle TLS" says.
import json  # BAIP: for change 1

from flask import Flask, request, abort, jsonify
import base64
from validate_email import validate_email  # BAIP: moved up from section 3 (change 2)
app = Flask(__name__)
# In-memory store for example purposes; use a secure database in production
USERS = {
"alice": {"password": "alicepass", "role": "user"},
"admin": {"password": "adminpass", "role": "admin"}
}
# BAIP: change 1, the run's identities in the same shape.
with open("/run/conformance/users.json", encoding="utf-8") as users_file:
    USERS.update({u["username"]: {"password": u["password"], "role": u["role"]} for u in json.load(users_file)["users"]})
def get_auth():
    auth = request.authorization
    if auth and auth.username in USERS:
        return USERS[auth.username]
    return None
@app.route("/profile", methods=["GET"])
def profile():
    user = get_auth()
    if not user:
        return jsonify({"error": "Unauthorized"}), 401
    # Integrity check: ensure users can only access their own profile
    if request.args.get("username") != auth.username:
        abort(403, description="Forbidden: cannot access other profiles")
    return jsonify({"username": auth.username, "role": user["role"]})
@app.route("/users/<username>", methods=["PUT"])
def update_user(username):
    user = get_auth()
    if not user:
        return jsonify({"error": "Unauthorized"}), 401
    # Integrity control: only allow self-update or admin role
    if username != auth.username and user["role"] != "admin":
        abort(403, description="Forbidden: insufficient permissions")
    # Here you would apply validated updates to the user record
    return jsonify({"status": "updated"})
# --- section 3 of the article ---
@app.route("/users/<username>", methods=["PATCH"])
def update_user_safe(username):
    user = get_auth()
    if not user:
        return jsonify({"error": "Unauthorized"}), 401
    if username != auth.username and user["role"] != "admin":
        abort(403, description="Forbidden")
    data = request.get_json()
    allowed_fields = {"email", "display_name"}
    if not isinstance(data, dict):
        return jsonify({"error": "Invalid JSON body"}), 400
    # Reject unexpected fields to prevent mass assignment
    if not set(data.keys()).issubset(allowed_fields):
        return jsonify({"error": "Unexpected fields not allowed"}), 400
    email = data.get("email")
    if email and not validate_email(email):
        return jsonify({"error": "Invalid email format"}), 400
    # Apply validated updates
    return jsonify({"status": "ok"})
