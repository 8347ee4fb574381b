// A GenericContainer with the hardening testcontainers has no builder methods for
// (ENVIRONMENT.md): ports published on 127.0.0.1 only, read-only root filesystem, no
// capabilities, no privilege gain, bounded pids and memory, a tmpfs /tmp, a non-root
// user, and the conformance files mounted read-only at /run/conformance.
import { GenericContainer } from "testcontainers";

export const CONFORMANCE_DIR = "/run/conformance";

/** Where the files of /run/conformance come from. */
export type ConformanceFilesMount =
  /** A host folder, bind-mounted read-only (local engines). */
  | { bind: string }
  /** A named volume filled beforehand, mounted read-only (engines on another machine). */
  | { volume: string };

export interface HardeningOptions {
  labels: Record<string, string>;
  /** Container ports to publish on 127.0.0.1 (random host ports). */
  ports: number[];
  files: ConformanceFilesMount;
  /** User to run as; undefined keeps the image's (only when it is not root). */
  user?: string;
  memoryBytes?: number;
  pidsLimit?: number;
  /** Called with the id as soon as the container exists (before start), for cleanup. */
  onCreated?: (id: string) => void;
}

export const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024;
export const DEFAULT_PIDS_LIMIT = 128;

export class HardenedContainer extends GenericContainer {
  constructor(
    image: string,
    private readonly hardening: HardeningOptions,
  ) {
    super(image);
    this.withExposedPorts(...hardening.ports)
      .withLabels(hardening.labels)
      .withTmpFs({ "/tmp": "rw,noexec,nosuid,nodev,size=64m" })
      .withEnvironment({ PYTHONDONTWRITEBYTECODE: "1" });
    if (hardening.user !== undefined) this.withUser(hardening.user);
  }

  protected override async beforeContainerCreated(): Promise<void> {
    const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
    for (const port of this.hardening.ports) {
      bindings[`${port}/tcp`] = [{ HostIp: "127.0.0.1", HostPort: "" }];
    }
    const memory = this.hardening.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    const files = this.hardening.files;
    Object.assign(this.hostConfig, {
      PortBindings: bindings,
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      PidsLimit: this.hardening.pidsLimit ?? DEFAULT_PIDS_LIMIT,
      Memory: memory,
      MemorySwap: memory,
      Mounts: [
        "bind" in files
          ? { Type: "bind", Source: files.bind, Target: CONFORMANCE_DIR, ReadOnly: true }
          : { Type: "volume", Source: files.volume, Target: CONFORMANCE_DIR, ReadOnly: true },
      ],
    });
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    this.hardening.onCreated?.(containerId);
  }
}
