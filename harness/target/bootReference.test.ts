// The bundled reference target through the harness alone (no suite): it boots from the
// engine's images (built on first use), answers an owner 200, a wrong password 401 and
// plaintext with a refusal; and a second boot from the cached image is measured.
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sampleIdentities } from "../arbitraries/identities.ts";
import { basicAuthorization } from "../http/basicAuth.ts";
import { loadManifest } from "../manifest/load.ts";
import { createRunCertificates } from "../tls/certificates.ts";
import { bootTarget } from "./bootTarget.ts";
import type { StartedTarget } from "./startedTarget.ts";

const REFERENCE = join(import.meta.dirname, "..", "..", "targets", "flask-reference");
const runId = `${inject("baipRunId")}-reference`;

describe("targets/flask-reference booted by the harness", () => {
  let target: StartedTarget;
  let agent: Agent;

  beforeAll(async () => {
    const engineError = inject("baipEngineError");
    if (engineError !== null) throw new Error(engineError);
    const { manifest, dir, file } = await loadManifest(REFERENCE);
    const tls = await createRunCertificates({ runId });
    const identities = sampleIdentities(7, { users: 2, admins: 1 });
    target = await bootTarget({ manifest, dir, file, identities, runId, tls });
    agent = new Agent({ connect: { ca: tls.caCert } });
  }, 600_000);

  afterAll(async () => {
    await agent?.close();
    await target?.stop();
  });

  it("answers the owner's authenticated read with 200 and its record", async () => {
    for (const me of target.identities()) {
      const res = await request(`${target.baseUrl()}/users/${me.username}`, {
        dispatcher: agent,
        headers: { authorization: basicAuthorization(me.username, me.password) },
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toMatchObject({ username: me.username, email: me.email });
    }
  });

  it("answers a wrong password with 401 and a Basic challenge", async () => {
    const me = target.identities()[0]!;
    const res = await request(`${target.baseUrl()}/users/${me.username}`, {
      dispatcher: agent,
      headers: { authorization: basicAuthorization(me.username, `${me.password}x`) },
    });
    expect(res.statusCode).toBe(401);
    expect(String(res.headers["www-authenticate"])).toMatch(/^Basic /);
    await res.body.dump();
  });

  it("refuses plaintext HTTP with a 4xx, even with valid credentials", async () => {
    const me = target.identities()[0]!;
    const res = await request(`${target.plaintextUrl()}/users/${me.username}`, {
      headers: { authorization: basicAuthorization(me.username, me.password) },
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(await res.body.text()).not.toContain(me.email);
  });

  it("boots again from the cached image (time printed, not asserted)", async () => {
    const { manifest, dir, file } = await loadManifest(REFERENCE);
    const again = await bootTarget({
      manifest,
      dir,
      file,
      identities: sampleIdentities(8, { users: 2, admins: 1 }),
      runId,
      tls: await createRunCertificates({ runId }),
    });
    console.log(`flask-reference booted from its cached image in ${again.bootMs} ms`);
    await again.stop();
    expect(again.bootMs).toBeGreaterThan(0);
  });
});
