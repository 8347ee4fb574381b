"""blog-reference: a blog API of owned posts behind HTTP Basic auth (BAIP/2, docs/SPEC.md 1b).

A request passes through the modules in this order:

- ``credentials``  who is asking: RFC 7617 parsing, constant-time password check
- ``access``       may they do it: one table of audiences per operation
- ``fields``       is the body acceptable: 415/413/400, strict allow-list, exact bounds
- ``posts``        the in-memory post store: ids assigned here, writes all-or-nothing
- ``web``          the Flask app: routes, JSON errors, security headers

``accounts`` seeds the identities from users.json; ``plain`` is the whole application of
the plain-HTTP port (refuses everything); ``gunicorn_conf`` holds the TLS settings.
"""
