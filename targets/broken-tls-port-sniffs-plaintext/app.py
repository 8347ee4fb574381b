"""broken-tls-port-sniffs-plaintext: the HTTPS port also answers plain HTTP.

Planted defect: a "port sharing" front end (the idea of sslh or of servers that sniff
the first byte) looks at the first byte of each connection: a TLS handshake record
(0x16) is wrapped in TLS, anything else is served as plain HTTP on the same port. A
client that forgets the "s" in https:// gets answers, and sends its credentials, in
clear.
Must fail: TLS-03.

Served by Werkzeug's threaded server (gunicorn cannot sniff), with the reference
application and the reference plain-HTTP refusal on port 8080.
"""

import os
import socket
import ssl
import threading

import waitress.server
from werkzeug.serving import ThreadedWSGIServer

from baip_reference import plaintext
from baip_reference.app import create_app

TLS_RECORD_HANDSHAKE = b"\x16"


class SniffingServer(ThreadedWSGIServer):
    def __init__(self, host, port, app, context):
        super().__init__(host, port, app)  # the listening socket stays plain
        self.tls_context = context

    def finish_request(self, request, client_address):  # runs in the connection's thread
        request.settimeout(30)
        try:
            first = request.recv(1, socket.MSG_PEEK)
            if first == TLS_RECORD_HANDSHAKE:
                request = self.tls_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        # DEFECT: anything else is served as plain HTTP.
        try:
            self.RequestHandlerClass(request, client_address, self)
        finally:
            request.close()


def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain("/run/conformance/tls/cert.pem", "/run/conformance/tls/key.pem")
    app = create_app()
    plain = waitress.server.create_server(plaintext.app, host="0.0.0.0", port=8080, threads=2)
    threading.Thread(target=plain.run, daemon=True).start()
    print("serving https://0.0.0.0:8443 (and plain HTTP on the same port), refusal on 8080", flush=True)
    SniffingServer("0.0.0.0", int(os.environ.get("PORT", "8443")), app, context).serve_forever()


if __name__ == "__main__":
    main()
