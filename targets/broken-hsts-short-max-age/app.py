"""broken-hsts-short-max-age: HSTS is sent with max-age of one day.

Planted defect: the Strict-Transport-Security value copied from a "try it first"
tutorial: max-age=86400. Browsers forget it after a day and the next visit starts over
plain HTTP. The contract asks for at least 180 days.
Must fail: TLS-05.
"""

from baip_reference import app as reference

_reference_headers = reference.add_security_headers


def add_security_headers(response):
    response = _reference_headers(response)
    response.headers["Strict-Transport-Security"] = "max-age=86400"  # DEFECT
    return response


reference.add_security_headers = add_security_headers
create_app = reference.create_app
