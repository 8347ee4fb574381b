// Sends and records every request of a run: stamps it with the requirement, counts it,
// keeps the current case's transcript, hands it to the cross-cutting inspectors, and
// keeps at most `concurrency` requests in flight (the manifest's limit: a service that
// cannot take concurrency is never driven past its capacity).
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import { Inconclusive } from "../failure.ts";
import type { Liveness } from "./liveness.ts";

export interface ExchangeSender {
  send(spec: RequestSpec): Promise<Exchange>;
}

/** Transport failures of the client itself, which say nothing about the target. */
const CLIENT_SIDE_ERRORS = new Set(["INVALID_REQUEST", "NO_PLAINTEXT_LISTENER"]);

export class Recorder {
  requirementId = "";
  /** Requests of the current requirement, and of the whole run. */
  requests = 0;
  totalRequests = 0;
  /** The current case's exchanges (a failure's transcript), while a case runs. */
  caseLog: Exchange[] | undefined;
  /** Sends started, and sends recorded: requests sent at once are recorded in start order. */
  private sendsStarted = 0;
  private sendsRecorded = 0;
  private readonly recordingTurns = new Map<number, () => void>();
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly sender: ExchangeSender,
    private readonly liveness: Liveness,
    private readonly options: {
      concurrency: number;
      signal?: AbortSignal | undefined;
      /** The identity whose valid credentials these are, if any (stamped on the exchange). */
      authenticatedAs: (auth: NonNullable<RequestSpec["auth"]>) => string | undefined;
      /** Called for every exchange (cross-cutting inspection, counters). */
      onExchange: (exchange: Exchange) => void;
      /** Called as each request starts (cached read-backs are stale from then on). */
      onSend: () => void;
    },
  ) {}

  /**
   * Sends and records one request. Throws only when the run cannot go on: Inconclusive
   * once it is interrupted (at once, not after the request in flight), TargetUnavailable
   * once the target stopped answering or its container died.
   */
  async send(spec: RequestSpec): Promise<Exchange> {
    // Requests sent at once (the read-backs of a snapshot) are recorded in the order they
    // were started, each after the one before it, exactly as if sent one after the other:
    // transcripts, counters and availability checks do not depend on which answer came first.
    const turn = this.sendsStarted++;
    let outcome: { exchange: Exchange } | { error: unknown };
    try {
      this.options.onSend();
      this.liveness.throwIfStopped();
      outcome = { exchange: await this.limited(() => this.sendRaw(spec)) };
    } catch (error) {
      outcome = { error };
    }
    if (turn !== this.sendsRecorded) {
      await new Promise<void>((resolve) => this.recordingTurns.set(turn, resolve));
    }
    try {
      if ("error" in outcome) throw outcome.error;
      // An earlier request of the same batch found the target gone: as if never sent.
      if (this.liveness.unavailable) throw this.liveness.unavailable;
      return await this.record(spec, outcome.exchange);
    } finally {
      this.sendsRecorded++;
      const next = this.recordingTurns.get(this.sendsRecorded);
      if (next !== undefined) {
        this.recordingTurns.delete(this.sendsRecorded);
        next();
      }
    }
  }

  /** One request outside the recording (health checks): bounded by the same limit. */
  sendUnrecorded(spec: RequestSpec): Promise<Exchange> {
    return this.limited(() => this.sender.send(spec));
  }

  private sendRaw(spec: RequestSpec): Promise<Exchange> {
    return untilAborted(this.sender.send(spec), this.options.signal);
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    while (this.inFlight >= this.options.concurrency) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inFlight++;
    try {
      return await task();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private async record(spec: RequestSpec, exchange: Exchange): Promise<Exchange> {
    this.totalRequests++;
    exchange.requirement = this.requirementId;
    const as = spec.auth ? this.options.authenticatedAs(spec.auth) : undefined;
    if (as !== undefined) exchange.authenticatedAs = as;
    this.requests++;
    this.caseLog?.push(exchange);
    this.options.onExchange(exchange);
    const transport = spec.transport ?? "tls";
    if (
      transport === "tls" &&
      exchange.response === undefined &&
      !CLIENT_SIDE_ERRORS.has(exchange.error?.code ?? "")
    ) {
      await this.liveness.checkAvailable(exchange, this.totalRequests);
    }
    return exchange;
  }
}

/** The promise, or an Inconclusive as soon as `signal` aborts (the promise is left to settle). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Inconclusive("run interrupted"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
