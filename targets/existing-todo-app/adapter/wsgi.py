"""The WSGI entry point: the app, wrapped with the headers an HTTPS API must send.

    gunicorn --config python:adapter.gunicorn_conf adapter.wsgi:application
"""

from . import make_app

HSTS = "max-age=31536000"
# Every answer is personal data or about a login: no cache may keep it.
CACHE_CONTROL = "no-store"
# Most of a body the app refused unread (401, 404, 413...) that is read and dropped.
MAX_DRAINED_BYTES = 4 * 1024 * 1024


class DeploymentHeaders:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers = [
                (name, value)
                for name, value in headers
                if name.lower() not in ("strict-transport-security", "cache-control")
            ]
            headers.append(("Strict-Transport-Security", HSTS))
            headers.append(("Cache-Control", CACHE_CONTROL))
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start)
        finally:
            _drain(environ["wsgi.input"])


def _drain(stream):
    # A connection closed with unread request bytes is reset by the kernel, and the
    # client may lose the answer (a 413 arriving as a broken connection).
    remaining = MAX_DRAINED_BYTES
    try:
        while remaining > 0:
            chunk = stream.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)
    except Exception:  # the client went away or sent a broken body: nothing to save
        pass


app = make_app()
app.wsgi_app = DeploymentHeaders(app.wsgi_app)
application = app
