// Self-contained HTTPS/HTTP servers for the client's own tests: a throwaway CA and a
// server certificate for localhost/127.0.0.1 (harness/tls), and a request handler with
// the behaviours the tests need. Test-only; suites never import this.

import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { createRunCertificates } from "../../tls/certificates.ts";

export interface TestPki {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A CA and a server certificate it issued: the harness's own per-run PKI. */
export async function makeTestPki(): Promise<TestPki> {
  const certs = await createRunCertificates({ runId: "http-test", days: 1 });
  return { caPem: certs.caCert, certPem: certs.serverCert, keyPem: certs.serverKey };
}

/** What the server saw of the last request. */
export interface SeenRequest {
  method: string;
  url: string;
  /** Raw header pairs; values as the bytes received (latin1-decoded by Node). */
  rawHeaders: string[];
  body: string;
}

export interface TestServers {
  httpsPort: number;
  httpPort: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

function handler(seen: SeenRequest[]) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method ?? "", url: req.url ?? "", rawHeaders: req.rawHeaders, body });
      const url = req.url ?? "/";
      if (url.startsWith("/redirect")) {
        res.writeHead(302, { location: "/landing" }).end("moved");
      } else if (url.startsWith("/slow")) {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("partial"); // and never end: the body timeout must fire
      } else if (url.startsWith("/hang")) {
        // no response at all
      } else if (url.startsWith("/big")) {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.end(Buffer.alloc(1024 * 1024, 0x61));
      } else if (url.startsWith("/chunked")) {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("hello ");
        res.end("world");
      } else if (url.startsWith("/leak")) {
        // A careless server echoing the credentials it received.
        const auth = req.headers.authorization ?? "";
        const decoded = Buffer.from(auth.replace(/^Basic /, ""), "base64").toString("utf8");
        const password = decoded.slice(decoded.indexOf(":") + 1);
        res.writeHead(401, {
          "content-type": "application/json",
          "x-debug-auth": auth,
          "www-authenticate": 'Basic realm="test"',
        });
        const json = JSON.stringify({ error: `bad password ${password}`, header: auth });
        // With ?ascii, escape non-ASCII as \uXXXX like Python's json.dumps (ensure_ascii).
        res.end(
          url.includes("ascii")
            ? json.replace(
                /[^\x20-\x7e]/g,
                (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
              )
            : json,
        );
      } else {
        res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
        res.end(JSON.stringify({ method: req.method, url, body }));
      }
    });
  };
}

export async function startTestServers(pki: TestPki): Promise<TestServers> {
  const seen: SeenRequest[] = [];
  const tlsServer = https.createServer(
    { key: pki.keyPem, cert: pki.certPem, insecureHTTPParser: true, maxHeaderSize: 128 * 1024 },
    handler(seen),
  );
  const plainServer = http.createServer({ insecureHTTPParser: true }, handler(seen));
  await Promise.all(
    [tlsServer, plainServer].map(
      (s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", () => resolve())),
    ),
  );
  return {
    httpsPort: (tlsServer.address() as AddressInfo).port,
    httpPort: (plainServer.address() as AddressInfo).port,
    seen,
    async close() {
      for (const s of [tlsServer, plainServer]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

/**
 * A bare TLS server on 127.0.0.1 with the test PKI's certificate (for handshake tests):
 * it ends each connection once the handshake completes and ignores failed handshakes.
 * `options` sets its protocol floor and ciphers. Resolves once it listens.
 */
export async function startTlsServer(
  pki: TestPki,
  options: tls.TlsOptions = {},
): Promise<{ server: tls.Server; port: number }> {
  const server = tls.createServer({ key: pki.keyPem, cert: pki.certPem, ...options });
  server.on("secureConnection", (s) => s.end());
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}
