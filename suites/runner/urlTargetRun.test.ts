// A URL target end to end (docs/SPEC.md 1b, "Baseline and restore"): a compliant service
// someone else runs, described by a manifest that lists only user names, roles and the
// environment variables holding passwords, is CONFORMANT. The suite reads the accounts'
// current values at the start and puts every change back through the API: the accounts
// are found as they were after the run.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { sampleIdentities } from "../../harness/arbitraries/identities.ts";
import { getDocker } from "../../harness/engine/ensureEngine.ts";
import { loadManifest } from "../../harness/manifest/load.ts";
import { labelsFor, PROCESS_RUN_ID } from "../../harness/target/labels.ts";
import { resolveTargetImage } from "../../harness/target/targetImage.ts";
import { probeHttps } from "../../harness/target/tlsReadiness.ts";
import { usersJson } from "../../harness/target/usersJson.ts";
import { createRunCertificates } from "../../harness/tls/certificates.ts";
import { runConformance } from "./runConformance.ts";

const REFERENCE = fileURLToPath(new URL("../../targets/flask-reference", import.meta.url));
const identities = sampleIdentities(20261129, { users: 3, admins: 1 });
const envName = (i: number) => `BAIP_URL_TEST_PASSWORD_${i}`;

describe("a URL target started outside the harness", () => {
  let work: string;
  let containerId: string | undefined;
  let base: string;
  let ca: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "baip-url-run-"));
    const files = join(work, "conformance");
    const certs = await createRunCertificates({ runId: "url-test" });
    await mkdir(join(files, "tls"), { recursive: true });
    await writeFile(join(files, "tls", "cert.pem"), certs.serverCert);
    await writeFile(join(files, "tls", "key.pem"), certs.serverKey, { mode: 0o644 });
    await writeFile(join(files, "users.json"), JSON.stringify(usersJson(identities)));
    ca = join(work, "ca.pem");
    await writeFile(ca, certs.caCert);
    // Started the way an operator would (docker run), not by the harness's boot: only the
    // image build is shared, and the labels let the test run's cleanup find it if killed.
    const loaded = await loadManifest(REFERENCE);
    const image = await resolveTargetImage(loaded.manifest, loaded.dir);
    const docker = await getDocker();
    const container = await docker.createContainer({
      Image: image.tag,
      Labels: labelsFor(PROCESS_RUN_ID, "url-target-test"),
      User: "65534:65534",
      ExposedPorts: { "8443/tcp": {} },
      HostConfig: {
        Binds: [`${files}:/run/conformance:ro`],
        PortBindings: { "8443/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
        ReadonlyRootfs: true,
        Tmpfs: { "/tmp": "rw,noexec,nosuid,size=16m" },
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        Memory: 256 * 1024 * 1024,
      },
    });
    containerId = container.id;
    await container.start();
    const port = (await container.inspect()).NetworkSettings.Ports["8443/tcp"]?.[0]?.HostPort;
    base = `https://127.0.0.1:${port}`;
    // Ready when it answers over TLS (as an operator would wait for it).
    const until = Date.now() + 60_000;
    for (;;) {
      const probe = await probeHttps("127.0.0.1", Number(port), certs.caCert, 2_000);
      if (probe.ok) break;
      if (Date.now() > until) throw new Error(`the reference did not start: ${probe.problem}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 180_000);

  afterAll(async () => {
    if (containerId) {
      const docker = await getDocker();
      await docker
        .getContainer(containerId)
        .remove({ force: true })
        .catch(() => undefined);
    }
    for (const i of identities.keys()) delete process.env[envName(i)];
    delete process.env.BAIP_CA_FILE;
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("is CONFORMANT from a manifest of names, roles and password variables, and is left as found", async () => {
    const reference = (await loadManifest(REFERENCE)).manifest;
    const manifestFile = join(work, "target.yaml");
    await writeFile(
      manifestFile,
      stringify({
        name: "reference-by-url",
        boot: { url: base },
        identities: {
          list: identities.map((identity, i) => ({
            username: identity.username,
            role: identity.role,
            passwordEnv: envName(i),
          })),
        },
        resources: reference.resources,
      }),
    );
    for (const [i, identity] of identities.entries()) process.env[envName(i)] = identity.password;
    process.env.BAIP_CA_FILE = ca;
    const before = await accounts();

    const run = await runConformance({ targets: [manifestFile], numRuns: 10, seed: 7 });

    const target = run.targets[0]!;
    const notPassed = target.requirements
      .filter((r) => r.status !== "passed")
      .map((r) => `${r.id} ${r.status}: ${r.reason ?? r.failures?.[0]?.title ?? ""}`);
    // No plaintext URL is declared, and the user API has no list and no create: those
    // requirements are skipped as not applicable, nothing else.
    expect(notPassed.filter((line) => !/^(TLS-0[126]|AUTHZ-0[78]) skipped/.test(line))).toEqual([]);
    expect(target.verdict).toBe("CONFORMANT");
    expect(await accounts()).toEqual(before);
  }, 300_000);

  /** Every account as its owner reads it, straight from the service. */
  async function accounts(): Promise<unknown[]> {
    const dispatcher = new Agent({ connect: { ca: await readFile(ca, "utf8") } });
    try {
      return await Promise.all(
        identities.map(async (identity) => {
          const res = await request(`${base}/users/${identity.username}`, {
            dispatcher,
            headers: {
              authorization: `Basic ${Buffer.from(`${identity.username}:${identity.password}`).toString("base64")}`,
            },
          });
          return { status: res.statusCode, body: await res.body.json() };
        }),
      );
    } finally {
      await dispatcher.close();
    }
  }
});
