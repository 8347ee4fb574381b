// What a requirement's check gets: the started target, a recording client, the run's
// fast-check settings, and read-back of state. Checks speak to the resource model of the
// manifest (ctx.resources), never to hard-coded paths.
import type fc from "fast-check";
import type { Exchange, RequestSpec } from "../harness/http/exchange.ts";
import type { Identity } from "../harness/identity/identity.ts";
import type { ResourceSpec } from "../harness/manifest/schema.ts";
import type { StartedTarget } from "../harness/target/startedTarget.ts";
import type { OwnedRecord } from "./lib/resourceApi.ts";

/** Record values by contract field name, as read back by the owner. */
export type RecordState = Record<string, unknown>;
/** resource name -> record id -> state. */
export type Snapshot = Map<string, Map<string, RecordState>>;

/**
 * One record read back by its owner: its state, or `gone` (the owner's read answered 404
 * or 410 while the target answers: the record vanished), or why it could not be read.
 */
export type ReadBack =
  | { state: RecordState; exchange: Exchange }
  | { gone: number; exchange: Exchange }
  | { unreadable: string; exchange: Exchange };

export interface SuiteContext {
  readonly target: StartedTarget;
  readonly resources: readonly ResourceSpec[];
  /** Every record of the run: seeded, or created by the suite at its start (docs/SPEC.md 1b). */
  readonly records: readonly OwnedRecord[];
  readonly identities: {
    all: readonly Identity[];
    /** Identities whose role is not privileged. */
    unprivileged: readonly Identity[];
    privileged: readonly Identity[];
  };
  /** Requirement ID being checked; stamped on every exchange. */
  readonly requirementId: string;
  readonly numRuns: number;
  readonly seed: number;
  /** Send and record one request. Never throws for HTTP or transport errors. */
  send(spec: RequestSpec): Promise<Exchange>;
  /**
   * Run a fast-check property with the run's seed and numRuns. On failure, throws a
   * RequirementFailure carrying the shrunk counterexample, seed, path and the failing
   * case's transcript.
   */
  property<Ts extends [unknown, ...unknown[]]>(
    arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
    predicate: (...args: Ts) => Promise<void>,
    /**
     * shrink: false stops at the first failure (for cases that cost a container each).
     * serial: cases that change state on purpose (positive controls, MODEL-01) never run
     * in concurrent batches, which only pay off when passing cases change nothing.
     */
    options?: { numRuns?: number; shrink?: boolean; serial?: boolean },
  ): Promise<void>;
  /** Read every record as its owner through the resource's snapshot read. */
  snapshot(): Promise<Snapshot>;
  /** The one way a record is read back: as its owner, through its snapshot read. */
  readRecord(record: OwnedRecord): Promise<ReadBack>;
  /** The record as it was at the start of the run (read back then), if it could be read. */
  baselineOf(record: OwnedRecord): RecordState | undefined;
  /**
   * Create a record as `owner` through the resource's create operation (a check's own
   * record, beyond the run's): the exchange, and the record if the answer named its id.
   * The record is deleted again (where a delete is declared) when state is restored.
   */
  createRecord(
    owner: Identity,
    resource: ResourceSpec,
    body: Record<string, unknown>,
    extra?: Partial<RequestSpec>,
  ): Promise<{ exchange: Exchange; record?: OwnedRecord }>;
  /** Throw a RequirementFailure naming each differing field if the snapshots differ. */
  expectUnchanged(before: Snapshot, after: Snapshot, what: string): void;
  /**
   * Put every record back to its baseline (changed fields through their owners, deleted
   * records recreated; by replacing the container where the API cannot), so cases stay
   * independent and shrinking replays are sound.
   */
  restore(): Promise<void>;
  /**
   * This case could not be fully judged (e.g. the records cannot be read back). The
   * property goes on, since a later case may still fail for good; if none fails, the
   * requirement is INCONCLUSIVE with this reason, never passed.
   */
  cannotJudge(reason: string): void;
  /** Say that state may differ from the seeded one; the next case restores it first. */
  markDirty(): void;
}
