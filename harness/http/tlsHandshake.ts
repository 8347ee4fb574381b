// One TLS handshake with the protocol version pinned, for TLS-04 ("TLS 1.0 and 1.1
// handshakes are refused; TLS 1.2 or newer succeeds").
//
// Telling the server's refusal from the client's inability to offer:
// - Node 20 links OpenSSL 3, whose default security level (1) forbids the SHA-1/MD5
//   signature algorithms TLS 1.0 and 1.1 need. With it, a client pinned to TLS 1.0
//   sends a ClientHello, the server may *accept* (send ServerHello and certificate), and
//   the client then aborts with "legacy sigalg disallowed": a legacy-accepting server
//   would look like it refused. So legacy versions are offered with
//   `ciphers: "DEFAULT@SECLEVEL=0"`, which lets the client complete such a handshake.
// - The handshake runs over a TCP socket we open ourselves, so its byte counters say
//   what happened on the wire: nothing written means the client never offered
//   (`refusedBy: "client"`, the result says nothing about the server); a ClientHello
//   written and then a TLS alert, a ServerHello with another version, or a close/reset
//   from the peer means the server refused (`refusedBy: "server"`). Any other failure
//   after the server answered (certificate, signature) is the client's (`"client"`).
// - The certificate is not required to verify (the question is the protocol version,
//   and nothing secret is sent): `authorized` reports whether it did against `ca`.

import net from "node:net";
import tls from "node:tls";

export type TlsVersion = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

export interface TlsHandshakeOptions {
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  /** Default 5000 ms. */
  timeoutMs?: number;
}

export interface TlsHandshakeResult {
  /** The handshake completed. */
  ok: boolean;
  /** Negotiated protocol (`TLSv1.2`...), when ok. */
  protocol?: string;
  /** What went wrong, when not ok (error code and message). */
  error?: string;
  /** When not ok: which side ended the handshake (see the header of this file). */
  refusedBy?: "server" | "client";
  /** Whether the certificate verified against `ca` (when ok). */
  authorized?: boolean;
}

const LEGACY: ReadonlySet<TlsVersion> = new Set(["TLSv1", "TLSv1.1"]);
/** Error codes meaning the peer refused: an alert it sent, or a version it chose. */
const SERVER_REFUSAL =
  /^(ERR_SSL_(TLSV1|SSLV3)_ALERT_|ERR_SSL_UNSUPPORTED_PROTOCOL$|ERR_SSL_WRONG_VERSION_NUMBER$|ERR_SSL_UNEXPECTED_EOF|ECONNRESET$|EPIPE$)/;

export function tlsHandshake(
  endpoint: { host: string; port: number },
  ca: string,
  options: TlsHandshakeOptions,
): Promise<TlsHandshakeResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    const raw = net.connect({ host: endpoint.host, port: endpoint.port });
    let secure: tls.TLSSocket | undefined;
    let done = false;
    const finish = (result: TlsHandshakeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      secure?.destroy();
      raw.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          error: `TIMEOUT: no handshake within ${timeoutMs} ms`,
          refusedBy: raw.bytesWritten > 0 ? "server" : "client",
        }),
      timeoutMs,
    );
    raw.once("error", (err: NodeJS.ErrnoException) =>
      finish({ ok: false, error: `${err.code ?? "ERROR"}: ${err.message}`, refusedBy: "server" }),
    );
    raw.once("connect", () => {
      const legacy = LEGACY.has(options.minVersion) || LEGACY.has(options.maxVersion);
      secure = tls.connect({
        socket: raw,
        ca,
        rejectUnauthorized: false,
        minVersion: options.minVersion,
        maxVersion: options.maxVersion,
        ...(legacy ? { ciphers: "DEFAULT@SECLEVEL=0" } : {}),
        ...(net.isIP(endpoint.host) ? {} : { servername: endpoint.host }),
      });
      secure.once("secureConnect", () => {
        const s = secure!;
        finish({ ok: true, protocol: s.getProtocol() ?? undefined, authorized: s.authorized });
      });
      secure.once("error", (err: NodeJS.ErrnoException) => {
        const code = err.code ?? "ERROR";
        const offered = raw.bytesWritten > 0;
        const serverSpoke = raw.bytesRead > 0;
        const byServer = offered && (SERVER_REFUSAL.test(code) || !serverSpoke);
        finish({
          ok: false,
          error: `${code}: ${err.message.trim()}`,
          refusedBy: byServer ? "server" : "client",
        });
      });
    });
  });
}
