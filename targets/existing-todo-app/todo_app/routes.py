"""The to-do API. Every route needs a login; a to-do is only ever seen or changed by its
owner: anyone else gets the same 404 as for a to-do that does not exist."""

from flask import Blueprint, url_for
from werkzeug.routing import BaseConverter, ValidationError

from . import validation
from .auth import auth
from .models import Todo, db

bp = Blueprint("todos", __name__)


class TodoIdConverter(BaseConverter):
    """Like ``<int:...>``, but only ASCII digits and only ids SQLite can hold.

    Werkzeug's int converter matches any Unicode digit and any length: a 5000-digit id
    makes ``int()`` raise ValueError, which the router does not catch (a 500).
    """

    regex = r"[0-9]{1,19}"

    def to_python(self, value):
        todo_id = int(value)
        if not 1 <= todo_id <= validation.MAX_ID:
            raise ValidationError()
        return todo_id

    def to_url(self, value):
        return str(int(value))


def owned_todo_or_404(todo_id):
    return db.first_or_404(db.select(Todo).filter_by(id=todo_id, user_id=auth.current_user().id))


def todo_from_body():
    """The caller's to-do named by ``{"id": n}`` in the body."""
    todo_id = validation.body_id(validation.json_body())
    return owned_todo_or_404(todo_id)


@bp.get("/todos")
@auth.login_required
def list_todos():
    todos = db.session.scalars(
        db.select(Todo).filter_by(user_id=auth.current_user().id).order_by(Todo.id)
    )
    return {"todos": [todo.to_dict() for todo in todos]}


@bp.post("/todos")
@auth.login_required
def create_todo():
    fields = validation.todo_fields(validation.json_body(), creating=True)
    todo = Todo(user_id=auth.current_user().id, **fields)
    db.session.add(todo)
    db.session.commit()
    return todo.to_dict(), 201, {"Location": url_for("todos.get_todo", todo_id=todo.id)}


@bp.get("/todos/<todo_id:todo_id>")
@auth.login_required
def get_todo(todo_id):
    return owned_todo_or_404(todo_id).to_dict()


@bp.patch("/todos/<todo_id:todo_id>")
@auth.login_required
def update_todo(todo_id):
    # Ownership first: a stranger learns nothing from validation messages.
    todo = owned_todo_or_404(todo_id)
    for name, value in validation.todo_fields(validation.json_body(), creating=False).items():
        setattr(todo, name, value)
    db.session.commit()
    return todo.to_dict()


# The mobile client sends ids in the body rather than the path.
@bp.post("/todos/complete")
@auth.login_required
def complete_todo():
    todo = todo_from_body()
    todo.done = True
    db.session.commit()
    return todo.to_dict()


@bp.post("/todos/delete")
@auth.login_required
def delete_todo():
    todo = todo_from_body()
    db.session.delete(todo)
    db.session.commit()
    return "", 204
