"""Fault targets of the reliability tests (reliability/faults.test.ts): a tiny HTTPS server
that follows docs/SPEC.md section 2 far enough to boot (TLS on 8443 with the mounted
certificate, users.json read at start-up) and then misbehaves in one planted way.

``GET /`` (the harness's readiness probe) answers 404 like a real service, except in
modes that break readiness itself; the API paths (/users/..., /profile) get the fault.
Usage: ``python3 fault_server.py MODE`` with MODE one of:

  hang          accept API requests and never answer them (the connection stays open)
  slow-drip     answer API requests one byte every 0.5 s (a response takes minutes)
  cut-off       send the head and part of the body of API responses, then close
  malformed     answer API requests with bytes that are not valid HTTP/1.1
  huge-body     answer every request (readiness too) with a 50 MiB body
  never-ready   complete TLS handshakes but never answer any request

asyncio on one thread: hanging connections cost no thread (the container's pids limit
is 128), and nothing here comes from outside the Python standard library.
"""

import asyncio
import json
import ssl
import sys

CERT = "/run/conformance/tls/cert.pem"
KEY = "/run/conformance/tls/key.pem"
USERS = "/run/conformance/users.json"
PORT = 8443
HUGE = 50 * 1024 * 1024

MODE = sys.argv[1] if len(sys.argv) > 1 else ""
MODES = {"hang", "slow-drip", "cut-off", "malformed", "huge-body", "never-ready"}


def response(status, reason, body, extra=()):
    head = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}",
            "Content-Type: application/json", "Cache-Control: no-store", *extra, "", ""]
    return "\r\n".join(head).encode("latin-1") + body


async def read_request(reader):
    """(method, path, keep_alive) of the next request, its body read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or "0")
    if length > 0:
        await reader.readexactly(length)
    return method, path, headers.get("connection", "").lower() != "close"


async def fault(writer, path):
    """The planted fault, for one API request. Returns False to close the connection."""
    body = json.dumps({"username": path.rsplit("/", 1)[-1], "role": "user"}).encode()
    if MODE == "hang":
        await asyncio.sleep(3600)
        return False
    if MODE == "slow-drip":
        for byte in response(200, "OK", body):
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.5)
        return True
    if MODE == "cut-off":
        whole = response(200, "OK", body + b" " * 4096)
        writer.write(whole[: len(whole) // 2])
        await writer.drain()
        return False
    if MODE == "malformed":
        writer.write(b"HTTP/1.1 2OO OK\r\nContent-Length: banana\r\n\x00\x01 not a header\r\n\r\n{")
        await writer.drain()
        return False
    raise AssertionError(MODE)


async def huge(writer):
    writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {HUGE}\r\nContent-Type: application/json\r\n"
                 "Cache-Control: no-store\r\n\r\n".encode("latin-1"))
    chunk = b" " * (1024 * 1024)
    for _ in range(HUGE // len(chunk)):
        writer.write(chunk)
        await writer.drain()


async def handle(reader, writer):
    try:
        while True:
            method, path, keep_alive = await read_request(reader)
            if MODE == "never-ready":
                await asyncio.sleep(3600)
                return
            if MODE == "huge-body":
                await huge(writer)
            elif path.startswith(("/users", "/profile")):
                if not await fault(writer, path):
                    return
            else:
                writer.write(response(404, "Not Found", b'{"error": "not found"}'))
                await writer.drain()
            if not keep_alive:
                return
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, ValueError, OSError):
        pass
    finally:
        writer.close()


async def main():
    if MODE not in MODES:
        sys.exit(f"fault_server.py: unknown mode {MODE!r} (one of {', '.join(sorted(MODES))})")
    with open(USERS, encoding="utf-8") as f:
        users = json.load(f)["users"]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(CERT, KEY)
    server = await asyncio.start_server(handle, "0.0.0.0", PORT, ssl=context,
                                        ssl_handshake_timeout=10)
    print(f"fault target {MODE!r}: {len(users)} users, HTTPS on {PORT}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
