"""Identities, seeded once from users.json (docs/SPEC.md section 2).

Only what authentication and authorization need is kept: the user name, the role and a
keyed digest of the password. The e-mail and display name in the file belong to the
section 1 user API, which this service does not offer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import re
import secrets

# The harness generates the privileged identities with role "admin"; a blog deployment
# calls the same power "editor". Both are accepted, both are privileged.
UNPRIVILEGED_ROLES = frozenset({"user"})
PRIVILEGED_ROLES = frozenset({"editor", "admin"})
USERNAME = re.compile(r"[a-z][a-z0-9_-]{2,31}")

# Per-process key: digests are useless outside this process, and the plaintext
# passwords are dropped once the file is read.
_DIGEST_KEY = secrets.token_bytes(32)


def password_digest(password: str) -> bytes:
    return hmac.new(_DIGEST_KEY, password.encode("utf-8"), hashlib.sha256).digest()


@dataclasses.dataclass(frozen=True)
class Account:
    username: str
    role: str
    digest: bytes = dataclasses.field(repr=False)

    @property
    def privileged(self) -> bool:
        return self.role in PRIVILEGED_ROLES

    def password_is(self, password: str) -> bool:
        # Fixed-size digests compared with compare_digest: the time taken says nothing
        # about how much of the password was right, nor about its length.
        return hmac.compare_digest(self.digest, password_digest(password))


# Checked when the user name is unknown, so that case costs the same as a wrong password.
DECOY = Account("", "user", password_digest(secrets.token_urlsafe(24)))


class AccountsFileError(ValueError):
    """users.json is unusable: the service must not start with a guessed user list."""


def load(path: str) -> dict[str, Account]:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as error:
        raise AccountsFileError(f"{path}: {error}") from None
    entries = document.get("users") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise AccountsFileError(f'{path}: expected {{"users": [ ... ]}}, not empty')
    accounts: dict[str, Account] = {}
    for index, entry in enumerate(entries):
        account = _account(f"{path} users[{index}]", entry)
        if account.username in accounts:
            raise AccountsFileError(f"{path}: {account.username!r} listed twice")
        accounts[account.username] = account
    return accounts


def _account(where: str, entry: object) -> Account:
    if not isinstance(entry, dict):
        raise AccountsFileError(f"{where}: not an object")
    username, password, role = (entry.get(key) for key in ("username", "password", "role"))
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise AccountsFileError(f"{where}: bad username")
    if not isinstance(password, str) or not password:
        raise AccountsFileError(f"{where}: bad password")
    if role not in UNPRIVILEGED_ROLES | PRIVILEGED_ROLES:
        # An unknown role would be neither clearly privileged nor clearly not: refuse.
        raise AccountsFileError(f"{where}: unknown role {role!r}")
    return Account(username, role, password_digest(password))
