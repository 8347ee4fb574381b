"""broken-todo-delete-by-body-id: any user completes or deletes any to-do by its id.

Planted defect: the two endpoints the mobile client uses take the to-do id in the JSON
body (``{"id": 7}``) instead of the path, and share one helper to find it. That helper
fetches the to-do by primary key alone, the way the first version of the path routes
did; the owner filter added to those later never reached it. Reads and updates through
/todos/<id> stay owner-only, so only a stranger's complete or delete shows the bug.
Must fail: AUTHZ-02 (the stranger's complete and delete succeed; the victim's to-do is
marked done or gone), MODEL-01 (cross-user attempts in random sequences).
"""

from todo_app import create_app, routes, validation  # noqa: F401  (create_app: the entry point)
from todo_app.models import Todo, db


def todo_from_body():
    todo_id = validation.body_id(validation.json_body())
    return db.get_or_404(Todo, todo_id)  # DEFECT: any user's to-do, not only the caller's


routes.todo_from_body = todo_from_body
