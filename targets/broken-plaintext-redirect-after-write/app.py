"""broken-plaintext-redirect-after-write: plain HTTP is redirected, after the request ran.

Planted defect: "force HTTPS" was written as an after_request hook instead of a
before_request one. Every plain-HTTP request is answered with a 301 to https://, but
only after the view ran: a PUT or PATCH sent in clear has already been applied.
Must fail: TLS-02, TLS-06, MODEL-01.
"""

from flask import Response, request

from baip_reference.app import create_app


def force_https(response):
    if request.scheme == "http":  # DEFECT: the view has already run
        redirect = Response(status=301)
        redirect.headers["Location"] = "https://" + request.host.split(":")[0] + request.full_path.rstrip("?")
        return redirect
    return response


# One application object for both ports, so both share one store.
application = create_app()
application.after_request(force_https)
