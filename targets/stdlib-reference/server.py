"""stdlib-reference: the BAIP/1 API with the Python standard library only.

A second, independent compliant implementation, so that the suite is not tuned to
Flask: http.server's ThreadingHTTPServer, ssl, json, hmac. One file, read top to bottom:
configuration, the store, authentication, authorization, validation, the HTTP handler,
the servers. Comments name the requirement of docs/SPEC.md each part serves.

Differences from flask-reference that the suite must accept: the plain-HTTP port
answers 400 (not 403) as text, error bodies are {"status", "reason"}, another realm, and
an unknown method is 405 from the handler itself.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import re
import secrets
import signal
import socket
import ssl
import sys
import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

# --- configuration (docs/SPEC.md section 2) ------------------------------------------

USERS_FILE = "/run/conformance/users.json"
CERT_FILE = "/run/conformance/tls/cert.pem"
KEY_FILE = "/run/conformance/tls/key.pem"
TLS_PORT, PLAIN_PORT = 8443, 8080
MAX_BODY = 64 * 1024  # INPUT-06
MAX_DRAINED = 4 * 1024 * 1024  # read and dropped before answering, see _drain
MAX_AUTHORIZATION = 4096
SOCKET_TIMEOUT = 30
REALM = "stdlib reference"
SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",  # TLS-05
    "Cache-Control": "no-store",  # CACHE-01
    "X-Content-Type-Options": "nosniff",
}

# --- the store ----------------------------------------------------------------------

_KEY = secrets.token_bytes(32)


def _digest(password: str) -> bytes:
    # Keyed digest: constant-length values for hmac.compare_digest (AUTHN-03, AUTHN-06).
    return hmac.new(_KEY, password.encode("utf-8"), hashlib.sha256).digest()


_NOBODY = _digest(secrets.token_hex(16))


@dataclasses.dataclass(frozen=True)
class User:
    username: str
    role: str
    email: str
    display_name: str
    password_digest: bytes = dataclasses.field(repr=False)

    def record(self) -> dict[str, str]:
        return {"username": self.username, "role": self.role, "email": self.email, "display_name": self.display_name}


class Store:
    def __init__(self, path: str) -> None:
        with open(path, encoding="utf-8") as file:
            entries = json.load(file)["users"]
        self._lock = threading.Lock()
        self._users = {}
        for entry in entries:
            if not re.fullmatch(r"[a-z][a-z0-9_-]{2,31}", entry["username"]) or entry["role"] not in ("user", "admin"):
                raise SystemExit(f"{path}: invalid user entry {entry.get('username')!r}")
            self._users[entry["username"]] = User(
                entry["username"], entry["role"], entry["email"], entry["display_name"], _digest(entry["password"])
            )

    def get(self, username: str) -> User | None:
        return self._users.get(username)

    def update(self, username: str, changes: dict[str, str]) -> User:
        with self._lock:  # all fields or none (INPUT-01)
            user = dataclasses.replace(self._users[username], **changes)
            self._users[username] = user
            return user


# --- authentication (RFC 7617; AUTHN-01..06) ----------------------------------------


def authenticate(store: Store, header: str | None) -> User | None:
    """The user proven by the Authorization header, or None. Never raises."""
    if header is None or len(header) > MAX_AUTHORIZATION:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        text = base64.b64decode(token.strip(" ").encode("ascii"), validate=True).decode("utf-8")
    except ValueError:  # non-ASCII header bytes, bad base64, non-UTF-8 credentials
        return None
    username, colon, password = text.partition(":")  # the first colon ends the user-id
    if not colon or any(unicodedata.category(c) == "Cc" for c in text):
        return None
    user = store.get(username)  # exact name (AUTHN-04)
    expected = user.password_digest if user else _NOBODY  # same work either way
    if not hmac.compare_digest(expected, _digest(password)) or user is None:
        return None
    return user


# --- authorization (AUTHZ-01..06) ----------------------------------------------------


def may(actor: User, username: str, *, self_only: bool) -> bool:
    """Only the credentials and the routed name decide (AUTHZ-03, AUTHZ-04)."""
    return actor.username == username or (not self_only and actor.role == "admin")


# --- validation (INPUT-01..04; docs/SPEC.md section 1) --------------------------------

WRITABLE = frozenset({"email", "display_name"})
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"([A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*)@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


class Invalid(Exception):
    pass


def valid_email(value: object) -> bool:
    match = EMAIL.fullmatch(value) if isinstance(value, str) and len(value) <= 254 else None
    return match is not None and len(match[1]) <= 64


def valid_display_name(value: object) -> bool:
    return (
        isinstance(value, str)
        and 1 <= len(value) <= 64
        and all(unicodedata.category(c) != "Cc" for c in value)
    )


def parse_update(raw: bytes, *, replace: bool) -> dict[str, str]:
    """All checks before any write; the values are stored exactly as sent."""
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise Invalid("body is not JSON") from None
    if not isinstance(body, dict):
        raise Invalid("body must be a JSON object")
    if not WRITABLE.issuperset(body):
        raise Invalid("only email and display_name are writable")
    if (replace and set(body) != WRITABLE) or not body:
        raise Invalid("PUT needs email and display_name; PATCH at least one of them")
    if "email" in body and not valid_email(body["email"]):
        raise Invalid("invalid email")
    if "display_name" in body and not valid_display_name(body["display_name"]):
        raise Invalid("invalid display_name")
    return body


def _no_constants(name: str) -> object:
    raise ValueError(name)


# --- HTTP -----------------------------------------------------------------------------


class ApiHandler(BaseHTTPRequestHandler):
    """Routes: GET /profile?username=U, GET|PUT|PATCH /users/U. Everything else 404/405."""

    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT
    store: Store  # set on the class at start-up

    def version_string(self) -> str:
        return "baip-stdlib"

    # Every method, known or not, goes through _dispatch (http.server would answer an
    # unknown method with 501, a 5xx: ERR-01).
    def __getattr__(self, name: str):
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _dispatch(self) -> None:
        self._body_read = False  # one handler serves every request of a connection
        try:
            self._route()
        except Exception:  # a bug: logged here, generic to the client (ERR-01, ERR-02)
            self.log_error("unhandled error on %s %s", self.command, self.path.split("?")[0])
            sys.excepthook(*sys.exc_info())
            self.close_connection = True
            self._json(500, {"status": 500, "reason": "internal error"})

    def _route(self) -> None:
        raw_path, _, query = self.path.partition("?")
        try:
            path = unquote(raw_path, errors="strict")
        except UnicodeDecodeError:
            path = None
        if path == "/profile":
            methods, self_only = ("GET",), True
            names = parse_qs(query, keep_blank_values=True).get("username", [])
            username = names[0] if len(names) == 1 else None
        elif path and (match := re.fullmatch(r"/users/([^/]+)", path)):
            methods, self_only, username = ("GET", "PUT", "PATCH"), False, match[1]
        else:
            return self._error(404, "not found")
        if self.command not in methods:
            return self._error(405, "method not allowed", {"Allow": ", ".join(methods)})
        actor = authenticate(self.store, self.headers.get("Authorization"))
        if actor is None:
            return self._error(401, "authentication required", {"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'})
        if username is None:
            return self._error(400, "exactly one username parameter is required")
        if not may(actor, username, self_only=self_only):
            return self._error(403, "forbidden")
        user = self.store.get(username)
        if user is None:
            return self._error(404, "not found")
        if self.command == "GET":
            return self._json(200, user.record())
        if self.headers.get_content_type() != "application/json" or "Content-Type" not in self.headers:
            return self._error(415, "send application/json")  # INPUT-05
        if "Transfer-Encoding" in self.headers:
            return self._error(411, "send a Content-Length")
        length = self._content_length()
        if length is None:
            return self._error(400, "invalid Content-Length")
        if length > MAX_BODY:
            return self._error(413, "body over 64 KiB")  # INPUT-06
        self._body_read = True
        try:
            changes = parse_update(self.rfile.read(length), replace=self.command == "PUT")
        except Invalid as error:
            return self._error(400, str(error))
        return self._json(200, self.store.update(username, changes).record())

    def _content_length(self) -> int | None:
        value = self.headers.get("Content-Length", "0")
        return int(value) if value.isdigit() else None

    def _drain(self) -> None:
        """Read the unread body before answering: closing a socket with unread input
        resets the connection, and the client may lose the answer (e.g. a 413); on a
        kept-alive connection the body would be read as the next request."""
        if getattr(self, "_body_read", False):
            return
        self._body_read = True
        length = self._content_length()
        if length is None or length > MAX_DRAINED or "Transfer-Encoding" in self.headers:
            self.close_connection = True
            return
        while length > 0 and (chunk := self.rfile.read(min(length, 65536))):
            length -= len(chunk)

    def _error(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        self._json(status, {"status": status, "reason": reason}, headers)

    def _json(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        self._drain()
        data = json.dumps(body).encode()  # ensure_ascii: exact code points, any input
        self.send_response(status)
        for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, headers too long): JSON too."""
        self.close_connection = True
        self._body_read = True  # the request could not be parsed: read nothing more
        self.command = self.command or "GET"
        self._json(code, {"status": code, "reason": message or "bad request"})

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        sys.stderr.write(f"{self.address_string()} {format % args}\n")  # no headers logged


class PlainHandler(BaseHTTPRequestHandler):
    """Port 8080: refuses every request without reading it (TLS-01, TLS-02, TLS-06)."""

    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT
    BODY = b"400 Bad Request: this API is served over HTTPS only; credentials sent here are exposed.\n"

    def __getattr__(self, name: str):
        if name.startswith("do_"):
            return self._refuse
        raise AttributeError(name)

    def version_string(self) -> str:
        return "baip-stdlib"

    def _refuse(self) -> None:
        self.close_connection = True
        self.send_response(400)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(self.BODY)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        sys.stderr.write(f"plain {self.address_string()} {format % args}\n")


class TLSServer(ThreadingHTTPServer):
    """TLS handshake in each connection's thread, not in accept(): a silent client
    cannot stall the others."""

    daemon_threads = True

    def __init__(self, address, handler, context: ssl.SSLContext) -> None:
        super().__init__(address, handler)
        self.context = context

    def finish_request(self, request: socket.socket, client_address) -> None:
        request.settimeout(SOCKET_TIMEOUT)
        try:
            connection = self.context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return  # plain HTTP or a failed handshake: no answer at all (TLS-03)
        try:
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            connection.close()


class PlainServer(ThreadingHTTPServer):
    daemon_threads = True


def main() -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2  # TLS-04
    context.load_cert_chain(CERT_FILE, KEY_FILE)
    ApiHandler.store = Store(USERS_FILE)
    plain = PlainServer(("0.0.0.0", PLAIN_PORT), PlainHandler)
    threading.Thread(target=plain.serve_forever, name="plain-http", daemon=True).start()
    server = TLSServer(("0.0.0.0", TLS_PORT), ApiHandler, context)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"stdlib-reference: https on {TLS_PORT}, plain-HTTP refusal on {PLAIN_PORT}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
