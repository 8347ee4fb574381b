"""broken-tls-legacy-protocols: TLS 1.0 and 1.1 handshakes succeed.

Planted defect (deployment, not code): the reference gunicorn settings with a legacy
cipher string, the TLS 1.2 start-up check removed, and openssl.cnf (beside this file)
allowing TLS 1.0 at security level 0. TLS 1.0/1.1 are deprecated (RFC 8996).
Must fail: TLS-04.
"""

from baip_reference.gunicorn_conf import *  # noqa: F403

# DEFECT: Python's default cipher list pins security level 2, which refuses the
# handshakes of TLS 1.0/1.1; this re-opens them.
ciphers = "DEFAULT:@SECLEVEL=0"


def on_starting(server):
    """DEFECT: the reference refuses to start below TLS 1.2; this check was removed."""
