"""broken-cache-control-public: successful reads are marked cacheable by shared caches.

Planted defect: "Cache-Control: public, max-age=300" on 200 responses to speed up the
profile page through the CDN. A shared cache may then serve one user's record to
another (CWE-524).
Must fail: CACHE-01.
"""

from flask import request

from baip_reference import app as reference

_reference_headers = reference.add_security_headers


def add_security_headers(response):
    response = _reference_headers(response)
    if request.method == "GET" and response.status_code == 200:
        response.headers["Cache-Control"] = "public, max-age=300"  # DEFECT
    return response


reference.add_security_headers = add_security_headers
create_app = reference.create_app
