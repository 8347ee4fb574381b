"""Password verifiers kept in memory, checked in constant time.

The store lives and dies with the process, so a verifier is HMAC-SHA256 under a key
drawn at start-up, over a per-account salt and the UTF-8 password. Comparing two
fixed-size MACs with ``hmac.compare_digest`` takes the same time wherever the guess goes
wrong and however long it is (AUTHN-03, AUTHN-06). A service that writes accounts to
disk must use a slow salted KDF (scrypt, argon2) instead: this key would leak with the
data and the MAC would then be cheap to brute-force.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets

_PROCESS_KEY = secrets.token_bytes(32)
SALT_BYTES = 16


@dataclasses.dataclass(frozen=True)
class Verifier:
    salt: bytes
    mac: bytes

    def __repr__(self) -> str:  # never print a verifier into a log by accident
        return "Verifier(...)"


def _mac(salt: bytes, password: str) -> bytes:
    return hmac.new(_PROCESS_KEY, salt + password.encode("utf-8"), hashlib.sha256).digest()


def make(password: str) -> Verifier:
    salt = secrets.token_bytes(SALT_BYTES)
    return Verifier(salt, _mac(salt, password))


def check(verifier: Verifier, password: str) -> bool:
    return hmac.compare_digest(verifier.mac, _mac(verifier.salt, password))


# Checked against when no account has the login name: the unknown-name path then does
# the same MAC and comparison as a wrong password, and no timing tells them apart.
DECOY = make(secrets.token_urlsafe(24))
