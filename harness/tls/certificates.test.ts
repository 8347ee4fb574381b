import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { beforeAll, describe, expect, it } from "vitest";
import { createRunCertificates, type RunCertificates, writeCertificates } from "./certificates.ts";

describe("createRunCertificates", () => {
  let certs: RunCertificates;
  let ca: X509Certificate;
  let server: X509Certificate;
  beforeAll(async () => {
    certs = await createRunCertificates({ runId: "unit-test" });
    ca = new X509Certificate(certs.caCert);
    server = new X509Certificate(certs.serverCert);
  });

  it("makes a CA that is a CA and self-signed", () => {
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain("BAIP run CA unit-test");
    expect(ca.checkIssued(ca)).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
  });

  it("issues the server certificate for localhost and 127.0.0.1 from the CA", () => {
    expect(server.ca).toBe(false);
    expect(server.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.issuer).toBe(ca.subject);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.keyUsage).toContain("1.3.6.1.5.5.7.3.1"); // serverAuth
  });

  it("is valid now and for at most a few days", () => {
    const now = Date.now();
    for (const cert of [ca, server]) {
      const from = new Date(cert.validFrom).getTime();
      const to = new Date(cert.validTo).getTime();
      expect(from).toBeLessThanOrEqual(now);
      expect(to).toBeGreaterThan(now + 24 * 3600_000);
      expect(to - from).toBeLessThanOrEqual(3 * 24 * 3600_000);
    }
  });

  it("gives a P-256 key matching the server certificate", () => {
    const key = createPrivateKey(certs.serverKey);
    expect(key.asymmetricKeyType).toBe("ec");
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(server.checkPrivateKey(key)).toBe(true);
    const pub = createPublicKey(key).export({ format: "der", type: "spki" });
    expect(server.publicKey.export({ format: "der", type: "spki" })).toEqual(pub);
  });

  it("makes different keys each time", async () => {
    const other = await createRunCertificates();
    expect(other.caCert).not.toBe(certs.caCert);
    expect(new X509Certificate(other.serverCert).serialNumber).not.toBe(server.serialNumber);
  });

  it("is accepted by a TLS client that trusts only the CA", async () => {
    const https = createServer({ cert: certs.serverCert, key: certs.serverKey }, (_req, res) =>
      res.end("ok"),
    );
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    const { port } = https.address() as { port: number };
    const agent = new Agent({ connect: { ca: certs.caCert } });
    try {
      for (const host of ["127.0.0.1", "localhost"]) {
        const res = await request(`https://${host}:${port}/`, { dispatcher: agent });
        expect(await res.body.text()).toBe("ok");
      }
      const stranger = await createRunCertificates();
      const distrust = new Agent({ connect: { ca: stranger.caCert } });
      await expect(
        request(`https://127.0.0.1:${port}/`, { dispatcher: distrust }),
      ).rejects.toThrow();
      await distrust.close();
    } finally {
      await agent.close();
      https.close();
    }
  });

  it("writes world-readable PEM files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baip-cert-test-"));
    try {
      const paths = await writeCertificates(certs, join(dir, "tls"));
      expect(await readFile(paths.certFile, "utf8")).toBe(certs.serverCert);
      expect(await readFile(paths.keyFile, "utf8")).toBe(certs.serverKey);
      expect((await stat(paths.keyFile)).mode & 0o777).toBe(0o644);
      expect((await stat(join(dir, "tls"))).mode & 0o777).toBe(0o755);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
