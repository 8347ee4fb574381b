// Is the target still there? A request that got no response is the request's own
// failure while the target answers a health check; when it does not (or its container
// exited), the run stops with TargetUnavailable rather than every remaining request
// waiting for its timeout, or a check reading a dead target as a broken one.
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import { Inconclusive } from "../failure.ts";

/**
 * The target stopped answering (a request and a health check after it got no response)
 * or its container is no longer running: nothing more of its run can be judged, so the
 * runner stops it and the target is INCONCLUSIVE with this reason (docs/SPEC.md 5).
 */
export class TargetUnavailable extends Inconclusive {
  override readonly name = "TargetUnavailable";
}

/** How long a target that stopped answering is watched for its container exiting. */
const EXIT_GRACE_MS = 5_000;

export class Liveness {
  /** Set once the target is found unavailable; every later send throws it. */
  unavailable: TargetUnavailable | undefined;

  constructor(
    private readonly target: StartedTarget,
    /** Sends one unrecorded request (no requirement judges a health check). */
    private readonly sendUnrecorded: (spec: RequestSpec) => Promise<Exchange>,
    /** A plain read of a record by its owner, or undefined when there is none. */
    private readonly healthRequest: () => RequestSpec | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Throws once the run cannot go on: interrupted, or the target is gone. */
  throwIfStopped(): void {
    if (this.unavailable) throw this.unavailable;
    if (this.signal?.aborted) throw new Inconclusive("run interrupted");
  }

  /** Mark the target unavailable for `reason` and throw it. */
  giveUp(reason: string): never {
    this.unavailable = new TargetUnavailable(reason);
    throw this.unavailable;
  }

  /**
   * An HTTPS request got no response. If the target still answers a plain read of a
   * record by its owner, the failure is this request's own and the check judges it.
   */
  async checkAvailable(failed: Exchange, requestsSoFar: number): Promise<void> {
    let exited = await this.target.exitReason?.();
    if (exited === undefined) {
      const request = this.healthRequest();
      const probe = request === undefined ? undefined : await this.sendUnrecorded(request);
      if (probe === undefined || probe.response !== undefined) return;
      // A container on its way out may still show as running: a process allocating its
      // way to the memory limit can take seconds to be killed on a busy machine. Give it
      // a moment, so that the cause named is the real one.
      const until = performance.now() + EXIT_GRACE_MS;
      while (exited === undefined && this.target.exitReason && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        exited = await this.target.exitReason();
      }
      if (exited === undefined)
        this.giveUp(
          `the target stopped answering: ${oneLine(failed)}, and a health check right after (${oneLine(probe)}) got no response either`,
        );
    }
    let cause = `the target died during the run: ${exited}, after ${requestsSoFar} requests (in flight: ${oneLine(failed)})`;
    const tail = await this.target.logTail(10).catch(() => "");
    if (tail) cause += `\n--- last log lines of the target ---\n${tail}`;
    this.giveUp(cause);
  }
}

/** `GET /users/x -> TIMEOUT (no complete response within 2000 ms)` */
function oneLine(exchange: Exchange): string {
  const r = exchange.request;
  const path = r.url.replace(/^https?:\/\/[^/]+/, "");
  const got = exchange.response
    ? String(exchange.response.status)
    : `${exchange.error?.code ?? "no response"} (${(exchange.error?.message ?? "").split("\n")[0]})`;
  return `${r.method} ${path} -> ${got}`;
}
