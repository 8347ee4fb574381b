// The handshake client of TLS-04 against real local servers: what it reports must rest
// on what went over the wire (a ClientHello of the pinned version, the server's answer).
import net from "node:net";
import type tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestPki, startTlsServer, type TestPki } from "./testing/localServer.ts";
import { helloVersion, type TlsVersion, tlsHandshake } from "./tlsHandshake.ts";

let pki: TestPki;
const servers: net.Server[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
}, 30_000);

afterAll(() => {
  for (const s of servers) s.close();
});

/** A TLS server on 127.0.0.1 with the given protocol floor; its port. */
async function tlsServer(options: tls.TlsOptions): Promise<number> {
  const { server, port } = await startTlsServer(pki, options);
  servers.push(server);
  return port;
}

const pinned = (v: TlsVersion) => ({ minVersion: v, maxVersion: v });
const at = (port: number) => ({ host: "127.0.0.1", port });

describe("tlsHandshake", () => {
  it("offers TLS 1.0 and 1.1 for real: a legacy-accepting server completes them", async () => {
    const port = await tlsServer({ minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" });
    for (const v of ["TLSv1", "TLSv1.1"] as const) {
      expect(await tlsHandshake(at(port), pki.caPem, pinned(v))).toEqual({
        ok: true,
        protocol: v,
        authorized: true,
      });
    }
  });

  it("reports a modern server's refusal of TLS 1.0/1.1 as the server's, and completes 1.2/1.3", async () => {
    const port = await tlsServer({});
    for (const v of ["TLSv1", "TLSv1.1"] as const) {
      const r = await tlsHandshake(at(port), pki.caPem, pinned(v));
      expect(r).toMatchObject({ ok: false, refusedBy: "server" });
      expect(r.serverVersion).toBeUndefined();
    }
    for (const v of ["TLSv1.2", "TLSv1.3"] as const) {
      expect(await tlsHandshake(at(port), pki.caPem, pinned(v))).toMatchObject({
        ok: true,
        protocol: v,
      });
    }
  });

  it("says the client could not offer a version it never sent a ClientHello for", async () => {
    const port = await tlsServer({});
    // No protocol fits min 1.3 / max 1.2: OpenSSL writes an alert, not a ClientHello
    // (the case of a build without TLS 1.0): a byte count alone would blame the server.
    const r = await tlsHandshake(at(port), pki.caPem, {
      minVersion: "TLSv1.3",
      maxVersion: "TLSv1.2",
    });
    expect(r).toMatchObject({ ok: false, refusedBy: "client" });
    expect(r.error).toMatch(/could not offer TLSv1\.2 \(it sent no ClientHello\)/);
  });

  it("sees a server that answers a TLS 1.0 ClientHello with a TLS 1.0 ServerHello as accepting it", async () => {
    // A fake server: whatever the client sends, a ServerHello of 0x0301, then close.
    const server = net.createServer((socket) => {
      socket.once("data", () => {
        const body = Buffer.concat([Buffer.from([0x03, 0x01]), Buffer.alloc(32), Buffer.from([0])]);
        const hs = Buffer.concat([
          Buffer.from([0x02, 0, 0, body.length + 3]),
          body,
          Buffer.from([0, 0x2f, 0]),
        ]);
        socket.end(Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0, hs.length]), hs]));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const r = await tlsHandshake(
      at((server.address() as net.AddressInfo).port),
      pki.caPem,
      pinned("TLSv1"),
    );
    expect(r).toMatchObject({ ok: false, serverVersion: "TLSv1", refusedBy: "client" });
  });

  it("a closed port is not the client's inability", async () => {
    const port = await tlsServer({});
    const closed = servers.pop()!;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await tlsHandshake(at(port), pki.caPem, pinned("TLSv1"))).toMatchObject({
      ok: false,
      refusedBy: "server",
    });
  });

  it("helloVersion reads the legacy_version of a hello record only", () => {
    const hello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x30, 0x01, 0, 0, 0x2c, 0x03, 0x02]);
    expect(helloVersion(hello, 0x01)).toBe(0x0302);
    expect(helloVersion(hello, 0x02)).toBeUndefined();
    expect(helloVersion(Buffer.from([0x15, 0x03, 0x01, 0, 2, 2, 70]), 0x01)).toBeUndefined();
  });
});
