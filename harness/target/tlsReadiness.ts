// Readiness (docs/SPEC.md 2): the TLS port completes a handshake, verified against the
// run's CA only, and answers an HTTP request with any status. As a testcontainers wait
// strategy it also watches the container: if it exits, waiting stops at once, and the
// error quotes the container's last log lines (testcontainers then removes it).
import { request } from "node:https";
import type Dockerode from "dockerode";
import type { BoundPorts, WaitStrategy } from "testcontainers";
import { TargetBootError } from "./bootError.ts";
import { containerLogTail } from "./logs.ts";

export interface ProbeResult {
  ok: boolean;
  /** HTTP status when ok. */
  status?: number;
  /** Why not, one line (refused, TLS alert, timeout). */
  problem?: string;
}

/** One `GET /` over HTTPS trusting only `ca`. Never throws. */
export function probeHttps(
  host: string,
  port: number,
  ca: string,
  timeoutMs: number,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request(
      {
        host,
        port,
        path: "/",
        method: "GET",
        ca,
        agent: false,
        timeout: timeoutMs,
        headers: { connection: "close" },
      },
      (res) => {
        // The status is the answer; the body is not needed, and one that is huge or never
        // ends must not keep a socket (and the process) busy after the probe.
        resolve({ ok: true, status: res.statusCode ?? 0 });
        res.on("error", () => undefined);
        res.destroy();
      },
    );
    req.on("timeout", () =>
      req.destroy(
        Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" }),
      ),
    );
    req.on("error", (error: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        problem: `${error.code ? `${error.code}: ` : ""}${opensslReason(error.message)}`.split(
          "\n",
        )[0],
      }),
    );
    req.end();
  });
}

/**
 * OpenSSL's reason out of its error string: `write EPROTO 80...:error:0A00010B:SSL
 * routines:ssl3_get_record:wrong version number:../deps/...` becomes `wrong version number`.
 */
function opensslReason(message: string): string {
  return /error:[0-9A-Fa-f]+:[^:]*:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;
}

export class TlsReadinessStrategy implements WaitStrategy {
  private timeoutMs: number;
  private timeoutSet = false;

  constructor(
    private readonly targetName: string,
    private readonly containerPort: number,
    private readonly ca: string,
    timeoutMs = 60_000,
    private readonly signal?: AbortSignal,
    private readonly host = "127.0.0.1",
  ) {
    this.timeoutMs = timeoutMs;
  }

  async waitUntilReady(container: Dockerode.Container, boundPorts: BoundPorts): Promise<void> {
    const port = boundPorts.getBinding(this.containerPort);
    const deadline = Date.now() + this.timeoutMs;
    let last: ProbeResult = { ok: false, problem: "not tried" };
    for (;;) {
      if (this.signal?.aborted) {
        throw new TargetBootError(this.targetName, "boot interrupted", container.id);
      }
      const state = (await container.inspect()).State;
      if (!state.Running) {
        throw new TargetBootError(
          this.targetName,
          `container ${state.Status} with exit code ${state.ExitCode} before its TLS port ${this.containerPort} answered${state.OOMKilled ? " (killed: out of memory)" : ""}`,
          container.id,
          await containerLogTail(container.id, 20),
        );
      }
      last = await probeHttps(
        this.host,
        port,
        this.ca,
        Math.min(2_000, Math.max(100, deadline - Date.now())),
      );
      if (last.ok) return;
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw new TargetBootError(
      this.targetName,
      `TLS port ${this.containerPort} (host ${this.host}:${port}) not ready after ${this.timeoutMs} ms; last attempt: ${last.problem}`,
      container.id,
      await containerLogTail(container.id, 20),
    );
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.timeoutMs = startupTimeoutMs;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}
