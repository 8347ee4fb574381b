// Per-run PKI (docs/SPEC.md 2): a CA made for the run and a server certificate for
// `localhost` and `127.0.0.1` issued by it. Clients trust only this CA. Made with the
// `openssl` CLI (present on Debian, macOS and CI images); EC P-256 keys.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

export interface RunCertificates {
  /** PEM of the run's CA certificate: the only trust anchor of clients. */
  caCert: string;
  /** PEM of the server certificate (SAN DNS:localhost, IP:127.0.0.1), issued by the CA. */
  serverCert: string;
  /** PEM (PKCS#8) of the server's private key. */
  serverKey: string;
}

export interface CertificateOptions {
  /** Put in the CA's common name, so certificates of different runs are told apart. */
  runId?: string;
  /** Validity in days (default 2: a run never lasts longer). */
  days?: number;
}

/** Make a fresh CA and server certificate. Takes ~50 ms. */
export async function createRunCertificates(
  options: CertificateOptions = {},
): Promise<RunCertificates> {
  const days = String(options.days ?? 2);
  const label = (options.runId ?? "run").replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 40);
  const work = await mkdtemp(join(tmpdir(), "baip-pki-"));
  const f = (name: string) => join(work, name);
  const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  try {
    await openssl([
      "req",
      "-x509",
      ...ecKey,
      "-keyout",
      f("ca.key"),
      "-out",
      f("ca.pem"),
      "-days",
      days,
      "-subj",
      `/O=BAIP conformance/CN=BAIP run CA ${label}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE,pathlen:0",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    await openssl([
      "req",
      "-new",
      ...ecKey,
      "-keyout",
      f("server.key"),
      "-out",
      f("server.csr"),
      "-subj",
      "/O=BAIP conformance/CN=localhost",
    ]);
    await writeFile(
      f("server.ext"),
      [
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature",
        "extendedKeyUsage=serverAuth",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "subjectKeyIdentifier=hash",
        "authorityKeyIdentifier=keyid",
        "",
      ].join("\n"),
    );
    await openssl([
      "x509",
      "-req",
      "-in",
      f("server.csr"),
      "-CA",
      f("ca.pem"),
      "-CAkey",
      f("ca.key"),
      "-set_serial",
      `0x${randomSerial()}`,
      "-days",
      days,
      "-sha256",
      "-extfile",
      f("server.ext"),
      "-out",
      f("server.pem"),
    ]);
    const [caCert, serverCert, serverKey] = await Promise.all(
      ["ca.pem", "server.pem", "server.key"].map((name) => readFile(f(name), "utf8")),
    );
    return { caCert: caCert!, serverCert: serverCert!, serverKey: serverKey! };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Write `ca.pem`, `cert.pem` and `key.pem` into `dir` (created if missing), readable by
 * any user: containers run as an unprivileged uid and read them through a bind mount.
 * The key is a throwaway made for one run. Returns the paths.
 */
export async function writeCertificates(
  certs: RunCertificates,
  dir: string,
): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  const paths = {
    caFile: join(dir, "ca.pem"),
    certFile: join(dir, "cert.pem"),
    keyFile: join(dir, "key.pem"),
  };
  const files: [string, string][] = [
    [paths.caFile, certs.caCert],
    [paths.certFile, certs.serverCert],
    [paths.keyFile, certs.serverKey],
  ];
  for (const [file, pem] of files) {
    await writeFile(file, pem);
    await chmod(file, 0o644); // Whatever the umask.
  }
  return paths;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await execFileP("openssl", args, { timeout: 30_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") {
      throw new Error("openssl not found on PATH: install it (Debian: apt-get install openssl)");
    }
    const detail = (e.stderr ?? e.message).trim().split("\n").slice(-1)[0];
    throw new Error(`openssl ${args[0]} failed: ${detail}`);
  }
}

function randomSerial(): string {
  // 16 random bytes with the top bit cleared: a positive serial (RFC 5280 4.1.2.2).
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString("hex");
}
