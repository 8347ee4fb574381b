// The SuiteContext one target's run hands to each requirement: recording, fast-check
// plumbing (seed, numRuns, shrunk counterexample, failing transcript) and read-back.
import fc from "fast-check";
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import type { RecordState, Snapshot, SuiteContext } from "../context.ts";
import { type FailureDetail, Inconclusive, RequirementFailure, SuiteError } from "../failure.ts";
import { judgingCase } from "../lib/judging.ts";
import {
  allRecords,
  credentialsOf,
  fromTargetRecord,
  jsonOf,
  type OwnedRecord,
  pathFor,
  readAs,
  readEndpoint,
  seededState,
  writeAs,
  writeKinds,
} from "../lib/resourceApi.ts";
import { type FindingScope, findingKey } from "./findings.ts";
import { redactValue } from "./redact.ts";
import { escapeInvisible } from "./visible.ts";

export interface ExchangeSender {
  send(spec: RequestSpec): Promise<Exchange>;
}

/** Where a property's failure came from: replays it and shows the shrunk case. */
export interface PropertyReproduction {
  seed: number;
  path?: string;
  counterexample?: string;
  numRuns: number;
}

/** One distinct failure a requirement found (see findings.ts for what "distinct" is). */
export interface RecordedFinding {
  key: string;
  detail: FailureDetail;
  /** Absent for a failure found outside a property (no seed or path replays it). */
  reproduction?: PropertyReproduction;
}

/** Fast-check runs of one property, at most: the first finding and up to 3 more. */
const MAX_ROUNDS = 4;
/** Bound on each run after the first (a run that finds nothing new ends the search). */
const EXTRA_ROUND_MS = 45_000;

/**
 * The target stopped answering (a request and a health check after it got no response)
 * or its container is no longer running: nothing more of its run can be judged, so the
 * runner stops it and the target is INCONCLUSIVE with this reason (docs/SPEC.md 5).
 */
export class TargetUnavailable extends Inconclusive {
  override readonly name = "TargetUnavailable";
}

/** A record its owner could not read back; `answered`: the target did answer (alive). */
export class UnreadableRecord extends Inconclusive {
  constructor(
    reason: string,
    readonly answered: boolean,
  ) {
    super(reason);
  }
}

/** How long a target that stopped answering is watched for its container exiting. */
const EXIT_GRACE_MS = 5_000;

/** Transport failures of the client itself, which say nothing about the target. */
const CLIENT_SIDE_ERRORS = new Set(["INVALID_REQUEST", "NO_PLAINTEXT_LISTENER"]);

export interface ContextOptions {
  target: StartedTarget;
  sender: ExchangeSender;
  numRuns: number;
  seed: number;
  /** Replay one case: fast-check path of a reported failure. */
  path?: string;
  /** Called for every exchange (cross-cutting inspection, counters). */
  onExchange: (exchange: Exchange) => void;
  /** Aborts the run (interrupt or deadline). */
  signal?: AbortSignal;
}

export class RunContext implements SuiteContext {
  requirementId = "";
  private caseLog: Exchange[] | undefined;
  private dirty = false;
  private lastSnapshot: Snapshot | undefined;
  /** Why some case of the current property could not be fully judged. */
  private unjudged: string | undefined;
  private records: OwnedRecord[];
  /** Identities left out of the run (see excludeUnauthenticated). */
  excludedIdentities: Array<{ username: string; role: string; reason: string }> = [];
  private propertyIndex = 0;
  /** Set once the target is found unavailable; every later send throws it. */
  unavailable: TargetUnavailable | undefined;
  /** Containers replaced by restore() since a record was last read back. */
  private resetsSinceReadBack = 0;
  private totalRequests = 0;
  /** Sends started, and sends recorded: requests sent at once are recorded in start order. */
  private sendsStarted = 0;
  private sendsRecorded = 0;
  private readonly recordingTurns = new Map<number, () => void>();
  requests = 0;
  cases = 0;
  /** Distinct failures of the current requirement, the first found first. */
  findings: RecordedFinding[] = [];
  /** Why the current requirement cannot pass, if some property could not be judged. */
  inconclusive: Inconclusive | undefined;

  constructor(private readonly options: ContextOptions) {
    this.records = allRecords(this);
    const endpoints = this.resources.flatMap((r) => [
      ...r.reads,
      ...(r.replace ? [r.replace] : []),
      ...(r.merge ? [r.merge] : []),
    ]);
    this.findingScope = { ids: options.target.identities().map((i) => i.username), endpoints };
  }

  get target(): StartedTarget {
    return this.options.target;
  }
  get resources() {
    return this.options.target.manifest.resources;
  }
  get numRuns(): number {
    return this.options.numRuns;
  }
  get seed(): number {
    return this.options.seed;
  }
  /**
   * Names that finding keys are written in (findings.ts): every identity, left-out ones
   * too, and the declared operations. Fixed for the run, so made once.
   */
  readonly findingScope: FindingScope;

  /**
   * After AUTHN-01 failed: read each identity's own record once, and leave out of the
   * rest of the run those whose valid credentials answer 401 or a 5xx, with their
   * records. Kept only if at least two identities, one of them unprivileged, remain:
   * otherwise nothing could be judged without them, and the run goes on as it was.
   */
  async excludeUnauthenticated(): Promise<void> {
    const left: Array<{ username: string; role: string; reason: string }> = [];
    for (const record of this.records.filter((r) => r.resource === this.records[0]?.resource)) {
      const exchange = await readAs(this, record.owner, record);
      const status = exchange.response?.status;
      if (status === 401 || (status !== undefined && status >= 500)) {
        left.push({
          username: record.owner.username,
          role: record.owner.role,
          reason: `its valid credentials got ${status} on a read of its own record (AUTHN-01)`,
        });
      }
    }
    const remaining = this.identities.all.filter(
      (i) => !left.some((l) => l.username === i.username),
    );
    const privileged = this.options.target.manifest.privilegedRoles;
    if (remaining.length < 2 || !remaining.some((i) => !privileged.includes(i.role))) return;
    if (left.length === 0) return;
    this.excludedIdentities = left;
    this.records = allRecords(this);
    this.lastSnapshot = undefined;
  }

  get identities() {
    const excluded = new Set(this.excludedIdentities.map((i) => i.username));
    const all = this.options.target.identities().filter((i) => !excluded.has(i.username));
    const privileged = this.options.target.manifest.privilegedRoles;
    return {
      all,
      unprivileged: all.filter((i) => !privileged.includes(i.role)),
      privileged: all.filter((i) => privileged.includes(i.role)),
    };
  }

  /** Start a requirement: stamps exchanges, resets the per-requirement property counter. */
  begin(requirementId: string): void {
    this.requirementId = requirementId;
    this.propertyIndex = 0;
    this.requests = 0;
    this.cases = 0;
    this.findings = [];
    this.inconclusive = undefined;
  }

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
      this.lastSnapshot = undefined;
      this.throwIfStopped();
      const exchange = await untilAborted(this.options.sender.send(spec), this.options.signal);
      outcome = { exchange };
    } catch (error) {
      outcome = { error };
    }
    if (turn !== this.sendsRecorded) {
      await new Promise<void>((resolve) => this.recordingTurns.set(turn, resolve));
    }
    try {
      if ("error" in outcome) throw outcome.error;
      // An earlier request of the same batch found the target gone: as if never sent.
      if (this.unavailable) throw this.unavailable;
      return await this.recordSent(spec, outcome.exchange);
    } finally {
      this.sendsRecorded++;
      const next = this.recordingTurns.get(this.sendsRecorded);
      if (next !== undefined) {
        this.recordingTurns.delete(this.sendsRecorded);
        next();
      }
    }
  }

  private async recordSent(spec: RequestSpec, exchange: Exchange): Promise<Exchange> {
    this.totalRequests++;
    exchange.requirement = this.requirementId;
    const auth = spec.auth;
    if (
      auth &&
      this.identities.all.some((i) => i.username === auth.username && i.password === auth.password)
    ) {
      exchange.authenticatedAs = auth.username;
    }
    this.requests++;
    this.caseLog?.push(exchange);
    this.options.onExchange(exchange);
    const transport = spec.transport ?? "tls";
    if (
      transport === "tls" &&
      exchange.response === undefined &&
      !CLIENT_SIDE_ERRORS.has(exchange.error?.code ?? "")
    ) {
      await this.checkAvailable(exchange);
    }
    return exchange;
  }

  private throwIfStopped(): void {
    if (this.unavailable) throw this.unavailable;
    if (this.options.signal?.aborted) throw new Inconclusive("run interrupted");
  }

  /**
   * An HTTPS request got no response. If the target still answers a plain read of a
   * seeded record by its owner, the failure is this request's own and the check judges
   * it; if not (or the container is gone), the target is unavailable and the run stops,
   * rather than every remaining request waiting for its timeout, or a check reading a
   * dead target as a broken one.
   */
  private async checkAvailable(failed: Exchange): Promise<void> {
    const target = this.options.target;
    let exited = await target.exitReason?.();
    if (exited === undefined) {
      const probe = await this.healthCheck();
      if (probe === undefined || probe.response !== undefined) return;
      // A container on its way out may still show as running: a process allocating its
      // way to the memory limit can take seconds to be killed on a busy machine. Give it
      // a moment, so that the cause named is the real one.
      const until = performance.now() + EXIT_GRACE_MS;
      while (exited === undefined && target.exitReason && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        exited = await target.exitReason();
      }
      if (exited === undefined) {
        this.unavailable = new TargetUnavailable(
          `the target stopped answering: ${oneLine(failed)}, and a health check right after (${oneLine(probe)}) got no response either`,
        );
        throw this.unavailable;
      }
    }
    let cause = `the target died during the run: ${exited}, after ${this.totalRequests} requests (in flight: ${oneLine(failed)})`;
    const tail = await target.logTail(10).catch(() => "");
    if (tail) cause += `\n--- last log lines of the target ---\n${tail}`;
    this.unavailable = new TargetUnavailable(cause);
    throw this.unavailable;
  }

  /** One read of a seeded record by its owner, unrecorded (no requirement judges it). */
  private async healthCheck(): Promise<Exchange | undefined> {
    const record = this.records[0];
    if (record === undefined) return undefined;
    const ep = readEndpoint(record.resource);
    return this.options.sender.send({
      method: ep.method,
      path: pathFor(ep.path, record.id),
      auth: credentialsOf(record.owner),
    });
  }

  async property<Ts extends [unknown, ...unknown[]]>(
    arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
    predicate: (...args: Ts) => Promise<void>,
    options: { numRuns?: number; shrink?: boolean } = {},
  ): Promise<void> {
    // Each property of a requirement gets its own seed derived from the run's, so that
    // adding a property does not change the cases of the others.
    const seed = (this.options.seed + this.propertyIndex++ * 7919) | 0;
    // One finding must not hide another: after a failure, the same cases run again with
    // the findings already known passing, until no new one turns up (or the cap: each
    // round costs a full property run, and only failing targets pay it).
    const known = new Set(this.findings.map((f) => f.key));
    const rounds = this.options.path ? 1 : options.shrink === false ? 2 : MAX_ROUNDS;
    let judged = 0;
    let serverError: string | undefined;
    this.unjudged = undefined;
    for (let round = 0; round < rounds; round++) {
      const outcome = await this.checkOnce(arbitraries, predicate, {
        seed,
        numRuns: this.options.path ? 1 : (options.numRuns ?? this.options.numRuns),
        shrink: options.shrink !== false,
        known,
        // The first run is the property's own; each later one only looks for what the
        // first hid, within a bound, so that a failing target costs a bounded multiple.
        ...(round > 0 ? { timeLimitMs: EXTRA_ROUND_MS } : {}),
        onCase: (notJudged) => {
          if (round > 0) return;
          if (notJudged === undefined) judged++;
          else serverError ??= notJudged;
        },
      });
      if (outcome === undefined) break;
      if (outcome instanceof Inconclusive) {
        // Not judged (state unreadable, no case met the precondition): the check goes on
        // with its other properties; the requirement cannot pass.
        this.noteInconclusive(outcome);
        return;
      }
      known.add(outcome.key);
      this.findings.push(outcome);
    }
    if (this.findings.length > 0) return;
    // Nothing failed, but some cases could not be fully judged: no pass can be claimed.
    if (this.unjudged) this.noteInconclusive(new Inconclusive(this.unjudged, "state-unreadable"));
    else if (judged === 0 && serverError !== undefined)
      this.noteInconclusive(
        new Inconclusive(`no case could be judged: ${serverError}`, "server-error"),
      );
  }

  /**
   * One fast-check run: undefined when it held, the new finding when a case failed for a
   * reason not in `known`, or the Inconclusive that stopped it. Throws when the run
   * cannot go on (interrupted, target unavailable) and SuiteError for a bug of the suite.
   */
  private async checkOnce<Ts extends [unknown, ...unknown[]]>(
    arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
    predicate: (...args: Ts) => Promise<void>,
    run: {
      seed: number;
      numRuns: number;
      shrink: boolean;
      known: ReadonlySet<string>;
      timeLimitMs?: number;
      onCase: (notJudged: string | undefined) => void;
    },
  ): Promise<RecordedFinding | Inconclusive | undefined> {
    let failingLog: Exchange[] = [];
    // Once a case could not be judged (interrupted, target unavailable, state unreadable),
    // shrinking it would only repeat requests, each up to its timeout, against a target
    // that cannot be judged: later runs of this property pass at once, and fast-check
    // reports the first failure, unshrunk.
    let inconclusive: Inconclusive | undefined;
    const noteInconclusive = (error: unknown) => {
      if (error instanceof Inconclusive) inconclusive ??= error;
    };
    const scope = this.findingScope;
    const deadline =
      run.timeLimitMs === undefined ? undefined : performance.now() + run.timeLimitMs;
    const prop = fc.asyncProperty(
      ...(arbitraries as unknown as [fc.Arbitrary<unknown>]),
      async (...args: unknown[]) => {
        if (inconclusive) return;
        // Past the round's bound, the remaining cases pass at once, so that fast-check
        // ends (reporting the smallest failure found so far, if shrinking). Not its own
        // interruptAfterTimeLimit: that leaves the case in flight running, and its
        // requests would race the next property's (or a container reset).
        if (deadline !== undefined && performance.now() > deadline) return;
        if (this.dirty)
          await this.restore().catch((error: unknown) => {
            noteInconclusive(error);
            throw error;
          });
        this.cases++;
        this.caseLog = [];
        let notJudged: string | undefined;
        try {
          await judgingCase({ notJudged: (reason) => (notJudged ??= reason) }, () =>
            predicate(...(args as Ts)),
          );
          run.onCase(notJudged);
        } catch (error) {
          // A finding already reported: this case says nothing new.
          if (
            error instanceof RequirementFailure &&
            run.known.has(findingKey(error.detail, scope))
          ) {
            this.markDirty();
            return;
          }
          failingLog = this.caseLog;
          noteInconclusive(error);
          throw error;
        } finally {
          this.caseLog = undefined;
        }
      },
    );
    const details = await fc.check(prop, {
      seed: run.seed,
      numRuns: run.numRuns,
      // Cases skipped by fc.pre are cheap to generate but not to run: give up early.
      maxSkipsPerRun: 3,
      ...(run.shrink ? {} : { endOnFailure: true }),
      ...(this.options.path ? { path: this.options.path, endOnFailure: true } : {}),
    });
    if (!details.failed) return undefined;
    const error = details.errorInstance;
    if (error instanceof Inconclusive) {
      if (this.unavailable || this.options.signal?.aborted) throw error;
      return error;
    }
    if (error === null && details.numSkips > 0) {
      return new Inconclusive(
        `no case could be judged: ${details.numSkips} generated cases did not meet the check's precondition`,
        "no-case",
      );
    }
    if (!(error instanceof RequirementFailure)) {
      throw new SuiteError(
        `${this.requirementId}: the check itself failed (a bug in the suite, not a verdict about the target): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        error,
      );
    }
    const secrets = this.identities.all;
    const detail = { ...error.detail, exchanges: failingLog };
    return {
      key: findingKey(error.detail, scope),
      detail,
      reproduction: {
        seed: details.seed,
        path: details.counterexamplePath ?? undefined,
        counterexample: details.counterexample
          ? escapeInvisible(fc.stringify(redactValue(details.counterexample, secrets)))
          : undefined,
        numRuns: details.numRuns,
      },
    };
  }

  /** A failure thrown by a check outside any property (a one-off request). */
  recordFailure(failure: RequirementFailure): void {
    const key = findingKey(failure.detail, this.findingScope);
    if (this.findings.some((f) => f.key === key)) return;
    this.findings.push({ key, detail: failure.detail });
  }

  private noteInconclusive(reason: Inconclusive): void {
    this.inconclusive ??= reason;
  }

  /** Read one record as its owner, contract-named. Unreadable means we cannot judge. */
  async readBack(record: OwnedRecord): Promise<RecordState> {
    const state = this.stateOf(record, await readAs(this, record.owner, record));
    this.resetsSinceReadBack = 0;
    return state;
  }

  /**
   * Every record read back as its owner, the requests sent at once over the client's
   * keep-alive connections instead of one after the other (a snapshot took four round
   * trips; `npm run bench`). Settled results in record order; the caller does the
   * bookkeeping of readBack in that order, so nothing depends on which answer came first.
   */
  private async readAll(): Promise<Array<{ state: RecordState } | { error: unknown }>> {
    return Promise.all(
      this.records.map(async (record) => {
        try {
          return { state: this.stateOf(record, await readAs(this, record.owner, record)) };
        } catch (error) {
          return { error };
        }
      }),
    );
  }

  /**
   * The record an owner's read answered; a gone record when the owner's read answered 404
   * or 410 (the target answers, so the record vanished: a change, docs/SPEC.md section 3);
   * else UnreadableRecord.
   */
  private stateOf(record: OwnedRecord, exchange: Exchange): RecordState {
    const status = exchange.response?.status;
    if (status === 404 || status === 410) return goneState(status);
    const state = status === 200 ? fromTargetRecord(record.resource, jsonOf(exchange)) : undefined;
    if (!state) {
      throw new UnreadableRecord(
        `cannot read back ${record.resource.name} ${record.id} as its owner (${answerOf(exchange)}): integrity cannot be judged`,
        exchange.response !== undefined,
      );
    }
    return state;
  }

  async snapshot(): Promise<Snapshot> {
    // Nothing was sent since the last read-back (one case's "after" is the next case's
    // "before"): the records are what they were, so reading them again proves nothing new.
    if (this.lastSnapshot) return this.lastSnapshot;
    const reads = await this.readAll();
    const snap: Snapshot = new Map();
    for (const [i, record] of this.records.entries()) {
      const read = reads[i]!;
      if ("error" in read) throw read.error;
      if (!isGone(read.state)) this.resetsSinceReadBack = 0;
      const state = read.state;
      const byId = snap.get(record.resource.name) ?? new Map<string, RecordState>();
      snap.set(record.resource.name, byId);
      byId.set(record.id, state);
    }
    this.lastSnapshot = snap;
    return snap;
  }

  expectUnchanged(before: Snapshot, after: Snapshot, what: string): void {
    const goneBefore = [...before.values()].some((records) => [...records.values()].some(isGone));
    if (goneBefore) {
      // A record missing before the case cannot show what the case did to it.
      this.dirty = true;
      this.cannotJudge("a record was already gone before the case (its owner's read answered 404)");
    }
    const diffs = diffSnapshots(before, after);
    if (diffs.length === 0) return;
    this.dirty = true;
    throw new RequirementFailure({
      kind: "state changed",
      title: `state changed after ${what}`,
      expected: "every record read back identical (docs/SPEC.md: no state change)",
      actual: diffs.slice(0, 4).join("; "),
      hint: "reject the request before touching the store, and apply updates atomically",
    });
  }

  cannotJudge(reason: string): void {
    this.unjudged ??= reason;
  }

  markDirty(): void {
    this.dirty = true;
  }

  async restore(): Promise<void> {
    this.throwIfStopped();
    this.dirty = false;
    // The records as they are now: the last snapshot if nothing was sent since (as in
    // snapshot()), else all read at once. A record after a restoring write is read again
    // on its own: the write may have changed it too.
    const reused = this.records.map((r) => this.lastSnapshot?.get(r.resource.name)?.get(r.id));
    let reads: Array<{ state: RecordState } | { error: unknown }> | undefined = reused.every(
      (state) => state !== undefined,
    )
      ? reused.map((state) => ({ state }))
      : await this.readAll();
    let allRead = true;
    for (const [i, record] of this.records.entries()) {
      const seeded = seededState(record);
      let unreadable: unknown;
      let now: RecordState | undefined;
      const read = reads?.[i];
      if (read === undefined) {
        now = await this.readBack(record).catch((error: unknown) => {
          unreadable = error;
          return undefined;
        });
      } else if ("state" in read) {
        now = read.state;
        if (!isGone(now)) this.resetsSinceReadBack = 0;
      } else {
        unreadable = read.error;
      }
      if (now === undefined) allRead = false;
      // An interrupted or dead run is not a changed record: never replace the container then.
      this.throwIfStopped();
      if (now && sameState(now, seeded)) continue;
      // Gone again from a fresh container: the target never serves it; leave it, and the
      // checks that need it are inconclusive on their own.
      if (now && isGone(now) && this.resetsSinceReadBack > 0) continue;
      // The target answered, but not with the record (its owner cannot log in, say): it
      // is alive, and no restart would make the record readable. Leave it; checks that
      // need it are inconclusive on their own.
      if (!now && unreadable instanceof UnreadableRecord && unreadable.answered) continue;
      if (!now && this.resetsSinceReadBack > 0) {
        // A fresh container did not help: replacing it again would not either, and each
        // replacement is a boot. The records cannot be read, so nothing can be judged.
        this.unavailable = new TargetUnavailable(
          `${unreadable instanceof Inconclusive ? unreadable.reason : String(unreadable)}, even from a freshly started container`,
        );
        throw this.unavailable;
      }
      const readOnlyChanged =
        !now ||
        Object.keys(record.resource.readOnly).some(
          (f) => !sameValue(now[f], seeded[f]) && f in seeded,
        );
      if (readOnlyChanged) {
        // The API cannot undo this (role/username are read-only): start over from users.json.
        this.resetsSinceReadBack++;
        await this.options.target.reset();
        this.lastSnapshot = undefined;
        return;
      }
      // Put back only what changed, through a merge where there is one: a target that
      // rejects a seeded value on write (a byte limit on a name users.json holds) is then
      // restored without replacing its container whenever another field changed.
      const kinds = writeKinds(record.resource);
      const kind = kinds.includes("merge") ? "merge" : kinds[0];
      if (!kind)
        throw new Inconclusive(
          `resource ${record.resource.name} declares no update endpoint to restore state`,
          "precondition",
        );
      const fields = Object.keys(record.resource.writable).filter(
        (f) => kind === "replace" || !sameValue(now?.[f], seeded[f]),
      );
      const body = Object.fromEntries(fields.map((f) => [f, seeded[f]]));
      const ex = await writeAs(this, record.owner, record, kind, body);
      reads = undefined;
      allRead = false;
      if (ex.response?.status === undefined || ex.response.status >= 300) {
        await this.options.target.reset();
        this.lastSnapshot = undefined;
        return;
      }
    }
    // Nothing changed and every record was read with nothing sent since: the next
    // snapshot is these records, as snapshot() itself would reuse them.
    if (allRead && reads !== undefined) {
      const snap: Snapshot = new Map();
      for (const [i, record] of this.records.entries()) {
        const read = reads[i];
        if (read === undefined || !("state" in read)) return;
        const byId = snap.get(record.resource.name) ?? new Map<string, RecordState>();
        snap.set(record.resource.name, byId);
        byId.set(record.id, read.state);
      }
      this.lastSnapshot = snap;
    }
  }
}

/** Why a read-back gave no record: `404`, `TIMEOUT`, `200 with a body over the size cap`. */
function answerOf(exchange: Exchange): string {
  const response = exchange.response;
  if (response === undefined) return exchange.error?.code ?? "no response";
  if (response.status !== 200) return String(response.status);
  return response.bodyTruncated
    ? "200 with a body over the size cap, truncated"
    : "200 with a body that is not a JSON record";
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

/**
 * The one rule for "the same value" of a field read back: equal as JSON, the form it
 * travelled in (the restore, the snapshot diff and the read-only check all use it; they
 * used Object.is, JSON text and !== and disagreed on -0).
 */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameState(a: RecordState, b: RecordState): boolean {
  return Object.keys(b).every((k) => sameValue(a[k], b[k]));
}

/** Field of a record read back as gone; no contract field has this name. */
const GONE = "(gone)";

function goneState(status: number): RecordState {
  return { [GONE]: status };
}

export function isGone(state: RecordState): boolean {
  return Object.hasOwn(state, GONE);
}

export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const diffs: string[] = [];
  for (const [resource, records] of before) {
    for (const [id, state] of records) {
      const next = after.get(resource)?.get(id);
      if (next !== undefined && isGone(next) && !isGone(state)) {
        diffs.push(
          `${resource} ${id}: readable before, gone after (its owner's read answered ${next[GONE]})`,
        );
        continue;
      }
      for (const field of new Set([...Object.keys(state), ...Object.keys(next ?? {})])) {
        const a = state[field];
        const b = next?.[field];
        if (!sameValue(a, b)) {
          diffs.push(
            escapeInvisible(
              `${resource} ${id}.${field}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`,
            ),
          );
        }
      }
    }
  }
  return diffs;
}

export type { Identity };
