import type { Identity } from "../identity/identity.ts";
import type { TargetManifest } from "../manifest/schema.ts";

/**
 * A running target, however it was booted (container from a Dockerfile or image, or a
 * URL of a service someone else runs). Suites see only this.
 */
export interface StartedTarget extends AsyncDisposable {
  readonly manifest: TargetManifest;
  /** Folder of the manifest (for messages), or undefined for inline manifests. */
  readonly manifestPath?: string;
  /** `https://127.0.0.1:PORT` */
  baseUrl(): string;
  /** `http://127.0.0.1:PORT` of the plaintext listener, if the target has one. */
  plaintextUrl(): string | undefined;
  /** Host and port of the TLS listener, for raw sockets (TLS-03, TLS-04). */
  tlsEndpoint(): { host: string; port: number };
  /** PEM of the CA the client must trust (and only it). */
  caPem(): string;
  /** The identities seeded into the target. */
  identities(): readonly Identity[];
  /** Container id, if any (boot errors and fault tests name it). */
  containerId(): string | undefined;
  /** Whether the target process is still alive (containers: still running). */
  isAlive(): Promise<boolean>;
  /**
   * Why the target is no longer running, one line (`container abc123 exited with code 70
   * (killed: out of memory)`), or undefined while it runs or when the harness cannot tell
   * (URL targets).
   */
  exitReason?(): Promise<string | undefined>;
  /** Last log lines (for errors). */
  logTail(lines?: number): Promise<string>;
  /**
   * Bring back the seeded state when the API cannot (a broken target let a read-only
   * field change): containers are replaced by a fresh one from the same image and
   * users.json, so getters above may return new ports afterwards. URL targets throw.
   */
  reset(): Promise<void>;
  /** Stop and remove everything made for this target. Idempotent. */
  stop(): Promise<void>;
  /** Milliseconds from boot request to readiness. */
  readonly bootMs: number;
}
