"""notes-reference: a self-service notes API behind HTTP Basic auth (BAIP/2 compliant).

Anyone may sign up; each identity then reads and renames its own account and keeps
private notes. There is no administrator: nobody, whatever they send, sees or touches
another identity's account or notes.

Modules, in the order a request meets them:

- ``credentials``  who is asking: RFC 7617 parsing, login by e-mail (ASCII case folded)
- ``policy``       may they do it: owner only, and which notes a list shows
- ``bodies``       is the body acceptable: 415 / 413 / 400, strict allow-lists
- ``store``        accounts and notes in memory, every change under one lock
- ``app``          the routes, the security headers on every response
- ``errors``       JSON errors, the one 401 with its challenge, a bare 500
- ``gunicorn_conf``, ``openssl.cnf``  HTTPS on 8443 with TLS 1.2 as the floor
"""
