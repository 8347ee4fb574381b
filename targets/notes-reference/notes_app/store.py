"""Accounts and notes, in memory, behind one lock.

One gunicorn worker holds the whole state (``workers = 1``; threads share it). Every
read-modify-write happens inside the lock, so a request that fails validation never
leaves half a change behind (it never reaches the store), and two requests never
interleave inside one change.

Accounts are keyed by user name and indexed by their login key (the e-mail folded to
lower case, see ``credentials.login_key``). Notes are keyed by an integer the server
assigns from a counter; a note's owner is fixed at creation and never changes.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Mapping
from types import MappingProxyType

from . import digests

# What GET /api/me shows, in this order. Anything else an account record might hold is
# never returned.
ACCOUNT_FIELDS = ("username", "email", "display_name")


@dataclasses.dataclass(frozen=True)
class Account:
    number: int  # sign-up order; internal, never shown
    record: Mapping[str, object]  # what sign-up stored (never the password)
    verifier: digests.Verifier = dataclasses.field(repr=False)

    @property
    def username(self) -> str:
        return self.record["username"]  # type: ignore[return-value]

    @property
    def email(self) -> str:
        return self.record["email"]  # type: ignore[return-value]

    def public(self) -> dict[str, object]:
        return {name: self.record[name] for name in ACCOUNT_FIELDS}


@dataclasses.dataclass(frozen=True)
class Note:
    id: int
    owner: str  # the owner's user name
    text: str
    priority: int
    pinned: bool

    def public(self) -> dict[str, object]:
        return {"id": self.id, "text": self.text, "priority": self.priority, "pinned": self.pinned}


class Conflict(Exception):
    """The user name or the login e-mail is taken."""


class Store:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._accounts: dict[str, Account] = {}
        self._by_login: dict[str, str] = {}  # login key -> user name
        self._notes: dict[int, Note] = {}
        self._account_numbers = itertools.count(1)
        self._note_ids = itertools.count(1)

    # -- accounts -------------------------------------------------------------------

    def register(self, fields: Mapping[str, object], login_key: str) -> Account:
        """Create an account from validated sign-up ``fields``; Conflict if taken."""
        record = {name: value for name, value in fields.items() if name != "password"}
        # The display name starts as the user name; the owner can change it later.
        record.setdefault("display_name", record["username"])
        verifier = digests.make(fields["password"])  # type: ignore[arg-type]
        with self._lock:
            if record["username"] in self._accounts or login_key in self._by_login:
                raise Conflict()
            account = Account(next(self._account_numbers), MappingProxyType(record), verifier)
            self._accounts[account.username] = account
            self._by_login[login_key] = account.username
            return account

    def account_for_login(self, login_key: str) -> Account | None:
        with self._lock:
            username = self._by_login.get(login_key)
            return None if username is None else self._accounts[username]

    def account(self, username: str) -> Account | None:
        with self._lock:
            return self._accounts.get(username)

    def accounts(self) -> list[Account]:
        with self._lock:
            return list(self._accounts.values())

    def update_account(self, username: str, changes: Mapping[str, object]) -> Account:
        with self._lock:
            current = self._accounts[username]
            updated = dataclasses.replace(
                current, record=MappingProxyType({**current.record, **changes})
            )
            self._accounts[username] = updated
            return updated

    # -- notes ----------------------------------------------------------------------

    def add_note(self, owner: str, fields: Mapping[str, object]) -> Note:
        with self._lock:
            note = Note(id=next(self._note_ids), owner=owner, **fields)  # type: ignore[arg-type]
            self._notes[note.id] = note
            return note

    def note(self, note_id: int) -> Note | None:
        with self._lock:
            return self._notes.get(note_id)

    def notes_of(self, owner: str) -> list[Note]:
        with self._lock:
            return [note for note in self._notes.values() if note.owner == owner]

    def replace_note(self, note_id: int, fields: Mapping[str, object]) -> Note | None:
        """The note with every writable field replaced, or None if it is gone by now."""
        with self._lock:
            current = self._notes.get(note_id)
            if current is None:
                return None
            updated = dataclasses.replace(current, **fields)
            self._notes[note_id] = updated
            return updated

    def delete_note(self, note_id: int) -> bool:
        with self._lock:
            return self._notes.pop(note_id, None) is not None
