"""The user store: one record per user, seeded from users.json at start-up.

docs/SPEC.md section 1: a record is ``username``, ``role``, ``email``, ``display_name``;
passwords are never returned. The store lives in memory, so the service must run as a
single process (gunicorn ``workers = 1``, threads are fine): every thread sees the same
records, and ``update`` is atomic under a lock.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Iterable, Mapping

from . import passwords

ROLES = frozenset({"user", "admin"})
# docs/SPEC.md section 2: the names the harness generates.
USERNAME_PATTERN = re.compile(r"[a-z][a-z0-9_-]{2,31}")


@dataclasses.dataclass(frozen=True)
class User:
    username: str
    role: str
    email: str
    display_name: str
    password_digest: bytes = dataclasses.field(repr=False)

    def public_record(self) -> dict[str, str]:
        """The JSON record of section 1. Never the password or its digest."""
        return {
            "username": self.username,
            "role": self.role,
            "email": self.email,
            "display_name": self.display_name,
        }


class UsersFileError(ValueError):
    """users.json is missing or malformed: the service refuses to start."""


class UserStore:
    def __init__(self, users: Iterable[User]) -> None:
        self._users = {user.username: user for user in users}
        self._lock = threading.Lock()

    def get(self, username: str) -> User | None:
        """The user named exactly ``username`` (no case or whitespace folding, AUTHN-04)."""
        return self._users.get(username)

    def update(self, username: str, changes: Mapping[str, str]) -> User:
        """Apply already validated ``changes`` to the writable fields, all or nothing.

        Callers validate every field before calling (INPUT-01, INPUT-03): this method
        cannot fail half way, so a refused request never leaves a partial write behind.
        """
        with self._lock:
            user = self._users[username]
            updated = dataclasses.replace(user, **changes)
            self._users[username] = updated
            return updated

    @classmethod
    def from_file(cls, path: str) -> UserStore:
        """Load users.json: ``{"users": [{username, password, role, email, display_name}]}``."""
        try:
            with open(path, encoding="utf-8") as file:
                document = json.load(file)
        except (OSError, ValueError) as error:
            raise UsersFileError(f"cannot read {path}: {error}") from None
        entries = document.get("users") if isinstance(document, dict) else None
        if not isinstance(entries, list) or not entries:
            raise UsersFileError(f'{path}: expected {{"users": [...]}} with at least one user')
        users = [_user_from_entry(path, index, entry) for index, entry in enumerate(entries)]
        names = [user.username for user in users]
        if len(set(names)) != len(names):
            raise UsersFileError(f"{path}: duplicate user names")
        return cls(users)


def _user_from_entry(path: str, index: int, entry: object) -> User:
    where = f"{path}: users[{index}]"
    if not isinstance(entry, dict):
        raise UsersFileError(f"{where}: expected an object")
    fields = {}
    for key in ("username", "password", "role", "email", "display_name"):
        value = entry.get(key)
        if not isinstance(value, str):
            raise UsersFileError(f"{where}: `{key}` must be a string")
        fields[key] = value
    if not USERNAME_PATTERN.fullmatch(fields["username"]):
        raise UsersFileError(f"{where}: `username` must match ^[a-z][a-z0-9_-]{{2,31}}$")
    if fields["role"] not in ROLES:
        raise UsersFileError(f"{where}: `role` must be one of {sorted(ROLES)}")
    if not fields["password"]:
        raise UsersFileError(f"{where}: `password` must not be empty")
    return User(
        username=fields["username"],
        role=fields["role"],
        email=fields["email"],
        display_name=fields["display_name"],
        password_digest=passwords.digest(fields["password"]),
    )
