"""The conformance adapter: what the harness needs that the to-do app does not do itself.

It is deployment, not application: it seeds the app's database from the harness's
users.json (``seed``), adds the HTTPS response headers (``wsgi``), and serves the app
with gunicorn over TLS (``gunicorn_conf``, ``openssl.cnf``). ``todo_app`` knows nothing
of it.
"""

import os

from werkzeug.utils import import_string

# Broken variants of the app name their own factory; the adapter stays the same.
APP_FACTORY = os.environ.get("TODO_APP_FACTORY", "todo_app:create_app")

DB_PATH = os.environ.get("TODO_DB_PATH", "/tmp/todo-app/todo.db")  # the root fs is read-only

CONFIG = {
    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{DB_PATH}",
    # Generated identities, recreated at every boot: a cheaper hash than Werkzeug's
    # default 260000 rounds keeps each of the suite's thousands of logins fast.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:10000",
    # Threads of one worker share the file; wait for a writer instead of failing.
    "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 15}},
}


def make_app():
    return import_string(APP_FACTORY)(CONFIG)
