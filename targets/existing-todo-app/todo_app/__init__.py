"""A small to-do API: Flask, Flask-SQLAlchemy, Flask-HTTPAuth.

    flask --app todo_app run        (development; see adapter/ for how it is deployed)
"""

import functools
import json

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

from . import routes
from .models import db


class TodoFlask(Flask):
    # "/todos//3" is not a path of this API: without this Werkzeug answers it with a
    # redirect to "/todos/3". (Setting url_map.merge_slashes after the Map is built
    # does not reach its matcher.)
    url_map_class = functools.partial(Map, merge_slashes=False)


def create_app(config=None):
    app = TodoFlask(__name__, static_folder=None)  # a JSON API: no /static route
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI="sqlite:///todo.db",
        MAX_CONTENT_LENGTH=64 * 1024,
        PASSWORD_HASH_METHOD="pbkdf2:sha256",
    )
    if config:
        app.config.from_mapping(config)

    db.init_app(app)
    app.url_map.converters["todo_id"] = routes.TodoIdConverter
    app.register_blueprint(routes.bp)
    app.register_error_handler(HTTPException, json_error)
    return app


def json_error(error):
    """Every HTTP error as JSON, with its own headers (Allow on a 405).

    Unhandled exceptions reach this as InternalServerError, whose description is generic:
    the traceback goes to the log, never to the client.
    """
    response = error.get_response()
    response.data = json.dumps({"error": error.name, "message": error.description})
    response.content_type = "application/json"
    return response


def init_db(app):
    with app.app_context():
        db.create_all()
