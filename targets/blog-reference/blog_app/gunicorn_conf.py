"""gunicorn 20.1 settings: HTTPS on 8443 in one process, plain HTTP on 8080 refused.

``python3 -m gunicorn --config python:blog_app.gunicorn_conf 'blog_app.web:create_app()'``
"""

import os
import ssl
import sys
import threading

bind = ["0.0.0.0:8443"]
certfile = "/run/conformance/tls/cert.pem"
keyfile = "/run/conformance/tls/key.pem"
# Highest version both sides support; the floor comes from openssl.cnf (see there).
ssl_version = ssl.PROTOCOL_TLS_SERVER

# Posts live in this process's memory: one worker, so all requests share one store.
workers = 1
worker_class = "gthread"
threads = 8
worker_tmp_dir = "/tmp"  # the root file system is read-only
timeout = 30
keepalive = 5
# Oversized Authorization headers (the suite sends up to 64 KiB of credentials, about
# 88 KiB of base64) reach the app, which answers them with the usual 401 and security
# headers, instead of gunicorn's bare 400 without HSTS.
limit_request_field_size = 131072
limit_request_line = 8190  # gunicorn's maximum; longer lines get its bare 400
forwarded_allow_ips = ""  # no proxy is trusted to speak for the client

accesslog = "-"
# Without %(u)s: the Basic user name of failed logins is often a mistyped password.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss'
errorlog = "-"

PLAIN_PORT = os.environ.get("BLOG_PLAINTEXT_PORT", "")


def on_starting(server):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if context.minimum_version not in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        server.log.error("TLS floor is %s: OPENSSL_CONF must name blog_app/openssl.cnf",
                         context.minimum_version.name)
        sys.exit(1)


def post_worker_init(worker):
    if not PLAIN_PORT:
        return
    # waitress in a thread of the one worker: gunicorn would give the port TLS too.
    import waitress.server

    from blog_app import plain

    server = waitress.server.create_server(
        plain.app, host="0.0.0.0", port=int(PLAIN_PORT), threads=2,
        max_request_body_size=64 * 1024, ident="blog",
    )
    threading.Thread(target=server.run, name="plain-http", daemon=True).start()
