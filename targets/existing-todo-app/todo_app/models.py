"""Database models: users and their to-dos."""

from flask import current_app
from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(32), unique=True, nullable=False)
    email = db.Column(db.String(254), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    role = db.Column(db.String(16), nullable=False, default="user")

    todos = db.relationship("Todo", back_populates="owner", cascade="all, delete-orphan")

    def set_password(self, password):
        # The hash's cost is a deployment setting (config PASSWORD_HASH_METHOD).
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)


class Todo(db.Model):
    __tablename__ = "todos"
    # Without AUTOINCREMENT SQLite hands the highest id out again once that row is
    # deleted: a client still holding the old id would reach someone else's new to-do.
    __table_args__ = {"sqlite_autoincrement": True}

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(100), nullable=False)
    notes = db.Column(db.Text, nullable=False, default="")
    done = db.Column(db.Boolean, nullable=False, default=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)

    owner = db.relationship("User", back_populates="todos")

    def to_dict(self):
        # The owner is implied by who is asking: only owners ever see a to-do.
        return {"id": self.id, "title": self.title, "notes": self.notes, "done": self.done}
