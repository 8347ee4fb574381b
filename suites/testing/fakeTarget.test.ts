import { describe, expect, it } from "vitest";
import type { RequestSpec } from "../../harness/http/exchange.ts";
import { createFakeTarget, FAKE_DEFECTS, FAKE_IDENTITIES, type FakeDefect } from "./fakeTarget.ts";

const [alice, bob, , admin] = FAKE_IDENTITIES as [
  (typeof FAKE_IDENTITIES)[number],
  (typeof FAKE_IDENTITIES)[number],
  (typeof FAKE_IDENTITIES)[number],
  (typeof FAKE_IDENTITIES)[number],
];
const as = (i: { username: string; password: string }) => ({
  auth: { ...i, label: `Basic <${i.username}>` },
});

async function send(spec: RequestSpec, defects: FakeDefect[] = []) {
  const fake = createFakeTarget({ defects });
  const ex = await fake.sender.send(spec);
  return {
    fake,
    ex,
    status: ex.response?.status,
    headers: ex.response?.headers ?? {},
    body: ex.response?.body ?? "",
  };
}

describe("fake target (docs/SPEC.md section 1)", () => {
  it("has a manifest like the flask-reference's, and identities with ':' space and non-ASCII", () => {
    const { target } = createFakeTarget();
    expect(target.manifest.resources[0]!.reads.map((r) => r.path)).toEqual([
      "/users/{id}",
      "/profile?username={id}",
    ]);
    expect(target.plaintextUrl()).toBe("http://127.0.0.1:8080");
    expect(target.identities().filter((i) => i.role === "admin")).toHaveLength(1);
    for (const i of target.identities()) expect(i.password).toMatch(/:.* |.* .*:/);
    expect(target.identities().every((i) => /[^\x00-\x7f]/.test(i.password))).toBe(true);
    for (const d of Object.values(FAKE_DEFECTS)) expect(d.breaks.length).toBeGreaterThan(0);
  });

  it("authenticates UTF-8 credentials and serves the owner's record with HSTS and no-store", async () => {
    const r = await send({ method: "GET", path: "/users/alice", ...as(alice) });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({
      username: "alice",
      role: "user",
      email: alice.email,
      display_name: alice.display_name,
    });
    expect(r.headers["strict-transport-security"]).toMatch(/max-age=31536000/);
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(r.ex.request.headers.authorization).toBe("Basic <alice>");
  });

  it("challenges missing or wrong credentials with 401 Basic", async () => {
    for (const spec of [
      { method: "GET", path: "/users/alice" },
      {
        method: "GET",
        path: "/users/alice",
        auth: { ...alice, password: `${alice.password}x`, label: "x" },
      },
    ]) {
      const r = await send(spec);
      expect(r.status).toBe(401);
      expect(r.headers["www-authenticate"]).toMatch(/^Basic /);
    }
  });

  it("refuses cross-user reads and writes; admins read every record but only their own profile", async () => {
    expect((await send({ method: "GET", path: "/users/bob-2", ...as(alice) })).status).toBe(403);
    expect(
      (
        await send({
          method: "PATCH",
          path: "/users/bob-2",
          json: { display_name: "x" },
          ...as(alice),
        })
      ).status,
    ).toBe(403);
    expect((await send({ method: "GET", path: "/users/bob-2", ...as(admin) })).status).toBe(200);
    expect((await send({ method: "GET", path: "/users/nobody", ...as(admin) })).status).toBe(404);
    expect(
      (await send({ method: "GET", path: "/profile?username=bob-2", ...as(admin) })).status,
    ).toBe(403);
    expect(
      (await send({ method: "GET", path: "/profile?username=bob-2", ...as(bob) })).status,
    ).toBe(200);
  });

  it("validates bodies strictly and atomically", async () => {
    const bad: RequestSpec[] = [
      {
        method: "PATCH",
        path: "/users/alice",
        ...as(alice),
        rawBody: {
          data: '{"display_name":"ok","__proto__":{"role":"admin"}}',
          contentType: "application/json",
        },
      },
      {
        method: "PATCH",
        path: "/users/alice",
        ...as(alice),
        json: { display_name: "ok", role: "admin" },
      },
      { method: "PATCH", path: "/users/alice", ...as(alice), json: { email: "a b@example.com" } },
      {
        method: "PATCH",
        path: "/users/alice",
        ...as(alice),
        json: { display_name: "x".repeat(65) },
      },
      { method: "PUT", path: "/users/alice", ...as(alice), json: { display_name: "only one" } },
      { method: "PATCH", path: "/users/alice", ...as(alice), json: [] },
      {
        method: "PATCH",
        path: "/users/alice",
        ...as(alice),
        rawBody: { data: '{"display_name":"ok"}', contentType: "text/plain" },
      },
      {
        method: "PATCH",
        path: "/users/alice",
        ...as(alice),
        rawBody: {
          data: `{${" ".repeat(70_000)}"display_name":"ok"}`,
          contentType: "application/json",
        },
      },
    ];
    const statuses = [];
    for (const spec of bad) {
      const r = await send(spec);
      statuses.push(r.status);
      expect(r.fake.store.get("alice")).toEqual({
        username: "alice",
        role: "user",
        email: alice.email,
        display_name: alice.display_name,
      });
    }
    expect(statuses).toEqual([400, 400, 422, 422, 400, 400, 415, 413]);
    const ok = await send({
      method: "PATCH",
      path: "/users/alice",
      ...as(alice),
      json: { display_name: "e\u0301 😀" },
    });
    expect(ok.status).toBe(200);
    expect(ok.fake.store.get("alice")!.display_name).toBe("e\u0301 😀");
  });

  it("refuses the plaintext listener and plain HTTP on the TLS port; defects switch behaviour", async () => {
    expect(
      (await send({ method: "GET", path: "/users/alice", ...as(alice), transport: "plaintext" }))
        .status,
    ).toBe(403);
    expect(
      (
        await send({
          method: "GET",
          path: "/users/alice",
          ...as(alice),
          transport: "plaintext-to-tls-port",
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await send({ method: "GET", path: "/users/alice", ...as(alice), transport: "plaintext" }, [
          "plaintextServes",
        ])
      ).status,
    ).toBe(200);
    expect(
      (await send({ method: "GET", path: "/users/bob-2", ...as(alice) }, ["bolaRead"])).status,
    ).toBe(200);
    const noPlaintext = createFakeTarget({ plaintext: false });
    const ex = await noPlaintext.sender.send({
      method: "GET",
      path: "/users/alice",
      transport: "plaintext",
    });
    expect(ex.error?.code).toBe("ECONNREFUSED");
    expect(noPlaintext.target.plaintextUrl()).toBeUndefined();
  });

  it("reset() re-seeds the store", async () => {
    const { fake } = await send(
      { method: "PATCH", path: "/users/alice", ...as(alice), json: { role: "admin" } },
      ["massAssignment"],
    );
    expect(fake.store.get("alice")!.role).toBe("admin");
    await fake.target.reset();
    expect(fake.store.get("alice")!.role).toBe("user");
    expect(fake.resets()).toBe(1);
  });
});

describe("fake target defects of AUTHN-05, AUTHZ-03 and TLS-04", () => {
  const bearer = (i: { username: string; password: string }, scheme = "Bearer") => ({
    rawAuthorization: {
      value: `${scheme} ${Buffer.from(`${i.username}:${i.password}`).toString("base64")}`,
      label: `${scheme} <${i.username}>`,
    },
  });

  it("refuses another scheme carrying valid credentials, unless anySchemeAsBasic", async () => {
    const spec = { method: "GET", path: "/users/alice", ...bearer(alice) };
    expect((await send(spec)).status).toBe(401);
    expect((await send(spec, ["anySchemeAsBasic"])).status).toBe(200);
    // The scheme name is case-insensitive: `BASIC` with valid credentials is Basic.
    expect(
      (await send({ method: "GET", path: "/users/alice", ...bearer(alice, "BASIC") })).status,
    ).toBe(200);
  });

  it("answers 405 to a POST with a method override, unless methodOverrideOnPost", async () => {
    const spec: RequestSpec = {
      method: "POST",
      path: "/users/bob-2",
      ...as(alice),
      headers: { "X-HTTP-Method-Override": "PATCH" },
      json: { display_name: "pwned" },
    };
    expect((await send(spec)).status).toBe(405);
    const r = await send(spec, ["methodOverrideOnPost"]);
    expect(r.status).toBe(200);
    expect(r.fake.store.get("bob-2")!.display_name).toBe("pwned");
    const viaQuery = await send({ ...spec, path: "/users/bob-2?_method=PUT", headers: {} }, [
      "methodOverrideOnPost",
    ]);
    expect(viaQuery.status).toBe(400); // PUT needs both fields: the override was honoured
  });

  it("serves real TLS handshakes whose floor follows acceptsLegacyTls", async () => {
    const { makeTestPki } = await import("../../harness/http/testing/localServer.ts");
    const { tlsHandshake } = await import("../../harness/http/tlsHandshake.ts");
    const pki = await makeTestPki();
    const fake = createFakeTarget();
    const close = await fake.listenTls(pki);
    try {
      const tls10 = () =>
        tlsHandshake(fake.target.tlsEndpoint(), fake.target.caPem(), {
          minVersion: "TLSv1",
          maxVersion: "TLSv1",
        });
      expect(fake.target.tlsEndpoint().port).not.toBe(8443);
      expect(await tls10()).toMatchObject({ ok: false, refusedBy: "server" });
      fake.defects.add("acceptsLegacyTls");
      expect(await tls10()).toMatchObject({ ok: true, protocol: "TLSv1", authorized: true });
    } finally {
      await close();
    }
    expect(fake.target.tlsEndpoint().port).toBe(8443);
  }, 30_000);
});
