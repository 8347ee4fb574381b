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
// - The TLS layer talks to the server through a relay of ours, so the result rests on
//   the bytes themselves, not on error codes: the first record the client wrote must be
//   a ClientHello whose version is the one pinned (TLS 1.0: 0x0301, 1.1: 0x0302, 1.2:
//   0x0303), or the client never offered it (`refusedBy: "client"`: an OpenSSL built
//   without legacy protocols writes only an alert, and says nothing about the server).
//   A ServerHello choosing the pinned legacy version is the server accepting it, even if
//   the client then gives up (`serverVersion`). Any other end after a real offer (alert,
//   another version, close, reset, silence) is the server refusing (`"server"`).
// - The certificate is not required to verify (the question is the protocol version,
//   and nothing secret is sent): `authorized` reports whether it did against `ca`.

import net from "node:net";
import { Duplex } from "node:stream";
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
  /**
   * When not ok: the version a ServerHello chose, if the server sent one (a server that
   * chose TLS 1.0 accepted it, however the client's side of the handshake ended).
   */
  serverVersion?: TlsVersion;
}

/** Protocol version codes of the ClientHello's `client_version` / ServerHello's `server_version`. */
const WIRE_VERSION: Readonly<Record<TlsVersion, number>> = {
  TLSv1: 0x0301,
  "TLSv1.1": 0x0302,
  "TLSv1.2": 0x0303,
  // TLS 1.3 hellos carry 0x0303 and name 1.3 in the supported_versions extension.
  "TLSv1.3": 0x0303,
};
const RECORD_HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const SERVER_HELLO = 0x02;

const LEGACY: ReadonlySet<TlsVersion> = new Set(["TLSv1", "TLSv1.1"]);

/**
 * The `legacy_version` of the hello that opens `bytes` (RFC 8446 4.1.2/4.1.3, RFC 5246
 * 7.4.1.2: record header of 5 bytes, handshake header of 4, then the version), or
 * undefined if they do not start with a handshake record of that type.
 */
export function helloVersion(bytes: Buffer, type: number): number | undefined {
  if (bytes.length < 11 || bytes[0] !== RECORD_HANDSHAKE || bytes[5] !== type) return undefined;
  return bytes.readUInt16BE(9);
}

export function tlsHandshake(
  endpoint: { host: string; port: number },
  ca: string,
  options: TlsHandshakeOptions,
): Promise<TlsHandshakeResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    const raw = net.connect({ host: endpoint.host, port: endpoint.port });
    const fromClient: Buffer[] = [];
    const fromServer: Buffer[] = [];
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
    /** A handshake that did not complete, classified by the bytes each side sent. */
    const failed = (error: string) => {
      const sent = helloVersion(Buffer.concat(fromClient), CLIENT_HELLO);
      if (sent !== WIRE_VERSION[options.maxVersion]) {
        const what =
          sent === undefined ? "no ClientHello" : `a ClientHello of 0x${sent.toString(16)}`;
        finish({
          ok: false,
          error: `the client could not offer ${options.maxVersion} (it sent ${what}): ${error}`,
          refusedBy: "client",
        });
        return;
      }
      const chose = helloVersion(Buffer.concat(fromServer), SERVER_HELLO);
      const legacy = (Object.keys(WIRE_VERSION) as TlsVersion[]).find(
        (v) => LEGACY.has(v) && WIRE_VERSION[v] === chose,
      );
      finish({
        ok: false,
        error,
        // A server that chose a legacy version it was offered did not refuse; what ended
        // the handshake was the client's (a signature or certificate it would not take).
        refusedBy: legacy === options.maxVersion ? "client" : "server",
        ...(legacy ? { serverVersion: legacy } : {}),
      });
    };
    const timer = setTimeout(
      () => failed(`TIMEOUT: no handshake within ${timeoutMs} ms`),
      timeoutMs,
    );
    raw.once("error", (err: NodeJS.ErrnoException) => {
      // Before any byte went out (connection refused), the client offered nothing, but
      // the server is not there to refuse either: the port is what refused.
      if (fromClient.length === 0) {
        finish({ ok: false, error: `${err.code ?? "ERROR"}: ${err.message}`, refusedBy: "server" });
      } else failed(`${err.code ?? "ERROR"}: ${err.message}`);
    });
    raw.once("connect", () => {
      // The TLS layer writes through this relay, so what each side sent can be read.
      const relay = new Duplex({
        read() {},
        write(chunk: Buffer, _encoding, callback) {
          fromClient.push(chunk);
          raw.write(chunk, () => callback());
        },
        final(callback) {
          raw.end();
          callback();
        },
      });
      raw.on("data", (chunk: Buffer) => {
        fromServer.push(chunk);
        relay.push(chunk);
      });
      raw.once("end", () => relay.push(null));
      const legacy = LEGACY.has(options.minVersion) || LEGACY.has(options.maxVersion);
      secure = tls.connect({
        socket: relay,
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
      secure.once("error", (err: NodeJS.ErrnoException) =>
        failed(`${err.code ?? "ERROR"}: ${err.message.trim()}`),
      );
      // The server closed without a TLS error surfacing (no alert, just FIN).
      secure.once("close", () => failed("ECONNRESET: the server closed the connection"));
    });
  });
}
