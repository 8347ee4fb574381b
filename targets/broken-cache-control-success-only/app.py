"""broken-cache-control-success-only: error responses carry no Cache-Control.

Planted defect: Cache-Control: no-store is set in the success path only; 4xx answers
to authenticated requests (403, 400, 404, ...) go out without it, and caches may keep
them under heuristic freshness.
Must fail: CACHE-01.
"""

from baip_reference import app as reference

_reference_headers = reference.add_security_headers


def add_security_headers(response):
    response = _reference_headers(response)
    if response.status_code >= 400:
        del response.headers["Cache-Control"]  # DEFECT
    return response


reference.add_security_headers = add_security_headers
create_app = reference.create_app
