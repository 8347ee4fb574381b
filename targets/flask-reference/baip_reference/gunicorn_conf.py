"""gunicorn settings: HTTPS on 8443, one process, and the optional plain-HTTP refusal.

Used as ``python3 -m gunicorn --config python:baip_reference.gunicorn_conf APP``.
gunicorn 20.1 (Debian bookworm) is assumed: it has no ``ssl_context`` hook (that came in
21.0), so the TLS floor is set where every OpenSSL context of the process gets it, in
the OpenSSL configuration named by the OPENSSL_CONF environment variable (see
``openssl.cnf`` beside this file), and checked below before the server starts.
"""

import logging
import os
import ssl
import sys
import threading

# docs/SPEC.md section 2: HTTPS on container port 8443 with the mounted certificate.
bind = ["0.0.0.0:8443"]
certfile = os.environ.get("BAIP_TLS_CERT", "/run/conformance/tls/cert.pem")
keyfile = os.environ.get("BAIP_TLS_KEY", "/run/conformance/tls/key.pem")
ssl_version = "TLS_SERVER"  # negotiate the highest version both sides have (TLS-04)

# The store is in memory: exactly one worker process, so every request sees the same
# records. Threads give concurrency; UserStore.update is atomic under a lock.
workers = 1
worker_class = "gthread"
threads = 8
# The root file system is read-only; gunicorn's heartbeat file goes to the tmpfs.
worker_tmp_dir = "/tmp"
timeout = 30
graceful_timeout = 10
keepalive = 5

# Let the application, not gunicorn, answer oversized Authorization headers: gunicorn's
# own error page carries none of the security headers. Beyond these limits gunicorn
# answers a bare 400 itself.
limit_request_field_size = 131072
limit_request_line = 8190
# Proxy headers are trusted from nobody: the service is reached directly.
forwarded_allow_ips = ""

accesslog = "-"
# gunicorn's default format logs the Basic user name (%(u)s), even for failed attempts;
# people type passwords into that field, so it is left out.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss'
errorlog = "-"
loglevel = "info"
logging.basicConfig(
    level=logging.INFO,
    stream=sys.stderr,
    format="%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s",
)

# The plain-HTTP listener, if the deployment declares one (target.yaml `plaintext`).
PLAINTEXT_PORT = os.environ.get("BAIP_PLAINTEXT_PORT", "")
PLAINTEXT_APP = os.environ.get("BAIP_PLAINTEXT_APP", "baip_reference.plaintext:app")
PLAINTEXT_MAX_BODY = 64 * 1024


def on_starting(server):
    """Refuse to start unless TLS 1.0 and 1.1 are off (TLS-04)."""
    floor = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).minimum_version
    if floor not in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        server.log.error(
            "TLS minimum version is %s, expected TLS 1.2 or newer: set OPENSSL_CONF to "
            "baip_reference/openssl.cnf",
            floor.name,
        )
        sys.exit(1)


def post_worker_init(worker):
    """Serve the plain-HTTP app on its own port, in a thread of the (single) worker."""
    if not PLAINTEXT_PORT:
        return
    # Imported here: only deployments with a plaintext port need waitress.
    import waitress.server
    from gunicorn.util import import_app

    app = import_app(PLAINTEXT_APP)
    server = waitress.server.create_server(
        app,
        host="0.0.0.0",
        port=int(PLAINTEXT_PORT),
        threads=2,
        max_request_body_size=PLAINTEXT_MAX_BODY,
        ident="baip",
    )
    threading.Thread(target=server.run, name="plaintext-http", daemon=True).start()
    worker.log.info("plain HTTP on port %s serves %s", PLAINTEXT_PORT, PLAINTEXT_APP)
