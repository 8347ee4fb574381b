// What a requirement's check gets: the started target, a recording client, the run's
// fast-check settings, and read-back of state. Checks speak to the resource model of the
// manifest (ctx.resources), never to hard-coded paths.
import type fc from "fast-check";
import type { Exchange, RequestSpec } from "../harness/http/exchange.ts";
import type { Identity } from "../harness/identity/identity.ts";
import type { ResourceSpec } from "../harness/manifest/schema.ts";
import type { StartedTarget } from "../harness/target/startedTarget.ts";

/** Record values by contract field name, as read back by the owner. */
export type RecordState = Record<string, unknown>;
/** resource name -> record id -> state. */
export type Snapshot = Map<string, Map<string, RecordState>>;

export interface SuiteContext {
  readonly target: StartedTarget;
  readonly resources: readonly ResourceSpec[];
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
    /** shrink: false stops at the first failure (for cases that cost a container each). */
    options?: { numRuns?: number; shrink?: boolean },
  ): Promise<void>;
  /** Read every record as its owner through the resource's snapshot read. */
  snapshot(): Promise<Snapshot>;
  /** Throw a RequirementFailure naming each differing field if the snapshots differ. */
  expectUnchanged(before: Snapshot, after: Snapshot, what: string): void;
  /**
   * Put every record back to its seeded values (through owners; by replacing the
   * container when a read-only field changed), so cases stay independent and shrinking
   * replays are sound.
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
