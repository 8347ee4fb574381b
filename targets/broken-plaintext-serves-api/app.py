"""broken-plaintext-serves-api: the plain-HTTP port serves the whole API.

Planted defect: port 8080 was opened "for the internal load balancer's health checks"
and serves the same application as the HTTPS port: reads and writes work over plain
HTTP, credentials and personal data cross the network in clear (CWE-319).
Must fail: TLS-01, TLS-02, TLS-06, MODEL-01.
"""

from baip_reference.app import create_app

# One application object for both ports (gunicorn: target_app:application, plain HTTP:
# BAIP_PLAINTEXT_APP=target_app:application), so both share one store.
application = create_app()
