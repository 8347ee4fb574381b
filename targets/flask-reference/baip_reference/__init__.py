"""BAIP/1 reference target: a Flask API protected by HTTP Basic auth that gets it right.

Modules, in the order a request meets them:

- ``basic_auth``  who is asking (RFC 7617), AUTHN-01..06
- ``policy``      may they do it (self or admin), AUTHZ-01..06
- ``validation``  is the body acceptable (strict allow-list), INPUT-01..06
- ``users``       the in-memory store, seeded from users.json, updated atomically
- ``app``         the Flask app: routes, error handlers, security headers
- ``plaintext``   the refusal-only app for the plain-HTTP port, TLS-01/02/06
- ``gunicorn_conf`` TLS and server settings, TLS-03/04
"""
