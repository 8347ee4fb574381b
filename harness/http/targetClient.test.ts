import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exchange } from "./exchange.ts";
import { type ClientEndpoints, TargetClient } from "./targetClient.ts";
import {
  makeTestPki,
  startTestServers,
  startTlsServer,
  type TestPki,
  type TestServers,
} from "./testing/localServer.ts";
import { tlsHandshake } from "./tlsHandshake.ts";

let pki: TestPki;
let servers: TestServers;

beforeAll(async () => {
  pki = await makeTestPki();
  servers = await startTestServers(pki);
}, 30_000);

afterAll(async () => {
  await servers?.close();
});

function endpoints(overrides: Partial<ClientEndpoints> = {}): ClientEndpoints {
  return {
    baseUrl: () => `https://127.0.0.1:${servers.httpsPort}`,
    plaintextUrl: () => `http://127.0.0.1:${servers.httpPort}`,
    tlsEndpoint: () => ({ host: "127.0.0.1", port: servers.httpsPort }),
    caPem: () => pki.caPem,
    ...overrides,
  };
}

function lastSeen() {
  const s = servers.seen.at(-1);
  if (!s) throw new Error("the server saw nothing");
  return s;
}

/** Header values as the server received them, as bytes. */
function seenHeader(name: string): Buffer[] {
  const raw = lastSeen().rawHeaders;
  const out: Buffer[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === name) out.push(Buffer.from(raw[i + 1]!, "latin1"));
  }
  return out;
}

const PASSWORD = "Zq7:uniq ü-🔑-planted";

describe("TargetClient", () => {
  it("sends over TLS trusting the run CA, records the exchange", async () => {
    const recorded: Exchange[] = [];
    await using client = new TargetClient(endpoints(), {
      requestTimeoutMs: 5000,
      onExchange: (e) => recorded.push(e),
    });
    const e = await client.send({
      method: "PATCH",
      path: "/users/alice-x1",
      auth: { username: "alice-x1", password: PASSWORD, label: "alice-x1 (users.json)" },
      json: { email: "a@example.com" },
      headers: { "X-Trace": "t1" },
      requirement: "INPUT-04",
    });
    expect(e.error).toBeUndefined();
    expect(e.response?.status).toBe(200);
    expect(e.seq).toBe(1);
    expect(e.requirement).toBe("INPUT-04");
    expect(e.request).toMatchObject({
      method: "PATCH",
      url: `https://127.0.0.1:${servers.httpsPort}/users/alice-x1`,
      transport: "tls",
      headers: {
        "x-trace": "t1",
        "content-type": "application/json",
        authorization: "alice-x1 (users.json)",
      },
      authorization: { kind: "basic", label: "alice-x1 (users.json)" },
      body: '{"email":"a@example.com"}',
      bodyBytes: 25,
    });
    expect(e.response?.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(e.response!.body)).toMatchObject({ method: "PATCH", url: "/users/alice-x1" });
    expect(recorded).toEqual([e]);
    expect(client.recorded()).toEqual([e]);
    // Verbatim header names, nothing added but host/content-length/connection.
    const names = lastSeen().rawHeaders.filter((_, i) => i % 2 === 0);
    expect(names).toEqual([
      "host",
      "connection",
      "X-Trace",
      "Authorization",
      "Content-Type",
      "content-length",
    ]);
  });

  it("refuses a server whose certificate the run CA did not issue", async () => {
    const other = await makeTestPki();
    await using client = new TargetClient(endpoints({ caPem: () => other.caPem }), {
      requestTimeoutMs: 5000,
    });
    const e = await client.send({ method: "GET", path: "/x" });
    expect(e.response).toBeUndefined();
    expect(e.error?.code).toBe("TLS_ERROR");
  }, 20_000);

  it("redacts the password everywhere, even when the server echoes it", async () => {
    await using client = new TargetClient(endpoints(), { requestTimeoutMs: 5000 });
    const token = Buffer.from(`alice-x1:${PASSWORD}`).toString("base64");
    for (const query of ["", "&ascii"]) {
      const e = await client.send({
        method: "GET",
        path: `/leak?p=${encodeURIComponent(PASSWORD)}${query}`,
        auth: { username: "alice-x1", password: PASSWORD, label: "alice-x1 (users.json)" },
      });
      expect(e.response?.status).toBe(401);
      expect(e.response?.body).toMatch(/^{"error":"bad password \[REDACTED\]"/);
      const text = JSON.stringify(e);
      for (const needle of [PASSWORD, token, encodeURIComponent(PASSWORD), "uniq", "planted"]) {
        expect(text).not.toContain(needle);
      }
      expect(e.response?.headers["x-debug-auth"]).toBe("Basic [REDACTED]");
      expect(e.response?.headers["www-authenticate"]).toBe('Basic realm="test"');
    }
  });

  it("redacts identities' passwords however short, and Authorization given in headers", async () => {
    await using client = new TargetClient(endpoints(), {
      requestTimeoutMs: 5000,
      identities: () => [{ username: "bob", password: "pw" }],
    });
    const e = await client.send({
      method: "POST",
      path: "/echo",
      headers: { Authorization: "Basic Ym9iOnB3" },
      json: { note: "pw" },
    });
    const text = JSON.stringify(e);
    expect(text).not.toContain('"pw"');
    expect(text).not.toContain("Ym9iOnB3");
    expect(e.request.headers.authorization).toBe("[REDACTED]");
  });

  it("times out within the bound, waiting for the head or for the body", async () => {
    await using client = new TargetClient(endpoints(), { requestTimeoutMs: 300 });
    for (const path of ["/hang", "/slow"]) {
      const started = Date.now();
      const e = await client.send({ method: "GET", path });
      expect(e.error?.code).toBe("TIMEOUT");
      expect(Date.now() - started).toBeLessThan(2000);
      expect(e.durationMs).toBeGreaterThanOrEqual(250);
    }
  });

  it("caps the response body and marks it truncated", async () => {
    await using client = new TargetClient(endpoints(), {
      requestTimeoutMs: 5000,
      maxBodyBytes: 1000,
    });
    const e = await client.send({ method: "GET", path: "/big" });
    expect(e.response?.status).toBe(200);
    expect(e.response?.body).toBe("a".repeat(1000));
    expect(e.response?.bodyTruncated).toBe(true);
    const small = await client.send({ method: "GET", path: "/chunked" });
    expect(small.response).toMatchObject({ body: "hello world", bodyTruncated: false });
  });

  it("never follows redirects", async () => {
    await using client = new TargetClient(endpoints(), { requestTimeoutMs: 5000 });
    const before = servers.seen.length;
    const e = await client.send({ method: "PUT", path: "/redirect", json: { a: 1 } });
    expect(e.response?.status).toBe(302);
    expect(e.response?.headers.location).toBe("/landing");
    expect(servers.seen.length).toBe(before + 1);
  });

  it.each([
    "/a/../b",
    "//x",
    "/users/./alice",
    "/users/%2e%2e/bob",
    "/users/alice%2Fbob;x=1",
    "/%C3%9C?q=%2e%2e/",
  ])("puts the path %s on the wire byte for byte", async (path) => {
    await using client = new TargetClient(endpoints(), { requestTimeoutMs: 5000 });
    const e = await client.send({ method: "GET", path });
    expect(e.response?.status).toBe(200);
    expect(Buffer.from(lastSeen().url, "latin1")).toEqual(Buffer.from(path, "utf8"));
    expect(e.request.url).toBe(`https://127.0.0.1:${servers.httpsPort}${path}`);
  });

  it("sends what undici refuses through the raw writer, and parses its answer", async () => {
    await using client = new TargetClient(endpoints(), { requestTimeoutMs: 5000 });
    // A space in the request target: sent as is, and the server rejects the request line.
    const e = await client.send({ method: "GET", path: "/chunked/a b" });
    expect(e.error).toBeUndefined();
    expect(e.response?.status).toBe(400);
    // A control byte in a header: raw writer, chunked response decoded.
    const c = await client.send({
      method: "GET",
      path: "/chunked",
      rawAuthorization: { value: "Basic \x01", label: "control byte" },
    });
    expect(c.response).toMatchObject({ status: 200, body: "hello world", bodyTruncated: false });
    // A capped body through the raw writer.
    await using capped = new TargetClient(endpoints(), {
      requestTimeoutMs: 5000,
      maxBodyBytes: 10,
    });
    const big = await capped.send({ method: "GET", path: "/big", headers: { "X-Odd": "\x02" } });
    expect(big.response).toMatchObject({ status: 200, body: "a".repeat(10), bodyTruncated: true });
  });

  it("delivers non-UTF-8 Authorization bytes, and control bytes via the raw writer", async () => {
    await using client = new TargetClient(endpoints(), { requestTimeoutMs: 5000 });
    const bytes = Buffer.concat([Buffer.from("Basic "), Buffer.from([0xff, 0xfe, 0x80, 0x41])]);
    const e = await client.send({
      method: "GET",
      path: "/users/alice",
      rawAuthorization: { value: bytes, label: "non-UTF-8 bytes" },
    });
    expect(e.response?.status).toBe(200);
    expect(seenHeader("authorization")).toEqual([bytes]);
    expect(e.request.headers.authorization).toBe("non-UTF-8 bytes");
    expect(e.request.authorization).toEqual({ kind: "raw", label: "non-UTF-8 bytes" });

    const control = Buffer.from("Basic \x01\x7fabc", "latin1");
    const raw = await client.send({
      method: "GET",
      path: "/users/alice",
      rawAuthorization: { value: control, label: "control bytes" },
    });
    expect(raw.response?.status).toBe(200);
    expect(seenHeader("authorization")).toEqual([control]);

    const injected = await client.send({
      method: "GET",
      path: "/users/alice",
      rawAuthorization: { value: "Basic x\r\nX-Evil: 1", label: "CRLF" },
    });
    expect(injected.error?.code).toBe("INVALID_REQUEST");
  });

  it("sends hand-set Content-Length and Transfer-Encoding verbatim (raw writer)", async () => {
    await using client = new TargetClient(endpoints(), { requestTimeoutMs: 5000 });
    const e = await client.send({
      method: "POST",
      path: "/echo",
      headers: { "Transfer-Encoding": "chunked", "Content-Type": "application/json" },
      rawBody: { data: '7\r\n{"a":1}\r\n0\r\n\r\n' },
    });
    expect(e.response?.status).toBe(200);
    expect(lastSeen().body).toBe('{"a":1}');
  });

  it("uses the plaintext listener for transport plaintext", async () => {
    await using client = new TargetClient(endpoints(), { requestTimeoutMs: 5000 });
    const e = await client.send({ method: "GET", path: "/users/a", transport: "plaintext" });
    expect(e.response?.status).toBe(200);
    expect(e.request.url).toBe(`http://127.0.0.1:${servers.httpPort}/users/a`);
    const none = new TargetClient(endpoints({ plaintextUrl: () => undefined }), {
      requestTimeoutMs: 500,
    });
    const n = await none.send({ method: "GET", path: "/", transport: "plaintext" });
    expect(n.error?.code).toBe("NO_PLAINTEXT_LISTENER");
    await none.close();
  });

  it("plaintext to the TLS port gives a result without hanging", async () => {
    await using client = new TargetClient(endpoints(), { requestTimeoutMs: 2000 });
    const started = Date.now();
    const e = await client.send({
      method: "GET",
      path: "/users/alice",
      transport: "plaintext-to-tls-port",
      auth: { username: "alice", password: PASSWORD, label: "alice" },
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(e.request.url).toBe(`http://127.0.0.1:${servers.httpsPort}/users/alice`);
    expect(e.response?.status ?? e.error?.code).toBeDefined();
    expect(e.response === undefined || e.response.status >= 400).toBe(true);
    // Pointed at a plain HTTP server, the raw reader parses the status line.
    await using plain = new TargetClient(
      endpoints({ tlsEndpoint: () => ({ host: "127.0.0.1", port: servers.httpPort }) }),
      { requestTimeoutMs: 2000 },
    );
    const p = await plain.send({
      method: "GET",
      path: "/chunked",
      transport: "plaintext-to-tls-port",
    });
    expect(p.response).toMatchObject({ status: 200, body: "hello world" });
  });

  it("reports a closed port as ECONNREFUSED and keeps only maxRecorded exchanges", async () => {
    await using client = new TargetClient(endpoints({ baseUrl: () => "https://127.0.0.1:1" }), {
      requestTimeoutMs: 2000,
      maxRecorded: 2,
    });
    for (let i = 0; i < 3; i++) {
      const e = await client.send({ method: "GET", path: "/" });
      expect(e.error?.code).toBe("ECONNREFUSED");
    }
    expect(client.recorded().map((e) => e.seq)).toEqual([2, 3]);
  });

  it("reads the URLs on every request (a replaced target has new ports)", async () => {
    let port = 1;
    await using client = new TargetClient(
      endpoints({ baseUrl: () => `https://127.0.0.1:${port}` }),
      {
        requestTimeoutMs: 2000,
      },
    );
    expect((await client.send({ method: "GET", path: "/" })).error?.code).toBe("ECONNREFUSED");
    port = servers.httpsPort;
    expect((await client.send({ method: "GET", path: "/" })).response?.status).toBe(200);
  });
});

describe("tlsHandshake", () => {
  const endpoint = () => ({ host: "127.0.0.1", port: servers.httpsPort });

  it.each(["TLSv1.2", "TLSv1.3"] as const)("completes %s", async (v) => {
    const r = await tlsHandshake(endpoint(), pki.caPem, { minVersion: v, maxVersion: v });
    expect(r).toEqual({ ok: true, protocol: v, authorized: true });
  });

  it.each(["TLSv1", "TLSv1.1"] as const)("sees a default Node server refuse %s", async (v) => {
    const r = await tlsHandshake(endpoint(), pki.caPem, { minVersion: v, maxVersion: v });
    expect(r.ok).toBe(false);
    expect(r.refusedBy).toBe("server");
    expect(r.error).toMatch(/ALERT_PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|ECONNRESET/);
  });
});

describe("tlsHandshake against a legacy-accepting server", () => {
  it("reports TLS 1.0 as accepted (the client can offer it)", async () => {
    const { server, port } = await startTlsServer(pki, {
      minVersion: "TLSv1",
      ciphers: "DEFAULT@SECLEVEL=0",
    });
    try {
      for (const v of ["TLSv1", "TLSv1.1"] as const) {
        const r = await tlsHandshake({ host: "127.0.0.1", port }, pki.caPem, {
          minVersion: v,
          maxVersion: v,
        });
        expect(r).toMatchObject({ ok: true, protocol: v });
      }
    } finally {
      server.close();
    }
  });
});
