"""What the planted defects of the to-do variants share: how a request names a user.

Support tools send a user's numeric id or its user name; both defects that trust such a
name (a list filter, an owner key on create) resolve it the same way.
"""

from todo_app.models import User, db


def named_user(value):
    """The user a ``user_id`` value names: its id (a number or digits) or its user name."""
    if type(value) is int:
        value = str(value)
    if not isinstance(value, str):
        return None
    match = User.username == value
    if value.isascii() and value.isdigit() and len(value) < 19:
        match = match | (User.id == int(value))
    return db.session.execute(db.select(User).where(match)).scalar_one_or_none()
