"""gunicorn settings: HTTPS only, on 8443, with the harness's certificate.

No plain-HTTP listener at all. The TLS 1.2 floor comes from openssl.cnf (see there),
and ``on_starting`` refuses to serve if that file was not read.
"""

import os
import ssl
import sys

bind = ["0.0.0.0:8443"]
certfile = os.environ.get("TODO_TLS_CERT", "/run/conformance/tls/cert.pem")
keyfile = os.environ.get("TODO_TLS_KEY", "/run/conformance/tls/key.pem")
ssl_version = "TLS_SERVER"

# One process owns the SQLite file; its threads serve requests concurrently.
workers = 1
worker_class = "gthread"
threads = 4
worker_tmp_dir = "/tmp"  # the root file system is read-only
timeout = 30
graceful_timeout = 10

# gunicorn's own 400 for a long header carries none of the adapter's headers; let the
# app see oversized Authorization headers and answer them (401) itself.
limit_request_field_size = 131072
limit_request_line = 8190
forwarded_allow_ips = ""  # no proxy in front: X-Forwarded-* is trusted from nobody

accesslog = "-"
# Without %(u)s: the Basic user name field sometimes holds a mistyped password.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss'
errorlog = "-"


def on_starting(server):
    floor = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).minimum_version
    if floor not in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        server.log.error("TLS floor is %s: set OPENSSL_CONF to adapter/openssl.cnf", floor.name)
        sys.exit(1)
    from adapter.seed import seed

    server.log.info("seeded %d users into the to-do database", seed())
