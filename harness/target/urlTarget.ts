// A target someone else runs, reached by its https:// URL. The harness cannot restart it
// nor read its logs. Trust: the PEM file named by BAIP_CA_FILE if set (a private CA), else
// Node's bundled Mozilla root store (tls.rootCertificates), i.e. public web PKI.
import { readFile } from "node:fs/promises";
import { rootCertificates } from "node:tls";
import type { Identity } from "../identity/identity.ts";
import type { TargetManifest } from "../manifest/schema.ts";
import { TargetBootError } from "./bootError.ts";
import { listedIdentities, TargetConfigError, withLogin } from "./listedIdentities.ts";
import type { StartedTarget } from "./startedTarget.ts";
import { probeHttps } from "./tlsReadiness.ts";

export class UrlTarget implements StartedTarget {
  readonly manifest: TargetManifest;
  readonly manifestPath?: string;
  bootMs = 0;
  private readonly url: URL;

  private constructor(
    manifest: TargetManifest,
    dir: string | undefined,
    private readonly ca: string,
    private readonly ids: readonly Identity[],
  ) {
    this.manifest = manifest;
    if (dir !== undefined) this.manifestPath = dir;
    if (!("url" in manifest.boot)) throw new Error(`target ${manifest.name} is not a URL target`);
    this.url = new URL(manifest.boot.url);
  }

  static async start(
    manifest: TargetManifest,
    dir: string | undefined,
    env: NodeJS.ProcessEnv = process.env,
    startedAt = Date.now(),
    signal?: AbortSignal,
    /** Identities the suite registers itself (`identities.signUp`). */
    generated?: readonly Identity[],
  ): Promise<UrlTarget> {
    const identities =
      "signUp" in manifest.identities && generated !== undefined && generated.length > 0
        ? withLogin(manifest, generated)
        : listedIdentities(manifest, env);
    if (identities === undefined) {
      throw new TargetConfigError(
        `target ${manifest.name}: a URL target must list its accounts (identities.list) or declare identities.signUp: the harness cannot create users on a service it does not run`,
      );
    }
    const caFile = env.BAIP_CA_FILE;
    let ca: string;
    if (caFile !== undefined && caFile !== "") {
      ca = await readFile(caFile, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new Error(
          `BAIP_CA_FILE=${caFile}: cannot read (${error.code ?? error.message}): point it at a PEM file`,
        );
      });
    } else {
      ca = rootCertificates.join("\n");
    }
    const target = new UrlTarget(manifest, dir, ca, identities);
    const { host, port } = target.tlsEndpoint();
    const deadline = startedAt + manifest.limits.bootTimeoutMs;
    for (;;) {
      signal?.throwIfAborted();
      const probe = await probeHttps(
        host,
        port,
        ca,
        Math.min(5_000, manifest.limits.requestTimeoutMs),
      );
      if (probe.ok) break;
      if (Date.now() >= deadline) {
        throw new TargetBootError(
          manifest.name,
          `${target.baseUrl()} did not answer over TLS within ${manifest.limits.bootTimeoutMs} ms (${probe.problem}): ${urlProbeHint(probe.problem ?? "", caFile)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    target.bootMs = Date.now() - startedAt;
    return target;
  }

  /** The URL's origin and path prefix, without a trailing slash. */
  baseUrl(): string {
    return `${this.url.origin}${this.url.pathname.replace(/\/+$/, "")}`;
  }

  plaintextUrl(): string | undefined {
    const plaintext = this.manifest.plaintext;
    return plaintext !== undefined && "url" in plaintext
      ? plaintext.url.replace(/\/+$/, "")
      : undefined;
  }

  tlsEndpoint(): { host: string; port: number } {
    const host = this.url.hostname.replace(/^\[(.*)\]$/, "$1");
    return { host, port: this.url.port === "" ? 443 : Number(this.url.port) };
  }

  caPem(): string {
    return this.ca;
  }

  identities(): readonly Identity[] {
    return this.ids;
  }

  containerId(): string | undefined {
    return undefined;
  }

  async isAlive(): Promise<boolean> {
    const { host, port } = this.tlsEndpoint();
    return (await probeHttps(host, port, this.ca, 3_000)).ok;
  }

  async logTail(): Promise<string> {
    return "(no logs: URL target, run outside the harness)";
  }

  async reset(): Promise<void> {
    throw new Error(
      `target ${this.manifest.name}: reset() is impossible for a URL target (the harness does not run it): restore its accounts by hand`,
    );
  }

  async stop(): Promise<void> {
    // Nothing of ours to stop.
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** The likely fix for a URL target that did not answer, from the last probe's problem. */
export function urlProbeHint(problem: string, caFile: string | undefined): string {
  if (/^ECONNREFUSED\b/.test(problem))
    return "nothing listens there: start the service, or correct boot.url";
  if (/WRONG_VERSION_NUMBER|wrong version number|packet length too long|EPROTO/i.test(problem))
    return "something answers on that port, but not with TLS (a plaintext HTTP listener?): point boot.url at the service's HTTPS port";
  if (/CERT|SELF_SIGNED|UNABLE_TO_|ALTNAME|HOSTNAME/i.test(problem))
    return caFile
      ? `its certificate does not verify against BAIP_CA_FILE=${caFile}: point it at the CA that issued the service's certificate`
      : "its certificate does not verify against the public roots: for a private CA set BAIP_CA_FILE to the CA's PEM file";
  if (/ETIMEDOUT|timeout/i.test(problem))
    return "the service is up but did not answer in time: check that boot.url is its HTTPS port, or raise limits.bootTimeoutMs";
  return caFile
    ? "check boot.url and that the service is up"
    : "check boot.url and that the service is up; for a private CA set BAIP_CA_FILE";
}
