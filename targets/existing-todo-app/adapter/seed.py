"""Create the app's database and its users from /run/conformance/users.json.

Run once per container, from gunicorn's master before any worker starts (so a restarted
worker finds the same database). The app's own model stores the passwords, hashed.
"""

import json
import os

from todo_app import init_db
from todo_app.models import User, db

from . import DB_PATH, make_app

USERS_FILE = os.environ.get("TODO_USERS_FILE", "/run/conformance/users.json")


def seed():
    os.makedirs(os.path.dirname(DB_PATH), exist_ok=True)
    if os.path.exists(DB_PATH):
        os.remove(DB_PATH)
    with open(USERS_FILE, encoding="utf-8") as f:
        users = json.load(f)["users"]
    app = make_app()
    init_db(app)
    with app.app_context():
        for entry in users:
            user = User(username=entry["username"], email=entry["email"], role=entry["role"])
            user.set_password(entry["password"])
            db.session.add(user)
        db.session.commit()
        # The workers open their own connections after the fork.
        db.engine.dispose()
    return len(users)
