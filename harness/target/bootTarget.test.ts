// Integration test: boots the echo fixture (fixtures/echo) in a hardened container and
// checks the container interface of docs/SPEC.md 2 and the hardening of the harness.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getDocker } from "../engine/ensureEngine.ts";
import type { Identity } from "../identity/identity.ts";
import { loadManifest } from "../manifest/load.ts";
import type { TargetManifest } from "../manifest/schema.ts";
import { createRunCertificates, type RunCertificates } from "../tls/certificates.ts";
import { TargetBootError } from "./bootError.ts";
import { bootTarget } from "./bootTarget.ts";
import { removeLabelledContainers } from "./cleanup.ts";
import { LABEL, LABEL_RUN } from "./labels.ts";
import type { StartedTarget } from "./startedTarget.ts";
import { resolveTargetImage } from "./targetImage.ts";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const runId = `${inject("baipRunId")}-boot`;

const identities: Identity[] = [
  {
    username: "alice",
    password: "pä ss:wörd ✓",
    role: "user",
    email: "alice@example.test",
    display_name: "Alice",
    passwordSource: "test identity alice",
  },
  {
    username: "root-admin",
    password: "a:b:c",
    role: "admin",
    email: "admin@example.test",
    display_name: "Admin",
    passwordSource: "test identity root-admin",
  },
];

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/**
 * The goal is a boot under 5 s from a cached image (about 1.2 s on an idle 2-core
 * machine). Timing depends on the machine's load, so the test fails only far above it
 * (a rebuild, a slow readiness loop) and warns above the goal.
 */
function checkBootTime(ms: number): void {
  if (ms >= 5_000) {
    const load = loadavg()[0]!.toFixed(1);
    console.warn(
      `boot took ${ms} ms, over the 5 s goal (load average ${load} on ${cpus().length} cores)`,
    );
  }
  expect(ms).toBeLessThan(15_000);
}

async function labelledContainers(run = runId) {
  const docker = await getDocker();
  return docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABEL}=1`, `${LABEL_RUN}=${run}`] }),
  });
}

describe("bootTarget (echo fixture)", () => {
  let certs: RunCertificates;
  let manifest: TargetManifest;
  let dir: string;
  let target: StartedTarget;
  let agent: Agent;

  beforeAll(async () => {
    const engineError = inject("baipEngineError");
    if (engineError !== null) throw new Error(engineError);
    certs = await createRunCertificates({ runId });
    ({ manifest, dir } = await loadManifest(fixture("echo")));
    target = await bootTarget({ manifest, dir, identities, runId, tls: certs });
    console.log(
      `echo fixture booted in ${target.bootMs} ms (includes an image build if not cached)`,
    );
    agent = new Agent({ connect: { ca: certs.caCert } });
  });

  afterAll(async () => {
    await agent?.close();
    await target?.stop();
    await removeLabelledContainers(runId).catch(() => undefined);
  });

  it("answers 200 to correct Basic credentials over TLS trusting only the run CA", async () => {
    for (const identity of identities) {
      const res = await request(`${target.baseUrl()}/users/${identity.username}`, {
        dispatcher: agent,
        headers: { authorization: basic(identity.username, identity.password) },
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toEqual({
        username: identity.username,
        role: identity.role,
        path: `/users/${identity.username}`,
      });
    }
    expect(target.baseUrl()).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(target.tlsEndpoint().host).toBe("127.0.0.1");
    expect(target.caPem()).toBe(certs.caCert);
    expect(target.identities()).toEqual(identities);
  });

  it("answers 401 with a Basic challenge to a wrong password", async () => {
    const res = await request(`${target.baseUrl()}/users/alice`, {
      dispatcher: agent,
      headers: { authorization: basic("alice", "pä ss:wörd") },
    });
    expect(res.statusCode).toBe(401);
    expect(String(res.headers["www-authenticate"])).toMatch(/^Basic /);
    await res.body.dump();
  });

  it("is not trusted by a client trusting another CA", async () => {
    const other = await createRunCertificates();
    const stranger = new Agent({ connect: { ca: other.caCert } });
    await expect(request(`${target.baseUrl()}/`, { dispatcher: stranger })).rejects.toThrow(
      /certificate/i,
    );
    await stranger.close();
  });

  it("refuses plaintext with a 4xx", async () => {
    const url = target.plaintextUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await request(`${url}/users/alice`, {
      headers: { authorization: basic("alice", identities[0]!.password) },
    });
    expect(res.statusCode).toBe(403);
    await res.body.dump();
  });

  it("runs hardened: read-only rootfs, no capabilities, loopback ports, non-root, limits", async () => {
    const docker = await getDocker();
    const info = await docker.getContainer(target.containerId()!).inspect();
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.HostConfig.CapDrop).toEqual(["ALL"]);
    expect(info.HostConfig.SecurityOpt).toContain("no-new-privileges");
    expect(info.HostConfig.PidsLimit).toBe(128);
    expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(info.HostConfig.Tmpfs).toHaveProperty("/tmp");
    expect(info.Config.User).toBe("65534:65534");
    expect(info.Config.Labels).toMatchObject({
      "baip.conformance": "1",
      "baip.run": runId,
      "baip.target": "echo-fixture",
    });
    const published = Object.entries(info.NetworkSettings.Ports ?? {});
    expect(published.map(([port]) => port).sort()).toEqual(["8080/tcp", "8443/tcp"]);
    for (const [, bindings] of published) {
      expect(bindings?.length).toBeGreaterThan(0);
      for (const binding of bindings ?? []) expect(binding.HostIp).toBe("127.0.0.1");
    }
    const mount = info.Mounts.find((m) => m.Destination === "/run/conformance");
    expect(mount?.RW).toBe(false);
  });

  it("cannot write its root filesystem nor the conformance files", async () => {
    const docker = await getDocker();
    const container = docker.getContainer(target.containerId()!);
    for (const path of ["/app/x", "/run/conformance/x", "/etc/x"]) {
      const exec = await container.exec({
        Cmd: ["touch", path],
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await exec.start({});
      await new Promise((resolve) => {
        stream.on("end", resolve);
        stream.resume();
      });
      expect((await exec.inspect()).ExitCode, path).not.toBe(0);
    }
  });

  it("reports liveness and logs", async () => {
    expect(await target.isAlive()).toBe(true);
    expect(await target.logTail(50)).toContain("Listening at: https://0.0.0.0:8443");
  });

  it("resets to a fresh container from the cached image", async () => {
    const before = target.containerId();
    await target.reset();
    console.log(`echo fixture reset (fresh container, cached image) in ${target.bootMs} ms`);
    checkBootTime(target.bootMs);
    expect(target.containerId()).not.toBe(before);
    expect(await labelledContainers()).toHaveLength(1);
    const res = await request(`${target.baseUrl()}/`, {
      dispatcher: agent,
      headers: { authorization: basic("alice", identities[0]!.password) },
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });

  it("boots again from the cached image, without building", async () => {
    expect((await resolveTargetImage(manifest, dir)).origin).toBe("cached");
    const t0 = Date.now();
    await using again = await bootTarget({ manifest, dir, identities, runId, tls: certs });
    console.log(
      `echo fixture boot from cached image: ${again.bootMs} ms (wall ${Date.now() - t0} ms)`,
    );
    checkBootTime(again.bootMs);
    expect(await again.isAlive()).toBe(true);
  });

  it("stops idempotently and leaves no labelled container nor files behind", async () => {
    const docker = await getDocker();
    const info = await docker.getContainer(target.containerId()!).inspect();
    const filesDir = info.Mounts.find((m) => m.Destination === "/run/conformance")?.Source;
    expect(filesDir && existsSync(filesDir)).toBe(true);
    await target.stop();
    await target.stop();
    expect(await labelledContainers()).toEqual([]);
    expect(existsSync(filesDir!)).toBe(false);
    expect(await target.isAlive()).toBe(false);
    expect(() => target.baseUrl()).toThrow(/not running/);
  });
});

describe("bootTarget failures", () => {
  beforeAll(() => {
    const engineError = inject("baipEngineError");
    if (engineError !== null) throw new Error(engineError);
  });

  it("stops waiting and removes the container when the boot is aborted", async () => {
    const { manifest, dir } = await loadManifest(fixture("never-ready"));
    const slow = { ...manifest, limits: { ...manifest.limits, bootTimeoutMs: 60_000 } };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1_500);
    const t0 = Date.now();
    const error = await bootTarget({
      manifest: slow,
      dir,
      identities,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/boot interrupted/);
    expect(Date.now() - t0).toBeLessThan(15_000);
    // Without a runId the session's (env BAIP_RUN_ID, set by the global setup) is used.
    expect(process.env.BAIP_RUN_ID).toBe(inject("baipRunId"));
    expect(await labelledContainers(inject("baipRunId"))).toEqual([]);
  });

  it("names the container and quotes its log when it exits, and removes it", async () => {
    const { manifest, dir } = await loadManifest(fixture("crash"));
    const error = await bootTarget({ manifest, dir, identities, runId: `${runId}-crash` }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TargetBootError);
    const boot = error as TargetBootError;
    expect(boot.containerId).toMatch(/^[0-9a-f]{64}$/);
    expect(boot.message).toContain(boot.containerId!.slice(0, 12));
    expect(boot.message).toContain("exit code 3");
    expect(boot.message).toContain("crash fixture: failing on purpose");
    expect(await labelledContainers(`${runId}-crash`)).toEqual([]);
  });

  it("times out within the manifest's bootTimeoutMs with the log tail", async () => {
    const { manifest, dir } = await loadManifest(fixture("never-ready"));
    const t0 = Date.now();
    const error = await bootTarget({ manifest, dir, identities, runId: `${runId}-never` }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TargetBootError);
    expect((error as Error).message).toMatch(
      /not ready after 2000 ms; last attempt: ECONNRE(FUSED|SET)/,
    );
    expect((error as Error).message).toContain("never-ready fixture: not listening");
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(await labelledContainers(`${runId}-never`)).toEqual([]);
  });
});

describe("bootTarget variants", () => {
  let certs: RunCertificates;
  let manifest: TargetManifest;
  let dir: string;
  beforeAll(async () => {
    const engineError = inject("baipEngineError");
    if (engineError !== null) throw new Error(engineError);
    certs = await createRunCertificates({ runId });
    ({ manifest, dir } = await loadManifest(fixture("echo")));
  });

  it("provides the files through a named volume where the engine cannot see host folders", async () => {
    process.env.BAIP_FILES_VIA = "volume";
    try {
      await using target = await bootTarget({
        manifest,
        dir,
        identities,
        runId: `${runId}-vol`,
        tls: certs,
      });
      const docker = await getDocker();
      const info = await docker.getContainer(target.containerId()!).inspect();
      const mount = info.Mounts.find((m) => m.Destination === "/run/conformance");
      expect(mount?.Type).toBe("volume");
      expect(mount?.RW).toBe(false);
      const agent = new Agent({ connect: { ca: certs.caCert } });
      const res = await request(`${target.baseUrl()}/`, {
        dispatcher: agent,
        headers: { authorization: basic("alice", identities[0]!.password) },
      });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      await agent.close();
      await target.stop();
      const volumes = await docker.listVolumes({
        filters: JSON.stringify({ label: [`${LABEL_RUN}=${runId}-vol`] }),
      });
      expect(volumes.Volumes ?? []).toEqual([]);
    } finally {
      delete process.env.BAIP_FILES_VIA;
    }
  });

  it("boots a URL target with listed identities and a private CA", async () => {
    await using container = await bootTarget({ manifest, dir, identities, runId, tls: certs });
    const work = await mkdtemp(join(tmpdir(), "baip-url-test-"));
    const caFile = join(work, "ca.pem");
    await writeFile(caFile, certs.caCert);
    const urlManifest: TargetManifest = {
      ...manifest,
      name: "echo-by-url",
      boot: { url: container.baseUrl() },
      plaintext: { url: container.plaintextUrl()! },
      identities: {
        list: [
          { username: "alice", passwordEnv: "BAIP_TEST_ALICE_PASSWORD", role: "user" },
          { username: "root-admin", password: "a:b:c", role: "admin" },
          { username: "nobody", password: "x", role: "user" },
        ],
      },
    };
    try {
      delete process.env.BAIP_TEST_ALICE_PASSWORD;
      await expect(bootTarget({ manifest: urlManifest, runId })).rejects.toThrow(
        "target echo-by-url: identities.list[0] (alice): environment variable BAIP_TEST_ALICE_PASSWORD is not set",
      );
      process.env.BAIP_TEST_ALICE_PASSWORD = identities[0]!.password;
      process.env.BAIP_CA_FILE = caFile;
      await using target = await bootTarget({ manifest: urlManifest, runId });
      expect(target.baseUrl()).toBe(container.baseUrl());
      expect(target.plaintextUrl()).toBe(container.plaintextUrl());
      expect(target.containerId()).toBeUndefined();
      expect(target.caPem()).toBe(certs.caCert);
      expect(target.identities()[0]).toMatchObject({
        username: "alice",
        password: identities[0]!.password,
        passwordSource: "env BAIP_TEST_ALICE_PASSWORD",
      });
      expect(await target.isAlive()).toBe(true);
      await expect(target.reset()).rejects.toThrow(/impossible for a URL target/);
    } finally {
      delete process.env.BAIP_TEST_ALICE_PASSWORD;
      delete process.env.BAIP_CA_FILE;
      await rm(work, { recursive: true, force: true });
    }
  });
});
