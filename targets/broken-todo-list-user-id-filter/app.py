"""broken-todo-list-user-id-filter: GET /todos?user_id=V lists V's to-dos to anyone.

Planted defect: the support team asked to see a customer's list, so GET /todos gained a
``user_id`` filter (the user's id, or the user name the support tool sends). It was
meant to sit behind an admin check that was never written: any logged-in user lists
anyone's to-dos, notes included. Without the parameter the list is the caller's own,
and reads of single to-dos stay owner-only.
Must fail: AUTHZ-07.
"""

from flask import request

from todo_app import create_app as create_todo_app
from todo_app.auth import auth
from planted import named_user
from todo_app.models import Todo, db


def create_app(config=None):
    app = create_todo_app(config)
    app.view_functions["todos.list_todos"] = list_todos
    return app


@auth.login_required
def list_todos():
    owner = auth.current_user()
    if "user_id" in request.args:
        # DEFECT: whoever asks gets the named user's list
        owner = named_user(request.args["user_id"]) or owner
    todos = db.session.scalars(db.select(Todo).filter_by(user_id=owner.id).order_by(Todo.id))
    return {"todos": [todo.to_dict() for todo in todos]}
