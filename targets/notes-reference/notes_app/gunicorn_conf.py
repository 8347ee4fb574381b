"""gunicorn 20.1 settings: HTTPS only on 8443, one worker process, quiet about users.

Use: ``python3 -m gunicorn --config python:notes_app.gunicorn_conf 'notes_app.app:create_app()'``.
There is no plain-HTTP listener at all: nothing to refuse, nothing to leak.
"""

import logging
import os
import ssl
import sys

bind = ["0.0.0.0:8443"]
certfile = os.environ.get("NOTES_TLS_CERT", "/run/conformance/tls/cert.pem")
keyfile = os.environ.get("NOTES_TLS_KEY", "/run/conformance/tls/key.pem")
ssl_version = ssl.PROTOCOL_TLS_SERVER  # the highest both sides speak; the floor: openssl.cnf

# All state is in this process's memory: one worker, threads for concurrency.
workers = 1
worker_class = "gthread"
threads = 8
worker_tmp_dir = "/tmp"  # the root file system is read-only
timeout = 30
graceful_timeout = 5
keepalive = 5

# gunicorn answers headers over its limits with a bare 400 that lacks HSTS and
# Cache-Control. Let lines of up to 96 KiB through, so that the application answers an
# oversized Authorization header itself (credentials.MAX_HEADER_CHARS), with its
# headers. The request line keeps gunicorn's own maximum.
limit_request_field_size = 96 * 1024
limit_request_line = 8190
forwarded_allow_ips = ""  # no proxy in front: X-Forwarded-* is never trusted

# The default access log format includes %(u)s, the Basic user-id, even for failed
# logins, where it is sometimes a mistyped password.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus'
errorlog = "-"
loglevel = "info"
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def on_starting(server):
    """Do not serve at all unless new TLS contexts refuse TLS 1.0 and 1.1."""
    floor = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).minimum_version
    if floor < ssl.TLSVersion.TLSv1_2:
        server.log.error("TLS floor is %s; point OPENSSL_CONF at notes_app/openssl.cnf", floor.name)
        sys.exit(1)
