"""broken-todo-create-owner-from-body: POST /todos files the to-do under any user.

Planted defect: an import script creates to-dos on behalf of other users, so POST /todos
was taught to honour a ``user_id`` key in the body (the user's id, or the user name the
script sends) as the owner, instead of getting an endpoint of its own. Any logged-in
user can now plant to-dos in anyone's list, and the body's allow-list no longer holds
for that key. Other unknown keys are still refused.
Must fail: AUTHZ-08 (a create naming another owner yields that owner's record),
INPUT-01 (a body with the unknown key ``user_id`` is accepted).
"""

from flask import url_for

from todo_app import create_app as create_todo_app
from todo_app import validation
from todo_app.auth import auth
from planted import named_user
from todo_app.models import Todo, db


def create_app(config=None):
    app = create_todo_app(config)
    app.view_functions["todos.create_todo"] = create_todo
    return app


@auth.login_required
def create_todo():
    body = validation.json_body()
    owner = auth.current_user()
    if isinstance(body, dict) and "user_id" in body:
        owner = named_user(body.pop("user_id")) or owner  # DEFECT: the body names the owner
    fields = validation.todo_fields(body, creating=True)
    todo = Todo(user_id=owner.id, **fields)
    db.session.add(todo)
    db.session.commit()
    return todo.to_dict(), 201, {"Location": url_for("todos.get_todo", todo_id=todo.id)}
