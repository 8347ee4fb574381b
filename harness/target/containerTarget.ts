// A target running in a hardened container made by the harness.
import type { StartedTestContainer } from "testcontainers";
import { getDocker } from "../engine/ensureEngine.ts";
import type { Identity } from "../identity/identity.ts";
import type { TargetManifest } from "../manifest/schema.ts";
import type { RunCertificates } from "../tls/certificates.ts";
import { TargetBootError } from "./bootError.ts";
import { removeContainer, track, untrack } from "./cleanup.ts";
import { type ConformanceFiles, prepareConformanceFiles } from "./conformanceFiles.ts";
import { HardenedContainer } from "./hardenedContainer.ts";
import { labelsFor } from "./labels.ts";
import { containerLogTail } from "./logs.ts";
import type { StartedTarget } from "./startedTarget.ts";
import { TlsReadinessStrategy } from "./tlsReadiness.ts";

export interface ContainerTargetSpec {
  manifest: TargetManifest;
  dir?: string;
  image: string;
  identities: readonly Identity[];
  runId: string;
  certs: RunCertificates;
  /** Aborts waiting for readiness (the container is then removed). */
  signal?: AbortSignal;
}

/** Run as this uid:gid when the image would run as root. */
export const UNPRIVILEGED_USER = "65534:65534";

export class ContainerTarget implements StartedTarget {
  readonly manifest: TargetManifest;
  readonly manifestPath?: string;
  bootMs = 0;
  private container?: StartedTestContainer;
  private stopping?: Promise<void>;

  private constructor(
    private readonly spec: ContainerTargetSpec,
    private readonly files: ConformanceFiles,
    private readonly user: string | undefined,
  ) {
    this.manifest = spec.manifest;
    if (spec.dir !== undefined) this.manifestPath = spec.dir;
  }

  /** Start a container and wait for readiness. `startedAt` counts into bootMs. */
  static async start(spec: ContainerTargetSpec, startedAt = Date.now()): Promise<ContainerTarget> {
    const docker = await getDocker();
    const imageUser = (await docker.getImage(spec.image).inspect()).Config?.User ?? "";
    const runsAsRoot = imageUser === "" || /^(root|0)(:|$)/.test(imageUser);
    const files = await prepareConformanceFiles({
      certs: spec.certs,
      identities: spec.identities,
      labels: labelsFor(spec.runId, spec.manifest.name),
      image: spec.image,
    });
    const target = new ContainerTarget(spec, files, runsAsRoot ? UNPRIVILEGED_USER : undefined);
    try {
      await target.startContainer();
    } catch (error) {
      await files.remove();
      throw error;
    }
    target.bootMs = Date.now() - startedAt;
    return target;
  }

  private async startContainer(): Promise<void> {
    const { manifest, certs, image, runId } = this.spec;
    const ports = [manifest.tlsPort];
    if (manifest.plaintext !== undefined && "port" in manifest.plaintext)
      ports.push(manifest.plaintext.port);
    let createdId: string | undefined;
    const container = new HardenedContainer(image, {
      labels: labelsFor(runId, manifest.name),
      ports,
      files: this.files.mount,
      ...(this.user === undefined ? {} : { user: this.user }),
      onCreated: (id) => {
        createdId = id;
        track("containers", id);
      },
    }).withWaitStrategy(
      new TlsReadinessStrategy(
        manifest.name,
        manifest.tlsPort,
        certs.caCert,
        manifest.limits.bootTimeoutMs,
        this.spec.signal,
      ),
    );
    try {
      this.container = await container.start();
    } catch (error) {
      let failure = error;
      if (!(error instanceof TargetBootError)) {
        const reason = (error as Error).message.split("\n")[0] ?? String(error);
        const logs = createdId === undefined ? undefined : await containerLogTail(createdId, 20);
        failure = new TargetBootError(manifest.name, reason, createdId, logs);
      }
      if (createdId !== undefined) {
        await removeContainer(createdId).catch(() => undefined);
        untrack("containers", createdId);
      }
      throw failure;
    }
  }

  baseUrl(): string {
    return `https://127.0.0.1:${this.tlsEndpoint().port}`;
  }

  plaintextUrl(): string | undefined {
    const plaintext = this.manifest.plaintext;
    if (plaintext === undefined || !("port" in plaintext)) return undefined;
    return `http://127.0.0.1:${this.running().getMappedPort(plaintext.port)}`;
  }

  tlsEndpoint(): { host: string; port: number } {
    return { host: "127.0.0.1", port: this.running().getMappedPort(this.manifest.tlsPort) };
  }

  caPem(): string {
    return this.spec.certs.caCert;
  }

  identities(): readonly Identity[] {
    return this.spec.identities;
  }

  containerId(): string | undefined {
    return this.container?.getId();
  }

  async isAlive(): Promise<boolean> {
    const id = this.container?.getId();
    if (id === undefined) return false;
    try {
      const docker = await getDocker();
      return (await docker.getContainer(id).inspect()).State.Running;
    } catch {
      return false;
    }
  }

  async exitReason(): Promise<string | undefined> {
    const id = this.container?.getId();
    if (id === undefined) return "its container was removed";
    try {
      const docker = await getDocker();
      const state = (await docker.getContainer(id).inspect()).State;
      if (state.Running) return undefined;
      return `container ${id.slice(0, 12)} ${state.Status} with exit code ${state.ExitCode}${state.OOMKilled ? " (killed: out of memory)" : ""}`;
    } catch (error) {
      return `container ${id.slice(0, 12)} is gone (${(error as Error).message.split("\n")[0]})`;
    }
  }

  async logTail(lines = 20): Promise<string> {
    const id = this.container?.getId();
    return id === undefined ? "(no container)" : containerLogTail(id, lines);
  }

  async reset(): Promise<void> {
    if (this.stopping !== undefined) throw new Error(`target ${this.manifest.name} is stopped`);
    const startedAt = Date.now();
    await this.removeCurrent();
    await this.startContainer();
    this.bootMs = Date.now() - startedAt;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.removeCurrent();
      await this.files.remove();
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async removeCurrent(): Promise<void> {
    const id = this.container?.getId();
    this.container = undefined;
    if (id === undefined) return;
    await removeContainer(id);
    untrack("containers", id);
  }

  private running(): StartedTestContainer {
    if (this.container === undefined) {
      throw new Error(`target ${this.manifest.name} is not running (stopped, or a reset failed)`);
    }
    return this.container;
  }
}
