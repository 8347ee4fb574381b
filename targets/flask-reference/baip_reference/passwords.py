"""Password digests compared in constant time.

users.json hands the service plaintext passwords (docs/SPEC.md section 2). We keep only a
keyed digest of each, made with a random per-process key, so that

- the plaintext is not kept in memory after start-up, and
- every comparison is between two 32-byte values with ``hmac.compare_digest``: its time
  depends neither on where the first differing byte is nor on the length of the
  password tried (AUTHN-03, AUTHN-06).

For a store that persists passwords, use a slow salted hash (``hashlib.scrypt``, argon2)
instead: a fast keyed digest protects nothing once the key leaks with the data.
"""

import hashlib
import hmac
import secrets

_KEY = secrets.token_bytes(32)


def digest(password: str) -> bytes:
    """Keyed SHA-256 of the UTF-8 bytes of ``password``."""
    return hmac.new(_KEY, password.encode("utf-8"), hashlib.sha256).digest()


def matches(expected_digest: bytes, password: str) -> bool:
    """Whether ``password`` has ``expected_digest``, compared in constant time."""
    return hmac.compare_digest(expected_digest, digest(password))


# Compared against when the user name is unknown, so that an unknown user costs the same
# work as a wrong password (AUTHN-06: no timing difference to tell them apart).
UNKNOWN_USER_DIGEST = digest(secrets.token_urlsafe(32))
