#!/usr/bin/env python3
"""Hand-written smoke check of one running target against CONTRACT.md (BAIP/1).

Not the conformance suite: a few fixed probes per requirement, for a quick look while
writing a target (``targets/smoke.sh`` boots the target and runs this). Standard
library only, so it runs on the host or in the base image. It prints one line per
requirement and, given ``--expect``, compares the failures with the target's
``expect.fails``.

    smoke_check.py --tls https://127.0.0.1:PORT [--plain http://127.0.0.1:PORT]
                   --ca ca.pem --users users.json [--expect AUTHN-01,AUTHZ-05]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import socket
import ssl
import sys
import urllib.parse
import warnings
from dataclasses import dataclass, field

REQUIREMENTS = [
    "AUTHN-01", "AUTHN-02", "AUTHN-03", "AUTHN-04", "AUTHN-05", "AUTHN-06",
    "AUTHZ-01", "AUTHZ-02", "AUTHZ-03", "AUTHZ-04", "AUTHZ-05", "AUTHZ-06",
    "INPUT-01", "INPUT-02", "INPUT-03", "INPUT-04", "INPUT-05", "INPUT-06",
    "TLS-01", "TLS-02", "TLS-03", "TLS-04", "TLS-05", "TLS-06",
    "CACHE-01", "ERR-01", "ERR-02", "MODEL-01",
]  # fmt: skip
SHOULD = {"AUTHN-06", "INPUT-05", "INPUT-06", "TLS-05", "TLS-06", "ERR-02"}
REFUSED = {403, 404}
INVALID = {400, 422}


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    authenticated: bool = False
    transport: str = "tls"

    def json(self) -> object:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Target:
    tls: str
    plain: str | None
    ca: str
    users: list[dict]
    timeout: float = 10.0
    replies: list[Reply] = field(default_factory=list)

    def context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.ca)
        return ctx

    def request(
        self,
        method: str,
        path: str,
        user: dict | None = None,
        *,
        password: str | None = None,
        authorization: bytes | str | None = None,
        body: object = None,
        raw: bytes | None = None,
        content_type: str | None = "application/json",
        headers: dict[str, str] | None = None,
        transport: str = "tls",
    ) -> Reply:
        base = urllib.parse.urlsplit(self.tls if transport == "tls" else self.plain)
        if transport == "tls":
            conn = http.client.HTTPSConnection(base.hostname, base.port, timeout=self.timeout, context=self.context())
        else:
            conn = http.client.HTTPConnection(base.hostname, base.port, timeout=self.timeout)
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        conn.putrequest(method, path, skip_accept_encoding=True)
        if user is not None:
            secret = user["password"] if password is None else password
            token = base64.b64encode(f"{user['username']}:{secret}".encode()).decode()
            conn.putheader("Authorization", f"Basic {token}")
        if authorization is not None:
            conn.putheader("Authorization", authorization)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if data is not None:
            if content_type is not None:
                conn.putheader("Content-Type", content_type)
            conn.putheader("Content-Length", str(len(data)))
        conn.putheader("Connection", "close")
        try:
            conn.endheaders(data)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            reply = Reply(
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                text,
                authenticated=user is not None or authorization is not None,
                transport=transport,
            )
        except (OSError, http.client.HTTPException) as error:
            reply = Reply(0, {}, f"transport error: {error}", transport=transport)
        finally:
            conn.close()
        self.replies.append(reply)
        return reply

    def snapshot(self, user: dict) -> dict | None:
        """The record of ``user``, read as its owner."""
        reply = self.request("GET", f"/users/{user['username']}", user)
        record = reply.json()
        return record if reply.status == 200 and isinstance(record, dict) else None


class Failed(Exception):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def show(reply: Reply) -> str:
    return f"{reply.status} {reply.body[:120]!r}"


def unchanged(t: Target, user: dict, before: dict | None, what: str) -> None:
    after = t.snapshot(user)
    expect(after == before, f"{what}: {user['username']}'s record changed: {before} -> {after}")


# ---------------------------------------------------------------- checks, by requirement


def authn_01(t: Target, users: list[dict], admins: list[dict]) -> None:
    for user in users + admins:
        reply = t.request("GET", f"/users/{user['username']}", user)
        expect(reply.status == 200, f"{user['username']} with its password: {show(reply)}")


def authn_02(t: Target, users, admins) -> None:
    victim = users[0]
    before = t.snapshot(victim)
    name = victim["username"]
    for method, path, body in [
        ("GET", f"/profile?username={name}", None),
        ("GET", f"/users/{name}", None),
        ("PUT", f"/users/{name}", {"email": "anon@evil.example", "display_name": "anon"}),
        ("PATCH", f"/users/{name}", {"display_name": "anon"}),
    ]:
        reply = t.request(method, path, body=body)
        expect(reply.status == 401, f"{method} {path} without credentials: {show(reply)}")
        challenge = reply.headers.get("www-authenticate", "")
        expect(challenge.lower().startswith("basic"), f"{method} {path}: 401 without a Basic challenge")
    unchanged(t, victim, before, "no credentials")


def authn_03(t: Target, users, admins) -> None:
    user = users[0]
    password = user["password"]
    wrong = {password[:-1], password + "x", "x" + password, password.upper(), password.swapcase(), ""}
    wrong.discard(password)
    before = t.snapshot(user)
    for guess in sorted(wrong):
        reply = t.request("GET", f"/users/{user['username']}", user, password=guess)
        expect(reply.status == 401, f"wrong password {guess!r}: {show(reply)}")
        reply = t.request("PATCH", f"/users/{user['username']}", user, password=guess, body={"display_name": "pwned"})
        expect(reply.status == 401, f"PATCH with wrong password {guess!r}: {show(reply)}")
    unchanged(t, user, before, "wrong passwords")


def authn_04(t: Target, users, admins) -> None:
    user = users[0]
    name = user["username"]
    for variant in {"nobody-zz9", name.upper(), name.capitalize(), f" {name}", f"{name} ", f"{name}\t"}:
        fake = {"username": variant, "password": user["password"]}
        reply = t.request("GET", f"/users/{name}", fake)
        expect(reply.status == 401, f"user name {variant!r} with the real password: {show(reply)}")


def authn_05(t: Target, users, admins) -> None:
    user = users[0]
    name = user["username"]
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    malformed: list[bytes | str] = [
        "Basic !!!not-base64!!!",
        "Basic " + b64(f"{name}{user['password']}".encode()),  # no colon
        "Basic " + b64(f"{name}:{user['password']}".encode())[:-2],  # truncated
        "Bearer " + b64(f"{name}:{user['password']}".encode()),
        "Digest username=\"x\"",
        "",
        "Basic",
        "Basic ",
        "Basic " + "QUFB" * 5000,
        b"Basic " + b64(b"\xff\xfe\xfd:\xc3\x28").encode(),
        b"Basic \xff\xfe\xc3\xa9",
        "basic " + b64(f"{name}:{user['password']}".encode()) + " extra",
    ]
    before = t.snapshot(user)
    for header in malformed:
        reply = t.request("GET", f"/users/{name}", authorization=header)
        expect(reply.status in {401, 400, 431}, f"Authorization {header[:40]!r}: {show(reply)}")
        reply = t.request("PATCH", f"/users/{name}", authorization=header, body={"display_name": "pwned"})
        expect(reply.status in {401, 400, 431}, f"PATCH with Authorization {header[:40]!r}: {show(reply)}")
    unchanged(t, user, before, "malformed Authorization")


def authn_06(t: Target, users, admins) -> None:
    user = users[0]
    path = f"/users/{user['username']}"
    unknown = t.request("GET", path, {"username": "nobody-zz9", "password": user["password"]})
    wrong = t.request("GET", path, user, password="an unrelated wrong password")
    strip = lambda r: {k: v for k, v in r.headers.items() if k != "date"}  # noqa: E731
    expect(
        (unknown.status, unknown.body, strip(unknown)) == (wrong.status, wrong.body, strip(wrong)),
        f"unknown user {show(unknown)} {strip(unknown)} vs wrong password {show(wrong)} {strip(wrong)}",
    )


def authz_01(t: Target, users, admins) -> None:
    actor, victim = users[0], users[1]
    record = t.snapshot(victim) or {}
    secrets = [v for k, v in record.items() if k in ("email", "display_name")]
    paths = [f"/users/{victim['username']}", f"/profile?username={victim['username']}"]
    for path in paths:
        reply = t.request("GET", path, actor)
        expect(reply.status in REFUSED, f"{actor['username']} GET {path}: {show(reply)}")
        expect(not any(s and s in reply.body for s in secrets), f"{path}: body leaks {victim['username']}'s data")
    reply = t.request("GET", f"/profile?username={victim['username']}", admins[0])
    expect(reply.status in REFUSED, f"admin GET /profile of another user (self-only endpoint): {show(reply)}")


def authz_02(t: Target, users, admins) -> None:
    actor, victim = users[0], users[1]
    before = t.snapshot(victim)
    path = f"/users/{victim['username']}"
    for method, body in [("PUT", {"email": "evil@evil.example", "display_name": "evil"}), ("PATCH", {"display_name": "evil"})]:
        reply = t.request(method, path, actor, body=body)
        expect(reply.status in REFUSED, f"{actor['username']} {method} {path}: {show(reply)}")
    unchanged(t, victim, before, "cross-user write")


def authz_03(t: Target, users, admins) -> None:
    actor, victim = users[0], users[1]
    vname, aname = victim["username"], actor["username"]
    claims = [
        ({"X-User": vname}, ""),
        ({"X-Forwarded-User": vname}, ""),
        ({"X-Remote-User": vname}, ""),
        ({"X-Role": "admin"}, ""),
        ({"X-User-Role": "admin"}, ""),
        ({"X-Original-URL": f"/users/{aname}"}, ""),
        ({"X-Rewrite-URL": f"/users/{aname}"}, ""),
        ({}, "?role=admin"),
        ({}, f"?as={vname}"),
        ({}, f"?user={vname}"),
        ({}, "?admin=true"),
    ]
    # Only a refusal can be "turned into" a success: what the plain request already
    # gets through fails AUTHZ-01/02, not this.
    before = t.snapshot(victim)
    get_refused = t.request("GET", f"/users/{vname}", actor).status in REFUSED
    patch_refused = t.request("PATCH", f"/users/{vname}", actor, body={"display_name": "evil"}).status in REFUSED
    if not patch_refused:
        before = t.snapshot(victim)
    for headers, query in claims:
        if get_refused:
            reply = t.request("GET", f"/users/{vname}{query}", actor, headers=headers)
            expect(not 200 <= reply.status < 300, f"GET /users/{vname}{query} {headers}: {show(reply)}")
        if patch_refused:
            reply = t.request("PATCH", f"/users/{vname}{query}", actor, headers=headers, body={"display_name": "evil"})
            expect(not 200 <= reply.status < 300, f"PATCH /users/{vname}{query} {headers}: {show(reply)}")
    if get_refused and patch_refused:
        for override in ["GET", "PATCH", "PUT"]:
            for method in ["POST", "GET", "PATCH"]:
                body = {"display_name": "evil"} if method != "GET" else None
                reply = t.request(method, f"/users/{vname}", actor, headers={"X-HTTP-Method-Override": override}, body=body)
                expect(not 200 <= reply.status < 300, f"{method} + X-HTTP-Method-Override: {override}: {show(reply)}")
                reply = t.request(method, f"/users/{vname}?_method={override}", actor, body=body)
                expect(not 200 <= reply.status < 300, f"{method} ?_method={override}: {show(reply)}")
    if patch_refused:
        unchanged(t, victim, before, "identity claims")


def authz_04(t: Target, users, admins) -> None:
    actor, victim = users[0], users[1]
    v = victim["username"]
    before = t.snapshot(victim)
    secrets = [s for k, s in (before or {}).items() if k in ("email", "display_name")]
    encoded = "".join(f"%{b:02X}" for b in v.encode())
    variants = [
        f"/users/{encoded}", f"/users/{encoded.lower()}", f"/users/{v[0]}%{ord(v[1]):02x}{v[2:]}",
        f"/users/{v.upper()}", f"/USERS/{v}", f"/Users/{v}",
        f"/users/{v}/", f"/users/{v}//", f"//users/{v}", f"/users//{v}",
        f"/users/./{v}", f"/users/{actor['username']}/../{v}", f"/users/%2E/{v}", f"/users/{v}/.",
        f"/users/{v}%2F", f"/users/{v}%00", f"/users/{v};x", f"/users/{v}%20", f"/users/{v}?x=/users/{actor['username']}",
    ]  # fmt: skip
    for path in variants:
        reply = t.request("GET", path, actor)
        ok = 200 <= reply.status < 300 and any(s and s in reply.body for s in secrets)
        expect(not ok, f"{actor['username']} GET {path}: {show(reply)}")
        reply = t.request("PATCH", path, actor, body={"display_name": "evil"})
        expect(not 200 <= reply.status < 300, f"{actor['username']} PATCH {path}: {show(reply)}")
    unchanged(t, victim, before, "path variants")


def authz_05(t: Target, users, admins) -> None:
    for user in users + admins:
        name = user["username"]
        for path in (f"/users/{name}", f"/profile?username={name}"):
            reply = t.request("GET", path, user)
            expect(reply.status == 200, f"{name} GET {path}: {show(reply)}")
            record = reply.json()
            expect(isinstance(record, dict) and record.get("username") == name, f"{path}: not {name}'s record")
        reply = t.request("PATCH", f"/users/{name}", user, body={"display_name": f"self {name}"})
        expect(200 <= reply.status < 300, f"{name} PATCH self: {show(reply)}")
    admin = admins[0]
    for user in users:
        name = user["username"]
        reply = t.request("GET", f"/users/{name}", admin)
        expect(reply.status == 200, f"admin GET /users/{name}: {show(reply)}")
        body = {"email": f"by-admin.{name.replace('-', '_')}@example.com", "display_name": f"set by admin {name}"}
        reply = t.request("PUT", f"/users/{name}", admin, body=body)
        expect(200 <= reply.status < 300, f"admin PUT /users/{name}: {show(reply)}")
        record = t.snapshot(user) or {}
        expect({k: record.get(k) for k in body} == body, f"admin PUT /users/{name} not read back: {record}")
    reply = t.request("GET", "/users/nobody-zz9", admin)
    expect(reply.status == 404, f"admin GET unknown user: {show(reply)}")


def authz_06(t: Target, users, admins) -> None:
    actor = users[0]
    others = users[1:] + admins
    roles = {u["username"]: (t.snapshot(u) or {}).get("role") for u in users + admins}
    for target in [actor] + others:
        path = f"/users/{target['username']}"
        for body in [{"role": "admin"}, {"display_name": "x", "role": "admin"}, {"role": "user"}]:
            t.request("PATCH", path, actor, body=body)
        t.request("PUT", path, actor, body={"email": "r@role.example", "display_name": "r", "role": "admin"})
    after = {u["username"]: (t.snapshot(u) or {}).get("role") for u in users + admins}
    expect(after == roles, f"roles changed by a non-admin: {roles} -> {after}")


def input_01(t: Target, users, admins) -> None:
    user = users[1]
    path = f"/users/{user['username']}"
    before = t.snapshot(user)
    extras = [
        {"role": "admin"}, {"is_admin": True}, {"username": "someone-else"}, {"password": "x"},
        {"__proto__": {"role": "admin"}}, {"Email": "a@b.example"}, {"zq": 1}, {"display_name ": "x"},
    ]  # fmt: skip
    for extra in extras:
        for method, base in [("PATCH", {"display_name": "mass assigned"}), ("PUT", {"email": "mass@assigned.example", "display_name": "mass assigned"})]:
            reply = t.request(method, path, user, body={**base, **extra})
            expect(reply.status in INVALID, f"{method} with {list(extra)}: {show(reply)}")
            unchanged(t, user, before, f"{method} with {list(extra)}")
        reply = t.request("PATCH", path, user, body=extra)
        expect(reply.status in INVALID, f"PATCH {extra}: {show(reply)}")
    unchanged(t, user, before, "unknown keys")


def input_02(t: Target, users, admins) -> None:
    user = users[1]
    path = f"/users/{user['username']}"
    before = t.snapshot(user)
    for raw in [b"[]", b'[{"display_name":"x"}]', b'"text"', b"42", b"null", b"true", b"{bad json", b"", b'{"display_name":', b"\xff\xfe{}", b"[" * 30000, b'{"display_name": NaN}']:
        for method in ("PATCH", "PUT"):
            reply = t.request(method, path, user, raw=raw)
            expect(reply.status in INVALID | {415}, f"{method} body {raw[:20]!r}: {show(reply)}")
    unchanged(t, user, before, "non-object bodies")


def input_03(t: Target, users, admins) -> None:
    user = users[1]
    path = f"/users/{user['username']}"
    before = t.snapshot(user)
    bad = [
        {"email": 5}, {"email": None}, {"email": ["a@b.example"]}, {"email": "no-at-sign"}, {"email": "a@b@c.example"},
        {"email": "a b@c.example"}, {"email": "@c.example"}, {"email": "a@"}, {"email": "a@b.example\n"},
        {"email": "a\u0000@b.example"}, {"email": "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".example"},
        {"email": ""}, {"display_name": ""}, {"display_name": "x" * 65}, {"display_name": "a\u0007b"},
        {"display_name": "a\nb"}, {"display_name": "a\u0085b"}, {"display_name": None}, {"display_name": 7},
        {"display_name": ["x"]}, {"display_name": {"x": 1}}, {"display_name": True},
    ]  # fmt: skip
    for body in bad:
        reply = t.request("PATCH", path, user, body=body)
        expect(reply.status in INVALID, f"PATCH {json.dumps(body)[:60]}: {show(reply)}")
    for body in bad[:3] + bad[13:16]:
        full = {"email": "valid@example.com", "display_name": "valid", **body}
        reply = t.request("PUT", path, user, body=full)
        expect(reply.status in INVALID, f"PUT {json.dumps(full)[:60]}: {show(reply)}")
    unchanged(t, user, before, "invalid values")


def input_04(t: Target, users, admins) -> None:
    user = users[1]
    path = f"/users/{user['username']}"
    cases = [
        ("PATCH", {"email": "first.last+tag@sub-domain.example.co"}),
        ("PATCH", {"display_name": " Zoe\u0308 \U0001f984 e\u0301 "}),
        ("PATCH", {"display_name": "\u00e4" * 64}),
        ("PATCH", {"display_name": "\U0001f600" * 64}),
        ("PATCH", {"display_name": "  spaced  "}),
        ("PUT", {"email": "a_b-c@x-1.y2.example", "display_name": "\u212b\uff21 \u0130"}),
        ("PATCH", {"email": "o" * 64 + "@" + ".".join(["d" * 63] * 2) + ".example", "display_name": "x"}),
    ]
    for method, body in cases:
        before = t.snapshot(user) or {}
        reply = t.request(method, path, user, body=body)
        expect(200 <= reply.status < 300, f"{method} {json.dumps(body)[:70]}: {show(reply)}")
        after = t.snapshot(user) or {}
        expected = {**before, **body}
        expect(after == expected, f"{method} {json.dumps(body)[:70]}: read back {after}, expected {expected}")
    before = t.snapshot(user)
    for body in ({"email": "only@email.example"}, {"display_name": "only name"}, {}):
        reply = t.request("PUT", path, user, body=body)
        expect(400 <= reply.status < 500, f"PUT with only {list(body)}: {show(reply)}")
    reply = t.request("PATCH", path, user, body={})
    expect(400 <= reply.status < 500, f"PATCH {{}}: {show(reply)}")
    unchanged(t, user, before, "partial PUT")


def input_05(t: Target, users, admins) -> None:
    user = users[1]
    path = f"/users/{user['username']}"
    before = t.snapshot(user)
    raw = json.dumps({"display_name": "form"}).encode()
    for ctype in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]:
        reply = t.request("PATCH", path, user, raw=raw, content_type=ctype)
        expect(reply.status in {415, 400}, f"PATCH with Content-Type {ctype}: {show(reply)}")
    unchanged(t, user, before, "non-JSON content type")


def input_06(t: Target, users, admins) -> None:
    user = users[1]
    path = f"/users/{user['username']}"
    before = t.snapshot(user)
    for size in (64 * 1024 + 1, 70 * 1024, 1024 * 1024):
        raw = json.dumps({"display_name": "x", "pad": "y" * size}).encode()
        reply = t.request("PATCH", path, user, raw=raw)
        expect(reply.status in {413, 400}, f"PATCH of {len(raw)} bytes: {show(reply)}")
        raw = json.dumps({"display_name": "x" * size}).encode()
        reply = t.request("PATCH", path, user, raw=raw)
        expect(reply.status in {413, 400}, f"PATCH of {len(raw)} bytes: {show(reply)}")
    unchanged(t, user, before, "huge bodies")


def tls_01(t: Target, users, admins) -> None:
    if t.plain is None:
        return
    user = users[0]
    record = t.snapshot(user) or {}
    secrets = [v for k, v in record.items() if k in ("email", "display_name")]
    for auth in (user, None):
        for path in (f"/users/{user['username']}", f"/profile?username={user['username']}"):
            reply = t.request("GET", path, auth, transport="plain")
            if reply.status == 0:
                continue  # closed: fine
            redirect = 300 <= reply.status < 400 and reply.headers.get("location", "").startswith("https://")
            expect(redirect or 400 <= reply.status < 500, f"plain GET {path}: {show(reply)}")
            expect(not any(s and s in reply.body for s in secrets), f"plain GET {path}: body has field values")


def tls_02(t: Target, users, admins) -> None:
    if t.plain is None:
        return
    user, admin = users[0], admins[0]
    before = t.snapshot(user)
    for actor in (user, admin):
        t.request("PATCH", f"/users/{user['username']}", actor, body={"display_name": "over plain http"}, transport="plain")
        t.request("PUT", f"/users/{user['username']}", actor, body={"email": "plain@http.example", "display_name": "plain"}, transport="plain")
    unchanged(t, user, before, "writes over plain HTTP")


def tls_03(t: Target, users, admins) -> None:
    user = users[0]
    base = urllib.parse.urlsplit(t.tls)
    token = base64.b64encode(f"{user['username']}:{user['password']}".encode()).decode()
    request = (
        f"GET /users/{user['username']} HTTP/1.1\r\nHost: {base.hostname}\r\n"
        f"Authorization: Basic {token}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((base.hostname, base.port), timeout=t.timeout) as sock:
        sock.sendall(request)
        data = b""
        try:
            while chunk := sock.recv(4096):
                data += chunk
        except OSError:
            pass
    expect(not data.startswith((b"HTTP/1.1 2", b"HTTP/1.0 2")), f"plain HTTP to the TLS port answered {data[:60]!r}")


def tls_04(t: Target, users, admins) -> None:
    base = urllib.parse.urlsplit(t.tls)

    def handshake(version: ssl.TLSVersion) -> str | None:
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # TLSv1, TLSv1_1
        ctx = t.context()
        ctx.minimum_version = ctx.maximum_version = version
        if version < ssl.TLSVersion.TLSv1_2:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        try:
            with socket.create_connection((base.hostname, base.port), timeout=t.timeout) as sock:
                with ctx.wrap_socket(sock, server_hostname=base.hostname) as tls:
                    return tls.version()
        except (ssl.SSLError, OSError):
            return None

    for version in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        got = handshake(version)
        expect(got is None, f"{version.name} handshake succeeded ({got})")
    expect(handshake(ssl.TLSVersion.TLSv1_2) == "TLSv1.2", "TLS 1.2 handshake failed")


def tls_05(t: Target, users, admins) -> None:
    for reply in t.replies:
        if reply.transport != "tls" or reply.status == 0:
            continue
        hsts = reply.headers.get("strict-transport-security", "")
        age = next((p.split("=", 1)[1] for p in hsts.replace(" ", "").split(";") if p.lower().startswith("max-age=")), "")
        expect(age.isdigit() and int(age) >= 15552000, f"HTTPS {show(reply)} has HSTS {hsts!r}")


def tls_06(t: Target, users, admins) -> None:
    if t.plain is None:
        return
    user = users[0]
    for method, body in (("GET", None), ("PATCH", {"display_name": "x"})):
        reply = t.request(method, f"/users/{user['username']}", user, body=body, transport="plain")
        expect(reply.status == 0 or 400 <= reply.status < 500, f"plain {method} with credentials: {show(reply)}")


def cache_01(t: Target, users, admins) -> None:
    for reply in t.replies:
        if not reply.authenticated or reply.status == 0 or reply.transport != "tls":
            continue
        directives = {d.strip().lower().split("=")[0] for d in reply.headers.get("cache-control", "").split(",")}
        ok = "public" not in directives and ("no-store" in directives or {"private", "no-cache"} <= directives)
        expect(ok, f"{show(reply)} has Cache-Control {reply.headers.get('cache-control')!r}")


def err_01(t: Target, users, admins) -> None:
    for reply in t.replies:
        expect(not 500 <= reply.status < 600, f"5xx: {show(reply)}")


def err_02(t: Target, users, admins) -> None:
    markers = ("Traceback (most recent call last)", 'File "/', "Werkzeug Debugger", "__traceback_hide__")
    for reply in t.replies:
        expect(not any(m in reply.body for m in markers), f"stack trace in {show(reply)}")


def model_01(t: Target, users, admins) -> None:
    a, b = users[0], users[1]
    admin = admins[0]
    bpath = f"/users/{b['username']}"
    # 1. An admin's write to b, then a (not admin) reads and writes b: refused.
    reply = t.request("PATCH", bpath, admin, body={"display_name": "model step 1"})
    expect(200 <= reply.status < 300, f"admin PATCH b: {show(reply)}")
    reply = t.request("GET", bpath, a)
    expect(reply.status in REFUSED, f"after admin PATCH b, a GET b: {show(reply)}")
    t.request("PATCH", bpath, b, body={"display_name": "model step 2"})
    reply = t.request("PATCH", bpath, a, body={"display_name": "a was here"})
    expect(reply.status in REFUSED, f"after b PATCH b, a PATCH b: {show(reply)}")
    # 2. Interleaved writes by b and the admin: the last write of each field wins.
    t.snapshot(b)
    t.request("PATCH", bpath, admin, body={"display_name": "admin wrote this"})
    t.request("PATCH", bpath, b, body={"email": "b.model@example.com"})
    record = t.snapshot(b) or {}
    expect(
        record.get("display_name") == "admin wrote this" and record.get("email") == "b.model@example.com",
        f"after interleaved PATCHes b reads {record}",
    )
    # 3. Reads through both endpoints after writes: still refused across users.
    t.request("PATCH", bpath, b, body={"display_name": "model step 3"})
    reply = t.request("GET", f"/profile?username={b['username']}", a)
    expect(reply.status in REFUSED, f"after b PATCH b, a GET /profile?username=b: {show(reply)}")
    # 3b. The same valid write twice succeeds twice.
    for _ in range(2):
        reply = t.request("PATCH", bpath, b, body={"display_name": "same twice"})
        expect(200 <= reply.status < 300, f"repeated PATCH: {show(reply)}")
    # 4. A refused write changes nothing; a valid one after it is applied.
    before = t.snapshot(b)
    reply = t.request("PATCH", bpath, b, body={"display_name": "sneaky", "role": "admin"})
    expect(reply.status in INVALID, f"PATCH with role: {show(reply)}")
    expect(t.snapshot(b) == before, f"a refused PATCH changed the record: {before} -> {t.snapshot(b)}")
    t.request("PATCH", bpath, b, body={"display_name": "x", "role": "admin"})
    reply = t.request("PATCH", bpath, b, body={"display_name": "after refusal"})
    record = t.snapshot(b) or {}
    expect(record.get("display_name") == "after refusal", f"after a refused then a valid PATCH: {record}")
    # 5. A write over plain HTTP, then a read over HTTPS: nothing changed.
    if t.plain is not None:
        before = t.snapshot(b)
        reply = t.request("PATCH", bpath, b, body={"display_name": "plain write"}, transport="plain")
        expect(not 200 <= reply.status < 300, f"PATCH over plain HTTP: {show(reply)}")
        expect(t.snapshot(b) == before, "a PATCH over plain HTTP changed the record")


# Order: stateless first, state-corrupting ones (mass assignment, role writes) last.
ORDER = [
    ("TLS-04", tls_04), ("TLS-03", tls_03), ("AUTHN-01", authn_01), ("AUTHN-02", authn_02),
    ("AUTHN-03", authn_03), ("AUTHN-04", authn_04), ("AUTHN-05", authn_05), ("AUTHN-06", authn_06),
    ("AUTHZ-01", authz_01), ("AUTHZ-02", authz_02), ("AUTHZ-03", authz_03), ("AUTHZ-04", authz_04),
    ("AUTHZ-05", authz_05), ("MODEL-01", model_01), ("INPUT-02", input_02), ("INPUT-03", input_03),
    ("INPUT-04", input_04), ("INPUT-05", input_05), ("INPUT-06", input_06), ("TLS-01", tls_01),
    ("TLS-02", tls_02), ("TLS-06", tls_06), ("INPUT-01", input_01), ("AUTHZ-06", authz_06),
    ("TLS-05", tls_05), ("CACHE-01", cache_01), ("ERR-01", err_01), ("ERR-02", err_02),
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tls", required=True)
    parser.add_argument("--plain")
    parser.add_argument("--ca", required=True)
    parser.add_argument("--users", required=True)
    parser.add_argument("--expect", default=None, help="comma-separated expect.fails of the target")
    args = parser.parse_args()
    with open(args.users, encoding="utf-8") as file:
        everyone = json.load(file)["users"]
    users = [u for u in everyone if u["role"] != "admin"]
    admins = [u for u in everyone if u["role"] == "admin"]
    t = Target(args.tls, args.plain, args.ca, everyone)
    # Like the suite, probe with identities that can log in: a requirement whose actors
    # cannot authenticate is inconclusive, not failed (CONTRACT.md section 5).
    working = [u for u in everyone if t.request("GET", f"/users/{u['username']}", u).status == 200]
    t.replies.clear()
    w_users = [u for u in working if u["role"] != "admin"]
    w_admins = [u for u in working if u["role"] == "admin"]
    failed, undecided = [], []
    for requirement, check in ORDER:
        every_identity = requirement in ("AUTHN-01", "AUTHZ-05", "TLS-03", "TLS-04")
        if not every_identity and (len(w_users) < 2 or not w_admins):
            undecided.append(requirement)
            print(f"  ----  {requirement}: inconclusive, too few identities can log in")
            continue
        try:
            check(t, *((users, admins) if every_identity else (w_users, w_admins)))
            print(f"  pass  {requirement}")
        except Failed as failure:
            failed.append(requirement)
            level = "warn" if requirement in SHOULD else "FAIL"
            print(f"  {level}  {requirement}: {failure}")
        except Exception as error:  # a bug in this script, or a target that hangs
            failed.append(requirement)
            print(f"  FAIL  {requirement}: check crashed: {error!r}")
    if args.expect is None:
        return 1 if any(r not in SHOULD for r in failed) else 0
    expected = {e for e in args.expect.split(",") if e} - set(undecided)
    got = set(failed)
    if undecided:
        print(f"inconclusive (not compared): {undecided}")
    print(f"expected fails: {sorted(expected)}")
    print(f"observed fails: {sorted(got)}")
    if expected == got:
        print("smoke: as expected")
        return 0
    if expected - got:
        print(f"smoke: NOT observed: {sorted(expected - got)}")
    if got - expected:
        print(f"smoke: unexpected: {sorted(got - expected)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
