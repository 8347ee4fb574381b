// The SuiteContext one target's run hands to each requirement, composed of its parts:
// recording (recorder.ts), liveness (liveness.ts), property running (propertyRunner.ts)
// and state: records, baseline, read-back, restore (recordStore.ts). This file only
// wires them and decides who is in the run (identities left out, records lost).
import type fc from "fast-check";
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import type { ReadBack, RecordState, Snapshot, SuiteContext } from "../context.ts";
import type { Inconclusive, RequirementFailure } from "../failure.ts";
import type { OwnedRecord } from "../lib/resourceApi.ts";
import { operationsOf } from "../lib/resourceApi.ts";
import { findingKey } from "./findings.ts";
import { Liveness, TargetUnavailable } from "./liveness.ts";
import {
  type PropertyReproduction,
  PropertyRunner,
  type RecordedFinding,
} from "./propertyRunner.ts";
import { type ExchangeSender, Recorder } from "./recorder.ts";
import { RecordStore } from "./recordStore.ts";

export { diffSnapshots, isGone, UnreadableRecord } from "./recordStore.ts";
export type { ExchangeSender, PropertyReproduction, RecordedFinding };
export { TargetUnavailable };

export interface ContextOptions {
  target: StartedTarget;
  sender: ExchangeSender;
  numRuns: number;
  seed: number;
  /** Replay one case: fast-check path of a reported failure. */
  path?: string | undefined;
  /** Called for every exchange (cross-cutting inspection, counters). */
  onExchange: (exchange: Exchange) => void;
  /** Aborts the run (interrupt or deadline). */
  signal?: AbortSignal | undefined;
  /** Every case one at a time (`--serial`). */
  serial?: boolean | undefined;
}

/** An identity left out of the run, and why. */
export interface ExcludedIdentity {
  username: string;
  role: string;
  reason: string;
}

export class RunContext implements SuiteContext {
  private readonly liveness: Liveness;
  private readonly recorder: Recorder;
  private readonly state: RecordStore;
  private readonly runner: PropertyRunner;
  /** Identities left out of the run (failed sign-up, or see excludeUnauthenticated). */
  excludedIdentities: ExcludedIdentity[] = [];

  constructor(private readonly options: ContextOptions) {
    const target = options.target;
    this.liveness = new Liveness(
      target,
      (spec) => this.recorder.sendUnrecorded(spec),
      () => this.state.healthRequest(),
      options.signal,
    );
    this.recorder = new Recorder(options.sender, this.liveness, {
      concurrency: target.manifest.limits.concurrency,
      signal: options.signal,
      authenticatedAs: (auth) =>
        this.identities.all.find(
          (i) => (i.login ?? i.username) === auth.username && i.password === auth.password,
        )?.username,
      onExchange: options.onExchange,
      onSend: () => this.state.invalidate(),
    });
    this.state = new RecordStore(
      this,
      target,
      this.liveness,
      options.seed,
      () => this.identities.all,
    );
    const usernames = target.identities().map((i) => i.username);
    const state = this.state;
    this.runner = new PropertyRunner(
      {
        numRuns: options.numRuns,
        seed: options.seed,
        path: options.path,
        signal: options.signal,
        secrets: () => this.identities.all,
        serial: options.serial,
      },
      this.recorder,
      this.state,
      this.liveness,
      // Every identity, left-out ones too, every record id the run ever used (server-
      // assigned ids become `{id}` as user names do), and the declared operations.
      {
        endpoints: this.resources.flatMap((r) => operationsOf(r)),
        get ids() {
          return [...usernames, ...state.knownIds];
        },
      },
    );
  }

  get target(): StartedTarget {
    return this.options.target;
  }
  get resources(): readonly ResourceSpec[] {
    return this.options.target.manifest.resources;
  }
  get records(): readonly OwnedRecord[] {
    return this.state.records;
  }
  get numRuns(): number {
    return this.options.numRuns;
  }
  get seed(): number {
    return this.options.seed;
  }
  get requirementId(): string {
    return this.recorder.requirementId;
  }
  get findingScope() {
    return this.runner.findingScope;
  }
  get unavailable(): TargetUnavailable | undefined {
    return this.liveness.unavailable;
  }
  get requests(): number {
    return this.recorder.requests;
  }
  get cases(): number {
    return this.runner.cases;
  }
  get findings(): RecordedFinding[] {
    return this.runner.findings;
  }
  get inconclusive(): Inconclusive | undefined {
    return this.runner.inconclusive;
  }
  set inconclusive(reason: Inconclusive | undefined) {
    this.runner.inconclusive = reason;
  }
  /** Records a URL target could not have put back, and why. */
  get lostRecords() {
    return this.state.lost;
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

  /**
   * The run's starting state (sign-ups, created records, the baseline read back), before
   * any requirement. Its requests are judged by the cross-cutting requirements too.
   */
  async establish(): Promise<void> {
    this.recorder.requirementId = "(setup)";
    const problems = await this.state.establish();
    if (problems.length > 0) {
      this.excludedIdentities.push(...problems);
      this.state.keepOwners(new Set(this.identities.all.map((i) => i.username)));
    }
  }

  /**
   * After AUTHN-01 failed: read each identity's own record once, and leave out of the
   * rest of the run those whose valid credentials answer 401 or a 5xx, with their
   * records. Kept only if at least two identities, one of them unprivileged, remain:
   * otherwise nothing could be judged without them, and the run goes on as it was.
   */
  async excludeUnauthenticated(): Promise<void> {
    const left: ExcludedIdentity[] = [];
    const first = this.records[0]?.resource;
    for (const record of this.records.filter((r) => r.resource === first)) {
      const exchange = (await this.state.read(record)).exchange;
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
    this.excludedIdentities.push(...left);
    this.state.keepOwners(new Set(remaining.map((i) => i.username)));
  }

  /** Start a requirement: stamps exchanges, resets the per-requirement counters. */
  begin(requirementId: string): void {
    this.recorder.requirementId = requirementId;
    this.recorder.requests = 0;
    this.runner.begin();
  }

  send(spec: RequestSpec): Promise<Exchange> {
    return this.recorder.send(spec);
  }

  property<Ts extends [unknown, ...unknown[]]>(
    arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
    predicate: (...args: Ts) => Promise<void>,
    options: { numRuns?: number; shrink?: boolean; serial?: boolean } = {},
  ): Promise<void> {
    return this.runner.property(arbitraries, predicate, options);
  }

  /** A failure thrown by a check outside any property (a one-off request). */
  recordFailure(failure: RequirementFailure): void {
    const key = findingKey(failure.detail, this.findingScope);
    if (this.findings.some((f) => f.key === key)) return;
    this.findings.push({ key, detail: failure.detail });
  }

  snapshot(): Promise<Snapshot> {
    return this.state.snapshot();
  }

  readRecord(record: OwnedRecord): Promise<ReadBack> {
    return this.state.read(record);
  }

  baselineOf(record: OwnedRecord): RecordState | undefined {
    return this.state.baselineOf(record);
  }

  async createRecord(
    owner: Identity,
    resource: ResourceSpec,
    body: Record<string, unknown>,
    extra: Partial<RequestSpec> = {},
  ): Promise<{ exchange: Exchange; record?: OwnedRecord }> {
    const made = await this.state.create(owner, resource, body, extra);
    this.state.markDirty();
    if (made.record) this.state.trackExtra(made.record);
    return made;
  }

  expectUnchanged(before: Snapshot, after: Snapshot, what: string): void {
    this.state.expectUnchanged(before, after, what, (reason) => this.cannotJudge(reason));
  }

  cannotJudge(reason: string): void {
    this.runner.cannotJudge(reason);
  }

  markDirty(): void {
    this.state.markDirty();
  }

  restore(): Promise<void> {
    return this.state.restore();
  }
}

export type { Identity };
